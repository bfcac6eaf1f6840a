// JSON: one object; each table under its name, rows as objects keyed by the
// column names (empty cells are null, shares are fractions 0..1).
#include "report/report_tables.hpp"
#include "report/report_writer.hpp"
#include "wire/json_writer.hpp"

namespace spamflow {

namespace {

void cell_value(JsonWriter &w, const ReportCell &cell) {
  if (const auto *i = std::get_if<std::int64_t>(&cell))
    w.value(*i);
  else if (const auto *d = std::get_if<double>(&cell))
    w.value(*d);
  else if (const auto *s = std::get_if<std::string>(&cell))
    w.value(*s);
  else
    w.null();
}

void table(JsonWriter &w, const ReportTable &t) {
  w.key(t.name).begin_object().field("title", t.title);
  w.name("columns").begin_array();
  for (const ReportColumn &c : t.columns)
    w.value(c.name);
  w.end_array().name("rows").begin_array();
  for (const auto &row : t.rows) {
    w.begin_object();
    for (std::size_t i = 0; i < row.size(); ++i) {
      w.key(t.columns[i].name);
      cell_value(w, row[i]);
    }
    w.end_object();
  }
  w.end_array().name("notes").begin_array();
  for (const std::string &n : t.notes)
    w.value(n);
  w.end_array().end_object();
}

class JsonReportWriter : public ReportWriter {
public:
  void write(const Report &r, std::string &out) const override {
    JsonWriter w(out);
    w.begin_object().field("database", r.database);
    w.field("since", report_time_text(r.since, nullptr))
        .field("until", report_time_text(r.until, nullptr));
    if (r.tz.empty())
      w.name("tz").null();
    else
      w.field("tz", r.tz);
    w.field("records", r.records);
    w.name("tables").begin_object();
    for (const ReportTable &t : r.tables)
      table(w, t);
    w.end_object().name("ban_events").begin_array();
    for (const ReportBanMark &m : r.ban_marks)
      w.begin_object()
          .field("time", report_time_text(m.time, nullptr))
          .field("target", m.target)
          .field("action", m.add ? "add" : "remove")
          .end_object();
    w.end_array().end_object();
    out += '\n';
  }
};

} // namespace

std::unique_ptr<ReportWriter> make_json_writer() {
  return std::make_unique<JsonReportWriter>();
}

} // namespace spamflow
