#include "report/report_query.hpp"

#include <algorithm>

#include "store/message_blocks.hpp"
#include "report/report_tables.hpp"

namespace spamflow {

const std::vector<std::string> &report_names() {
  static const std::vector<std::string> names = {"summary", "country", "network", "time",
                                                 "bans",    "senders", "servers", "slipped"};
  return names;
}

namespace {

bool wants(const ReportOptions &o, const char *name) {
  return o.reports.empty() ||
         std::find(o.reports.begin(), o.reports.end(), name) != o.reports.end();
}

// The whole database's span when no bound was given: [first record, last + 1).
Result<bool> fill_period(Db &db, const ReportOptions &o, Report &r) {
  r.since = o.since;
  r.until = o.until;
  if (o.has_since && o.has_until) return true;
  auto span = message_time_span(db);
  if (!span) return make_error(span.error());
  std::int64_t lo = *span ? (*span)->min_first : o.now;
  std::int64_t hi = *span ? (*span)->max_first + 1 : o.now;
  if (!o.has_since) r.since = std::min(lo, o.has_until ? o.until : lo);
  if (!o.has_until) r.until = std::max(hi, r.since);
  return true;
}

} // namespace

Result<Report> build_report(Db &db, const ReportOptions &o) {
  Report r;
  r.database = db.path();
  r.tz = o.tz;
  r.generated = o.now;
  if (auto p = fill_period(db, o, r); !p) return make_error(p.error());

  ScanOptions so;
  so.since = r.since;
  so.until = r.until;
  so.zone = o.zone;
  so.bucket_s = o.bucket_s > 0 ? o.bucket_s : auto_bucket_seconds(r.since, r.until);
  so.table = o.table;
  so.progress = o.progress;
  so.use_rollup = o.use_rollup;
  auto scan = scan_records(db, so);
  if (!scan) return make_error(scan.error());
  const ScanData &d = *scan;
  r.records = d.total.records;

  auto bans = ban_summary(db, r.since, r.until);
  auto ranges = active_ban_ranges(db);
  auto marks = ban_marks(db, r.since, r.until);
  if (!bans || !ranges || !marks)
    return make_error(!bans ? bans.error() : !ranges ? ranges.error() : marks.error());
  r.ban_marks = std::move(*marks);

  if (wants(o, "summary")) {
    r.tables.push_back(summary_table(d, *bans));
    r.tables.push_back(reasons_table(d));
  }
  if (wants(o, "country")) r.tables.push_back(country_table(d, o.top));
  if (wants(o, "network")) r.tables.push_back(network_table(d, o.top, *ranges));
  if (wants(o, "time")) {
    r.tables.push_back(week_table(d));
    r.tables.push_back(series_table(d, o.zone));
  }
  if (wants(o, "bans")) {
    auto t = ban_effect_table(db, r.since, r.until, o.top);
    if (!t) return make_error(t.error());
    r.tables.push_back(std::move(*t));
  }
  if (wants(o, "senders")) r.tables.push_back(senders_table(d));
  if (wants(o, "servers")) r.tables.push_back(servers_table(d));
  if (wants(o, "slipped")) {
    auto t = slipped_table(db, r.since, r.until, o.table);
    if (!t) return make_error(t.error());
    r.tables.push_back(std::move(*t));
  }
  return r;
}

} // namespace spamflow
