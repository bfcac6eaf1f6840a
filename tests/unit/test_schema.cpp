// The migration test (store/schema.cpp): a database of every old version,
// made from its frozen schema (tests/data/schema) with a few rows in it,
// with and without spamflag's table, opened and so migrated, must be what a
// new database is: the same sqlite_master (its SQL normalised, as ALTER
// TABLE rewrites it), the same columns and indexes per table, the newest
// user_version; and keep its rows.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "frozen_schema.hpp"
#include "store/ban_store.hpp"
#include "store/schema.hpp"
#include "temp_dir.hpp"

using namespace spamflow;
using spamflow::testing::frozen_schema;
using spamflow::testing::frozen_schema_file;
using spamflow::testing::TempDir;

namespace {

constexpr int kOldestVersion = 1;

std::vector<std::string> rows(Db &db, const std::string &sql) {
  std::vector<std::string> out;
  auto st = db.prepare(sql).value();
  while (st.step())
    out.push_back(st.column_is_null(0) ? "NULL" : st.column_text(0));
  REQUIRE(st.error().empty());
  return out;
}

bool has_table(Db &db, const std::string &name) {
  return db.query_int("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='" + name +
                      "'")
             .value() > 0;
}

// SQL as sqlite_master holds it, without what does not change its meaning:
// comments, identifier quotes (ALTER TABLE ... RENAME adds them), case and
// layout.
std::string normalised(const std::string &sql) {
  std::string out;
  bool space = false;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      while (i < sql.size() && sql[i] != '\n')
        ++i;
      space = true;
      continue;
    }
    if (c == '"') continue;
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = true;
      continue;
    }
    bool punct = c == '(' || c == ')' || c == ',' || c == ';';
    bool after_punct = !out.empty() && (out.back() == '(' || out.back() == ',');
    if (space && !punct && !after_punct && !out.empty()) out += ' ';
    space = false;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// Everything of a database's schema that a migration must get right.
struct Shape {
  std::int64_t version = 0;
  std::vector<std::string> master; // type name tbl_name normalised-sql, sorted
  std::map<std::string, std::vector<std::string>> columns, indexes;
  bool operator==(const Shape &o) const {
    return version == o.version && master == o.master && columns == o.columns &&
           indexes == o.indexes;
  }
};

Shape shape(Db &db) {
  Shape s;
  s.version = db.user_version();
  auto st = db.prepare("SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master").value();
  while (st.step())
    s.master.push_back(st.column_text(0) + " " + st.column_text(1) + " " + st.column_text(2) + " " +
                       normalised(st.column_text(3)));
  std::sort(s.master.begin(), s.master.end());
  for (const std::string &t : rows(db, "SELECT name FROM sqlite_master WHERE type='table'")) {
    s.columns[t] = rows(db, "SELECT cid||' '||name||' '||type||' '||\"notnull\"||' '||"
                            "coalesce(dflt_value, '-')||' '||pk FROM pragma_table_info('" +
                                t + "') ORDER BY cid");
    s.indexes[t] = rows(db, "SELECT l.name||' '||l.\"unique\"||' '||l.origin||' '||l.partial||"
                            "' '||(SELECT group_concat(coalesce(i.name, '-')) FROM"
                            " pragma_index_info(l.name) i) FROM pragma_index_list('" +
                                t + "') l ORDER BY l.name");
  }
  return s;
}

Shape shape_of(const std::string &path) {
  auto db = Db::open(path).value();
  return shape(db);
}

// A few rows in every table the version has, each change of the steps
// touching some: messages in two blocks of ids (version 7's message_blocks),
// recipients and clients as tables (before 4) or recipients as messages.rcpts,
// rollups from version 2 on (before it, the migration fills them).
void add_rows(Db &db, int version) {
  REQUIRE(db.exec(R"sql(
INSERT INTO messages(id, kind, host, qid, first, last, utc_offset, client_ip, client_family,
  client_key, client_name, nrcpts, verdict, score, reasons, complete) VALUES
  (1, 'message', 'mx1', 'q1', 1000, 1001, 0, '198.51.100.7', 4, x'C6336407', 'mx.example', 2,
   'spam', 7, '["dnsbl:zen"]', 1),
  (2, 'message', 'mx1', 'q2', 2000, 2001, 0, '198.51.100.7', 4, x'C6336407', 'mx.example', 0,
   'ham', 0, '[]', 1),
  (3, 'session', 'mx2', NULL, 1500, 1502, 3600, '2001:db8::1', 6, NULL, NULL, 1, 'spam', 6,
   '["helo=bad"]', 0),
  (5000, 'message', 'mx2', 'q4', 2500, 2500, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, 1);
INSERT INTO networks VALUES('198.51.100.0/24', 4, x'C6336400', x'C63364FF', 64500, 'EX', 'ZZ',
  'ripencc', 'rir', 900);
INSERT INTO bans(target, network, family, start, until, reason, hits, offence)
  VALUES('198.51.100.0/24', '198.51.100.0/24', 4, 1000, 9000, 'spam', 3, 1);
INSERT INTO ban_history(time, action, target, network, reason, until, hits, offence, manual)
  VALUES(1000, 'add', '198.51.100.0/24', '198.51.100.0/24', 'spam', 9000, 3, 1, 0);
INSERT INTO flags(time, user, client_ip, client_family, host, qid, note)
  VALUES(1100, 'ann', '198.51.100.7', 4, 'mx1', 'q1', 'queue_id');
)sql"));
  if (has_table(db, "recipients"))
    REQUIRE(db.exec("INSERT INTO recipients VALUES(1, '<a@x.example>', 'sent', '2.0.0', 'local'),"
                    " (3, '<c@x.example>', 'rejected', NULL, NULL),"
                    " (1, '<b@x.example>', 'bounced', '5.1.1', 'esmtp');"));
  else
    REQUIRE(db.exec(R"sql(UPDATE messages SET rcpts = '[{"to":"<a@x.example>","status":"sent",)sql"
                    R"sql("dsn":"2.0.0","mailer":"local"}]' WHERE id = 1)sql"));
  if (has_table(db, "clients"))
    REQUIRE(db.exec("INSERT INTO clients VALUES"
                    " ('198.51.100.7', 4, x'C6336407', 'mx.example', 1000, 2000, 2, 1, 1),"
                    " ('2001:db8::1', 6, NULL, NULL, 1500, 1500, 1, 1, 0);"));
  if (version >= 2)
    REQUIRE(db.exec(R"sql(
INSERT INTO rollup_hour VALUES(0, 0, 'mx1', 'message', 'spam', 1, 2), (0, 0, 'mx1', 'message', 'ham', 1, 0),
  (0, 3600, 'mx2', 'session', 'spam', 1, 1), (0, 0, 'mx2', 'message', '', 1, 0);
INSERT INTO rollup_reason VALUES(0, 'dnsbl', 1), (0, 'helo', 1);
INSERT INTO rollup_client(ip, name, net, first, records, messages, sessions, rcpts, spam, suspect,
  ham, local, unclassified, spam_mon, spam_tue, spam_wed, spam_thu, spam_fri, spam_sat, spam_sun)
  VALUES('198.51.100.7', 'mx.example', '', 1000, 2, 2, 0, 2, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0),
        ('2001:db8::1', '', '', 1500, 1, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0);
)sql"));
  if (version >= 7)
    REQUIRE(
        db.exec("INSERT INTO message_blocks VALUES(1, 3, 1000, 2000), (5000, 5000, 2500, 2500)"));
  if (has_table(db, "spamflag_reports"))
    REQUIRE(db.exec("INSERT INTO spamflag_reports(time, user, status, host, qid)"
                    " VALUES(1100, 'ann', 'flagged', 'mx1', 'q1')"));
}

// What the rows look like in any version: each table's (or view's) count,
// the messages and the recipients (spamflag's table aside: not in all).
std::vector<std::string> contents(Db &db) {
  std::vector<std::string> out;
  for (const char *t : {"messages", "networks", "bans", "ban_history", "flags", "clients",
                        "recipients", "rollup_hour", "rollup_reason"})
    if (db.query_int(std::string("SELECT count(*) FROM sqlite_master WHERE name='") + t + "'")
            .value() > 0)
      out.push_back(t + (" " + rows(db, std::string("SELECT count(*) FROM ") + t).front()));
  for (auto &r : rows(db, "SELECT id||' '||kind||' '||coalesce(qid, '-')||' '||first||' '||"
                          "coalesce(client_ip, '-')||' '||coalesce(verdict, '-')||' '||"
                          "coalesce(reasons, '-') FROM messages ORDER BY id"))
    out.push_back(r);
  for (auto &r : rows(db, "SELECT message_id||' '||addr||' '||status||' '||coalesce(dsn, '-')||"
                          "' '||coalesce(mailer, '-') FROM recipients WHERE message_id = 1"))
    out.push_back(r);
  return out;
}

// A database of `version` from its frozen schema, spamflag's table added
// when `spamflag` (as spamflag's open did), with add_rows()'s rows.
void make_frozen_database(const std::string &path, int version, bool spamflag) {
  auto db = Db::open(path).value();
  REQUIRE(db.exec(frozen_schema(version)));
  REQUIRE(db.user_version() == version);
  if (spamflag) REQUIRE(db.exec(frozen_schema_file("spamflag_reports.sql")));
  add_rows(db, version);
}

} // namespace

TEST_CASE("schema: a new database has the current version and every table", "[banstore][schema]") {
  TempDir dir("schema");
  auto store = BanStore::open(dir.file("new.db")).value();
  CHECK(store.db().user_version() == kStoreSchemaVersion);
  CHECK(BanStore::kSchemaVersion == kStoreSchemaVersion);
  for (const char *t : {"messages", "networks", "bans", "ban_history", "flags", "rollup_hour",
                        "rollup_reason", "rollup_client", "message_blocks", "spamflag_reports"})
    CHECK(has_table(store.db(), t));
  CHECK(rows(store.db(), "PRAGMA integrity_check") == std::vector<std::string>{"ok"});
}

TEST_CASE("schema: every frozen old version migrates to what a new database is",
          "[banstore][schema][migrate]") {
  TempDir dir("schema");
  std::string fresh = dir.file("new.db");
  { REQUIRE(BanStore::open(fresh).ok()); }
  const Shape expected = shape_of(fresh);
  REQUIRE(expected.version == kStoreSchemaVersion);
  for (int version = kOldestVersion; version < kStoreSchemaVersion; ++version) {
    for (bool spamflag : {false, true}) {
      CAPTURE(version, spamflag);
      std::string path =
          dir.file(("v" + std::to_string(version) + (spamflag ? "f" : "") + ".db").c_str());
      make_frozen_database(path, version, spamflag);
      std::vector<std::string> before;
      {
        auto db = Db::open(path).value();
        before = contents(db);
      }
      auto store = BanStore::open(path);
      REQUIRE(store.ok());
      Db &db = store->db();
      CHECK(shape(db).version == expected.version);
      CHECK(shape(db).master == expected.master);
      CHECK(shape(db).columns == expected.columns);
      CHECK(shape(db).indexes == expected.indexes);
      CHECK(rows(db, "PRAGMA integrity_check") == std::vector<std::string>{"ok"});
      // Rows kept; version 1 had no rollups, filled now from its messages
      // (after the recipients in contents()'s order); spamflag's table
      // there, empty, when spamflag never ran.
      if (version == 1) before.insert(before.begin() + 7, {"rollup_hour 4", "rollup_reason 2"});
      CHECK(contents(db) == before);
      CHECK(store->count_rows("spamflag_reports").value() == (spamflag ? 1 : 0));
      // Blocks as version 7 writes them; rollups from the messages when
      // version 1 had none.
      CHECK(rows(db, "SELECT first_id||' '||last_id||' '||min_first||' '||max_first FROM"
                     " message_blocks ORDER BY first_id") ==
            std::vector<std::string>{"1 3 1000 2000", "5000 5000 2500 2500"});
      CHECK(
          rows(db, "SELECT ip||' '||records||' '||spam||' '||ham FROM rollup_client ORDER BY ip") ==
          std::vector<std::string>{"198.51.100.7 2 1 1", "2001:db8::1 1 1 0"});
      // Written as the current program writes.
      StoredRecord r;
      r.kind = "message";
      r.has_time = true;
      r.first = r.last = 3000;
      r.client = IpAddress::parse("203.0.113.9").value();
      r.verdict = "spam";
      REQUIRE(store->add_record(r));
      REQUIRE(store->commit());
      CHECK(store->count_rows("clients").value() == 3);
    }
  }
}

TEST_CASE("schema: a database at the current version is left as it is", "[banstore][schema]") {
  TempDir dir("schema");
  std::string path = dir.file("v.db");
  make_frozen_database(path, 1, true);
  { REQUIRE(BanStore::open(path).ok()); }
  const Shape once = shape_of(path);
  std::vector<std::string> rows_once;
  {
    auto db = Db::open(path).value();
    rows_once = contents(db);
  }
  { REQUIRE(BanStore::open(path).ok()); }
  CHECK(shape_of(path) == once);
  auto db = Db::open(path).value();
  CHECK(contents(db) == rows_once);
}

TEST_CASE("schema: a newer database is refused and left alone", "[banstore][schema]") {
  TempDir dir("schema");
  std::string path = dir.file("v.db");
  {
    auto db = Db::open(path).value();
    REQUIRE(db.exec("PRAGMA user_version = " + std::to_string(kStoreSchemaVersion + 1)));
  }
  auto store = BanStore::open(path);
  REQUIRE_FALSE(store.ok());
  CHECK(store.error().find("newer than this program") != std::string::npos);
  auto db = Db::open(path).value();
  CHECK(db.user_version() == kStoreSchemaVersion + 1);
  CHECK(db.query_int("SELECT count(*) FROM sqlite_master").value() == 0);
}

TEST_CASE("schema: two programs creating the same database at once both open it",
          "[banstore][schema]") {
  TempDir dir("schema");
  for (int i = 0; i < 10; ++i) {
    std::string path = dir.file(("race" + std::to_string(i) + ".db").c_str());
    std::string errors[2];
    std::thread a([&] {
      auto s = BanStore::open(path);
      if (!s) errors[0] = s.error();
    });
    std::thread b([&] {
      auto s = BanStore::open(path);
      if (!s) errors[1] = s.error();
    });
    a.join();
    b.join();
    CHECK(errors[0].empty());
    CHECK(errors[1].empty());
    CHECK(shape_of(path).version == kStoreSchemaVersion);
  }
}
