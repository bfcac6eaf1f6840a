// Inline SVG charts for the HTML report. Every label goes through
// html_escape; the SVG is XML, valid inside XHTML and HTML alike.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "report/report_model.hpp"

namespace spamflow {

// & < > " ' as entities, after printable_text (no control characters, no
// invalid UTF-8): safe in element content and in quoted attributes.
std::string html_escape(std::string_view text);

struct SvgBar {
  std::string label;
  double value = 0;
};
std::string svg_bar_chart(const std::string &title, const std::vector<SvgBar> &bars);

// rows: 7 days (Mon..Sun) x 24 hours.
std::string svg_heat_map(const std::string &title, const std::vector<std::array<double, 24>> &rows);

struct SvgPoint {
  std::int64_t time = 0;
  double total = 0, spam = 0;
};
std::string svg_time_series(const std::string &title, const std::vector<SvgPoint> &points,
                            const std::vector<ReportBanMark> &marks);

} // namespace spamflow
