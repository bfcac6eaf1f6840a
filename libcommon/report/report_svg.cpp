#include "report/report_svg.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "base/log_time.hpp"
#include "report/report_writer.hpp"

namespace spamflow {

std::string html_escape(std::string_view text) {
  std::string clean = printable_text(text), out;
  out.reserve(clean.size());
  for (char c : clean) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&#39;";
      break;
    default:
      out += c;
    }
  }
  return out;
}

std::string short_number(double v) {
  if (v >= 1e6) return fmt::format("{:.1f}M", v / 1e6);
  if (v >= 1e4) return fmt::format("{:.0f}k", v / 1e3);
  if (v >= 1e3) return fmt::format("{:.1f}k", v / 1e3);
  if (v == std::floor(v)) return fmt::format("{:.0f}", v);
  return fmt::format("{:.1f}", v);
}

namespace {

// The opening tag: scales to its box up to its natural width.
std::string svg_open(int width, int height, const SvgChartText &t) {
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {0} {1}\" role=\"img\" "
      "class=\"chart\" aria-labelledby=\"{2}-t {2}-d\">"
      "<title id=\"{2}-t\">{3}</title><desc id=\"{2}-d\">{4}</desc>\n",
      width, height, html_escape(t.id), html_escape(t.title), html_escape(t.desc));
}

std::string text_at(double x, double y, const std::string &cls, const std::string &anchor,
                    const std::string &text) {
  return fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" class=\"{}\" text-anchor=\"{}\">{}</text>", x,
                     y, cls, anchor, html_escape(text));
}

// A legend entry: a swatch (rect of class `cls`) and its words.
std::string legend_item(double x, double y, const std::string &cls, const std::string &words) {
  return fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"12\" height=\"8\" class=\"{}\"/>", x,
                     y - 8, cls) +
         text_at(x + 16, y, "legend", "start", words);
}

// A count axis from 0: a round step (1, 2, 2.5 or 5 x 10^k, at least 1)
// that cuts the maximum into about four, and the top as a whole number of
// steps, so every tick is a round number and the data fill most of it.
struct ValueAxis {
  double top = 1, step = 1;
  int steps() const { return static_cast<int>(std::lround(top / step)); }
};

ValueAxis value_axis(double max) {
  double raw = std::max(max, 1.0) / 4;
  double p = std::pow(10.0, std::floor(std::log10(raw)));
  ValueAxis a;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (m * p >= raw) {
      a.step = std::max(1.0, m * p);
      break;
    }
  a.top = std::max(1.0, std::ceil(max / a.step)) * a.step;
  return a;
}

// "09-07 14:00" or, over long spans, "2026-09-07", in UTC.
std::string tick_time(std::int64_t t, bool with_hour) {
  LogTime lt;
  lt.epoch_s = t;
  std::string s = to_rfc3339(lt);
  return with_hour ? s.substr(5, 5) + " " + s.substr(11, 5) : s.substr(0, 10);
}

} // namespace

std::string svg_bar_chart(const SvgChartText &text, const std::string &unit,
                          const std::vector<SvgBar> &bars) {
  constexpr int kRow = 22, kLabel = 60, kBar = 440, kTop = 8;
  int plot_h = static_cast<int>(bars.size()) * kRow;
  int height = kTop + plot_h + 44;
  std::string s = svg_open(kLabel + kBar + 70, height, text);
  double max = 0;
  for (const SvgBar &b : bars)
    max = std::max(max, b.value);
  ValueAxis axis = value_axis(max);
  double top = axis.top;
  int steps = axis.steps();
  for (int k = 0; k <= steps; ++k) { // grid and ticks of the value axis
    double x = kLabel + kBar * k / static_cast<double>(steps);
    s += fmt::format("<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1}\" y2=\"{2}\" class=\"grid\"/>",
                     x, kTop, kTop + plot_h);
    s += text_at(x, kTop + plot_h + 14, "tick", "middle", short_number(top * k / steps));
  }
  s += "\n";
  for (std::size_t i = 0; i < bars.size(); ++i) {
    int y = kTop + static_cast<int>(i) * kRow;
    double w = top > 0 ? bars[i].value / top * kBar : 0;
    s += text_at(kLabel - 6, y + 15, "tick", "end", bars[i].label);
    s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" class=\"bar\">"
                     "<title>{}: {:.0f}</title></rect>",
                     kLabel, y + 3, w, kRow - 6, html_escape(bars[i].label), bars[i].value);
    s += text_at(kLabel + w + 4, y + 15, "value", "start", short_number(bars[i].value)) + "\n";
  }
  s += fmt::format("<line x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\" class=\"axis\"/>", kLabel,
                   kTop, kTop + plot_h);
  s += text_at(kLabel + kBar / 2.0, kTop + plot_h + 34, "axis-label", "middle", unit);
  s += text_at(4, kTop + plot_h + 34, "axis-label", "start", "country");
  return s + "</svg>\n";
}

std::string svg_heat_map(const SvgChartText &text,
                         const std::vector<std::array<double, 24>> &rows) {
  static const char *const kDays[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  constexpr int kCell = 24, kLeft = 44, kTop = 30, kScaleW = 160;
  int grid_h = 7 * kCell;
  std::string s = svg_open(kLeft + 24 * kCell + 10, kTop + grid_h + 70, text);
  double max = 0;
  for (const auto &r : rows)
    for (double v : r)
      max = std::max(max, v);
  s += text_at(kLeft + 12 * kCell, 12, "axis-label", "middle", "hour of day");
  for (int h = 0; h < 24; h += 2)
    s += text_at(kLeft + h * kCell + kCell / 2.0, kTop - 4, "tick", "middle",
                 fmt::format("{:02d}", h));
  s += "\n";
  for (std::size_t d = 0; d < rows.size() && d < 7; ++d) {
    int y = kTop + static_cast<int>(d) * kCell;
    s += text_at(kLeft - 6, y + 16, "tick", "end", kDays[d]);
    for (std::size_t h = 0; h < 24; ++h) {
      double f = max > 0 ? rows[d][h] / max : 0;
      s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" class=\"heat\" "
                       "fill-opacity=\"{:.3f}\"><title>{} {:02d}:00: {:.0f} spam</title></rect>",
                       kLeft + static_cast<int>(h) * kCell, y, kCell - 1, kCell - 1,
                       0.05 + 0.95 * f, kDays[d], h, rows[d][h]);
    }
    s += "\n";
  }
  // The day axis names itself along the left edge.
  s += fmt::format("<text x=\"10\" y=\"{0}\" class=\"axis-label\" text-anchor=\"middle\" "
                   "transform=\"rotate(-90 10 {0})\">day of week</text>\n",
                   kTop + grid_h / 2);
  // Colour scale: 0 to the maximum, in steps.
  int sy = kTop + grid_h + 16;
  s += text_at(kLeft, sy + 10, "legend", "start", "spam records per hour slot:");
  int sx = kLeft + 190;
  for (int k = 0; k < 8; ++k)
    s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"12\" class=\"heat\" "
                     "fill-opacity=\"{:.3f}\"/>",
                     sx + k * kScaleW / 8, sy, kScaleW / 8, 0.05 + 0.95 * k / 7.0);
  s += text_at(sx, sy + 28, "tick", "middle", "0");
  s += text_at(sx + kScaleW, sy + 28, "tick", "middle", short_number(max));
  return s + "\n</svg>\n";
}

std::string svg_time_series(const SvgChartText &text, const std::string &unit,
                            const std::vector<SvgPoint> &points,
                            const std::vector<ReportBanMark> &marks) {
  constexpr int kW = 620, kH = 200, kLeft = 56, kTop = 28;
  constexpr int kAxis = kTop + kH; // y of the time axis
  std::string s = svg_open(kLeft + kW + 20, kAxis + 64, text);
  s += legend_item(kLeft, 14, "swatch-total", "records") +
       legend_item(kLeft + 90, 14, "swatch-spam", "spam") +
       legend_item(kLeft + 160, 14, "swatch-ban-add", "ban added") +
       legend_item(kLeft + 270, 14, "swatch-ban-remove", "ban removed") + "\n";
  if (points.empty()) return s + "</svg>\n";
  std::int64_t t0 = points.front().time, t1 = std::max(points.back().time, t0 + 1);
  double max = 0;
  for (const SvgPoint &p : points)
    max = std::max(max, p.total);
  ValueAxis axis = value_axis(max);
  double top = axis.top;
  auto x = [&](std::int64_t t) {
    return kLeft + static_cast<double>(t - t0) / static_cast<double>(t1 - t0) * kW;
  };
  auto y = [&](double v) { return kTop + kH - v / top * kH; };
  int steps = axis.steps();
  for (int k = 0; k <= steps; ++k) { // value axis: grid lines and ticks
    double v = top * k / steps;
    s += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\" class=\"grid\"/>",
                     kLeft, kLeft + kW, y(v), y(v));
    s += text_at(kLeft - 6, y(v) + 4, "tick", "end", short_number(v));
  }
  bool hours = t1 - t0 <= 3 * 86400;
  for (int k = 0; k <= 4; ++k) { // time axis ticks
    std::int64_t t = t0 + (t1 - t0) * k / 4;
    s += fmt::format("<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1}\" y2=\"{2}\" class=\"axis\"/>",
                     x(t), kAxis, kAxis + 4);
    s += text_at(x(t), kAxis + 30, "tick",
                 k == 0   ? "start"
                 : k == 4 ? "end"
                          : "middle",
                 tick_time(t, hours));
  }
  for (const char *series : {"total", "spam"}) {
    std::string pts;
    for (const SvgPoint &p : points)
      pts += fmt::format("{:.1f},{:.1f} ", x(p.time), y(series[0] == 't' ? p.total : p.spam));
    s += fmt::format("<polyline class=\"{}\" fill=\"none\" points=\"{}\"/>\n", series, pts);
  }
  s += fmt::format("<line x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\" class=\"axis\"/>"
                   "<line x1=\"{0}\" x2=\"{0}\" y1=\"{3}\" y2=\"{2}\" class=\"axis\"/>\n",
                   kLeft, kLeft + kW, kAxis, kTop);
  // Ban events: short ticks in a strip under the axis, not lines across it.
  for (const ReportBanMark &m : marks) {
    if (m.time < t0 || m.time > t1) continue;
    int y0 = kAxis + (m.add ? 6 : 13);
    s += fmt::format("<line class=\"ban-{0}\" x1=\"{1:.1f}\" x2=\"{1:.1f}\" y1=\"{2}\" "
                     "y2=\"{3}\"><title>ban {0} {4}</title></line>",
                     m.add ? "add" : "remove", x(m.time), y0, y0 + 6, html_escape(m.target));
  }
  s += text_at(kLeft + kW / 2.0, kAxis + 50, "axis-label", "middle",
               hours ? "time (UTC)" : "date (UTC)");
  s += fmt::format("<text x=\"12\" y=\"{0}\" class=\"axis-label\" text-anchor=\"middle\" "
                   "transform=\"rotate(-90 12 {0})\">records per {1}</text>\n",
                   kTop + kH / 2, html_escape(unit));
  return s + "</svg>\n";
}

} // namespace spamflow
