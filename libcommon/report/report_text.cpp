// Text tables for a terminal: 80 columns, right-aligned numbers, a bar for
// ranked tables, a shade strip for runs of day/hour counts.
#include <algorithm>
#include <cctype>
#include <fmt/format.h>

#include "report/report_writer.hpp"

namespace spamflow {

namespace {

using Kind = ReportColumn::Kind;

// A run of at least this many integer columns (hours, days) is drawn as one
// strip of shade characters instead of numbers.
constexpr std::size_t kStripMin = 7;
constexpr const char kShades[] = " .:-=+*#%@";

struct Layout {
  struct Col {
    std::size_t first = 0, count = 1; // table columns shown in this text column
    bool strip = false;
    std::size_t width = 0;
    std::string header;
  };
  std::vector<Col> cols;
  int bar_col = -1; // table column the bar is drawn from
};

// Hour columns (h00..h23) and day columns (Mon..Sun).
bool strip_candidate(const ReportColumn &c) {
  static const std::string kDays = "Mon Tue Wed Thu Fri Sat Sun";
  if (c.kind != Kind::kInt || c.name.size() != 3) return false;
  return (c.name[0] == 'h' && std::isdigit(static_cast<unsigned char>(c.name[1]))) ||
         kDays.find(c.name) != std::string::npos;
}

// What a cell shows in a text table.
std::string shown(const ReportCell &cell, Kind kind) {
  std::string s = printable_text(cell_text(cell, kind));
  if (kind == Kind::kTime && s.size() >= 16) {
    s.resize(16);
    s[10] = ' ';
  }
  return s;
}

Layout lay_out(const ReportTable &t) {
  Layout l;
  for (std::size_t i = 0; i < t.columns.size();) {
    std::size_t j = i;
    while (j < t.columns.size() && strip_candidate(t.columns[j]))
      ++j;
    Layout::Col c;
    c.first = i;
    if (j - i >= kStripMin) {
      c.count = j - i;
      c.strip = true;
      c.header = t.columns[i].name[0] == 'h' ? "hour 0..23" : "Mon..Sun";
      c.width = std::max(c.count, c.header.size());
      i = j;
    } else {
      c.header = t.columns[i].name;
      c.width = display_width(c.header);
      ++i;
    }
    l.cols.push_back(std::move(c));
  }
  for (auto &c : l.cols)
    if (!c.strip)
      for (const auto &row : t.rows)
        c.width = std::max(c.width, display_width(shown(row[c.first], t.columns[c.first].kind)));
  if (t.name != "summary" && t.name != "time_series" && !t.rows.empty())
    l.bar_col = t.column("spam");
  return l;
}

std::size_t total_width(const Layout &l) {
  std::size_t w = 0;
  for (const auto &c : l.cols)
    w += c.width + 2;
  return w - 2; // no gap after the last column
}

// A key column names the row (the first column, a network, a host, an
// address): cut, "127.99.13.0~" could be any of 256 networks.
bool key_column(const ReportTable &t, std::size_t col) {
  static const std::string kKeys[] = {"network", "target", "host", "client_ip", "qid"};
  return col == 0 ||
         std::find(std::begin(kKeys), std::end(kKeys), t.columns[col].name) != std::end(kKeys);
}

// Fits the layout into `width`: text columns that are no key shrink to 12
// at least (cut text ends in '~'), then columns are dropped from the right.
// Returns the names of the dropped columns, which a note under the table
// names.
std::vector<std::string> fit(Layout &l, const ReportTable &t, std::size_t width) {
  constexpr std::size_t kMinText = 12;
  while (total_width(l) > width) {
    Layout::Col *widest = nullptr;
    for (auto &c : l.cols)
      if (!c.strip && !key_column(t, c.first) && t.columns[c.first].kind == Kind::kText &&
          c.width > kMinText && (!widest || c.width > widest->width))
        widest = &c;
    if (!widest) break;
    --widest->width;
  }
  std::vector<std::string> dropped;
  while (total_width(l) > width && l.cols.size() > 1) {
    dropped.insert(dropped.begin(), l.cols.back().header);
    if (l.bar_col >= 0 && static_cast<std::size_t>(l.bar_col) >= l.cols.back().first)
      l.bar_col = -1;
    l.cols.pop_back();
  }
  return dropped;
}

// Text cut to `width` characters, the last one '~' when something was cut.
std::string cut(const std::string &text, std::size_t width) {
  if (display_width(text) <= width) return text;
  std::string out;
  std::size_t n = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    bool starts = (static_cast<unsigned char>(text[i]) & 0xc0) != 0x80;
    if (starts && ++n == width) break;
    out += text[i];
  }
  return out + "~";
}

std::string strip_text(const ReportTable &t, const std::vector<ReportCell> &row,
                       const Layout::Col &c) {
  double max = 0;
  for (const auto &r : t.rows)
    for (std::size_t k = 0; k < c.count; ++k)
      max = std::max(max, cell_number(r[c.first + k]));
  std::string s;
  for (std::size_t k = 0; k < c.count; ++k) {
    double v = cell_number(row[c.first + k]);
    std::size_t level = max > 0 && v > 0 ? 1 + static_cast<std::size_t>(v / max * 8.999) : 0;
    s += kShades[std::min<std::size_t>(level, 9)];
  }
  return s;
}

void pad(std::string &out, const std::string &text, std::size_t width, bool right) {
  std::size_t w = display_width(text);
  std::string fill(width > w ? width - w : 0, ' ');
  out += right ? fill + text : text + fill;
}

class TextWriter : public ReportWriter {
public:
  explicit TextWriter(const WriterOptions &o) : opt_(o) {}

  void write(const Report &r, std::string &out) const override {
    out += fmt::format("spamflow report: {}\n", printable_text(r.database));
    out += fmt::format("Period: {}\n", period_text(r));
    if (r.records == 0) {
      out += wrap(empty_period_text(r));
      return;
    }
    for (const ReportTable &t : r.tables)
      table(t, out);
  }

private:
  std::string paint(const char *code, const std::string &s) const {
    return opt_.color ? fmt::format("\x1b[{}m{}\x1b[0m", code, s) : s;
  }

  void table(const ReportTable &t, std::string &out) const {
    Layout l = lay_out(t);
    std::vector<std::string> dropped = fit(l, t, static_cast<std::size_t>(opt_.width));
    out += "\n" + paint("1", printable_text(t.title)) + "\n";
    int bar_width = l.bar_col >= 0 ? opt_.width - static_cast<int>(total_width(l)) - 2 : 0;
    std::string line;
    for (const auto &c : l.cols) {
      bool right = !c.strip && t.columns[c.first].kind != Kind::kText &&
                   t.columns[c.first].kind != Kind::kTime;
      pad(line, c.header, c.width, right);
      line += "  ";
    }
    out += paint("4", rtrim(line)) + "\n";
    double bar_max = 0;
    if (l.bar_col >= 0)
      for (const auto &row : t.rows)
        bar_max = std::max(bar_max, cell_number(row[static_cast<std::size_t>(l.bar_col)]));
    if (t.rows.empty()) out += "(none)\n";
    for (const auto &row : t.rows) {
      line.clear();
      for (const auto &c : l.cols) {
        const ReportColumn &col = t.columns[c.first];
        std::string text =
            c.strip ? strip_text(t, row, c) : cut(shown(row[c.first], col.kind), c.width);
        pad(line, text, c.width, !c.strip && col.kind != Kind::kText && col.kind != Kind::kTime);
        line += "  ";
      }
      if (bar_width >= 4 && bar_max > 0) {
        double v = cell_number(row[static_cast<std::size_t>(l.bar_col)]);
        auto n = static_cast<std::size_t>(v / bar_max * bar_width + 0.5);
        line += paint("31", std::string(n, '#'));
      }
      out += rtrim(line) + "\n";
    }
    for (const std::string &note : t.notes)
      out += wrap(printable_text(note));
    if (!dropped.empty()) {
      std::string names;
      for (const auto &d : dropped)
        names += (names.empty() ? "" : ", ") + d;
      out += wrap("(Not shown at this width: " + names + "; see --width or --format csv.)");
    }
  }

  // Words wrapped at the text width, one line each.
  std::string wrap(const std::string &text) const {
    std::string out, line;
    std::size_t start = 0;
    while (start <= text.size()) {
      std::size_t end = text.find(' ', start);
      if (end == std::string::npos) end = text.size();
      std::string word = text.substr(start, end - start);
      if (!line.empty() &&
          display_width(line) + 1 + display_width(word) > static_cast<std::size_t>(opt_.width)) {
        out += line + "\n";
        line.clear();
      }
      line += (line.empty() ? "" : " ") + word;
      start = end + 1;
    }
    return out + line + "\n";
  }

  static std::string rtrim(std::string s) {
    while (!s.empty() && s.back() == ' ')
      s.pop_back();
    return s;
  }

  WriterOptions opt_;
};

} // namespace

std::unique_ptr<ReportWriter> make_text_writer(const WriterOptions &options) {
  return std::make_unique<TextWriter>(options);
}

} // namespace spamflow
