// report's output formats, one writer per format behind one interface:
// text (report_text.cpp), csv (report_csv.cpp), json (report_json.cpp) and
// html (report_html.cpp, charts in report_svg.cpp).
#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "report/report_model.hpp"

namespace spamflow {

struct WriterOptions {
  bool color = false; // ANSI colour (text only): when stdout is a terminal and NO_COLOR is unset
  int width = 80;     // text width
};

class ReportWriter {
public:
  virtual ~ReportWriter() = default;
  // Appends the whole report to `out`.
  virtual void write(const Report &report, std::string &out) const = 0;
};

// nullptr for an unknown format name.
std::unique_ptr<ReportWriter> make_report_writer(std::string_view format,
                                                 const WriterOptions &options);

std::unique_ptr<ReportWriter> make_text_writer(const WriterOptions &options);
std::unique_ptr<ReportWriter> make_csv_writer();
std::unique_ptr<ReportWriter> make_json_writer();
std::unique_ptr<ReportWriter> make_html_writer();

// Log-derived text made safe to print: invalid UTF-8 becomes U+FFFD and
// control characters (C0, DEL, C1) become '?', so no escape sequence from a
// log reaches a terminal or a file viewer.
std::string printable_text(std::string_view text);
// Characters (code points) of valid UTF-8 text, for column alignment.
std::size_t display_width(std::string_view text);
// "Period: … to … (N records)", shared by the writers' headings.
std::string period_text(const Report &report);
// "2026-09-07 00:00 to 2026-09-14 00:00 UTC (7 days)", for headings.
std::string period_text_short(const Report &report);
// "7 days", "8 hours", "30 minutes": a period's length in words.
std::string period_length_text(std::int64_t seconds);
// "No records in this period." and, when the database holds records
// elsewhere, where they are and how to count back from the last one.
std::string empty_period_text(const Report &report);

} // namespace spamflow
