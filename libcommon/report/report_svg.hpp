// Inline SVG charts for the HTML report. Each chart is an accessible image
// (role="img", a <title> and a <desc> named by aria-labelledby), scales to
// its box (viewBox, no fixed width), has labelled axes (class "axis-label")
// and a legend, and takes its colours from the page's CSS, so light and dark
// schemes both work. Every label goes through html_escape; the SVG is XML,
// valid inside XHTML and HTML alike.
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

// What every chart says about itself: `id` names its title and description
// for aria-labelledby, so it must be unique in the page.
struct SvgChartText {
  std::string id, title, desc;
};

struct SvgBar {
  std::string label;
  double value = 0;
};
// Horizontal bars, one per label; the x axis counts `unit`.
std::string svg_bar_chart(const SvgChartText &text, const std::string &unit,
                          const std::vector<SvgBar> &bars);

// rows: 7 days (Mon..Sun) x 24 hours; a colour scale from 0 to the maximum.
std::string svg_heat_map(const SvgChartText &text, const std::vector<std::array<double, 24>> &rows);

struct SvgPoint {
  std::int64_t time = 0;
  double total = 0, spam = 0;
};
// Two lines over time (records, spam per `unit`, e.g. "hour"); ban events
// are ticks under the time axis, added bans above removed ones.
std::string svg_time_series(const SvgChartText &text, const std::string &unit,
                            const std::vector<SvgPoint> &points,
                            const std::vector<ReportBanMark> &marks);

// 1234567 as "1.2M", 12345 as "12k", small numbers whole: for axis ticks.
std::string short_number(double v);

} // namespace spamflow
