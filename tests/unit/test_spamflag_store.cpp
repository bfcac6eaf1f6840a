#include <catch2/catch.hpp>

#include "flag/spamflag_store.hpp"

using namespace spamflow;

namespace {

SpamflagStore store_with_messages() {
  auto store = SpamflagStore::open(":memory:");
  REQUIRE(store);
  REQUIRE(store->db().exec("INSERT INTO messages(kind,host,qid,client_ip,msgid,first) VALUES"
                           " ('message','mx1','6ASLqUCA008736','127.99.13.189','<a@x>',100),"
                           " ('message','mx2','6ASLqOAD008661','127.211.123.144','<b@x>',200),"
                           " ('message','mx1','6ASLqOPQ008664','127.0.0.2','<b@x>',201),"
                           " ('session','mx1','6ASLqXXX000001','127.1.1.1',NULL,300)"));
  return std::move(*store);
}

} // namespace

TEST_CASE("spamflag store: lookups by queue id, Message-ID and host", "[spamflag]") {
  SpamflagStore store = store_with_messages();
  auto hit = store.find_by_queue_id("mx1", "6ASLqUCA008736");
  REQUIRE(hit);
  REQUIRE(*hit);
  CHECK((*hit)->client->to_string() == "127.99.13.189");
  CHECK((*hit)->msgid == "<a@x>");
  auto wrong_host = store.find_by_queue_id("mx2", "6ASLqUCA008736");
  REQUIRE(wrong_host);
  CHECK_FALSE(*wrong_host);
  auto session = store.find_by_queue_id("mx1", "6ASLqXXX000001");
  REQUIRE(session);
  CHECK_FALSE(*session); // sessions carry no message to flag
  auto both = store.find_by_message_id("<b@x>");
  REQUIRE(both);
  REQUIRE(both->size() == 2);
  CHECK((*both)[0].host == "mx2"); // oldest first: the hop into our servers
  CHECK(*store.is_known_host("mx1"));
  CHECK_FALSE(*store.is_known_host("mx1.example.com"));
}

TEST_CASE("spamflag store: a flag, an unmatched report, rate counts, duplicates", "[spamflag]") {
  SpamflagStore store = store_with_messages();
  REQUIRE(store.begin());
  FlagReport flag;
  flag.status = FlagReport::Status::kFlagged;
  flag.time = 1000;
  flag.user = "dave@example.com";
  flag.matched_by = "queue_id";
  flag.host = "mx1";
  flag.qid = "6ASLqUCA008736";
  flag.client = IpAddress::parse("127.99.13.189").value();
  REQUIRE(store.record(flag));
  CHECK(flag.flag_id > 0);
  FlagReport lost;
  lost.time = 2000;
  lost.user = "dave@example.com";
  lost.reason = "no Received header by our servers";
  lost.message = "Subject: x\n\nbody\n";
  REQUIRE(store.record(lost));
  REQUIRE(store.commit());
  CHECK(*store.db().query_int("SELECT count(*) FROM flags WHERE client_ip='127.99.13.189'"
                              " AND note='queue_id' AND length(client_key)=4") == 1);
  CHECK(*store.db().query_int("SELECT count(*) FROM spamflag_reports WHERE status='unmatched'"
                              " AND message IS NOT NULL AND flag_id IS NULL") == 1);
  CHECK(*store.reports_since("dave@example.com", 0) == 2);
  CHECK(*store.reports_since("dave@example.com", 1500) == 1);
  CHECK(*store.reports_since("erin@example.com", 0) == 0);
  CHECK(*store.reports_since("", 0) == 2);
  CHECK(*store.already_flagged("dave@example.com", "mx1", "6ASLqUCA008736"));
  CHECK_FALSE(*store.already_flagged("erin@example.com", "mx1", "6ASLqUCA008736"));
}

TEST_CASE("spamflag store: busy errors are told apart", "[spamflag]") {
  CHECK(is_busy_error("x.db: database is locked"));
  CHECK(is_busy_error("database table is locked"));
  CHECK_FALSE(is_busy_error("no such table: messages"));
  CHECK(std::string(describe(FlagReport::Status::kDuplicate)) == "duplicate");
}
