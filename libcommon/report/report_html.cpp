// One self-contained page: inline CSS, inline SVG charts, every table; no
// script, font or image from elsewhere. XHTML-compatible markup (every
// element closed, every attribute quoted) so strict XML parsers read it.
#include <fmt/format.h>

#include "report/report_svg.hpp"
#include "report/report_tables.hpp"
#include "report/report_writer.hpp"

namespace spamflow {

namespace {

constexpr const char *kStyle = R"css(
body { font-family: sans-serif; margin: 2em; color: #222; max-width: 60em; }
table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.9em; }
th, td { border-bottom: 1px solid #ddd; padding: 0.15em 0.6em; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
p.note { font-size: 0.9em; color: #555; }
svg.chart { display: block; margin: 0.5em 0; font-size: 11px; }
svg .bar { fill: #b00020; }
svg .total { stroke: #888; stroke-width: 1.5; }
svg .spam { stroke: #b00020; stroke-width: 1.5; }
svg .ban-add { stroke: #000; stroke-dasharray: 3 2; }
svg .ban-remove { stroke: #0a0; stroke-dasharray: 3 2; }
@media print { body { margin: 0; } h2 { break-after: avoid; } }
)css";

void chart_for(const Report &r, const ReportTable &t, std::string &out) {
  if (t.name == "country" && t.column("spam") >= 0) {
    std::vector<SvgBar> bars;
    auto cc = static_cast<std::size_t>(t.column("cc")),
         spam = static_cast<std::size_t>(t.column("spam"));
    for (const auto &row : t.rows)
      bars.push_back({cell_text(row[cc], ReportColumn::Kind::kText), cell_number(row[spam])});
    out += svg_bar_chart("Spam by country", bars);
  } else if (t.name == "time_week") {
    std::vector<std::array<double, 24>> rows;
    for (const auto &row : t.rows) {
      std::array<double, 24> v{};
      for (std::size_t h = 0; h < 24; ++h)
        v[h] = cell_number(row[h + 1]);
      rows.push_back(v);
    }
    out += svg_heat_map("Spam by day of week and hour", rows);
  } else if (t.name == "time_series") {
    std::vector<SvgPoint> points;
    auto rec = static_cast<std::size_t>(t.column("records")),
         spam = static_cast<std::size_t>(t.column("spam"));
    for (const auto &row : t.rows) {
      auto when = parse_rfc3339(cell_text(row[0], ReportColumn::Kind::kText));
      if (when) points.push_back({when->epoch_s, cell_number(row[rec]), cell_number(row[spam])});
    }
    out +=
        svg_time_series("Records (grey) and spam (red); dashed lines: bans", points, r.ban_marks);
  }
}

void table_html(const ReportTable &t, std::string &out) {
  out += "<table>\n<tr>";
  for (const ReportColumn &c : t.columns)
    out += "<th>" + html_escape(c.name) + "</th>";
  out += "</tr>\n";
  for (const auto &row : t.rows) {
    out += "<tr>";
    for (std::size_t i = 0; i < row.size(); ++i) {
      ReportColumn::Kind kind = t.columns[i].kind;
      bool number = kind != ReportColumn::Kind::kText && kind != ReportColumn::Kind::kTime;
      out += number ? "<td class=\"n\">" : "<td>";
      out += html_escape(cell_text(row[i], kind)) + "</td>";
    }
    out += "</tr>\n";
  }
  out += "</table>\n";
}

class HtmlWriter : public ReportWriter {
public:
  void write(const Report &r, std::string &out) const override {
    out += "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
           "<meta charset=\"utf-8\"/>\n<title>spamflow report</title>\n<style>";
    out += kStyle;
    out += "</style>\n</head>\n<body>\n<h1>spamflow report</h1>\n";
    out += "<p>Database: " + html_escape(r.database) +
           "<br/>Period: " + html_escape(period_text(r)) +
           "<br/>Records: " + std::to_string(r.records) + "</p>\n";
    if (r.records == 0)
      out += "<p>No records in this period.</p>\n";
    else
      for (const ReportTable &t : r.tables) {
        out += fmt::format("<h2 id=\"{}\">{}</h2>\n", html_escape(t.name), html_escape(t.title));
        chart_for(r, t, out);
        table_html(t, out);
        for (const std::string &n : t.notes)
          out += "<p class=\"note\">" + html_escape(n) + "</p>\n";
      }
    out += "</body>\n</html>\n";
  }
};

} // namespace

std::unique_ptr<ReportWriter> make_html_writer() {
  return std::make_unique<HtmlWriter>();
}

} // namespace spamflow
