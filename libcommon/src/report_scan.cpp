#include "spamflow/report_scan.hpp"

#include <algorithm>
#include <cctype>
#include <optional>
#include <type_traits>
#include <unordered_map>

#include "spamflow/ip_address.hpp"
#include "spamflow/net_table.hpp"
#include "spamflow/pool_name.hpp"
#include "spamflow/report_period.hpp"

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
  if (span <= 6 * 3600) return 60;
  if (span <= 14 * 86400) return 3600;
  return 86400;
}

namespace {

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

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

class ClientCache {
public:
  explicit ClientCache(const NetTable *table) : table_(table) {}

  const ClientEntry &get(const std::string &ip, const std::string &name, const std::string &net) {
    auto it = cache_.find(ip);
    if (it != cache_.end()) return it->second;
    return cache_.emplace(ip, make(ip, name, net)).first->second;
  }
  std::size_t size() const { return cache_.size(); }

private:
  ClientEntry make(const std::string &ip, const std::string &name, const std::string &net) const {
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

  const NetTable *table_;
  PoolNameDetector detector_;
  std::unordered_map<std::string, ClientEntry> cache_;
};

// Reason names of spamclass's "reasons" array: each string up to ':' or '='.
template <class F> void each_reason(std::string_view json, F &&f) {
  std::size_t i = 0;
  while ((i = json.find('"', i)) != std::string_view::npos) {
    std::size_t end = i + 1;
    while (end < json.size() && json[end] != '"')
      end += json[end] == '\\' ? 2 : 1;
    std::string_view s = json.substr(i + 1, std::min(end, json.size()) - i - 1);
    f(s.substr(0, s.find_first_of(":=")));
    i = end + 1;
  }
}

template <class K, class M>
void add_network(M &map, const K &key, const ClientEntry &e, const VerdictCounts &c) {
  NetworkCounts &n = map[key];
  n.counts.add(c);
  if (n.cc.empty() && (e.asn != 0 || !std::is_same_v<K, std::uint32_t>)) n.cc = e.cc;
  if (n.asn == 0) n.asn = e.asn;
  if (n.as_name.empty()) n.as_name = e.as_name;
}

} // namespace

Result<ScanData> scan_records(Db &db, const ScanOptions &opt) {
  auto st = db.prepare("SELECT kind, host, first, utc_offset, verdict, nrcpts, client_ip,"
                       " client_name, net, reasons FROM messages WHERE first >= ?1 AND first < ?2");
  if (!st) return make_error(st.error());
  st->bind(1, opt.since).bind(2, opt.until);
  ScanData d;
  d.bucket_s = opt.bucket_s > 0 ? opt.bucket_s : 3600;
  ClientCache clients(opt.table);
  std::int64_t rows = 0;
  while (st->step()) {
    std::string kind = st->column_text(0), host = st->column_text(1);
    std::int64_t first = st->column_int(2);
    std::int64_t offset = opt.zone ? opt.zone->offset_at(first) : st->column_int(3);
    std::string verdict = st->column_text(4);
    RecordCounts r = count_record(kind, verdict, st->column_int(5));
    d.total.add(r.c);
    d.by_host[host].add(r.c);
    each_reason(st->column_text(9), [&](std::string_view name) { ++d.rejects[std::string(name)]; });

    std::int64_t local_day = floor_div(first + offset, 86400);
    int dow = weekday_from_days(local_day);
    int hour = static_cast<int>((first + offset - local_day * 86400) / 3600);
    ++d.week_all[static_cast<std::size_t>(dow)][static_cast<std::size_t>(hour)];
    if (r.spam) ++d.week_spam[static_cast<std::size_t>(dow)][static_cast<std::size_t>(hour)];
    d.series[floor_div(first + offset, d.bucket_s) * d.bucket_s - offset].add(r.c);

    std::string ip = st->column_text(6);
    if (!ip.empty()) {
      const ClientEntry &e = clients.get(ip, st->column_text(7), st->column_text(8));
      d.by_country[e.cc].add(r.c);
      if (!e.prefix.empty()) add_network(d.by_prefix, e.prefix, e, r.c);
      if (!e.alloc.empty()) add_network(d.by_alloc, e.alloc, e, r.c);
      add_network(d.by_as, e.asn, e, r.c);
      auto k = static_cast<std::size_t>(e.kind);
      d.by_sender[k].add(r.c);
      if (r.spam) ++d.sender_week_spam[k][static_cast<std::size_t>(dow)];
    }
    if (opt.progress && (++rows & 0xfffff) == 0) opt.progress(rows);
  }
  if (!st->error().empty()) return make_error(st->error());
  d.clients = static_cast<std::int64_t>(clients.size());
  return d;
}

} // namespace spamflow
