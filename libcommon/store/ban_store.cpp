#include "store/ban_store.hpp"

#include <algorithm>
#include <map>

#include "wire/json_writer.hpp"

namespace spamflow {

namespace {

// A message's recipients as messages.rcpts holds them (schema 4).
void recipients_json(const std::vector<StoredRecipient> &rcpts, std::string &out) {
  out.clear();
  if (rcpts.empty()) return;
  out += '[';
  for (const StoredRecipient &rc : rcpts) {
    out += out.size() > 1 ? ",{" : "{";
    bool first = true;
    for (auto [name, value] : {std::pair<const char *, const std::string *>{"to", &rc.to},
                               {"status", &rc.status},
                               {"dsn", &rc.dsn},
                               {"mailer", &rc.mailer}}) {
      if (value->empty()) continue;
      if (!first) out += ',';
      first = false;
      out += '"';
      out += name;
      out += "\":";
      append_json_string(out, *value);
    }
    out += '}';
  }
  out += ']';
}

} // namespace

std::string address_key(const IpAddress &addr) {
  int bytes = addr.is_v4() ? 4 : 16;
  std::string key(static_cast<std::size_t>(bytes), '\0');
  unsigned __int128 v = addr.value();
  for (int i = bytes - 1; i >= 0; --i, v >>= 8)
    key[static_cast<std::size_t>(i)] = static_cast<char>(v & 0xff);
  return key;
}

Result<BanStore> BanStore::open(const std::string &path, BanStoreOptions options) {
  auto db = Db::open(path, options.busy_timeout_ms);
  if (!db) return make_error(db.error());
  BanStore store(std::move(*db), options);
  // A bigger page cache keeps the indexes' hot pages in memory across
  // batches; checkpointing every 10,000 pages instead of 1,000 makes fewer,
  // larger WAL copies. Neither changes what a crash can lose. Debian builds
  // SQLite with secure_delete on, which zeroes every byte a page split or
  // an update frees (2% of the writer's instructions); nothing here is
  // deleted for secrecy's sake.
  if (auto p = store.db_.exec(
          "PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=10000; PRAGMA secure_delete=OFF;");
      !p)
    return make_error(path + ": " + p.error());
  if (auto m = migrate_schema(store.db_); !m) return make_error(path + ": " + m.error());
  if (auto p = store.prepare_statements(); !p) return make_error(path + ": " + p.error());
  return store;
}

namespace {

constexpr int kMessageColumns = 22;

// One INSERT of `rows` rows. OR FAIL: a multi-row INSERT that may abort
// needs a statement journal (a copy of every page it changes); no column
// here can fail (kind and complete are always bound), so FAIL and ABORT
// differ in nothing but that cost.
std::string insert_messages_sql(int rows) {
  return "INSERT OR FAIL INTO messages(kind,host,qid,pid,first,last,utc_offset,client_ip,"
         "client_family,client_key,client_name,sender,msgid,size,nrcpts,verdict,score,reasons,"
         "events,net,complete,rcpts) VALUES" +
         sql_value_rows(kMessageColumns, rows);
}

} // namespace

Result<bool> BanStore::prepare_statements() {
  struct Item {
    Statement *stmt;
    std::string sql;
  };
  const Item items[] = {
      {&insert_message_, insert_messages_sql(1)},
      {&insert_messages_, insert_messages_sql(kRowsPerInsert)},
      {&insert_ban_,
       "INSERT INTO bans(target,network,family,first_key,last_key,start,until,reason,hits,offence,"
       "manual,active) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,1) ON CONFLICT(target) WHERE"
       " active=1 DO UPDATE SET network=excluded.network, start=excluded.start,"
       " until=excluded.until, reason=excluded.reason, hits=excluded.hits,"
       " offence=excluded.offence, manual=excluded.manual"},
      {&end_ban_, "UPDATE bans SET active=0, until=min(until,?2) WHERE target=?1 AND active=1"},
      {&insert_history_,
       "INSERT INTO ban_history(time,action,target,network,reason,until,hits,offence,manual)"
       " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)"},
  };
  for (const Item &item : items) {
    auto st = db_.prepare(item.sql);
    if (!st) return make_error(st.error());
    *item.stmt = std::move(*st);
  }
  return true;
}

Result<bool> BanStore::ensure_batch() {
  if (db_.in_transaction()) return true;
  batch_count_ = 0;
  batch_start_ = std::chrono::steady_clock::now();
  return db_.begin();
}

Result<bool> BanStore::commit() {
  if (!db_.in_transaction()) return true;
  if (auto f = rollup_.flush(db_); !f) return f;
  if (auto f = blocks_.flush(db_); !f) return f;
  auto c = db_.commit();
  if (c) ++commits_;
  batch_count_ = 0;
  return c;
}

void prepare_row_text(const StoredRecord &r, RecordRowText &out) {
  out.ip.clear();
  out.key.clear();
  out.net.clear();
  if (r.client) {
    r.client->append_to(out.ip);
    out.key = address_key(*r.client);
  }
  if (r.net) r.net->append_to(out.net);
  recipients_json(r.rcpts, out.rcpts_json);
}

void add_to_rollup(RollupBatch &rollup, const StoredRecord &r, const RecordRowText &text) {
  // The rollups (and so the clients view) count records with a time.
  if (!r.has_time) return;
  std::string_view kind = r.kind.empty() ? std::string_view("message") : std::string_view(r.kind);
  rollup.add(RollupInput{kind, r.host, r.verdict, text.ip, r.client_name, text.net, r.reasons_json,
                         r.first, r.utc_offset_s, r.nrcpts});
}

Result<bool> BanStore::store_row(const StoredRecord &record, const RecordRowText &text) {
  return store_rows(&record, &text, 1);
}

Result<bool> BanStore::store_rollups(RollupBatch &rollup) {
  if (rollup.empty()) return true;
  if (auto b = ensure_batch(); !b) return b;
  return rollup.write(db_);
}

Result<bool> BanStore::add_record(const StoredRecord &record) {
  prepare_row_text(record, row_text_);
  add_to_rollup(rollup_, record, row_text_);
  if (auto r = store_row(record, row_text_); !r) return r;
  auto age = std::chrono::steady_clock::now() - batch_start_;
  if (batch_count_ >= opt_.batch_records || age >= std::chrono::milliseconds(opt_.batch_ms))
    return commit();
  return true;
}

namespace {

// The words a record's kind and verdict nearly always are, as literals
// that bind_kept_static can leave bound from one row to the next.
std::string_view literal_word(std::string_view word) {
  for (std::string_view w : {"message", "session", "spam", "suspect", "ham", "local"})
    if (word == w) return w;
  return {};
}

// Binds one row's parameters, ?base+1 to ?base+kMessageColumns. Text by
// reference, as r and t outlive the statement's run (run_rebound); numbers,
// nulls and literals only when they differ from the run before.
void bind_message_row(Statement &m, int base, const StoredRecord &r, const RecordRowText &t) {
  auto text = [&m, base](int i, std::string_view s) {
    s.empty() ? m.bind_kept_null(base + i) : m.bind_ref(base + i, s);
  };
  auto word = [&m, base](int i, std::string_view s) {
    std::string_view w = literal_word(s);
    s.empty()   ? m.bind_kept_null(base + i)
    : w.empty() ? m.bind_ref(base + i, s)
                : m.bind_kept_static(base + i, w);
  };
  auto number = [&m, base](int i, bool has, std::int64_t v) {
    has ? m.bind_kept(base + i, v) : m.bind_kept_null(base + i);
  };
  word(1, r.kind.empty() ? std::string_view("message") : std::string_view(r.kind));
  text(2, r.host);
  text(3, r.qid);
  number(4, r.pid >= 0, r.pid);
  number(5, r.has_time, r.first);
  number(6, r.has_time, r.last);
  number(7, r.has_time, r.utc_offset_s);
  text(8, t.ip);
  number(9, r.client.has_value(), r.client ? r.client->version() : 0);
  if (r.client)
    m.bind_blob_ref(base + 10, t.key.data(), t.key.size());
  else
    m.bind_kept_null(base + 10);
  text(11, r.client_name);
  text(12, r.from);
  text(13, r.msgid);
  number(14, r.size >= 0, r.size);
  number(15, r.nrcpts >= 0, r.nrcpts);
  word(16, r.verdict);
  r.verdict.empty() ? m.bind_kept_null(base + 17) : m.bind(base + 17, r.score);
  text(18, r.reasons_json);
  text(19, r.events_json);
  text(20, t.net);
  m.bind_kept(base + 21, r.complete ? 1 : 0);
  text(22, t.rcpts_json);
}

} // namespace

Result<bool> BanStore::insert_row(const StoredRecord &r, const RecordRowText &t) {
  bind_message_row(insert_message_, 0, r, t);
  return insert_message_.run_rebound();
}

Result<bool> BanStore::store_rows(const StoredRecord *records, const RecordRowText *texts,
                                  std::size_t n) {
  if (auto b = ensure_batch(); !b) return b;
  std::size_t i = 0;
  // kRowsPerInsert rows per statement run: each run's fixed cost (opening
  // cursors, halting, resetting) was a tenth of the writer's instructions.
  for (; n - i >= kRowsPerInsert; i += kRowsPerInsert) {
    for (std::size_t row = 0; row < kRowsPerInsert; ++row)
      bind_message_row(insert_messages_, static_cast<int>(row) * kMessageColumns, records[i + row],
                       texts[i + row]);
    if (auto r = insert_messages_.run_rebound(); !r) return r;
  }
  for (; i < n; ++i)
    if (auto r = insert_row(records[i], texts[i]); !r) return r;
  batch_count_ += n;
  return note_block(records, n);
}

// The rows just inserted, in message_blocks: their ids are consecutive
// (each new rowid is the largest plus one) and end at the last insert's.
Result<bool> BanStore::note_block(const StoredRecord *records, std::size_t n) {
  if (n == 0) return true;
  bool any_time = false;
  std::int64_t lo = 0, hi = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!records[i].has_time) continue;
    std::int64_t t = records[i].first;
    lo = any_time ? std::min(lo, t) : t;
    hi = any_time ? std::max(hi, t) : t;
    any_time = true;
  }
  std::int64_t last = db_.last_insert_rowid();
  return blocks_.add(db_, last - static_cast<std::int64_t>(n) + 1, last, any_time, lo, hi);
}

Result<bool> BanStore::add_ban_event(const BanEvent &e, std::int64_t now) {
  if (auto b = ensure_batch(); !b) return b;
  std::string target = e.target.to_string();
  std::string network = e.network.to_string();
  bool add = e.action == BanEvent::Action::kAdd;
  if (add) {
    std::string first = address_key(e.target.network_address());
    std::string last = address_key(e.target.broadcast_address());
    Statement &s = insert_ban_;
    s.bind(1, target).bind(2, network).bind(3, e.target.version());
    s.bind_blob(4, first.data(), first.size()).bind_blob(5, last.data(), last.size());
    s.bind(6, e.start).bind(7, e.until).bind(8, e.reason).bind(9, e.hits).bind(10, e.offence);
    s.bind(11, e.manual ? 1 : 0);
    if (auto ok = s.run(); !ok) return ok;
  } else {
    if (auto ok = end_ban_.bind(1, target).bind(2, e.until).run(); !ok) return ok;
  }
  Statement &h = insert_history_;
  h.bind(1, now).bind(2, add ? "add" : "remove").bind(3, target).bind(4, network);
  h.bind(5, e.reason).bind(6, e.until).bind(7, e.hits).bind(8, e.offence).bind(9, e.manual ? 1 : 0);
  return h.run();
}

Result<std::vector<StoredBan>> BanStore::active_bans() {
  auto st = db_.prepare("SELECT target,network,start,until,reason,hits,offence,manual FROM bans"
                        " WHERE active=1 ORDER BY family, first_key, target");
  if (!st) return make_error(st.error());
  std::vector<StoredBan> out;
  while (st->step()) {
    auto target = IpNetwork::parse(st->column_text(0), false);
    auto network = IpNetwork::parse(st->column_text(1), false);
    if (!target || !network)
      return make_error("bans: bad target or network '" + st->column_text(0) + "'");
    StoredBan b{*target,
                *network,
                st->column_int(2),
                st->column_int(3),
                st->column_text(4),
                st->column_double(5),
                static_cast<int>(st->column_int(6)),
                st->column_int(7) != 0};
    out.push_back(std::move(b));
  }
  if (!st->error().empty()) return make_error(st->error());
  return out;
}

Result<std::unordered_map<IpNetwork, int>> BanStore::offence_counts() {
  auto st = db_.prepare("SELECT network, max(offence) FROM ban_history WHERE action='add'"
                        " GROUP BY network");
  if (!st) return make_error(st.error());
  std::unordered_map<IpNetwork, int> out;
  while (st->step())
    if (auto n = IpNetwork::parse(st->column_text(0), false))
      out[*n] = static_cast<int>(st->column_int(1));
  if (!st->error().empty()) return make_error(st->error());
  return out;
}

Result<std::vector<BanStore::FlagRow>> BanStore::flags_after(Db &db, std::int64_t after_id,
                                                             std::int64_t since_time) {
  auto st = db.prepare("SELECT id, time, client_ip FROM flags WHERE id > ? AND time >= ? "
                       "AND client_ip IS NOT NULL ORDER BY id");
  if (!st) return Error{st.error()};
  st->bind(1, after_id).bind(2, since_time);
  std::vector<FlagRow> rows;
  while (st->step())
    rows.push_back({st->column_int(0), st->column_int(1), st->column_text(2)});
  if (!st->error().empty()) return make_error(st->error());
  return rows;
}

Result<bool> BanStore::restore_into(BanPolicy &policy) {
  auto offences = offence_counts();
  if (!offences) return make_error(offences.error());
  for (const auto &[net, n] : *offences)
    policy.set_offences(net, n);
  auto bans = active_bans();
  if (!bans) return make_error(bans.error());
  std::map<IpNetwork, ActiveBan> grouped;
  for (const StoredBan &b : *bans) {
    ActiveBan &a = grouped[b.network];
    a = ActiveBan{b.network, std::move(a.pieces), b.start,  b.until, b.reason,
                  b.hits,    b.offence,           b.manual, false};
    a.pieces.push_back(b.target);
  }
  for (auto &[net, ban] : grouped)
    policy.restore_ban(std::move(ban));
  return true;
}

Result<std::int64_t> BanStore::count_rows(std::string_view table) {
  return db_.query_int("SELECT count(*) FROM " + std::string(table));
}

} // namespace spamflow
