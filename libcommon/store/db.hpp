// A thin RAII layer over SQLite: one connection, prepared statements that
// reset themselves, and a transaction guard. Errors come back as Result (a
// locked or unwritable database is an operational condition, not a bug).
//
//   auto db = Db::open("spam.db");
//   Statement st = db->prepare("INSERT INTO t(a) VALUES(?1)").value();
//   st.bind(1, "x"); st.step();
//
// sqlite3.h is not included here: tools that use the store need not see it.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/result.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace spamflow {

class Statement {
public:
  Statement() = default;
  Statement(sqlite3_stmt *stmt, sqlite3 *db) : stmt_(stmt), db_(db) {}
  Statement(Statement &&other) noexcept;
  Statement &operator=(Statement &&other) noexcept;
  Statement(const Statement &) = delete;
  Statement &operator=(const Statement &) = delete;
  ~Statement();

  // Parameters are 1-based (?1, ?2 …). Text is copied by SQLite.
  Statement &bind(int index, std::string_view text);
  Statement &bind(int index, const char *text) { return bind(index, std::string_view(text)); }
  Statement &bind(int index, std::int64_t value);
  Statement &bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement &bind(int index, double value);
  Statement &bind_blob(int index, const void *data, std::size_t size);
  Statement &bind_null(int index);
  // Binds text without a copy: it must stay valid until the statement has
  // run (the hot insert path, where the record outlives the run).
  Statement &bind_ref(int index, std::string_view text);
  Statement &bind_blob_ref(int index, const void *data, std::size_t size);
  // Binds that leave SQLite alone when the parameter already holds the same
  // value from the run before (bindings outlast run_rebound()): a row of
  // zeros, nulls and the same few words binds only what changed. A text
  // given to bind_kept_static must never change or move: a literal.
  Statement &bind_kept(int index, std::int64_t value);
  Statement &bind_kept_null(int index);
  Statement &bind_kept_static(int index, std::string_view text);

  // One step: true while a row is ready, false when done. A failure is kept
  // in error() (and step() returns false); reset() clears bindings' effect.
  bool step();
  // Runs to completion and resets, for INSERT/UPDATE/DELETE. Empty = ok.
  Result<bool> run();
  void reset(); // also clears bindings
  // run() for a statement whose every parameter is bound before each run:
  // resets without clearing the bindings (clearing cost 5% of banwrite).
  Result<bool> run_rebound();

  std::int64_t column_int(int col) const;
  double column_double(int col) const;
  std::string column_text(int col) const;
  bool column_is_null(int col) const;

  const std::string &error() const { return error_; }
  bool valid() const { return stmt_ != nullptr; }

private:
  // What a parameter holds, for bind_kept*; kOther after any other bind.
  struct Kept {
    enum class Kind : std::uint8_t { kOther, kInt, kNull, kStatic } kind = Kind::kOther;
    std::int64_t value = 0;
    const char *text = nullptr;
  };
  Kept *kept(int index); // nullptr when index is out of range
  void forget(int index) {
    if (index >= 0 && static_cast<std::size_t>(index) < kept_.size())
      kept_[static_cast<std::size_t>(index)].kind = Kept::Kind::kOther;
  }

  sqlite3_stmt *stmt_ = nullptr;
  sqlite3 *db_ = nullptr;
  std::string error_;
  std::vector<Kept> kept_; // by parameter index; empty until a bind_kept*
};

class Db {
public:
  // Opens (creating if needed) the file, sets WAL, synchronous=NORMAL,
  // foreign keys and the busy timeout. ":memory:" works for tests.
  static Result<Db> open(const std::string &path, int busy_timeout_ms = 5000);
  // Opens an existing database for reading only (report): no PRAGMA that
  // writes, so a user or directory without write access can read it. A WAL
  // database whose -shm cannot be made (read-only directory, no -wal left)
  // is opened immutable: with no -wal file there is nothing it could miss.
  static Result<Db> open_readonly(const std::string &path, int busy_timeout_ms = 5000);
  Db(Db &&other) noexcept;
  Db &operator=(Db &&other) noexcept;
  Db(const Db &) = delete;
  Db &operator=(const Db &) = delete;
  ~Db();

  Result<Statement> prepare(std::string_view sql);
  // The statement for sql, prepared on first use and kept with the
  // connection: for statements run again and again, each time with all
  // their parameters bound (banwrite's rollup upserts, whose 64-row
  // statements took 1% of its writer to prepare at every flush).
  Result<Statement *> cached(const std::string &sql);
  // Runs one or more statements without results.
  Result<bool> exec(std::string_view sql);
  // First column of the first row as an integer (0 if no row).
  Result<std::int64_t> query_int(std::string_view sql);

  Result<bool> begin();  // BEGIN IMMEDIATE: take the write lock up front
  Result<bool> commit(); // COMMIT
  void rollback();       // best effort
  bool in_transaction() const;

  // fn(arg, db, "main", frames) runs after each commit with the WAL's
  // length in pages; it replaces SQLite's automatic checkpoint.
  using WalHook = int (*)(void *arg, sqlite3 *db, const char *name, int frames);
  void set_wal_hook(WalHook fn, void *arg);
  // A PASSIVE checkpoint of database `name` on the connection a WalHook
  // was given (SQLite's own automatic checkpoint does the same there).
  static void checkpoint_in_hook(sqlite3 *db, const char *name);

  int user_version();
  std::int64_t last_insert_rowid() const;
  const std::string &path() const { return path_; }
  sqlite3 *handle() { return db_; }

private:
  Db(sqlite3 *db, std::string path) : db_(db), path_(std::move(path)) {}
  std::string last_error() const;
  sqlite3 *db_ = nullptr;
  std::string path_;
  std::unordered_map<std::string, Statement> cached_; // cached()
};

// "(?1,…,?c),(?c+1,…,?2c),…": the VALUES list of an INSERT of `rows` rows
// of `columns` parameters each. One run of such a statement pays the
// fixed cost of a run (opening cursors, halting, resetting) once.
std::string sql_value_rows(int columns, int rows);

// True for SQLite's messages of a lock held by another connection (SQLITE_BUSY
// and SQLITE_LOCKED): waiting may help, unlike any other error.
bool is_busy_error(std::string_view message);

} // namespace spamflow
