// BanStore on a real SQLite file: migration from empty, records, bans,
// history, reopen, and refusal of a newer schema.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <unordered_map>

#include "store/ban_store.hpp"
#include "temp_dir.hpp"

using namespace spamflow;
using spamflow::testing::TempDir;

namespace {

StoredRecord message(const char *ip, std::int64_t t, const char *verdict) {
  StoredRecord r;
  r.kind = "message";
  r.host = "mx1";
  r.qid = "6ASLqIg9008559";
  r.pid = 8559;
  r.has_time = true;
  r.first = t;
  r.last = t + 1;
  r.utc_offset_s = -4 * 3600;
  r.client = IpAddress::parse(ip).value();
  r.from = "<a@b.example>";
  r.size = 1234;
  r.nrcpts = 2;
  r.verdict = verdict;
  r.score = 7.5;
  r.reasons_json = R"(["spamd_spam"])";
  r.rcpts = {{"<u@dom>", "sent", "2.0.0", "local"}, {"<v@dom>", "bounced", "5.1.1", "esmtp"}};
  return r;
}

BanEvent ban_event(const char *target, BanEvent::Action action) {
  BanEvent e;
  e.action = action;
  e.target = e.network = IpNetwork::parse(target).value();
  e.reason = "test";
  e.start = 100;
  e.until = 200;
  e.hits = 3;
  e.offence = 1;
  return e;
}

} // namespace

TEST_CASE("a new database is created at the current schema version, in WAL mode", "[banstore]") {
  TempDir dir("banstore");
  auto store = BanStore::open(dir.file("x.db"));
  REQUIRE(store.ok());
  CHECK(store->db().user_version() == BanStore::kSchemaVersion);
  auto mode = store->db().prepare("PRAGMA journal_mode");
  REQUIRE(mode->step());
  CHECK(mode->column_text(0) == "wal");
  for (const char *t :
       {"messages", "recipients", "clients", "networks", "bans", "ban_history", "flags"})
    CHECK(store->count_rows(t).value() == 0);
}

TEST_CASE("records are stored in batches and survive a reopen", "[banstore]") {
  TempDir dir("banstore");
  BanStoreOptions opt;
  opt.batch_records = 2;
  {
    auto store = BanStore::open(dir.file("x.db"), opt);
    REQUIRE(store.ok());
    REQUIRE(store->add_record(message("198.51.100.7", 1000, "spam")));
    CHECK(store->commits() == 0);
    REQUIRE(store->add_record(message("198.51.100.7", 1010, "ham")));
    CHECK(store->commits() == 1); // the batch was full
    REQUIRE(store->add_record(message("2001:db8::1", 1020, "ham")));
    REQUIRE(store->commit());
  }
  auto store = BanStore::open(dir.file("x.db"), opt);
  REQUIRE(store.ok());
  CHECK(store->count_rows("messages").value() == 3);
  CHECK(store->count_rows("recipients").value() == 6);
  CHECK(store->count_rows("clients").value() == 2);
  auto q = store->db().prepare(
      "SELECT records, spam, ham, first, last FROM clients WHERE ip='198.51.100.7'");
  REQUIRE(q->step());
  CHECK(q->column_int(0) == 2);
  CHECK(q->column_int(1) == 1);
  CHECK(q->column_int(2) == 1);
  CHECK(q->column_int(3) == 1000);
  CHECK(q->column_int(4) == 1010);
  // The address key finds a network's messages by range.
  auto r = store->db().prepare("SELECT count(*) FROM messages WHERE client_family=4 AND client_key"
                               " BETWEEN ?1 AND ?2");
  std::string lo = address_key(IpAddress::parse("198.51.100.0").value());
  std::string hi = address_key(IpAddress::parse("198.51.100.255").value());
  r->bind_blob(1, lo.data(), lo.size()).bind_blob(2, hi.data(), hi.size());
  REQUIRE(r->step());
  CHECK(r->column_int(0) == 2);
  auto t = store->db().prepare("SELECT utc_offset, reasons, verdict FROM messages LIMIT 1");
  REQUIRE(t->step());
  CHECK(t->column_int(0) == std::int64_t{-4} * 3600);
  CHECK(t->column_text(1) == R"(["spamd_spam"])");
}

TEST_CASE("an uncommitted batch is lost, nothing else", "[banstore]") {
  TempDir dir("banstore");
  {
    auto store = BanStore::open(dir.file("x.db"));
    REQUIRE(store->add_record(message("198.51.100.7", 1000, "spam")));
    REQUIRE(store->commit());
    REQUIRE(store->add_record(message("198.51.100.8", 1000, "spam")));
    // Destroyed with the batch open: SQLite rolls it back.
  }
  auto store = BanStore::open(dir.file("x.db"));
  CHECK(store->count_rows("messages").value() == 1);
  CHECK(store->db().query_int("PRAGMA integrity_check").ok());
}

TEST_CASE("ban events keep the active list and the history", "[banstore]") {
  TempDir dir("banstore");
  auto store = BanStore::open(dir.file("x.db"));
  REQUIRE(store->add_ban_event(ban_event("203.0.113.0/24", BanEvent::Action::kAdd), 100));
  REQUIRE(store->add_ban_event(ban_event("198.51.100.7/32", BanEvent::Action::kAdd), 100));
  REQUIRE(store->add_ban_event(ban_event("198.51.100.7/32", BanEvent::Action::kRemove), 150));
  BanEvent again = ban_event("198.51.100.7/32", BanEvent::Action::kAdd);
  again.offence = 2;
  REQUIRE(store->add_ban_event(again, 160));
  REQUIRE(store->commit());
  auto active = store->active_bans().value();
  REQUIRE(active.size() == 2);
  CHECK(active[0].target.to_string() == "198.51.100.7/32");
  CHECK(active[0].offence == 2);
  CHECK(active[1].target.to_string() == "203.0.113.0/24");
  CHECK(store->count_rows("ban_history").value() == 4);
  auto counted = store->offence_counts();
  REQUIRE(counted.ok());
  std::unordered_map<IpNetwork, int> &offences = *counted;
  CHECK(offences[IpNetwork::parse("198.51.100.7/32").value()] == 2);
  CHECK(offences[IpNetwork::parse("203.0.113.0/24").value()] == 1);
}

TEST_CASE("a database from a newer banwrite is refused", "[banstore]") {
  TempDir dir("banstore");
  {
    auto db = Db::open(dir.file("x.db"));
    REQUIRE(db->exec("PRAGMA user_version = 99"));
  }
  auto store = BanStore::open(dir.file("x.db"));
  REQUIRE_FALSE(store.ok());
  CHECK(store.error().find("newer") != std::string::npos);
  auto junk = dir.file("junk.db");
  std::ofstream(junk) << "this is not a database, but long enough to look like one.....\n";
  CHECK_FALSE(BanStore::open(junk).ok());
}

TEST_CASE("clients add up per address over several batches", "[banstore]") {
  TempDir dir("banstore");
  auto store = BanStore::open(dir.file("x.db"));
  REQUIRE(store.ok());
  // 70 addresses, each seen once in each of two batches.
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 70; ++i) {
      std::string ip = "198.51.100." + std::to_string(i + 1);
      REQUIRE(store->add_record(message(ip.c_str(), 1000 + i + round * 100, "spam")));
    }
    REQUIRE(store->commit());
  }
  CHECK(store->count_rows("clients").value() == 70);
  CHECK(store->db().query_int("SELECT sum(records) FROM clients").value() == 140);
  CHECK(store->db().query_int("SELECT sum(spam) FROM clients").value() == 140);
  CHECK(store->db().query_int("SELECT count(*) FROM clients WHERE last - first = 100").value() ==
        70);
}

TEST_CASE("store_rows writes every row in order, however many a statement takes", "[banstore]") {
  // Rows differ in every way a bound parameter can (null or not, kind,
  // verdict, numbers), so a slot left bound from another row would show.
  auto row = [](int i) {
    StoredRecord r = message(("198.51.100." + std::to_string(i % 250)).c_str(), 5000 + i,
                             i % 2 ? "spam" : "ham");
    r.qid = "Q" + std::to_string(i);
    r.kind = i % 3 ? "message" : "session";
    r.nrcpts = i % 5;
    if (i % 7 == 0) r.client.reset();
    if (i % 4 == 0) r.has_time = false;
    if (i % 6 == 0) r.verdict.clear();
    return r;
  };
  for (int n : {1, 63, 64, 65, 200}) {
    TempDir dir("banstore");
    auto store = BanStore::open(dir.file("x.db"));
    REQUIRE(store.ok());
    std::vector<StoredRecord> records;
    records.reserve(static_cast<std::size_t>(n));
    std::vector<RecordRowText> texts(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i)
      records.push_back(row(i));
    for (std::size_t i = 0; i < records.size(); ++i)
      prepare_row_text(records[i], texts[i]);
    REQUIRE(store->store_rows(records.data(), texts.data(), records.size()));
    REQUIRE(store->commit());
    auto q = store->db().prepare("SELECT id, qid, kind, nrcpts, client_ip, first, verdict"
                                 " FROM messages ORDER BY id");
    int i = 0;
    while (q->step()) {
      INFO("n=" << n << " row " << i);
      StoredRecord want = row(i);
      CHECK(q->column_int(0) == i + 1);
      CHECK(q->column_text(1) == want.qid);
      CHECK(q->column_text(2) == want.kind);
      CHECK(q->column_int(3) == want.nrcpts);
      CHECK(q->column_text(4) == (want.client ? want.client->to_string() : ""));
      CHECK(q->column_int(5) == (want.has_time ? want.first : 0));
      CHECK(q->column_text(6) == want.verdict);
      ++i;
    }
    CHECK(i == n);
  }
}
