// What report computes, independent of how it is printed: a Report is a list
// of named tables with typed columns. Every writer (text, csv, json, html)
// renders the same tables, so the column names documented in report(1) are
// the same in every format.
#pragma once
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace spamflow {

// A cell: empty (unknown / not applicable), an integer, a real number or text.
using ReportCell = std::variant<std::monostate, std::int64_t, double, std::string>;

struct ReportColumn {
  // kShare: a fraction 0..1, shown as %; kTime: RFC 3339 text, shown
  // "YYYY-MM-DD hh:mm" in text tables.
  enum class Kind { kText, kInt, kReal, kShare, kTime };
  std::string name;
  Kind kind = Kind::kText;
};

struct ReportTable {
  std::string name;  // stable identifier: "summary", "country", "time_week" ...
  std::string title; // heading for humans
  std::vector<ReportColumn> columns;
  std::vector<std::vector<ReportCell>> rows;
  std::vector<std::string> notes; // sentences printed under the table

  int column(const std::string &column_name) const; // index, -1 if none
};

// A ban event for the time-series chart.
struct ReportBanMark {
  std::int64_t time = 0;
  std::string target;
  bool add = true;
};

// The headline counts of a period, for the key figures and their change.
struct PeriodCounts {
  std::int64_t records = 0, spam = 0, clients = 0, bans_added = 0, flags = 0;
};

struct Report {
  std::string database;              // path, as given
  std::int64_t since = 0, until = 0; // [since, until) epoch seconds
  std::string tz;                    // zone the times are shown in ("" = the log's own offsets)
  std::int64_t generated = 0;        // epoch seconds
  std::int64_t records = 0;          // records in the period; 0 = empty period
  std::vector<ReportTable> tables;
  std::vector<ReportBanMark> ban_marks; // inside the period, for charts
  // What the database holds, to explain an empty period.
  bool has_span = false;
  std::int64_t first_record = 0, last_record = 0;
  PeriodCounts current;      // this period's key figures
  bool has_previous = false; // previous filled (compare_previous)
  PeriodCounts previous;     // the same length just before `since`

  const ReportTable *find(const std::string &table_name) const;
};

// Cell helpers for writers.
std::string cell_text(const ReportCell &cell, ReportColumn::Kind kind);
double cell_number(const ReportCell &cell); // 0 for text and empty cells

} // namespace spamflow
