// The ban and flag parts of the reports: what is banned, when bans came and
// went, the spam rate around each ban, and what users flagged.
#include <algorithm>
#include <fmt/format.h>

#include "ip/cidr.hpp"
#include "netinfo/net_table.hpp"
#include "report/report_tables.hpp"
#include "store/ban_store.hpp"
#include "store/message_blocks.hpp"

namespace spamflow {

using Kind = ReportColumn::Kind;

std::optional<BanRange> parse_range(const std::string &text) {
  auto dash = text.find('-');
  if (dash == std::string::npos) {
    auto n = IpNetwork::parse(text, false);
    if (!n) return std::nullopt;
    return BanRange{n->version(), n->network_address().value(), n->broadcast_address().value()};
  }
  auto a = IpAddress::parse(text.substr(0, dash));
  auto b = IpAddress::parse(text.substr(dash + 1));
  if (!a || !b || a->version() != b->version() || b->value() < a->value()) return std::nullopt;
  return BanRange{a->version(), a->value(), b->value()};
}

double covered_fraction(const BanRange &range, const std::vector<BanRange> &bans) {
  // Clip each ban to the range, merge the overlapping pieces, add them up.
  std::vector<std::pair<unsigned __int128, unsigned __int128>> parts;
  for (const BanRange &b : bans) {
    if (b.family != range.family || b.last < range.first || b.first > range.last) continue;
    parts.emplace_back(std::max(b.first, range.first), std::min(b.last, range.last));
  }
  std::sort(parts.begin(), parts.end());
  long double covered = 0;
  unsigned __int128 next = range.first; // first address not yet counted
  bool done = false;
  for (auto [lo, hi] : parts) {
    if (done) break;
    if (hi < next) continue;
    lo = std::max(lo, next);
    covered += static_cast<long double>(hi - lo) + 1;
    if (hi == range.last)
      done = true;
    else
      next = hi + 1;
  }
  long double size = static_cast<long double>(range.last - range.first) + 1;
  return static_cast<double>(covered / size);
}

Result<BanSummary> ban_summary(Db &db, std::int64_t since, std::int64_t until) {
  BanSummary s;
  auto active = db.query_int("SELECT count(*) FROM bans WHERE active=1");
  if (!active) return make_error(active.error());
  s.active = *active;
  auto st = db.prepare("SELECT action, count(*) FROM ban_history WHERE time >= ?1 AND time < ?2"
                       " GROUP BY action");
  if (!st) return make_error(st.error());
  st->bind(1, since).bind(2, until);
  while (st->step())
    (st->column_text(0) == "add" ? s.added : s.removed) += st->column_int(1);
  if (!st->error().empty()) return make_error(st->error());
  return s;
}

Result<std::vector<BanRange>> active_ban_ranges(Db &db) {
  auto st = db.prepare("SELECT target FROM bans WHERE active=1");
  if (!st) return make_error(st.error());
  std::vector<BanRange> out;
  while (st->step())
    if (auto r = parse_range(st->column_text(0))) out.push_back(*r);
  if (!st->error().empty()) return make_error(st->error());
  return out;
}

Result<std::vector<ReportBanMark>> ban_marks(Db &db, std::int64_t since, std::int64_t until) {
  auto st = db.prepare("SELECT time, target, action FROM ban_history WHERE time >= ?1 AND time < ?2"
                       " ORDER BY time, id");
  if (!st) return make_error(st.error());
  st->bind(1, since).bind(2, until);
  std::vector<ReportBanMark> out;
  while (st->step())
    out.push_back({st->column_int(0), st->column_text(1), st->column_text(2) == "add"});
  if (!st->error().empty()) return make_error(st->error());
  return out;
}

namespace {

// Spam records from the addresses of `target` in [from, to), through the
// partial index of spam by (client_family, client_key, first).
Result<std::int64_t> spam_in_network(Statement &st, const IpNetwork &target, std::int64_t from,
                                     std::int64_t to) {
  std::string lo = address_key(target.network_address());
  std::string hi = address_key(target.broadcast_address());
  st.bind(1, target.version())
      .bind_blob(2, lo.data(), lo.size())
      .bind_blob(3, hi.data(), hi.size());
  st.bind(4, from).bind(5, to);
  std::int64_t spam = st.step() ? st.column_int(0) : 0;
  std::string err = st.error();
  st.reset();
  if (!err.empty()) return make_error(err);
  return spam;
}

// Before/after windows shorter than this are not compared.
constexpr std::int64_t kMinBanWindow = 86400;

// Equal windows on both sides of a ban at `at`: a week at most, no longer
// than the records on either side (from the first record to the ban, from
// the ban to the last record) and than the ban itself.
std::int64_t ban_window(std::int64_t at, std::int64_t ends, std::int64_t first, std::int64_t last) {
  constexpr std::int64_t kWeek = std::int64_t{7} * 86400;
  return std::max<std::int64_t>(
      0, std::min<std::int64_t>({kWeek, last + 1 - at, at - first, ends > at ? ends - at : kWeek}));
}

double per_day(std::int64_t n, std::int64_t seconds) {
  return seconds > 0 ? static_cast<double>(n) * 86400.0 / static_cast<double>(seconds) : 0.0;
}

} // namespace

Result<ReportTable> ban_effect_table(Db &db, std::int64_t since, std::int64_t until, int top) {
  ReportTable t{"bans",
                "Ban effectiveness: spam from each banned network before and after its ban",
                {{"target", Kind::kText},
                 {"before_day", Kind::kReal},
                 {"after_day", Kind::kReal},
                 {"change", Kind::kShare},
                 {"blocked", Kind::kInt},
                 {"banned_at", Kind::kTime},
                 {"days", Kind::kReal},
                 {"reason", Kind::kText}},
                {},
                {}};
  auto bans = db.prepare("SELECT time, target, reason, until FROM ban_history WHERE action='add'"
                         " AND time >= ?1 AND time < ?2 ORDER BY hits DESC, time, id LIMIT ?3");
  auto count = db.prepare(
      "SELECT count(*) FROM messages WHERE verdict='spam' AND"
      " client_family=?1 AND client_key BETWEEN ?2 AND ?3 AND first >= ?4 AND first < ?5");
  auto span = message_time_span(db);
  if (!bans || !count || !span)
    return make_error(!bans ? bans.error() : !count ? count.error() : span.error());
  std::int64_t first = *span ? (*span)->min_first : 0, last = *span ? (*span)->max_first : 0;
  bans->bind(1, since).bind(2, until).bind(3, static_cast<std::int64_t>(top));
  int short_windows = 0;
  while (bans->step()) {
    std::int64_t at = bans->column_int(0), ends = bans->column_int(3);
    auto target = IpNetwork::parse(bans->column_text(1), false);
    if (!target) continue;
    std::int64_t window = ban_window(at, ends, first, last);
    std::vector<ReportCell> row{target->to_string()};
    if (window < kMinBanWindow) {
      // Rates over a few minutes say nothing ("change 5200%"): leave them out.
      ++short_windows;
      row.insert(row.end(), 4, ReportCell());
    } else {
      auto before = spam_in_network(*count, *target, at - window, at);
      auto after = spam_in_network(*count, *target, at, at + window);
      if (!before || !after) return make_error(!before ? before.error() : after.error());
      double b = per_day(*before, window), a = per_day(*after, window);
      row.insert(row.end(), {b, a, b > 0 ? ReportCell((a - b) / b) : ReportCell(),
                             std::max<std::int64_t>(0, *before - *after)});
    }
    row.insert(row.end(), {report_time_text(at, nullptr), static_cast<double>(window) / 86400.0,
                           bans->column_text(2)});
    t.rows.push_back(std::move(row));
  }
  if (short_windows > 0)
    t.notes.push_back(fmt::format(
        "{} of {} bans have less than a day of records on one side (days < 1): too little to "
        "compare, so before_day, after_day, change and blocked are left empty.",
        short_windows, t.rows.size()));
  if (!bans->error().empty()) return make_error(bans->error());
  t.notes.push_back("Spam still seen after a ban is what reached the log anyway (a firewall ban "
                    "hides it, an MTA ban shows it as rejects); blocked = spam in the "
                    "window before minus spam in the window after.");
  if (t.rows.empty()) t.notes.push_back("No bans were added in the period.");
  return t;
}

Result<ReportTable> slipped_table(Db &db, std::int64_t since, std::int64_t until,
                                  const NetTable *table) {
  ReportTable t{"slipped",
                "Slipped through: delivered messages that users flagged as spam",
                {{"flagged_at", Kind::kTime},
                 {"user", Kind::kText},
                 {"host", Kind::kText},
                 {"qid", Kind::kText},
                 {"client_ip", Kind::kText},
                 {"network", Kind::kText},
                 {"cc", Kind::kText},
                 {"verdict", Kind::kText}},
                {},
                {}};
  auto st = db.prepare(
      "SELECT f.time, f.user, coalesce(m.host, f.host), coalesce(m.qid, f.qid),"
      " coalesce(m.client_ip, f.client_ip), m.net, m.verdict FROM flags f LEFT JOIN messages m ON"
      " m.id = (SELECT id FROM messages WHERE (f.qid IS NOT NULL AND qid = f.qid AND host IS "
      "f.host)"
      " OR (f.msgid IS NOT NULL AND msgid = f.msgid) LIMIT 1)"
      " WHERE f.time >= ?1 AND f.time < ?2 ORDER BY f.time, f.id");
  if (!st) return make_error(st.error());
  st->bind(1, since).bind(2, until);
  while (st->step()) {
    std::string ip = st->column_text(4), net = st->column_text(5), cc;
    if (table) {
      if (auto a = IpAddress::parse(ip)) {
        if (auto info = table->lookup(*a)) {
          cc = std::string(info->cc);
          if (net.empty()) net = info->cidr_text();
        }
      }
    }
    std::vector<ReportCell> row{report_time_text(st->column_int(0), nullptr)};
    for (std::string v : {st->column_text(1), st->column_text(2), st->column_text(3), ip, net, cc,
                          st->column_text(6)})
      row.push_back(v.empty() ? ReportCell() : ReportCell(std::move(v)));
    t.rows.push_back(std::move(row));
  }
  if (!st->error().empty()) return make_error(st->error());
  if (t.rows.empty()) {
    auto all = db.query_int("SELECT count(*) FROM flags");
    auto latest = db.query_int("SELECT coalesce(max(time), 0) FROM flags");
    if (!all || !latest) return make_error(!all ? all.error() : latest.error());
    if (*all > 0)
      t.notes.push_back(fmt::format("No flags in the period; spamflag has recorded {} in all, the "
                                    "last at {} UTC.",
                                    *all, report_time_short(*latest, nullptr)));
    else
      t.notes.push_back("No flags yet: nothing is recorded until users forward spam through "
                        "spamflag (see spamflag(1)).");
  }
  return t;
}

} // namespace spamflow
