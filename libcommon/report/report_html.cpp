// One self-contained page, a dashboard to read every morning: key figures
// with their change against the previous period of the same length, a table
// of contents, then each report with its chart, table and notes. Inline CSS
// and inline SVG only: no script, font or image from elsewhere, so it reads
// the same in a mail, offline and on paper. Light and dark follow
// prefers-color-scheme; wide tables scroll inside their own box, so the page
// itself fits a 420 px phone. XHTML-compatible markup (every element closed,
// every attribute quoted) so strict XML parsers read it.
#include <fmt/format.h>

#include "report/report_svg.hpp"
#include "report/report_tables.hpp"
#include "report/report_writer.hpp"

namespace spamflow {

namespace {

constexpr const char *kStyle = R"css(
:root { color-scheme: light dark; --fg: #1d1d1f; --muted: #5f6368; --bg: #fff; --card: #f6f7f9;
  --line: #dde1e6; --accent: #b00020; --total: #6b7280; --good: #137333; --bad: #b00020;
  --link: #0b57d0; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e8eaed; --muted: #a0a6ad; --bg: #16181c; --card: #202329; --line: #3a3f47;
    --accent: #ff6b81; --total: #a0a6ad; --good: #81c995; --bad: #ff8a80; --link: #8ab4f8; } }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto;
  padding: 1rem; max-width: 72rem; color: var(--fg); background: var(--bg); }
a { color: var(--link); }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--line); }
.meta, p.note { color: var(--muted); font-size: .9rem; overflow-wrap: anywhere; }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr)); gap: .6rem;
  margin: 1rem 0; }
.kpi { background: var(--card); border: 1px solid var(--line); border-radius: 8px;
  padding: .6rem .8rem; }
.kpi .label { display: block; color: var(--muted); font-size: .85rem; }
.kpi .value { display: block; font-size: 1.5rem; font-weight: 600;
  font-variant-numeric: tabular-nums; }
.kpi .delta { font-size: .8rem; color: var(--muted); }
.kpi .up { color: var(--bad); } .kpi .down { color: var(--good); }
nav.toc ol { columns: 14rem; margin: .3rem 0; padding-left: 1.4rem; }
nav.toc li { break-inside: avoid; }
main { display: grid; grid-template-columns: minmax(0, 1fr); column-gap: 2rem; }
@media (min-width: 56rem) { main { grid-template-columns: repeat(2, minmax(0, 1fr)); }
  main > * { grid-column: 1 / -1; } main > section.half { grid-column: auto; } }
.table-wrap { display: inline-block; vertical-align: top; overflow-x: auto; max-width: 100%;
  margin: .5rem 0 1rem; border: 1px solid var(--line); border-radius: 6px; }
table { border-collapse: collapse; font-size: .85rem; }
th, td { border-bottom: 1px solid var(--line); padding: .2rem .6rem; text-align: left; }
th { background: var(--card); position: sticky; top: 0; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
td.t, td.n { white-space: nowrap; }
details summary { cursor: pointer; color: var(--muted); font-size: .9rem; }
svg.chart { display: block; width: 100%; max-width: 50rem; height: auto; margin: .5rem 0;
  font-size: 11px;
  fill: var(--fg); }
svg .tick, svg .value, svg .legend { fill: var(--muted); }
svg .axis-label { fill: var(--fg); font-weight: 600; }
svg .axis { stroke: var(--muted); } svg .grid { stroke: var(--line); }
svg .bar, svg .heat, svg .swatch-spam { fill: var(--accent); }
svg .swatch-total { fill: var(--total); }
svg .total { stroke: var(--total); stroke-width: 1.5; }
svg .spam { stroke: var(--accent); stroke-width: 1.5; }
svg .ban-add, svg .swatch-ban-add { stroke: var(--fg); fill: var(--fg); stroke-width: 1.5; }
svg .ban-remove, svg .swatch-ban-remove { stroke: var(--good); fill: var(--good);
  stroke-width: 1.5; }
@media print { body { max-width: none; padding: 0; font-size: 11pt; } nav.toc { display: none; }
  h2 { break-after: avoid; } svg.chart, .kpi { break-inside: avoid; }
  .table-wrap { overflow: visible; border: 0; } th { position: static; } }
)css";

// Tables longer than this are folded under their chart (the chart shows
// them; the rows are one click away).
constexpr std::size_t kFoldRows = 30;

std::string pct_change(std::int64_t now, std::int64_t before) {
  double c = (static_cast<double>(now) - static_cast<double>(before)) /
             static_cast<double>(before) * 100.0;
  return fmt::format("{:+.0f}%", c);
}

// One key figure; `more_is_bad` colours an increase (more spam is bad news).
void key_figure(std::string &out, const Report &r, const char *label, std::int64_t now,
                std::int64_t before, bool more_is_bad) {
  out += fmt::format("<div class=\"kpi\"><span class=\"label\">{}</span>"
                     "<span class=\"value\">{}</span>",
                     label, short_number(static_cast<double>(now)));
  if (r.has_previous && before > 0) {
    const char *cls = now == before ? "" : (now > before) == more_is_bad ? "up" : "down";
    out += fmt::format("<span class=\"delta {}\">{}</span> <span class=\"delta\">vs {} "
                       "before</span>",
                       cls, pct_change(now, before), short_number(static_cast<double>(before)));
  } else if (r.has_previous) {
    out += "<span class=\"delta\">none in the previous period</span>";
  }
  out += "</div>\n";
}

void key_figures(const Report &r, std::string &out) {
  out += "<section class=\"kpis\" aria-label=\"Key figures\">\n";
  const PeriodCounts &c = r.current, &p = r.previous;
  key_figure(out, r, "Records", c.records, p.records, true);
  key_figure(out, r, "Spam", c.spam, p.spam, true);
  out += fmt::format(
      "<div class=\"kpi\"><span class=\"label\">Spam share</span>"
      "<span class=\"value\">{:.1f}%</span>",
      c.records > 0 ? 100.0 * static_cast<double>(c.spam) / static_cast<double>(c.records) : 0.0);
  if (r.has_previous && p.records > 0)
    out += fmt::format("<span class=\"delta\">{:.1f}% before</span>",
                       100.0 * static_cast<double>(p.spam) / static_cast<double>(p.records));
  out += "</div>\n";
  key_figure(out, r, "Clients", c.clients, p.clients, true);
  key_figure(out, r, "Bans added", c.bans_added, p.bans_added, false);
  key_figure(out, r, "Flags (slipped)", c.flags, p.flags, true);
  out += "</section>\n";
  if (r.has_previous)
    out += fmt::format("<p class=\"meta\">Change against the previous {} (from {} UTC).</p>\n",
                       period_length_text(r.until - r.since),
                       report_time_short(r.since - (r.until - r.since), nullptr));
}

void chart_for(const Report &r, const ReportTable &t, std::string &out) {
  if (t.name == "country" && t.column("spam") >= 0) {
    std::vector<SvgBar> bars;
    auto cc = static_cast<std::size_t>(t.column("cc")),
         spam = static_cast<std::size_t>(t.column("spam"));
    for (const auto &row : t.rows)
      bars.push_back({cell_text(row[cc], ReportColumn::Kind::kText), cell_number(row[spam])});
    out += svg_bar_chart({"chart-country", "Spam by country",
                          "Spam records of the countries that send most, one bar each."},
                         "spam records", bars);
  } else if (t.name == "time_week") {
    std::vector<std::array<double, 24>> rows;
    for (const auto &row : t.rows) {
      std::array<double, 24> v{};
      for (std::size_t h = 0; h < 24; ++h)
        v[h] = cell_number(row[h + 1]);
      rows.push_back(v);
    }
    out += svg_heat_map({"chart-week", "Spam by day of week and hour of day",
                         "Heat map: darker cells had more spam records in that hour."},
                        rows);
  } else if (t.name == "time_series") {
    std::vector<SvgPoint> points;
    auto rec = static_cast<std::size_t>(t.column("records")),
         spam = static_cast<std::size_t>(t.column("spam"));
    for (const auto &row : t.rows) {
      auto when = parse_rfc3339(cell_text(row[0], ReportColumn::Kind::kText));
      if (when) points.push_back({when->epoch_s, cell_number(row[rec]), cell_number(row[spam])});
    }
    std::string unit = t.title.substr(t.title.rfind(' ') + 1);
    out += svg_time_series(
        {"chart-series", t.title,
         fmt::format("Records and spam per {} over the period; ticks under the time axis mark "
                     "{} ban events.",
                     unit, r.ban_marks.size())},
        unit, points, r.ban_marks);
  }
}

// A cell as shown: times "2026-09-07 00:00" in a <time> element.
void cell_html(const ReportCell &cell, ReportColumn::Kind kind, std::string &out) {
  std::string text = cell_text(cell, kind);
  if (kind == ReportColumn::Kind::kTime && text.size() >= 16) {
    std::string shown = text.substr(0, 16);
    shown[10] = ' ';
    out += "<td class=\"t\"><time datetime=\"" + html_escape(text) + "\">" + html_escape(shown) +
           "</time></td>";
    return;
  }
  bool number = kind != ReportColumn::Kind::kText && kind != ReportColumn::Kind::kTime;
  out += number ? "<td class=\"n\">" : "<td>";
  out += html_escape(text) + "</td>";
}

void table_html(const ReportTable &t, std::string &out) {
  bool fold = t.rows.size() > kFoldRows;
  if (fold) out += fmt::format("<details><summary>Table: {} rows</summary>\n", t.rows.size());
  out += "<div class=\"table-wrap\"><table>\n<thead><tr>";
  for (const ReportColumn &c : t.columns)
    out += "<th scope=\"col\">" + html_escape(c.name) + "</th>";
  out += "</tr></thead>\n<tbody>\n";
  for (const auto &row : t.rows) {
    out += "<tr>";
    for (std::size_t i = 0; i < row.size(); ++i)
      cell_html(row[i], t.columns[i].kind, out);
    out += "</tr>\n";
  }
  out += "</tbody></table></div>\n";
  if (fold) out += "</details>\n";
}

void contents(const Report &r, std::string &out) {
  out += "<nav class=\"toc\" aria-label=\"Contents\"><strong>Contents</strong><ol>\n";
  for (const ReportTable &t : r.tables)
    out +=
        fmt::format("<li><a href=\"#{}\">{}</a></li>\n", html_escape(t.name), html_escape(t.title));
  out += "</ol></nav>\n";
}

class HtmlWriter : public ReportWriter {
public:
  void write(const Report &r, std::string &out) const override {
    out += "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
           "<meta charset=\"utf-8\"/>\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
           "<meta name=\"color-scheme\" content=\"light dark\"/>\n";
    out += "<title>spamflow report, " + html_escape(report_time_short(r.since, nullptr)) + " to " +
           html_escape(report_time_short(r.until, nullptr)) + " UTC</title>\n<style>";
    out += kStyle;
    out += "</style>\n</head>\n<body>\n<header><h1>spamflow report</h1>\n";
    out += "<p class=\"meta\">" + html_escape(period_text_short(r)) + " · " +
           std::to_string(r.records) + " records · database " + html_escape(r.database) +
           " · made " + html_escape(report_time_short(r.generated, nullptr)) +
           " UTC</p></header>\n<main>\n";
    if (r.records == 0) {
      out += "<p>" + html_escape(empty_period_text(r)) + "</p>\n";
    } else {
      key_figures(r, out);
      contents(r, out);
      for (const ReportTable &t : r.tables) {
        // Narrow tables without a chart (summary, reasons) share a row.
        bool half = t.columns.size() <= 3 && t.name != "country" && t.name != "time_week" &&
                    t.name != "time_series";
        out += fmt::format("<section id=\"{}\"{}>\n<h2>{}</h2>\n", html_escape(t.name),
                           half ? " class=\"half\"" : "", html_escape(t.title));
        chart_for(r, t, out);
        table_html(t, out);
        for (const std::string &n : t.notes)
          out += "<p class=\"note\">" + html_escape(n) + "</p>\n";
        out += "</section>\n";
      }
    }
    out += "</main>\n</body>\n</html>\n";
  }
};

} // namespace

std::unique_ptr<ReportWriter> make_html_writer() {
  return std::make_unique<HtmlWriter>();
}

} // namespace spamflow
