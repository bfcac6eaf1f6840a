// BanStore's forward migrations from databases written by older banwrite
// versions: their schema is frozen in tests/data/schema as those versions
// created it, data is put in with SQL, and BanStore::open must carry it to
// the current version in one transaction.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "frozen_schema.hpp"
#include "store/ban_rollup.hpp"
#include "store/ban_store.hpp"
#include "temp_dir.hpp"

using namespace spamflow;
using spamflow::testing::frozen_schema;
using spamflow::testing::TempDir;

namespace {

// Three messages, three recipients, two clients; clients' last of
// 198.51.100.7 is 2500 (a record the rollups did not count), later than any
// rollup knows.
constexpr const char *kOldData = R"sql(
INSERT INTO messages(id, kind, host, qid, first, last, utc_offset, client_ip, client_family,
  client_name, nrcpts, verdict, score, reasons, complete) VALUES
  (1, 'message', 'mx1', 'q1', 1000, 1001, 0, '198.51.100.7', 4, 'mx.example', 2, 'spam', 7,
   '["dnsbl:zen"]', 1),
  (2, 'message', 'mx1', 'q2', 2000, 2001, 0, '198.51.100.7', 4, 'mx.example', 0, 'ham', 0,
   '[]', 1),
  (3, 'message', 'mx2', 'q3', 1500, 1502, 0, '2001:db8::1', 6, NULL, 1, 'spam', 6,
   '["helo=bad"]', 1);
INSERT INTO recipients VALUES
  (1, '<a@x.example>', 'sent', '2.0.0', 'local'),
  (3, '<c@x.example>', 'rejected', NULL, NULL),
  (1, '<b@x.example>', 'bounced', '5.1.1', 'esmtp');
INSERT INTO clients VALUES
  ('198.51.100.7', 4, x'C6336407', 'mx.example', 1000, 2500, 3, 1, 1),
  ('2001:db8::1', 6, NULL, NULL, 1500, 1500, 1, 1, 0);
)sql";

// A database at `version` (2 or 3, tests/data/schema) holding kOldData and
// its rollups.
void make_old_database(const std::string &path, int version) {
  auto db = Db::open(path).value();
  REQUIRE(db.exec(frozen_schema(version)));
  REQUIRE(db.exec(kOldData));
  // Today's fill writes rollup_client's last, which version 3 lacked.
  REQUIRE(db.exec("ALTER TABLE rollup_client ADD COLUMN last INTEGER"));
  REQUIRE(fill_rollups_from_messages(db));
  REQUIRE(db.exec("ALTER TABLE rollup_client DROP COLUMN last"));
  REQUIRE(db.exec("PRAGMA user_version = " + std::to_string(version)));
}

std::vector<std::string> rows(Db &db, const std::string &sql) {
  std::vector<std::string> out;
  auto st = db.prepare(sql).value();
  while (st.step())
    out.push_back(st.column_text(0));
  return out;
}

std::string object_type(Db &db, const char *name) {
  auto t = rows(db, std::string("SELECT type FROM sqlite_master WHERE name='") + name + "'");
  return t.empty() ? "" : t.front();
}

StoredRecord record(const char *ip, std::int64_t t) {
  StoredRecord r;
  r.kind = "message";
  r.host = "mx1";
  r.has_time = true;
  r.first = r.last = t;
  r.client = IpAddress::parse(ip).value();
  r.verdict = "spam";
  r.nrcpts = 1;
  r.rcpts = {{"<\"q\"@x.example>", "sent", "", "local"}};
  return r;
}

// A database of `version` as make_old_database builds it, opened and so
// migrated.
BanStore open_old_database(TempDir &dir, int version) {
  std::string path = dir.file(version == 2 ? "v2.db" : "v3.db");
  make_old_database(path, version);
  auto store = BanStore::open(path);
  REQUIRE(store.ok());
  return std::move(*store);
}

} // namespace

TEST_CASE("schema 4: a version 3 database keeps its recipients and clients as views",
          "[banstore][migrate]") {
  TempDir dir("banmigrate");
  auto store = open_old_database(dir, 3);
  Db &db = store.db();
  CHECK(db.user_version() == BanStore::kSchemaVersion);
  CHECK(object_type(db, "recipients") == "view");
  CHECK(object_type(db, "clients") == "view");
  CHECK(object_type(db, "recipients_message").empty());
  CHECK(rows(db, "PRAGMA integrity_check") == std::vector<std::string>{"ok"});

  // Each message's recipients in their order, absent fields null.
  CHECK(rows(db, "SELECT rcpts FROM messages ORDER BY id") ==
        std::vector<std::string>{
            R"([{"to":"<a@x.example>","status":"sent","dsn":"2.0.0","mailer":"local"},)"
            R"({"to":"<b@x.example>","status":"bounced","dsn":"5.1.1","mailer":"esmtp"}])",
            "", R"([{"to":"<c@x.example>","status":"rejected","dsn":null,"mailer":null}])"});
  CHECK(rows(db, "SELECT message_id || ' ' || addr || ' ' || status || ' ' ||"
                 " coalesce(dsn, '-') || ' ' || coalesce(mailer, '-') FROM recipients") ==
        std::vector<std::string>{"1 <a@x.example> sent 2.0.0 local",
                                 "1 <b@x.example> bounced 5.1.1 esmtp",
                                 "3 <c@x.example> rejected - -"});

  // clients from rollup_client; last from the old clients table.
  std::vector<std::string> expected_clients{"198.51.100.7 4 mx.example 1000 2500 2 1 1",
                                            "2001:db8::1 6 - 1500 1500 1 1 0"};
  const char *clients_sql = "SELECT ip || ' ' || family || ' ' || coalesce(name, '-') || ' ' ||"
                            " first || ' ' || last || ' ' || records || ' ' || spam || ' ' || ham"
                            " FROM clients ORDER BY ip";
  CHECK(rows(db, clients_sql) == expected_clients);

  // New records land in both views.
  REQUIRE(store.add_record(record("198.51.100.7", 3000)));
  REQUIRE(store.add_record(record("203.0.113.9", 2800)));
  REQUIRE(store.commit());
  CHECK(rows(db, clients_sql) ==
        std::vector<std::string>{"198.51.100.7 4 mx.example 1000 3000 3 2 1",
                                 "2001:db8::1 6 - 1500 1500 1 1 0",
                                 "203.0.113.9 4 - 2800 2800 1 1 0"});
  CHECK(rows(db, "SELECT addr || ' ' || coalesce(dsn, '-') FROM recipients WHERE message_id > 3") ==
        std::vector<std::string>{"<\"q\"@x.example> -", "<\"q\"@x.example> -"});
}

TEST_CASE("schema 4: a version 2 database goes through version 3 and loses its unused indexes",
          "[banstore][migrate]") {
  TempDir dir("banmigrate");
  auto store = open_old_database(dir, 2);
  Db &db = store.db();
  CHECK(db.user_version() == BanStore::kSchemaVersion);
  CHECK(rows(db, "SELECT name FROM sqlite_master WHERE type='index' AND"
                 " name IN ('messages_verdict','clients_key','recipients_message')")
            .empty());
  CHECK(rows(db, "SELECT name FROM sqlite_master WHERE type='index' AND"
                 " name LIKE 'messages_%' ORDER BY name") ==
        std::vector<std::string>{"messages_spam_client"}); // messages_time: version 7
  CHECK(rows(db, "SELECT ip || ' ' || last || ' ' || records FROM clients ORDER BY ip") ==
        std::vector<std::string>{"198.51.100.7 2500 2", "2001:db8::1 1500 1"});
  CHECK(store.count_rows("recipients").value() == 3);
}

TEST_CASE("schema 4: a migration that fails leaves the database as it was", "[banstore][migrate]") {
  TempDir dir("banmigrate");
  std::string path = dir.file("v3.db");
  make_old_database(path, 3);
  {
    // A column the migration adds is there already: the step fails midway.
    auto db = Db::open(path).value();
    REQUIRE(db.exec("ALTER TABLE messages ADD COLUMN rcpts TEXT"));
  }
  auto store = BanStore::open(path);
  REQUIRE_FALSE(store.ok());
  CHECK(store.error().find("migration to version 4") != std::string::npos);
  auto db = Db::open(path).value();
  CHECK(db.user_version() == 3);
  CHECK(object_type(db, "clients") == "table");
  CHECK(object_type(db, "recipients") == "table");
  CHECK(rows(db, "SELECT count(*) FROM recipients") == std::vector<std::string>{"3"});
  CHECK(rows(db, "SELECT count(*) FROM pragma_table_info('rollup_client') WHERE name='last'") ==
        std::vector<std::string>{"0"});
}

TEST_CASE("schema 5: the index by client key holds spam only, and ban effect's count uses it",
          "[banstore][migrate]") {
  TempDir dir("banmigrate");
  auto store = open_old_database(dir, 3);
  Db &db = store.db();
  CHECK(object_type(db, "messages_client").empty());
  CHECK(object_type(db, "messages_spam_client") == "index");
  StoredRecord ham = record("198.51.100.7", 3000);
  ham.verdict = "ham";
  REQUIRE(store.add_record(record("198.51.100.7", 2900)));
  REQUIRE(store.add_record(ham));
  REQUIRE(store.commit());
  // 198.51.100.7's spam from kOldData and the new one; neither ham record.
  CHECK(rows(db, "SELECT count(*) FROM messages INDEXED BY messages_spam_client"
                 " WHERE verdict='spam' AND client_family=4") == std::vector<std::string>{"2"});
  CHECK(rows(db, "SELECT count(*) FROM messages WHERE verdict='spam' AND client_family=4") ==
        std::vector<std::string>{"2"});
  auto explain = db.prepare("EXPLAIN QUERY PLAN SELECT count(*) FROM messages WHERE"
                            " verdict='spam' AND client_family=4 AND client_key BETWEEN"
                            " x'c6336400' AND x'c63364ff' AND first >= 0 AND first < 5000")
                     .value();
  std::string plan;
  while (explain.step())
    plan += explain.column_text(3);
  CHECK(plan.find("messages_spam_client") != std::string::npos);
}
