#include "report/report_model.hpp"

#include <fmt/format.h>

namespace spamflow {

int ReportTable::column(const std::string &column_name) const {
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (columns[i].name == column_name) return static_cast<int>(i);
  return -1;
}

const ReportTable *Report::find(const std::string &table_name) const {
  for (const ReportTable &t : tables)
    if (t.name == table_name) return &t;
  return nullptr;
}

std::string cell_text(const ReportCell &cell, ReportColumn::Kind kind) {
  if (const auto *i = std::get_if<std::int64_t>(&cell)) return std::to_string(*i);
  if (const auto *s = std::get_if<std::string>(&cell)) return *s;
  if (const auto *d = std::get_if<double>(&cell)) {
    if (kind == ReportColumn::Kind::kShare) return fmt::format("{:.1f}%", *d * 100.0);
    if (*d >= 100.0) return fmt::format("{:.0f}", *d);
    return fmt::format("{:.2f}", *d);
  }
  return "-";
}

double cell_number(const ReportCell &cell) {
  if (const auto *i = std::get_if<std::int64_t>(&cell)) return static_cast<double>(*i);
  if (const auto *d = std::get_if<double>(&cell)) return *d;
  return 0;
}

} // namespace spamflow
