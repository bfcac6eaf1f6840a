// CSV (RFC 4180): one header row per table. With several tables, each is
// introduced by a line "# name" and followed by an empty line.
#include <fmt/format.h>

#include "report/report_writer.hpp"

namespace spamflow {

namespace {

void field(std::string &out, const std::string &raw) {
  std::string s = printable_text(raw);
  if (s.find_first_of(",\"\r\n") == std::string::npos) {
    out += s;
    return;
  }
  out += '"';
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

std::string csv_cell(const ReportCell &cell) {
  if (const auto *d = std::get_if<double>(&cell)) return fmt::format("{:.6g}", *d);
  if (std::holds_alternative<std::monostate>(cell)) return "";
  return cell_text(cell, ReportColumn::Kind::kText);
}

class CsvWriter : public ReportWriter {
public:
  void write(const Report &r, std::string &out) const override {
    bool several = r.tables.size() > 1;
    for (const ReportTable &t : r.tables) {
      if (several) out += "# " + t.name + "\n";
      for (std::size_t i = 0; i < t.columns.size(); ++i) {
        if (i) out += ',';
        field(out, t.columns[i].name);
      }
      out += "\r\n";
      for (const auto &row : t.rows) {
        for (std::size_t i = 0; i < row.size(); ++i) {
          if (i) out += ',';
          field(out, csv_cell(row[i]));
        }
        out += "\r\n";
      }
      if (several) out += "\r\n";
    }
  }
};

} // namespace

std::unique_ptr<ReportWriter> make_csv_writer() {
  return std::make_unique<CsvWriter>();
}

} // namespace spamflow
