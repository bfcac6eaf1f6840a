#include "report/report_tables.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace spamflow {

namespace {

using Kind = ReportColumn::Kind;
constexpr const char *kDays[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

ReportCell share(std::int64_t part, std::int64_t whole) {
  if (whole <= 0) return std::monostate{};
  return static_cast<double>(part) / static_cast<double>(whole);
}

ReportCell text_or_empty(const std::string &s) {
  if (s.empty()) return std::monostate{};
  return s;
}

// Keys of a map ordered by spam, then records, descending; key ascending on ties.
template <class Map, class Get>
std::vector<typename Map::const_iterator> ranked(const Map &m, Get get) {
  std::vector<typename Map::const_iterator> out;
  for (auto it = m.begin(); it != m.end(); ++it)
    out.push_back(it);
  std::stable_sort(out.begin(), out.end(), [&](auto a, auto b) {
    const VerdictCounts &x = get(a->second), &y = get(b->second);
    return x.spam != y.spam ? x.spam > y.spam : x.records > y.records;
  });
  return out;
}

} // namespace

std::string report_time_text(std::int64_t t, const ZoneConverter *zone) {
  LogTime lt;
  lt.epoch_s = t;
  lt.utc_offset_s = zone ? zone->offset_at(t) : 0;
  return to_rfc3339(lt);
}

std::string report_time_short(std::int64_t t, const ZoneConverter *zone) {
  std::string s = report_time_text(t, zone).substr(0, 16);
  s[10] = ' ';
  return s;
}

ReportTable summary_table(const ScanData &d, const BanSummary &bans) {
  ReportTable t{"summary", "Summary", {{"metric", Kind::kText}, {"value", Kind::kInt}}, {}, {}};
  std::int64_t countries = 0;
  for (const auto &[cc, c] : d.by_country)
    countries += cc.empty() ? 0 : 1;
  std::int64_t ases = 0;
  for (const auto &[asn, c] : d.by_as)
    ases += asn == 0 ? 0 : 1;
  const std::pair<const char *, std::int64_t> rows[] = {
      {"records", d.total.records},
      {"messages", d.total.messages},
      {"sessions", d.total.sessions},
      {"recipients", d.total.recipients},
      {"spam", d.total.spam},
      {"suspect", d.total.suspect},
      {"ham", d.total.ham},
      {"local", d.total.local},
      {"unclassified", d.total.unclassified},
      {"clients", d.clients},
      {"networks", static_cast<std::int64_t>(d.by_prefix.size())},
      {"allocations", static_cast<std::int64_t>(d.by_alloc.size())},
      {"ases", ases},
      {"countries", countries},
      {"bans_active", bans.active},
      {"bans_added", bans.added},
      {"bans_removed", bans.removed},
  };
  for (const auto &[name, value] : rows)
    t.rows.push_back({std::string(name), value});
  return t;
}

ReportTable reasons_table(const ScanData &d) {
  ReportTable t{"reasons",
                "Records by classification reason (rejects, blocklists, behaviour)",
                {{"reason", Kind::kText}, {"records", Kind::kInt}, {"share", Kind::kShare}},
                {},
                {}};
  std::vector<std::pair<std::string, std::int64_t>> v(d.rejects.begin(), d.rejects.end());
  std::stable_sort(v.begin(), v.end(), [](auto &a, auto &b) { return a.second > b.second; });
  for (auto &[name, n] : v)
    t.rows.push_back({name, n, share(n, d.total.records)});
  return t;
}

ReportTable country_table(const ScanData &d, int top) {
  ReportTable t{"country",
                "Spam by country",
                {{"rank", Kind::kInt},
                 {"cc", Kind::kText},
                 {"records", Kind::kInt},
                 {"spam", Kind::kInt},
                 {"spam_share", Kind::kShare},
                 {"spam_rate", Kind::kShare},
                 {"ratio_next", Kind::kReal}},
                {},
                {}};
  auto order =
      ranked(d.by_country, [](const VerdictCounts &c) -> const VerdictCounts & { return c; });
  std::int64_t total_spam = 0;
  for (const auto &[cc, c] : d.by_country)
    total_spam += c.spam;
  for (std::size_t i = 0; i < order.size() && static_cast<int>(i) < top; ++i) {
    const auto &[cc, c] = *order[i];
    ReportCell ratio;
    if (i + 1 < order.size() && order[i + 1]->second.spam > 0)
      ratio = static_cast<double>(c.spam) / static_cast<double>(order[i + 1]->second.spam);
    t.rows.push_back({static_cast<std::int64_t>(i + 1), cc.empty() ? std::string("??") : cc,
                      c.records, c.spam, share(c.spam, total_spam), share(c.spam, c.records),
                      ratio});
  }
  if (order.size() >= 2 && order[1]->second.spam > 0 && order[0]->second.spam > 0) {
    const std::string &a = order[0]->first, &b = order[1]->first;
    t.notes.push_back(fmt::format(
        "{} sends {:.1f}x the spam of the runner-up, {}.", a.empty() ? "??" : a,
        static_cast<double>(order[0]->second.spam) / static_cast<double>(order[1]->second.spam),
        b.empty() ? "??" : b));
  }
  if (d.by_country.count("") != 0)
    t.notes.push_back(
        "?? = no country known (give --table, a netlookup table, to look clients up).");
  return t;
}

ReportTable network_table(const ScanData &d, int top, const std::vector<BanRange> &bans) {
  ReportTable t{"network",
                "Spam by network: BGP prefix, registry allocation, AS",
                {{"level", Kind::kText},
                 {"network", Kind::kText},
                 {"asn", Kind::kInt},
                 {"as_name", Kind::kText},
                 {"cc", Kind::kText},
                 {"records", Kind::kInt},
                 {"spam", Kind::kInt},
                 {"spam_share", Kind::kShare},
                 {"banned", Kind::kShare}},
                {},
                {}};
  auto get = [](const NetworkCounts &n) -> const VerdictCounts & { return n.counts; };
  auto add_level = [&](const char *level, const auto &map, auto name_of) {
    auto order = ranked(map, get);
    for (std::size_t i = 0; i < order.size() && static_cast<int>(i) < top; ++i) {
      const auto &[key, n] = *order[i];
      std::string name = name_of(key);
      ReportCell banned;
      if (auto r = parse_range(name)) banned = covered_fraction(*r, bans);
      t.rows.push_back({std::string(level), name,
                        n.asn ? ReportCell(static_cast<std::int64_t>(n.asn)) : ReportCell(),
                        text_or_empty(n.as_name), text_or_empty(n.cc), n.counts.records,
                        n.counts.spam, share(n.counts.spam, d.total.spam), banned});
    }
  };
  add_level("prefix", d.by_prefix, [](const std::string &k) { return k; });
  add_level("alloc", d.by_alloc, [](const std::string &k) { return k; });
  add_level("as", d.by_as,
            [](std::uint32_t asn) { return asn ? "AS" + std::to_string(asn) : "unknown"; });
  t.notes.push_back("banned: share of the network's addresses under an active ban.");
  if (d.by_alloc.empty())
    t.notes.push_back("No allocations or ASes known: give --table (a netlookup table).");
  bool numbers = false, names = false;
  for (const auto &[asn, n] : d.by_as) {
    numbers = numbers || asn != 0;
    names = names || !n.as_name.empty();
  }
  if (numbers && !names)
    t.notes.push_back("AS names are unknown: the table was imported without a source that names "
                      "ASes (netlookup import --ip2asn or --mmdb); pfx2as and registry data "
                      "carry numbers only.");
  return t;
}

ReportTable week_table(const ScanData &d) {
  ReportTable t{"time_week", "Spam by day of week and hour of day", {{"day", Kind::kText}}, {}, {}};
  for (int h = 0; h < 24; ++h)
    t.columns.push_back({fmt::format("h{:02d}", h), Kind::kInt});
  t.columns.push_back({"spam", Kind::kInt});
  t.columns.push_back({"records", Kind::kInt});
  std::int64_t day_spam[7] = {};
  for (std::size_t day = 0; day < 7; ++day) {
    std::vector<ReportCell> row{std::string(kDays[day])};
    std::int64_t all = 0;
    for (std::size_t h = 0; h < 24; ++h) {
      row.emplace_back(d.week_spam[day][h]);
      day_spam[day] += d.week_spam[day][h];
      all += d.week_all[day][h];
    }
    row.emplace_back(day_spam[day]);
    row.emplace_back(all);
    t.rows.push_back(std::move(row));
  }
  if (day_spam[0] > 0)
    t.notes.push_back(
        fmt::format("Sunday/Monday spam ratio: {:.2f} (Sunday {}, Monday {}).",
                    static_cast<double>(day_spam[6]) / static_cast<double>(day_spam[0]),
                    day_spam[6], day_spam[0]));
  else
    t.notes.push_back("Sunday/Monday spam ratio: no spam on Mondays in the period.");
  return t;
}

ReportTable series_table(const ScanData &d, const ZoneConverter *zone) {
  const char *unit = d.bucket_s == 60      ? "minute"
                     : d.bucket_s == 3600  ? "hour"
                     : d.bucket_s == 86400 ? "day"
                                           : "bucket";
  ReportTable t{"time_series",
                fmt::format("Records per {}", unit),
                {{"start", Kind::kTime},
                 {"records", Kind::kInt},
                 {"spam", Kind::kInt},
                 {"suspect", Kind::kInt},
                 {"ham", Kind::kInt}},
                {},
                {}};
  for (const auto &[start, c] : d.series)
    t.rows.push_back({report_time_text(start, zone), c.records, c.spam, c.suspect, c.ham});
  return t;
}

ReportTable senders_table(const ScanData &d) {
  ReportTable t{"senders",
                "Who sends it: pools, static and hosting networks, by day of week (spam)",
                {{"kind", Kind::kText},
                 {"records", Kind::kInt},
                 {"spam", Kind::kInt},
                 {"spam_share", Kind::kShare}},
                {},
                {}};
  for (const char *day : kDays)
    t.columns.push_back({day, Kind::kInt});
  t.columns.push_back({"sun_mon", Kind::kReal});
  for (int k = 0; k < static_cast<int>(SenderKind::kCount); ++k) {
    const VerdictCounts &c = d.by_sender[static_cast<std::size_t>(k)];
    const auto &week = d.sender_week_spam[static_cast<std::size_t>(k)];
    std::vector<ReportCell> row{std::string(sender_kind_name(static_cast<SenderKind>(k))),
                                c.records, c.spam, share(c.spam, d.total.spam)};
    for (std::int64_t n : week)
      row.emplace_back(n);
    row.push_back(week[0] > 0
                      ? ReportCell(static_cast<double>(week[6]) / static_cast<double>(week[0]))
                      : ReportCell());
    t.rows.push_back(std::move(row));
  }
  t.notes.push_back("pool: the client's name is a dynamic/residential pool name; hosting: its AS "
                    "name is a hosting provider's; static: any other name; no-rdns: no name.");
  t.notes.push_back("A low sun_mon for pools means home machines off at the weekend is not the "
                    "cause; a low one for static networks points at office machines.");
  return t;
}

ReportTable servers_table(const ScanData &d) {
  ReportTable t{"servers",
                "Per mail server",
                {{"host", Kind::kText},
                 {"records", Kind::kInt},
                 {"spam", Kind::kInt},
                 {"suspect", Kind::kInt},
                 {"ham", Kind::kInt},
                 {"local", Kind::kInt},
                 {"spam_rate", Kind::kShare},
                 {"recipients", Kind::kInt},
                 {"messages", Kind::kInt},
                 {"sessions", Kind::kInt}},
                {},
                {}};
  for (const auto &[host, c] : d.by_host)
    t.rows.push_back({host.empty() ? std::string("?") : host, c.records, c.spam, c.suspect, c.ham,
                      c.local, share(c.spam, c.records), c.recipients, c.messages, c.sessions});
  return t;
}

} // namespace spamflow
