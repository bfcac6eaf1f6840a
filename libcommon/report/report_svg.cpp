#include "report/report_svg.hpp"

#include <algorithm>
#include <fmt/format.h>

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

namespace {

std::string svg_open(int width, int height, const std::string &title) {
  return fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" "
                     "viewBox=\"0 0 {0} {1}\" role=\"img\" class=\"chart\"><title>{2}</title>\n",
                     width, height, html_escape(title));
}

} // namespace

std::string svg_bar_chart(const std::string &title, const std::vector<SvgBar> &bars) {
  constexpr int kRow = 20, kLabel = 90, kBar = 420;
  int height = static_cast<int>(bars.size()) * kRow + 10;
  std::string s = svg_open(kLabel + kBar + 80, height, title);
  double max = 0;
  for (const SvgBar &b : bars)
    max = std::max(max, b.value);
  for (std::size_t i = 0; i < bars.size(); ++i) {
    int y = static_cast<int>(i) * kRow + 5;
    double w = max > 0 ? bars[i].value / max * kBar : 0;
    s += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", kLabel - 6, y + 14,
                     html_escape(bars[i].label));
    s += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" class=\"bar\"/>",
                     kLabel, y + 2, w, kRow - 4);
    s += fmt::format("<text x=\"{:.1f}\" y=\"{}\">{:.0f}</text>\n", kLabel + w + 4, y + 14,
                     bars[i].value);
  }
  return s + "</svg>\n";
}

std::string svg_heat_map(const std::string &title,
                         const std::vector<std::array<double, 24>> &rows) {
  static const char *const kDays[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  constexpr int kCell = 22, kLeft = 40, kTop = 20;
  std::string s = svg_open(kLeft + 24 * kCell + 10, kTop + 7 * kCell + 10, title);
  double max = 0;
  for (const auto &r : rows)
    for (double v : r)
      max = std::max(max, v);
  for (int h = 0; h < 24; h += 3)
    s += fmt::format("<text x=\"{}\" y=\"14\">{:02d}</text>", kLeft + h * kCell + 2, h);
  s += "\n";
  for (std::size_t d = 0; d < rows.size() && d < 7; ++d) {
    int y = kTop + static_cast<int>(d) * kCell;
    s += fmt::format("<text x=\"2\" y=\"{}\">{}</text>", y + 15, kDays[d]);
    for (std::size_t h = 0; h < 24; ++h) {
      double f = max > 0 ? rows[d][h] / max : 0;
      s += fmt::format(
          "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#b00020\" "
          "fill-opacity=\"{:.3f}\" stroke=\"#ddd\"><title>{} {:02d}h: {:.0f}</title></rect>",
          kLeft + static_cast<int>(h) * kCell, y, kCell, kCell, 0.04 + 0.96 * f, kDays[d], h,
          rows[d][h]);
    }
    s += "\n";
  }
  return s + "</svg>\n";
}

std::string svg_time_series(const std::string &title, const std::vector<SvgPoint> &points,
                            const std::vector<ReportBanMark> &marks) {
  constexpr int kW = 640, kH = 200, kLeft = 50, kBottom = 20;
  std::string s = svg_open(kW + kLeft + 10, kH + kBottom + 10, title);
  if (points.empty()) return s + "</svg>\n";
  std::int64_t t0 = points.front().time, t1 = std::max(points.back().time, t0 + 1);
  double max = 1;
  for (const SvgPoint &p : points)
    max = std::max(max, p.total);
  auto x = [&](std::int64_t t) {
    return kLeft + static_cast<double>(t - t0) / static_cast<double>(t1 - t0) * kW;
  };
  auto y = [&](double v) { return 5 + kH - v / max * kH; };
  for (const char *series : {"total", "spam"}) {
    std::string pts;
    for (const SvgPoint &p : points)
      pts += fmt::format("{:.1f},{:.1f} ", x(p.time), y(series[0] == 't' ? p.total : p.spam));
    s += fmt::format("<polyline class=\"{}\" fill=\"none\" points=\"{}\"/>\n", series, pts);
  }
  s += fmt::format("<text x=\"2\" y=\"15\">{:.0f}</text><text x=\"2\" y=\"{}\">0</text>\n", max,
                   kH + 5);
  for (const ReportBanMark &m : marks) {
    if (m.time < t0 || m.time > t1) continue;
    s += fmt::format(
        "<line class=\"ban-{0}\" x1=\"{1:.1f}\" x2=\"{1:.1f}\" y1=\"5\" y2=\"{2}\"><title>ban {0} "
        "{3}</title></line>\n",
        m.add ? "add" : "remove", x(m.time), kH + 5, html_escape(m.target));
  }
  return s + "</svg>\n";
}

} // namespace spamflow
