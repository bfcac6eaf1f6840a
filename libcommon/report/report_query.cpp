#include "report/report_query.hpp"

#include <algorithm>
#include <unordered_set>

#include "report/report_tables.hpp"
#include "store/message_blocks.hpp"

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

// Bounds not given: from the first record to now (or to just after the last
// record, when a clock or a replay put records after now).
Result<bool> fill_period(Db &db, const ReportOptions &o, Report &r) {
  r.since = o.since;
  r.until = o.until;
  auto span = message_time_span(db);
  if (!span) return make_error(span.error());
  r.has_span = span->has_value();
  if (r.has_span) {
    r.first_record = (*span)->min_first;
    r.last_record = (*span)->max_first;
  }
  std::int64_t lo = r.has_span ? r.first_record : o.now;
  std::int64_t hi = std::max(o.now, r.has_span ? r.last_record + 1 : o.now);
  if (!o.has_since) r.since = std::min(lo, o.has_until ? o.until : lo);
  if (!o.has_until) r.until = std::max(hi, r.since);
  return true;
}

Result<std::int64_t> count_in(Db &db, const char *sql, std::int64_t since, std::int64_t until) {
  auto st = db.prepare(sql);
  if (!st) return make_error(st.error());
  st->bind(1, since).bind(2, until);
  std::int64_t n = st->step() ? st->column_int(0) : 0;
  if (!st->error().empty()) return make_error(st->error());
  return n;
}

// Bans added and flags recorded in [since, until).
Result<bool> count_events(Db &db, std::int64_t since, std::int64_t until, PeriodCounts &c) {
  auto bans = count_in(db,
                       "SELECT count(*) FROM ban_history WHERE action='add'"
                       " AND time >= ?1 AND time < ?2",
                       since, until);
  auto flags =
      count_in(db, "SELECT count(*) FROM flags WHERE time >= ?1 AND time < ?2", since, until);
  if (!bans || !flags) return make_error(!bans ? bans.error() : flags.error());
  c.bans_added = *bans;
  c.flags = *flags;
  return true;
}

} // namespace

Result<PeriodCounts> period_counts(Db &db, std::int64_t since, std::int64_t until) {
  PeriodCounts c;
  auto sql = messages_in_period_sql(db, "verdict, client_ip");
  if (!sql) return make_error(sql.error());
  auto st = db.prepare(*sql);
  if (!st) return make_error(st.error());
  st->bind(1, since).bind(2, until);
  std::unordered_set<std::string> clients;
  while (st->step()) {
    ++c.records;
    if (st->column_text(0) == "spam") ++c.spam;
    if (std::string ip = st->column_text(1); !ip.empty()) clients.insert(std::move(ip));
  }
  if (!st->error().empty()) return make_error(st->error());
  c.clients = static_cast<std::int64_t>(clients.size());
  if (auto ok = count_events(db, since, until, c); !ok) return make_error(ok.error());
  return c;
}

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
  r.current = {d.total.records, d.total.spam, d.clients, 0, 0};
  if (auto ok = count_events(db, r.since, r.until, r.current); !ok) return make_error(ok.error());
  if (o.compare_previous) {
    auto prev = period_counts(db, r.since - (r.until - r.since), r.since);
    if (!prev) return make_error(prev.error());
    r.previous = *prev;
    r.has_previous = true;
  }

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
