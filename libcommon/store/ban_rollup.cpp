#include "store/ban_rollup.hpp"

#include <algorithm>
#include <vector>

#include "base/calendar.hpp"

namespace spamflow {

namespace {

// Index into Client::counts of the verdict's column (report's categories).
std::size_t verdict_column(std::string_view verdict) {
  if (verdict == "spam") return 4;
  if (verdict == "suspect") return 5;
  if (verdict == "ham") return 6;
  if (verdict == "local") return 7;
  return 8;
}

constexpr const char *kUpsertHour =
    "INSERT INTO rollup_hour(hour,utc_offset,host,kind,verdict,records,rcpts)"
    " VALUES(?1,?2,?3,?4,?5,?6,?7) ON CONFLICT DO UPDATE SET"
    " records=records+excluded.records, rcpts=rcpts+excluded.rcpts";
constexpr const char *kUpsertReason =
    "INSERT INTO rollup_reason(hour,reason,records) VALUES(?1,?2,?3)"
    " ON CONFLICT DO UPDATE SET records=records+excluded.records";
// `rows` clients per run. A multi-row statement that may abort gets a
// journal of every page it changes; this one may not: OR FAIL for its
// INSERT, no NOT NULL column for its UPDATE (schema 6, ban_store.cpp), and
// CASE in place of min() and max() (with min() in the SET, SQLite 3.40
// kept a journal too). The earliest record's name and net win, as in
// report's scan of messages.
constexpr int kClientColumns = 21;
constexpr std::size_t kClientsPerUpsert = 64;
std::string upsert_clients_sql(int rows) {
  return "INSERT OR FAIL INTO rollup_client VALUES" + sql_value_rows(kClientColumns, rows) +
         " ON CONFLICT DO UPDATE SET"
         " name=CASE WHEN excluded.first<first THEN excluded.name ELSE name END,"
         " net=CASE WHEN excluded.first<first THEN excluded.net ELSE net END,"
         " first=CASE WHEN excluded.first<first THEN excluded.first ELSE first END,"
         " last=CASE WHEN excluded.last>last THEN excluded.last ELSE last END,"
         " records=records+excluded.records,"
         " messages=messages+excluded.messages, sessions=sessions+excluded.sessions,"
         " rcpts=rcpts+excluded.rcpts, spam=spam+excluded.spam, suspect=suspect+excluded.suspect,"
         " ham=ham+excluded.ham, local=local+excluded.local,"
         " unclassified=unclassified+excluded.unclassified, spam_mon=spam_mon+excluded.spam_mon,"
         " spam_tue=spam_tue+excluded.spam_tue, spam_wed=spam_wed+excluded.spam_wed,"
         " spam_thu=spam_thu+excluded.spam_thu, spam_fri=spam_fri+excluded.spam_fri,"
         " spam_sat=spam_sat+excluded.spam_sat, spam_sun=spam_sun+excluded.spam_sun";
}

std::size_t mix(std::size_t h, std::size_t v) {
  return h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
}

// Looks key up by its view; on a miss inserts the owned key make() returns.
template <class Map, class View, class Make>
typename Map::mapped_type &find_or_add(Map &map, const View &key, Make make) {
  auto it = map.find(key);
  if (it == map.end()) it = map.emplace(make(), typename Map::mapped_type{}).first;
  return it->second;
}

} // namespace

std::size_t RollupBatch::ViewHash::operator()(const HourView &k) const {
  TextHash text;
  std::size_t h = mix(static_cast<std::size_t>(k.hour), static_cast<std::size_t>(k.utc_offset));
  return mix(mix(mix(h, text(k.host)), text(k.kind)), text(k.verdict));
}

std::size_t RollupBatch::ViewHash::operator()(const ReasonView &k) const {
  return mix(static_cast<std::size_t>(k.hour), TextHash{}(k.name));
}

void RollupBatch::add(const RollupInput &in) {
  std::int64_t hour = floor_div(in.first, 3600) * 3600;
  std::int64_t rcpts = in.nrcpts > 0 ? in.nrcpts : 0;
  HourView hv{hour, in.utc_offset, in.host, in.kind, in.verdict};
  auto &h = find_or_add(hours_, hv, [&] {
    return HourKey{hour, in.utc_offset, std::string(in.host), std::string(in.kind),
                   std::string(in.verdict)};
  });
  ++h.first;
  h.second += rcpts;
  each_reason_name(in.reasons_json, [&](std::string_view name) {
    ++find_or_add(reasons_, ReasonView{hour, name}, [&] {
      return ReasonKey{hour, std::string(name)};
    });
  });
  if (in.ip.empty()) return;
  Client *found = clients_.find(in.ip);
  bool added = found == nullptr;
  Client &c = added ? clients_[text_.keep(in.ip)] : *found;
  if (added || in.first < c.first) {
    c.name = text_.keep(in.name);
    c.net = text_.keep(in.net);
    c.first = in.first;
  }
  c.last = added ? in.first : std::max(c.last, in.first);
  ++c.counts[0];
  ++c.counts[in.kind == "session" ? 2 : 1];
  c.counts[3] += rcpts;
  std::size_t v = verdict_column(in.verdict);
  ++c.counts[v];
  if (v == 4)
    ++c.spam_dow[static_cast<std::size_t>(
        weekday_from_days(floor_div(in.first + in.utc_offset, 86400)))];
}

void RollupBatch::add(const StoredRecord &r) {
  if (!r.has_time) return;
  std::string ip = r.client ? r.client->to_string() : std::string();
  std::string net = r.net ? r.net->to_string() : std::string();
  RollupInput in;
  in.kind = r.kind.empty() ? std::string_view("message") : std::string_view(r.kind);
  in.host = r.host;
  in.verdict = r.verdict;
  in.ip = ip;
  in.name = r.client_name;
  in.net = net;
  in.reasons_json = r.reasons_json;
  in.first = r.first;
  in.utc_offset = r.utc_offset_s;
  in.nrcpts = r.nrcpts;
  add(in);
}

Result<bool> RollupBatch::flush(Db &db) {
  auto ok = write(db);
  if (ok) clear();
  return ok;
}

void RollupBatch::clear() {
  hours_.clear();
  reasons_.clear();
  clients_.clear();
  text_.clear();
  client_order_.clear();
}

Result<bool> RollupBatch::write(Db &db) {
  if (hours_.empty()) return true;
  auto hour_st = db.cached(kUpsertHour);
  auto reason_st = db.cached(kUpsertReason);
  // Built once: each flush only looks them up in the connection's cache.
  static const std::string kUpsertClient = upsert_clients_sql(1);
  static const std::string kUpsertClients = upsert_clients_sql(kClientsPerUpsert);
  auto client_st = db.cached(kUpsertClient);
  auto clients_st = db.cached(kUpsertClients);
  for (auto *st : {&hour_st, &reason_st, &client_st, &clients_st})
    if (!*st) return make_error(st->error());
  Statement *hour = *hour_st, *reason = *reason_st, *client = *client_st, *clients = *clients_st;
  // Every parameter is bound before each run (run_rebound), text by
  // reference (the maps hold it), numbers only when they differ from the
  // run before (a client's counts are mostly zeros).
  for (const auto &[k, v] : hours_) {
    hour->bind(1, k.hour).bind(2, k.utc_offset).bind_ref(3, k.host);
    hour->bind_ref(4, k.kind).bind_ref(5, k.verdict).bind(6, v.first).bind(7, v.second);
    if (auto ok = hour->run_rebound(); !ok) return ok;
  }
  for (const auto &[k, n] : reasons_)
    if (auto ok = reason->bind(1, k.hour).bind_ref(2, k.name).bind(3, n).run_rebound(); !ok)
      return ok;
  auto bind_client = [](Statement &st, int base, const ClientEntry &kv) {
    const Client &c = kv.second;
    st.bind_ref(base + 1, kv.first).bind_ref(base + 2, c.name).bind_ref(base + 3, c.net);
    st.bind_kept(base + 4, c.first);
    int col = base + 5;
    for (std::int64_t v : c.counts)
      st.bind_kept(col++, v);
    for (std::int64_t v : c.spam_dow)
      st.bind_kept(col++, v);
    st.bind_kept(col, c.last);
  };
  if (client_order_.size() != clients_.size()) sort_clients();
  std::size_t i = 0, n = client_order_.size();
  for (; n - i >= kClientsPerUpsert; i += kClientsPerUpsert) {
    for (std::size_t row = 0; row < kClientsPerUpsert; ++row)
      bind_client(*clients, static_cast<int>(row) * kClientColumns, *client_order_[i + row].second);
    if (auto ok = clients->run_rebound(); !ok) return ok;
  }
  for (; i < n; ++i) {
    bind_client(*client, 0, *client_order_[i].second);
    if (auto ok = client->run_rebound(); !ok) return ok;
  }
  return true;
}

// Sorted by the first 8 bytes as a big-endian number beside each entry,
// then by the whole key: most comparisons read neither node (a third of
// the sort's time when it compared the strings).
void RollupBatch::sort_clients() {
  client_order_.clear();
  client_order_.reserve(clients_.size());
  for (const ClientEntry &kv : clients_) {
    std::uint64_t prefix = 0;
    for (std::size_t i = 0; i < 8; ++i)
      prefix = prefix << 8 | (i < kv.first.size() ? static_cast<unsigned char>(kv.first[i]) : 0U);
    client_order_.emplace_back(prefix, &kv);
  }
  std::sort(client_order_.begin(), client_order_.end(), [](const auto &a, const auto &b) {
    return a.first != b.first ? a.first < b.first : a.second->first < b.second->first;
  });
}

Result<bool> fill_rollups_from_messages(Db &db) {
  // In the order banwrite stored them: each client's earliest record names
  // it, the first stored of equally early ones (add() and the upsert keep
  // an earlier time only), as when banwrite summed them.
  auto st = db.prepare("SELECT kind, host, first, utc_offset, verdict, nrcpts, client_ip,"
                       " client_name, net, reasons FROM messages WHERE first IS NOT NULL"
                       " ORDER BY id");
  if (!st) return make_error(st.error());
  RollupBatch batch;
  std::int64_t rows = 0;
  while (st->step()) {
    std::string kind = st->column_text(0), host = st->column_text(1);
    std::string verdict = st->column_text(4), ip = st->column_text(6);
    std::string name = st->column_text(7), net = st->column_text(8);
    std::string reasons = st->column_text(9);
    RollupInput in{kind,
                   host,
                   verdict,
                   ip,
                   name,
                   net,
                   reasons,
                   st->column_int(2),
                   st->column_int(3),
                   st->column_int(5)};
    batch.add(in);
    if (++rows % 100000 == 0)
      if (auto ok = batch.flush(db); !ok) return ok;
  }
  if (!st->error().empty()) return make_error(st->error());
  return batch.flush(db);
}

} // namespace spamflow
