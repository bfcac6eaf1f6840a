#include "store/db.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include <sqlite3.h>

namespace spamflow {

Statement::Statement(Statement &&other) noexcept
    : stmt_(other.stmt_), db_(other.db_), error_(std::move(other.error_)),
      kept_(std::move(other.kept_)) {
  other.stmt_ = nullptr;
}

Statement &Statement::operator=(Statement &&other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = other.stmt_;
    db_ = other.db_;
    error_ = std::move(other.error_);
    kept_ = std::move(other.kept_);
    other.stmt_ = nullptr;
  }
  return *this;
}

Statement::~Statement() {
  sqlite3_finalize(stmt_);
}

Statement &Statement::bind(int index, std::string_view text) {
  forget(index);
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement &Statement::bind(int index, std::int64_t value) {
  forget(index);
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement &Statement::bind(int index, double value) {
  forget(index);
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}

Statement &Statement::bind_blob(int index, const void *data, std::size_t size) {
  forget(index);
  sqlite3_bind_blob(stmt_, index, data, static_cast<int>(size), SQLITE_TRANSIENT);
  return *this;
}

Statement &Statement::bind_blob_ref(int index, const void *data, std::size_t size) {
  forget(index);
  sqlite3_bind_blob(stmt_, index, data, static_cast<int>(size), SQLITE_STATIC);
  return *this;
}

Statement &Statement::bind_ref(int index, std::string_view text) {
  forget(index);
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
  return *this;
}

Statement &Statement::bind_null(int index) {
  forget(index);
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Statement::Kept *Statement::kept(int index) {
  if (kept_.empty())
    kept_.resize(static_cast<std::size_t>(sqlite3_bind_parameter_count(stmt_)) + 1);
  if (index < 1 || static_cast<std::size_t>(index) >= kept_.size()) return nullptr;
  return &kept_[static_cast<std::size_t>(index)];
}

Statement &Statement::bind_kept(int index, std::int64_t value) {
  Kept *k = kept(index);
  if (k && k->kind == Kept::Kind::kInt && k->value == value) return *this;
  sqlite3_bind_int64(stmt_, index, value);
  if (k) *k = {Kept::Kind::kInt, value, nullptr};
  return *this;
}

Statement &Statement::bind_kept_null(int index) {
  Kept *k = kept(index);
  if (k && k->kind == Kept::Kind::kNull) return *this;
  sqlite3_bind_null(stmt_, index);
  if (k) *k = {Kept::Kind::kNull, 0, nullptr};
  return *this;
}

Statement &Statement::bind_kept_static(int index, std::string_view text) {
  Kept *k = kept(index);
  auto size = static_cast<std::int64_t>(text.size());
  if (k && k->kind == Kept::Kind::kStatic && k->text == text.data() && k->value == size)
    return *this;
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(size), SQLITE_STATIC);
  if (k) *k = {Kept::Kind::kStatic, size, text.data()};
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) error_ = sqlite3_errmsg(db_);
  return false;
}

Result<bool> Statement::run() {
  error_.clear();
  while (step()) {
  }
  std::string err = error_;
  reset();
  if (!err.empty()) return make_error(err);
  return true;
}

Result<bool> Statement::run_rebound() {
  int rc = sqlite3_step(stmt_);
  while (rc == SQLITE_ROW)
    rc = sqlite3_step(stmt_);
  if (rc != SQLITE_DONE) {
    std::string err = sqlite3_errmsg(db_);
    sqlite3_reset(stmt_);
    return make_error(err);
  }
  sqlite3_reset(stmt_);
  return true;
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  kept_.clear();
}

std::int64_t Statement::column_int(int col) const {
  return sqlite3_column_int64(stmt_, col);
}

double Statement::column_double(int col) const {
  return sqlite3_column_double(stmt_, col);
}

std::string Statement::column_text(int col) const {
  const unsigned char *text = sqlite3_column_text(stmt_, col);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char *>(text),
                     static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)));
}

bool Statement::column_is_null(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}

bool is_busy_error(std::string_view message) {
  return message.find("database is locked") != std::string_view::npos ||
         message.find("database table is locked") != std::string_view::npos ||
         message.find("database is busy") != std::string_view::npos;
}

Result<Db> Db::open(const std::string &path, int busy_timeout_ms) {
  // No global memory statistics: they take a mutex around every SQLite
  // allocation (4% of banwrite). Only possible before SQLite initialises;
  // later it fails harmlessly.
  static const bool configured = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
  (void)configured;
  sqlite3 *handle = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &handle, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = handle ? sqlite3_errmsg(handle) : sqlite3_errstr(rc);
    sqlite3_close(handle);
    return make_error(path + ": " + msg);
  }
  Db db(handle, path);
  sqlite3_busy_timeout(handle, busy_timeout_ms);
  // WAL: readers (report) never block the writer; NORMAL sync in WAL mode
  // cannot corrupt the file on a crash, it can only lose the last commits.
  // Turning a new file to WAL takes an exclusive lock for which SQLite
  // calls no busy handler: a second tool opening the same new database at
  // that moment gets "database is locked" at once. So retry within the
  // busy timeout, as the handler would.
  constexpr const char *kSetup = "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; "
                                 "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;";
  auto ok = db.exec(kSetup);
  for (int waited_ms = 0, step_ms = 1;
       !ok && is_busy_error(ok.error()) && waited_ms < busy_timeout_ms;
       waited_ms += step_ms, step_ms = std::min(step_ms * 2, 100)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(step_ms));
    ok = db.exec(kSetup);
  }
  if (!ok) return make_error(path + ": " + ok.error());
  return db;
}

Result<Db> Db::open_readonly(const std::string &path, int busy_timeout_ms) {
  auto try_open = [busy_timeout_ms, &path](const std::string &name, int flags) -> Result<Db> {
    sqlite3 *handle = nullptr;
    int rc = sqlite3_open_v2(name.c_str(), &handle, flags | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc == SQLITE_OK) {
      sqlite3_busy_timeout(handle, busy_timeout_ms);
      // Opening is lazy: read the schema now, so a -shm that cannot be made fails here.
      rc = sqlite3_exec(handle, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr);
    }
    if (rc != SQLITE_OK) {
      std::string msg = handle ? sqlite3_errmsg(handle) : sqlite3_errstr(rc);
      sqlite3_close(handle);
      return make_error(msg);
    }
    return Db(handle, path);
  };
  auto db = try_open(path, SQLITE_OPEN_READONLY);
  if (db) return db;
  std::error_code ec;
  if (std::filesystem::exists(path + "-wal", ec)) return make_error(path + ": " + db.error());
  std::string uri = "file:";
  for (char c : path) // the bytes a URI would take for its own
    uri += c == '%' ? "%25" : c == '?' ? "%3f" : c == '#' ? "%23" : std::string(1, c);
  uri += "?immutable=1";
  auto frozen = try_open(uri, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI);
  if (!frozen) return make_error(path + ": " + db.error());
  return frozen;
}

Db::Db(Db &&other) noexcept
    : db_(other.db_), path_(std::move(other.path_)), cached_(std::move(other.cached_)) {
  other.db_ = nullptr;
}

Db &Db::operator=(Db &&other) noexcept {
  if (this != &other) {
    cached_.clear(); // finalized before their connection closes
    sqlite3_close_v2(db_);
    db_ = other.db_;
    path_ = std::move(other.path_);
    cached_ = std::move(other.cached_);
    other.db_ = nullptr;
  }
  return *this;
}

Db::~Db() {
  cached_.clear(); // finalized before their connection closes
  sqlite3_close_v2(db_);
}

void Db::set_wal_hook(WalHook fn, void *arg) {
  sqlite3_wal_hook(db_, fn, arg);
}

void Db::checkpoint_in_hook(sqlite3 *db, const char *name) {
  (void)sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
}

std::string Db::last_error() const {
  return db_ ? sqlite3_errmsg(db_) : "no database";
}

Result<Statement> Db::prepare(std::string_view sql) {
  sqlite3_stmt *stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return make_error(last_error());
  return Statement(stmt, db_);
}

Result<Statement *> Db::cached(const std::string &sql) {
  auto it = cached_.find(sql);
  if (it == cached_.end()) {
    auto st = prepare(sql);
    if (!st) return make_error(st.error());
    it = cached_.emplace(sql, std::move(*st)).first;
  }
  return &it->second;
}

Result<bool> Db::exec(std::string_view sql) {
  std::string text(sql);
  char *msg = nullptr;
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
    std::string err = msg ? msg : last_error();
    sqlite3_free(msg);
    return make_error(err);
  }
  return true;
}

Result<std::int64_t> Db::query_int(std::string_view sql) {
  auto st = prepare(sql);
  if (!st) return make_error(st.error());
  std::int64_t v = st->step() ? st->column_int(0) : 0;
  if (!st->error().empty()) return make_error(st->error());
  return v;
}

Result<bool> Db::begin() {
  return exec("BEGIN IMMEDIATE");
}
Result<bool> Db::commit() {
  return exec("COMMIT");
}
void Db::rollback() {
  if (in_transaction()) (void)exec("ROLLBACK");
}
bool Db::in_transaction() const {
  return db_ && sqlite3_get_autocommit(db_) == 0;
}

int Db::user_version() {
  auto v = query_int("PRAGMA user_version");
  return v ? static_cast<int>(*v) : -1;
}

std::int64_t Db::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(db_);
}

std::string sql_value_rows(int columns, int rows) {
  std::string sql;
  for (int row = 0; row < rows; ++row) {
    sql += row ? ",(" : "(";
    for (int col = 1; col <= columns; ++col) {
      if (col > 1) sql += ',';
      sql += '?';
      sql += std::to_string(row * columns + col);
    }
    sql += ')';
  }
  return sql;
}

} // namespace spamflow
