#include "report/report_scan.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "base/calendar.hpp"
#include "classify/pool_name.hpp"
#include "ip/ip_address.hpp"
#include "netinfo/net_table.hpp"
#include "report/report_period.hpp"
#include "store/ban_rollup.hpp"
#include "store/message_blocks.hpp"

namespace spamflow {

void VerdictCounts::add(const VerdictCounts &o) {
  records += o.records;
  messages += o.messages;
  sessions += o.sessions;
  recipients += o.recipients;
  spam += o.spam;
  suspect += o.suspect;
  ham += o.ham;
  local += o.local;
  unclassified += o.unclassified;
}

const char *sender_kind_name(SenderKind kind) {
  switch (kind) {
  case SenderKind::kPool:
    return "pool";
  case SenderKind::kStatic:
    return "static";
  case SenderKind::kHosting:
    return "hosting";
  default:
    return "no-rdns";
  }
}

std::int64_t auto_bucket_seconds(std::int64_t since, std::int64_t until) {
  std::int64_t span = until - since;
  if (span <= std::int64_t{6} * 3600) return 60;
  if (span <= std::int64_t{14} * 86400) return 3600;
  return 86400;
}

namespace {

// One record's contribution, before it is added to every breakdown.
struct RecordCounts {
  VerdictCounts c;
  bool spam = false;
};

RecordCounts count_record(std::string_view kind, std::string_view verdict, std::int64_t nrcpts) {
  RecordCounts r;
  r.c.records = 1;
  (kind == "session" ? r.c.sessions : r.c.messages) = 1;
  r.c.recipients = nrcpts > 0 ? nrcpts : 0;
  if (verdict == "spam") {
    r.c.spam = 1;
    r.spam = true;
  } else if (verdict == "suspect") {
    r.c.suspect = 1;
  } else if (verdict == "ham") {
    r.c.ham = 1;
  } else if (verdict == "local") {
    r.c.local = 1;
  } else {
    r.c.unclassified = 1;
  }
  return r;
}

// Hosting providers are told by their AS names; the words are lower case.
bool is_hosting_as(std::string_view as_name) {
  static const char *const kWords[] = {
      "hosting", "cloud",  "server",       "data center", "datacenter", "colo",   "vps",    "ovh",
      "hetzner", "amazon", "digitalocean", "linode",      "leaseweb",   "choopa", "contabo"};
  std::string lower(as_name);
  for (char &ch : lower)
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  for (const char *w : kWords)
    if (lower.find(w) != std::string::npos) return true;
  return false;
}

// A registry range as a CIDR when it is one ("192.0.2.0/24"), else "first-last".
std::string allocation_text(const NetInfo &info) {
  uint128 size = info.range_last - info.range_first + 1;
  if (size == 0 || (size & (size - 1)) != 0 || (info.range_first & (size - 1)) != 0)
    return info.range_text();
  int bits = 0;
  while (size > 1) {
    size >>= 1;
    ++bits;
  }
  return raw_address_text(info.range_first, info.v6) + "/" +
         std::to_string((info.v6 ? 128 : 32) - bits);
}

// What report knows about one client address.
struct ClientEntry {
  std::string cc, prefix, alloc, as_name;
  std::uint32_t asn = 0;
  SenderKind kind = SenderKind::kUnnamed;
};

// Each client is described once: both paths sum a client's records first.
class ClientDescriber {
public:
  explicit ClientDescriber(const NetTable *table) : table_(table) {}

  ClientEntry describe(const std::string &ip, const std::string &name, const std::string &net) {
    ++described_;
    ClientEntry e;
    e.prefix = net;
    std::optional<IpAddress> addr;
    if (auto a = IpAddress::parse(ip)) addr = *a;
    if (table_ && addr) {
      if (auto info = table_->lookup(*addr)) {
        e.cc = std::string(info->cc);
        // A registry block is not a BGP prefix: leave those to "alloc".
        if (e.prefix.empty() && info->source != "rir") e.prefix = info->cidr_text();
        e.alloc = allocation_text(*info);
        e.asn = info->asn;
        e.as_name = std::string(info->as_name);
      }
    }
    if (!name.empty() && detector_.check(name, addr).pool)
      e.kind = SenderKind::kPool;
    else if (is_hosting_as(e.as_name))
      e.kind = SenderKind::kHosting;
    else if (!name.empty())
      e.kind = SenderKind::kStatic;
    return e;
  }
  std::int64_t described() const { return described_; }

private:
  const NetTable *table_;
  PoolNameDetector detector_;
  std::int64_t described_ = 0;
};

template <class K, class M>
void add_network(M &map, const K &key, const ClientEntry &e, const VerdictCounts &c) {
  NetworkCounts &n = map[key];
  n.counts.add(c);
  if (n.cc.empty() && (e.asn != 0 || !std::is_same_v<K, std::uint32_t>)) n.cc = e.cc;
  if (n.asn == 0) n.asn = e.asn;
  if (n.as_name.empty()) n.as_name = e.as_name;
}

using SpamByDay = std::array<std::int64_t, 7>; // spam records by local day, Monday first

// One client's counts in every breakdown by client.
void add_client(ScanData &d, const ClientEntry &e, const VerdictCounts &c,
                const SpamByDay &spam_dow) {
  d.by_country[e.cc].add(c);
  if (!e.prefix.empty()) add_network(d.by_prefix, e.prefix, e, c);
  if (!e.alloc.empty()) add_network(d.by_alloc, e.alloc, e, c);
  add_network(d.by_as, e.asn, e, c);
  auto k = static_cast<std::size_t>(e.kind);
  d.by_sender[k].add(c);
  for (std::size_t day = 0; day < 7; ++day)
    d.sender_week_spam[k][day] += spam_dow[day];
}

// A client's records in a scan of messages, summed as rollup_client sums
// them: named by its earliest record (of equally early ones, the first
// stored), whatever order the rows come in.
struct ScanClient {
  std::string name, net;
  std::int64_t first = 0, id = 0;
  VerdictCounts c;
  SpamByDay spam_dow{};
};
using ScanClients = std::unordered_map<std::string, ScanClient>;

// st is scan_records()'s row: its name (7), net (8) and id (10) are read
// only when the record is the client's earliest so far.
void count_client(ScanClients &clients, std::string ip, const Statement &st, std::int64_t first,
                  const RecordCounts &r, std::size_t dow) {
  auto [it, added] = clients.try_emplace(std::move(ip));
  ScanClient &sc = it->second;
  std::int64_t id = st.column_int(10);
  if (added || first < sc.first || (first == sc.first && id < sc.id)) {
    sc.name = st.column_text(7);
    sc.net = st.column_text(8);
    sc.first = first;
    sc.id = id;
  }
  sc.c.add(r.c);
  if (r.spam) ++sc.spam_dow[dow];
}

// The scanned clients into d, in the order read_client_rollup takes them.
void add_scanned_clients(const ScanClients &scanned, ClientDescriber &clients, ScanData &d) {
  std::vector<ScanClients::const_pointer> order;
  order.reserve(scanned.size());
  for (const auto &kv : scanned)
    order.push_back(&kv);
  std::sort(order.begin(), order.end(), [](auto a, auto b) {
    return a->second.first != b->second.first ? a->second.first < b->second.first
                                              : a->first < b->first;
  });
  for (auto kv : order) {
    const ScanClient &sc = kv->second;
    add_client(d, clients.describe(kv->first, sc.name, sc.net), sc.c, sc.spam_dow);
  }
}

// A record's counts times n (n records alike), with their recipients.
VerdictCounts scaled(const VerdictCounts &one, std::int64_t n, std::int64_t rcpts) {
  VerdictCounts c = one;
  c.records *= n;
  c.messages *= n;
  c.sessions *= n;
  c.spam *= n;
  c.suspect *= n;
  c.ham *= n;
  c.local *= n;
  c.unclassified *= n;
  c.recipients = rcpts;
  return c;
}

// The rollups answer when they hold exactly the period's records and every
// figure can be placed in time from whole hours.
Result<bool> rollup_answers(Db &db, const ScanOptions &opt) {
  if (!opt.use_rollup || opt.zone || (opt.bucket_s != 3600 && opt.bucket_s != 86400)) return false;
  auto tables = db.query_int("SELECT count(*) FROM sqlite_master WHERE name='rollup_client'");
  if (!tables) return make_error(tables.error());
  if (*tables == 0) return false;
  auto span = message_time_span(db);
  if (!span) return make_error(span.error());
  if (!*span) return false;
  if ((*span)->min_first < opt.since || (*span)->max_first >= opt.until) return false;
  auto odd = db.query_int("SELECT count(*) FROM (SELECT DISTINCT utc_offset FROM rollup_hour)"
                          " WHERE utc_offset % 3600 != 0");
  if (!odd) return make_error(odd.error());
  return *odd == 0;
}

Result<bool> read_hour_rollup(Db &db, ScanData &d) {
  auto st = db.prepare("SELECT hour, utc_offset, host, kind, verdict, records, rcpts"
                       " FROM rollup_hour");
  if (!st) return make_error(st.error());
  while (st->step()) {
    std::int64_t hour = st->column_int(0), offset = st->column_int(1);
    RecordCounts one = count_record(st->column_text(3), st->column_text(4), 0);
    std::int64_t n = st->column_int(5);
    VerdictCounts c = scaled(one.c, n, st->column_int(6));
    d.total.add(c);
    d.by_host[st->column_text(2)].add(c);
    std::int64_t local_day = floor_div(hour + offset, 86400);
    auto dow = static_cast<std::size_t>(weekday_from_days(local_day));
    auto h = static_cast<std::size_t>((hour + offset - local_day * 86400) / 3600);
    d.week_all[dow][h] += n;
    if (one.spam) d.week_spam[dow][h] += n;
    d.series[floor_div(hour + offset, d.bucket_s) * d.bucket_s - offset].add(c);
  }
  if (!st->error().empty()) return make_error(st->error());
  auto rs = db.prepare("SELECT reason, sum(records) FROM rollup_reason GROUP BY reason");
  if (!rs) return make_error(rs.error());
  while (rs->step())
    d.rejects[rs->column_text(0)] += rs->column_int(1);
  if (!rs->error().empty()) return make_error(rs->error());
  return true;
}

// Clients in the order of their first record, then of their address, as
// the scan of messages takes them (the first client of a network fills its
// country and AS name).
Result<bool> read_client_rollup(Db &db, ClientDescriber &clients, ScanData &d) {
  auto st = db.prepare("SELECT ip, name, net, records, messages, sessions, rcpts, spam, suspect,"
                       " ham, local, unclassified, spam_mon, spam_tue, spam_wed, spam_thu,"
                       " spam_fri, spam_sat, spam_sun FROM rollup_client ORDER BY first, ip");
  if (!st) return make_error(st.error());
  while (st->step()) {
    ClientEntry e = clients.describe(st->column_text(0), st->column_text(1), st->column_text(2));
    VerdictCounts c;
    c.records = st->column_int(3);
    c.messages = st->column_int(4);
    c.sessions = st->column_int(5);
    c.recipients = st->column_int(6);
    c.spam = st->column_int(7);
    c.suspect = st->column_int(8);
    c.ham = st->column_int(9);
    c.local = st->column_int(10);
    c.unclassified = st->column_int(11);
    SpamByDay spam_dow{};
    for (std::size_t day = 0; day < 7; ++day)
      spam_dow[day] = st->column_int(12 + static_cast<int>(day));
    add_client(d, e, c, spam_dow);
  }
  if (!st->error().empty()) return make_error(st->error());
  return true;
}

Result<ScanData> read_rollups(Db &db, const ScanOptions &opt) {
  ScanData d;
  d.bucket_s = opt.bucket_s;
  d.from_rollup = true;
  ClientDescriber clients(opt.table);
  if (auto ok = read_hour_rollup(db, d); !ok) return make_error(ok.error());
  if (auto ok = read_client_rollup(db, clients, d); !ok) return make_error(ok.error());
  d.clients = clients.described();
  return d;
}

} // namespace

Result<ScanData> scan_records(Db &db, const ScanOptions &opt) {
  auto use_rollup = rollup_answers(db, opt);
  if (!use_rollup) return make_error(use_rollup.error());
  if (*use_rollup) return read_rollups(db, opt);
  auto sql = messages_in_period_sql(db, "kind, host, first, utc_offset, verdict, nrcpts,"
                                        " client_ip, client_name, net, reasons, id");
  if (!sql) return make_error(sql.error());
  auto st = db.prepare(*sql);
  if (!st) return make_error(st.error());
  st->bind(1, opt.since).bind(2, opt.until);
  ScanData d;
  d.bucket_s = opt.bucket_s > 0 ? opt.bucket_s : 3600;
  ScanClients scanned;
  std::int64_t rows = 0;
  while (st->step()) {
    std::string kind = st->column_text(0), host = st->column_text(1);
    std::int64_t first = st->column_int(2);
    std::int64_t offset = opt.zone ? opt.zone->offset_at(first) : st->column_int(3);
    std::string verdict = st->column_text(4);
    RecordCounts r = count_record(kind, verdict, st->column_int(5));
    d.total.add(r.c);
    d.by_host[host].add(r.c);
    each_reason_name(st->column_text(9),
                     [&](std::string_view name) { ++d.rejects[std::string(name)]; });

    std::int64_t local_day = floor_div(first + offset, 86400);
    auto dow = static_cast<std::size_t>(weekday_from_days(local_day));
    auto hour = static_cast<std::size_t>((first + offset - local_day * 86400) / 3600);
    ++d.week_all[dow][hour];
    if (r.spam) ++d.week_spam[dow][hour];
    d.series[floor_div(first + offset, d.bucket_s) * d.bucket_s - offset].add(r.c);

    if (std::string ip = st->column_text(6); !ip.empty())
      count_client(scanned, std::move(ip), *st, first, r, dow);
    if (opt.progress && (++rows & 0xfffff) == 0) opt.progress(rows);
  }
  if (!st->error().empty()) return make_error(st->error());
  ClientDescriber clients(opt.table);
  add_scanned_clients(scanned, clients, d);
  d.clients = clients.described();
  return d;
}

} // namespace spamflow
