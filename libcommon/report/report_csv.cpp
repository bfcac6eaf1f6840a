// CSV (RFC 4180): every line ends in CRLF, fields with , " CR LF are quoted.
// One table: its header row, then its rows. Several tables: each is a block
// whose first column, "table", names the table in the header and in every
// row, and blocks are separated by one empty line; so a reader that takes
// the whole file sees which table each row belongs to, and one that splits
// at empty lines gets one CSV table per block. See report(1).
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

// Text from the log (client names, AS names, reasons) that a spreadsheet
// would take as a formula gets a leading ' (OWASP, CSV injection). Numbers
// are written by us and keep their sign.
std::string neutralised(std::string s) {
  if (!s.empty() && std::string_view("=+-@\t\r").find(s[0]) != std::string_view::npos)
    s.insert(0, 1, '\'');
  return s;
}

std::string csv_cell(const ReportCell &cell) {
  if (const auto *d = std::get_if<double>(&cell)) return fmt::format("{:.6g}", *d);
  if (std::holds_alternative<std::monostate>(cell)) return "";
  if (const auto *s = std::get_if<std::string>(&cell)) return neutralised(*s);
  return cell_text(cell, ReportColumn::Kind::kText);
}

class CsvWriter : public ReportWriter {
public:
  void write(const Report &r, std::string &out) const override {
    bool several = r.tables.size() > 1;
    bool first = true;
    for (const ReportTable &t : r.tables) {
      if (several && !first) out += "\r\n";
      first = false;
      if (several) out += "table,";
      for (std::size_t i = 0; i < t.columns.size(); ++i) {
        if (i) out += ',';
        field(out, t.columns[i].name);
      }
      out += "\r\n";
      for (const auto &row : t.rows) {
        if (several) {
          field(out, t.name);
          out += ',';
        }
        for (std::size_t i = 0; i < row.size(); ++i) {
          if (i) out += ',';
          field(out, csv_cell(row[i]));
        }
        out += "\r\n";
      }
    }
  }
};

} // namespace

std::unique_ptr<ReportWriter> make_csv_writer() {
  return std::make_unique<CsvWriter>();
}

} // namespace spamflow
