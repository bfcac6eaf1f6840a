#include "report/report_writer.hpp"

#include <fmt/format.h>

#include "report/report_tables.hpp"
#include "wire/json_writer.hpp"

namespace spamflow {

std::unique_ptr<ReportWriter> make_report_writer(std::string_view format,
                                                 const WriterOptions &options) {
  if (format == "text") return make_text_writer(options);
  if (format == "csv") return make_csv_writer();
  if (format == "json") return make_json_writer();
  if (format == "html") return make_html_writer();
  return nullptr;
}

std::string printable_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    std::size_t ok = valid_utf8_prefix(text);
    for (std::size_t i = 0; i < ok; ++i) {
      auto c = static_cast<unsigned char>(text[i]);
      if (c < 0x20 || c == 0x7f) {
        out += '?';
      } else if (c == 0xc2 && i + 1 < ok && static_cast<unsigned char>(text[i + 1]) < 0xa0) {
        out += '?'; // C1 control U+0080..U+009F
        ++i;
      } else {
        out += static_cast<char>(c);
      }
    }
    if (ok == text.size()) break;
    out += "\xEF\xBF\xBD";
    text.remove_prefix(ok + 1);
  }
  return out;
}

std::size_t display_width(std::string_view text) {
  std::size_t n = 0;
  for (char c : text)
    n += (static_cast<unsigned char>(c) & 0xc0) != 0x80 ? 1 : 0;
  return n;
}

std::string period_text(const Report &r) {
  const ZoneConverter *none = nullptr;
  return fmt::format("{} to {} UTC{}", report_time_text(r.since, none).substr(0, 19),
                     report_time_text(r.until, none).substr(0, 19),
                     r.tz.empty() ? "" : "; times of day in " + r.tz);
}

std::string period_length_text(std::int64_t s) {
  if (s >= 2 * 86400 && s % 3600 == 0)
    return s % 86400 == 0 ? fmt::format("{} days", s / 86400)
                          : fmt::format("{:.1f} days", static_cast<double>(s) / 86400.0);
  if (s >= 2 * 3600) return fmt::format("{:.0f} hours", static_cast<double>(s) / 3600.0);
  return fmt::format("{:.0f} minutes", static_cast<double>(s) / 60.0);
}

std::string period_text_short(const Report &r) {
  return fmt::format("{} to {} UTC ({}){}", report_time_short(r.since, nullptr),
                     report_time_short(r.until, nullptr), period_length_text(r.until - r.since),
                     r.tz.empty() ? "" : "; times of day in " + r.tz);
}

std::string empty_period_text(const Report &r) {
  std::string s = "No records in this period.";
  if (r.has_span)
    s += fmt::format(" The database holds records from {} to {} UTC; to count --since back from "
                     "its last record (a replay of old logs), add --anchor last.",
                     report_time_short(r.first_record, nullptr),
                     report_time_short(r.last_record, nullptr));
  return s;
}

} // namespace spamflow
