#include <catch2/catch.hpp>

#include <algorithm>

#include <simdjson.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <vector>

#include "report/report_query.hpp"
#include "report/report_writer.hpp"
#include "store/ban_store.hpp"
#include "temp_dir.hpp"

using namespace spamflow;

namespace {

// The report fixture's records (a week of the sample maillog).
std::vector<StoredRecord> fixture_records() {
  std::ifstream in(std::string(SPAMFLOW_SOURCE_DIR) + "/tests/data/report/records.jsonl");
  REQUIRE(in);
  simdjson::dom::parser parser;
  std::vector<StoredRecord> out;
  std::string line;
  while (std::getline(in, line)) {
    simdjson::dom::element e;
    REQUIRE(parser.parse(line).get(e) == simdjson::SUCCESS);
    REQUIRE(read_stored_record(e, out.emplace_back()));
  }
  REQUIRE(out.size() > 1000);
  return out;
}

void store_all(BanStore &store, const std::vector<StoredRecord> &records) {
  for (const StoredRecord &rec : records)
    REQUIRE(store.add_record(rec));
  REQUIRE(store.commit());
}

void load_fixture(BanStore &store) {
  store_all(store, fixture_records());
}

struct Period {
  std::int64_t since = 0, until = 0; // until 0: the whole database
};

std::string report_text(Db &db, bool use_rollup, std::int64_t bucket_s = 0, Period p = {}) {
  ReportOptions o;
  o.now = 1800000000;
  o.use_rollup = use_rollup;
  o.bucket_s = bucket_s;
  o.has_since = o.has_until = p.until != 0;
  o.since = p.since;
  o.until = p.until;
  auto r = build_report(db, o);
  REQUIRE(r);
  std::string text;
  make_report_writer("csv", {})->write(*r, text);
  return text;
}

bool scanned_from_rollup(Db &db, std::int64_t since, std::int64_t until) {
  ScanOptions so;
  so.since = since;
  so.until = until;
  auto d = scan_records(db, so);
  REQUIRE(d);
  return d->from_rollup;
}

} // namespace

TEST_CASE("rollup: the default report from the rollups equals the scan of messages",
          "[banstore][report]") {
  auto store = BanStore::open(":memory:").value();
  load_fixture(store);
  CHECK(*store.count_rows("rollup_client") > 0);
  for (std::int64_t bucket : {std::int64_t{0}, std::int64_t{86400}}) {
    std::string scanned = report_text(store.db(), false, bucket);
    CHECK(scanned.find("spam") != std::string::npos);
    CHECK(report_text(store.db(), true, bucket) == scanned);
  }
}

TEST_CASE("rollup: the scan of messages does not depend on the order they were stored in",
          "[banstore][report]") {
  std::vector<StoredRecord> records = fixture_records();
  // A client's name changes from record to record (pool, static, none), so
  // which record names it (the earliest) shows in the senders table. Alike
  // for records of the same time: which of those was stored first would
  // otherwise decide.
  for (StoredRecord &r : records) {
    if (!r.client || !r.has_time) continue;
    std::size_t pick =
        std::hash<std::string>{}(r.client->to_string()) ^ static_cast<std::size_t>(r.first);
    const char *names[] = {"dsl-203-0-113-9.pool.example.net", "mail.example.org", ""};
    r.client_name = names[pick % 3];
  }
  auto in_order = BanStore::open(":memory:").value();
  store_all(in_order, records);
  std::mt19937 rng(42);
  std::shuffle(records.begin(), records.end(), rng);
  auto shuffled = BanStore::open(":memory:").value();
  store_all(shuffled, records);
  auto lo = in_order.db().query_int("SELECT min(first) FROM messages").value();
  auto hi = in_order.db().query_int("SELECT max(first) FROM messages").value();
  for (Period p : {Period{}, Period{lo + 86400, hi - 86400}, Period{lo + 3600, lo + 7200}}) {
    INFO("period " << p.since << " .. " << p.until);
    std::string expected = report_text(in_order.db(), false, 0, p);
    CHECK(expected.find("spam") != std::string::npos);
    CHECK(report_text(shuffled.db(), false, 0, p) == expected);
  }
  // And the rollups, summed in the shuffled order, agree with its scan.
  CHECK(report_text(shuffled.db(), true) == report_text(shuffled.db(), false));
}

TEST_CASE("rollup: used only when it holds exactly the period", "[banstore][report]") {
  auto store = BanStore::open(":memory:").value();
  load_fixture(store);
  auto lo = store.db().query_int("SELECT min(first) FROM messages").value();
  auto hi = store.db().query_int("SELECT max(first) FROM messages").value();
  CHECK(scanned_from_rollup(store.db(), lo, hi + 1));
  CHECK(scanned_from_rollup(store.db(), lo - 86400, hi + 86400));
  CHECK_FALSE(scanned_from_rollup(store.db(), lo + 1, hi + 1));
  CHECK_FALSE(scanned_from_rollup(store.db(), lo, hi));
}

TEST_CASE("rollup: migration from schema 1 fills the rollups from messages", "[banstore]") {
  auto dir = std::filesystem::temp_directory_path() / "spamflow-rollup-test";
  std::filesystem::create_directories(dir);
  std::string path = (dir / "v1.db").string();
  for (const char *suffix : {"", "-wal", "-shm"})
    std::filesystem::remove(path + suffix);
  std::string expected;
  {
    auto store = BanStore::open(path).value();
    load_fixture(store);
    expected = report_text(store.db(), false);
    // Back to what version 1 was: no rollup tables; clients and recipients
    // tables, not views (version 4); the index by client of all records
    // (version 5); the index by time, not message_blocks (version 7).
    REQUIRE(store.db().exec(
        "DROP VIEW clients; DROP VIEW recipients; ALTER TABLE messages DROP COLUMN rcpts;"
        " CREATE TABLE recipients(message_id INTEGER NOT NULL, addr TEXT, status TEXT,"
        " dsn TEXT, mailer TEXT);"
        " CREATE TABLE clients(ip TEXT PRIMARY KEY, family INTEGER, key BLOB, name TEXT,"
        " first INTEGER, last INTEGER, records INTEGER, spam INTEGER, ham INTEGER);"
        " DROP TABLE rollup_hour; DROP TABLE rollup_reason; DROP TABLE rollup_client;"
        " DROP INDEX messages_spam_client;"
        " CREATE INDEX messages_client ON messages(client_family, client_key, first);"
        " DROP TABLE message_blocks; CREATE INDEX messages_time ON messages(first);"
        " PRAGMA user_version = 1;"));
    CHECK(report_text(store.db(), true) == expected); // no rollups: the scan answers
  }
  auto store = BanStore::open(path).value();
  CHECK(store.db().user_version() == BanStore::kSchemaVersion);
  CHECK(*store.count_rows("rollup_client") > 0);
  CHECK(report_text(store.db(), true) == expected);
  for (const char *suffix : {"", "-wal", "-shm"})
    std::filesystem::remove(path + suffix);
}

namespace {

// The plain way: find each string, then the name's end in it.
std::vector<std::string> reason_names_by_find(std::string_view json) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while ((i = json.find('"', i)) != std::string_view::npos) {
    std::size_t end = i + 1;
    while (end < json.size() && json[end] != '"')
      end += json[end] == '\\' ? 2 : 1;
    std::string_view s = json.substr(i + 1, std::min(end, json.size()) - i - 1);
    out.emplace_back(s.substr(0, s.find_first_of(":=")));
    i = end + 1;
  }
  return out;
}

} // namespace

TEST_CASE("rollup: reason names as the plain find-based scan reads them", "[banstore]") {
  auto names = [](std::string_view json) {
    std::vector<std::string> out;
    each_reason_name(json, [&](std::string_view n) { out.emplace_back(n); });
    return out;
  };
  CHECK(names(R"(["dnsbl:zen.example","no_ptr","score=4.5"])") ==
        std::vector<std::string>{"dnsbl", "no_ptr", "score"});
  CHECK(names("[]").empty());
  CHECK(names(R"(["a\"b:c","x"])") == std::vector<std::string>{"a\\\"b", "x"});
  CHECK(names(R"(["cut short)") == std::vector<std::string>{"cut short"});
  // Random texts over the bytes that matter, including cut-short strings
  // and trailing backslashes.
  std::mt19937 rng(7);
  const char alphabet[] = "\"\\:=ab,[]";
  for (int round = 0; round < 200000; ++round) {
    std::string json(rng() % 24, ' ');
    for (char &c : json)
      c = alphabet[rng() % (sizeof alphabet - 1)];
    INFO(json);
    REQUIRE(names(json) == reason_names_by_find(json));
  }
}

namespace {

// Whether this process holds an SQLite temporary file open ("etilqs_",
// unlinked at once): where a statement journal goes past 64 KiB.
bool holds_sqlite_temp_file() {
  for (const auto &fd : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    auto target = std::filesystem::read_symlink(fd.path(), ec);
    if (!ec && target.string().find("etilqs_") != std::string::npos) return true;
  }
  return false;
}

} // namespace

TEST_CASE("rollup: upserting clients keeps no statement journal", "[banstore]") {
  // A multi-row upsert that could fail a NOT NULL check, or that calls a
  // function, makes SQLite copy every page it changes into a statement
  // journal; with 20,000 clients between 20,000 stored ones that is
  // megabytes, in a temporary file held open until the commit.
  spamflow::testing::TempDir dir("rollupjournal");
  auto store = BanStore::open(dir.file("x.db"));
  REQUIRE(store.ok());
  Db &db = store->db();
  auto batch_of = [](int parity) {
    RollupBatch batch;
    for (int i = 0; i < 20000; ++i) {
      std::string ip = "10." + std::to_string(i / 250) + "." + std::to_string(i % 250) + "." +
                       std::to_string(parity + 1);
      batch.add(RollupInput{"message", "mx1", "spam", ip, "name.example", "10.0.0.0/8", R"(["x"])",
                            1000 + i, 0, 1});
    }
    return batch;
  };
  for (int parity = 0; parity < 2; ++parity) {
    RollupBatch batch = batch_of(parity);
    REQUIRE(db.begin());
    REQUIRE(batch.write(db));
    CHECK_FALSE(holds_sqlite_temp_file());
    REQUIRE(db.commit());
  }
  CHECK(db.query_int("SELECT count(*) FROM rollup_client").value() == 40000);
  CHECK(db.query_int("SELECT sum(records) FROM rollup_client").value() == 40000);
}
