#include "netinfo/whois_cache.hpp"

#include <sqlite3.h>

namespace spamflow {

namespace {

// Fixed-width hex: text order is numeric order, for range queries.
std::string key_text(const IpAddress &addr) {
  static const char digits[] = "0123456789abcdef";
  std::string out(32, '0');
  unsigned __int128 v = addr.value();
  for (int i = 31; i >= 0; --i, v >>= 4)
    out[std::size_t(i)] = digits[unsigned(v & 15)];
  return out;
}

const char *kSchema = "PRAGMA journal_mode=WAL;"
                      "CREATE TABLE IF NOT EXISTS whois_cache("
                      " family INTEGER NOT NULL, first TEXT NOT NULL, last TEXT NOT NULL,"
                      " server TEXT NOT NULL, answer TEXT NOT NULL, fetched INTEGER NOT NULL,"
                      " PRIMARY KEY(family, first, last));"
                      "PRAGMA user_version=1;";

} // namespace

Result<WhoisCache> WhoisCache::open(const std::string &path) {
  sqlite3 *db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return make_error(path + ": " + msg);
  }
  sqlite3_busy_timeout(db, 5000);
  char *err = nullptr;
  if (sqlite3_exec(db, kSchema, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "schema";
    sqlite3_free(err);
    sqlite3_close(db);
    return make_error(path + ": " + msg);
  }
  return WhoisCache(db);
}

WhoisCache::~WhoisCache() {
  if (db_) sqlite3_close(db_);
}

std::optional<CachedWhois> WhoisCache::find(const IpAddress &addr, std::int64_t not_before) {
  sqlite3_stmt *st = nullptr;
  const char *sql = "SELECT server, answer, fetched FROM whois_cache WHERE family=?1 AND "
                    "first<=?2 AND last>=?2 AND fetched>=?3 ORDER BY first DESC, last ASC LIMIT 1";
  if (sqlite3_prepare_v2(db_, sql, -1, &st, nullptr) != SQLITE_OK) return std::nullopt;
  std::string key = key_text(addr);
  sqlite3_bind_int(st, 1, addr.version());
  sqlite3_bind_text(st, 2, key.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 3, not_before);
  std::optional<CachedWhois> out;
  if (sqlite3_step(st) == SQLITE_ROW) {
    CachedWhois c;
    c.server = reinterpret_cast<const char *>(sqlite3_column_text(st, 0));
    const void *blob = sqlite3_column_blob(st, 1);
    c.answer.assign(static_cast<const char *>(blob), std::size_t(sqlite3_column_bytes(st, 1)));
    c.fetched_unix = sqlite3_column_int64(st, 2);
    out = std::move(c);
  }
  sqlite3_finalize(st);
  return out;
}

Result<bool> WhoisCache::store(const IpAddress &first, const IpAddress &last,
                               const CachedWhois &e) {
  sqlite3_stmt *st = nullptr;
  const char *sql = "INSERT OR REPLACE INTO whois_cache VALUES(?1, ?2, ?3, ?4, ?5, ?6)";
  if (sqlite3_prepare_v2(db_, sql, -1, &st, nullptr) != SQLITE_OK)
    return make_error(sqlite3_errmsg(db_));
  std::string f = key_text(first), l = key_text(last);
  sqlite3_bind_int(st, 1, first.version());
  sqlite3_bind_text(st, 2, f.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 3, l.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st, 4, e.server.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_blob(st, 5, e.answer.data(), int(e.answer.size()), SQLITE_TRANSIENT);
  sqlite3_bind_int64(st, 6, e.fetched_unix);
  int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return make_error(sqlite3_errmsg(db_));
  return true;
}

} // namespace spamflow
