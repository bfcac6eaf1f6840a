// message_blocks (schema 7): the rows' times by block stand in for an index
// on messages.first. Every row a BanStore writes is in exactly one block
// whose bounds hold its time, and a period's query finds exactly the rows
// a plain `first >= ? AND first < ?` finds, however the rows were written.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "store/ban_store.hpp"
#include "store/message_blocks.hpp"
#include "temp_dir.hpp"

using namespace spamflow;
using spamflow::testing::TempDir;

namespace {

constexpr std::int64_t kT0 = 1'780'000'000;

// Record n of a stream whose times wander (a record may start well before
// the one stored before it); every 17th has no time.
StoredRecord record(int n, std::mt19937 &rng) {
  StoredRecord r;
  r.kind = "message";
  r.host = "mx1";
  r.qid = std::to_string(n);
  r.has_time = n % 17 != 0;
  r.first = r.last = kT0 + std::int64_t{n} * 10 - static_cast<std::int64_t>(rng() % 5000);
  r.verdict = "spam";
  return r;
}

// Stores `total` records in runs of varied length, committing now and then.
void store_stream(BanStore &store, int from, int total, std::mt19937 &rng) {
  std::vector<StoredRecord> recs;
  std::vector<RecordRowText> texts;
  for (int n = from; n < from + total;) {
    int run = std::min<int>(from + total - n, static_cast<int>(1 + rng() % 1500));
    recs.clear();
    for (int i = 0; i < run; ++i)
      recs.push_back(record(n + i, rng));
    texts.assign(recs.size(), RecordRowText{});
    for (std::size_t i = 0; i < recs.size(); ++i)
      prepare_row_text(recs[i], texts[i]);
    REQUIRE(store.store_rows(recs.data(), texts.data(), recs.size()));
    n += run;
    if (rng() % 3 == 0) REQUIRE(store.commit());
  }
  REQUIRE(store.commit());
}

std::vector<std::int64_t> ids(Db &db, const std::string &sql, std::int64_t since,
                              std::int64_t until) {
  auto st = db.prepare(sql);
  REQUIRE(st);
  st->bind(1, since).bind(2, until);
  std::vector<std::int64_t> out;
  while (st->step())
    out.push_back(st->column_int(0));
  REQUIRE(st->error().empty());
  std::sort(out.begin(), out.end());
  return out;
}

// Blocks do not overlap, cover every row, and bound their rows' times.
void check_blocks_cover(Db &db) {
  auto rows = db.query_int("SELECT count(*) FROM messages").value();
  CHECK(db.query_int("SELECT sum(last_id - first_id + 1) FROM message_blocks").value() == rows);
  CHECK(db.query_int("SELECT count(*) FROM message_blocks a JOIN message_blocks b"
                     " ON a.first_id < b.first_id AND b.first_id <= a.last_id")
            .value() == 0);
  CHECK(db.query_int("SELECT count(*) FROM messages m WHERE NOT EXISTS (SELECT 1 FROM"
                     " message_blocks WHERE m.id BETWEEN first_id AND last_id)")
            .value() == 0);
  // Exact bounds, not only wide enough: NULL where no row has a time.
  CHECK(db.query_int("SELECT count(*) FROM message_blocks b WHERE"
                     " min_first IS NOT (SELECT min(first) FROM messages WHERE id BETWEEN"
                     " b.first_id AND b.last_id) OR max_first IS NOT (SELECT max(first) FROM"
                     " messages WHERE id BETWEEN b.first_id AND b.last_id)")
            .value() == 0);
}

// The period query against the plain filter, for random periods.
void check_periods(Db &db, std::mt19937 &rng, std::int64_t span) {
  auto sql = messages_in_period_sql(db, "id");
  REQUIRE(sql);
  REQUIRE(sql->find("message_blocks") != std::string::npos);
  const std::string plain = "SELECT id FROM messages WHERE first >= ?1 AND first < ?2";
  for (int i = 0; i < 200; ++i) {
    std::int64_t since = kT0 - 6000 + static_cast<std::int64_t>(rng() % (span + 12000));
    std::int64_t until = since + static_cast<std::int64_t>(rng() % (i % 2 ? 300 : span));
    INFO("period " << since << " .. " << until);
    CHECK(ids(db, *sql, since, until) == ids(db, plain, since, until));
  }
  auto span_found = message_time_span(db);
  REQUIRE(span_found);
  REQUIRE(*span_found);
  CHECK((*span_found)->min_first == db.query_int("SELECT min(first) FROM messages").value());
  CHECK((*span_found)->max_first == db.query_int("SELECT max(first) FROM messages").value());
}

} // namespace

TEST_CASE("message_blocks: every stored row is in one block that bounds its time",
          "[banstore][blocks]") {
  std::mt19937 rng(7);
  auto store = BanStore::open(":memory:").value();
  store_stream(store, 1, 30000, rng);
  check_blocks_cover(store.db());
  // Runs are joined up to kRows rows, not one block per statement.
  auto blocks = store.db().query_int("SELECT count(*) FROM message_blocks").value();
  CHECK(blocks <= 30000 / MessageBlocks::kRows + 2);
  CHECK(store.db().query_int("SELECT max(last_id - first_id + 1) FROM message_blocks").value() <=
        MessageBlocks::kRows + 1500);
  CHECK(store.db()
            .query_int("SELECT count(*) FROM sqlite_master WHERE name='messages_time'")
            .value() == 0);
  check_periods(store.db(), rng, 300000);
}

TEST_CASE("message_blocks: two writers taking turns each cover their own rows",
          "[banstore][blocks]") {
  TempDir dir("blocks");
  std::string path = dir.file("two.db");
  std::mt19937 rng(11);
  auto a = BanStore::open(path).value();
  auto b = BanStore::open(path).value();
  // Turns shorter than a block: each writer's next rows do not follow its
  // open block.
  for (int turn = 0; turn < 12; ++turn)
    store_stream(turn % 2 ? b : a, 1 + turn * 700, 700, rng);
  check_blocks_cover(a.db());
  check_periods(a.db(), rng, 84000);
}

TEST_CASE("message_blocks: rows written without banwrite after the last block are found",
          "[banstore][blocks]") {
  std::mt19937 rng(3);
  auto store = BanStore::open(":memory:").value();
  store_stream(store, 1, 5000, rng);
  // As scripts or an admin might add them: plain SQL, no block.
  REQUIRE(store.db().exec(
      "INSERT INTO messages(kind, first) SELECT 'message', first - 100000 FROM messages"
      " WHERE id <= 300; INSERT INTO messages(kind, first) VALUES('session', 1790000000)"));
  check_periods(store.db(), rng, 100000);
  auto span = message_time_span(store.db()).value();
  REQUIRE(span);
  CHECK(span->max_first == 1790000000);
}

TEST_CASE("message_blocks: version 6 databases get their blocks and lose the time index",
          "[banstore][blocks][migrate]") {
  TempDir dir("blocks");
  std::string path = dir.file("v6.db");
  std::mt19937 rng(5);
  {
    auto store = BanStore::open(path).value();
    store_stream(store, 1, 20000, rng);
    REQUIRE(store.db().exec("DROP TABLE message_blocks;"
                            " CREATE INDEX messages_time ON messages(first);"
                            " PRAGMA user_version = 6;"));
  }
  auto store = BanStore::open(path).value();
  CHECK(store.db().user_version() == BanStore::kSchemaVersion);
  CHECK(store.db()
            .query_int("SELECT count(*) FROM sqlite_master WHERE name='messages_time'")
            .value() == 0);
  check_blocks_cover(store.db());
  check_periods(store.db(), rng, 200000);
  // banwrite goes on from there in blocks of its own.
  store_stream(store, 20001, 3000, rng);
  check_blocks_cover(store.db());
}

TEST_CASE("message_blocks: a database without them is read through its time index",
          "[banstore][blocks]") {
  auto db = Db::open(":memory:").value();
  REQUIRE(db.exec("CREATE TABLE messages(id INTEGER PRIMARY KEY, first INTEGER);"
                  " INSERT INTO messages(first) VALUES(5), (1), (9), (NULL);"));
  auto sql = messages_in_period_sql(db, "id").value();
  CHECK(sql.find("message_blocks") == std::string::npos);
  CHECK(ids(db, sql, 1, 9) == std::vector<std::int64_t>{1, 2});
  auto span = message_time_span(db).value();
  REQUIRE(span);
  CHECK(span->min_first == 1);
  CHECK(span->max_first == 9);
  REQUIRE(db.exec("DELETE FROM messages"));
  CHECK_FALSE(message_time_span(db).value());
}
