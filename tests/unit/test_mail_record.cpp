#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "spamflow/log_time.hpp"
#include "spamflow/mail_record.hpp"

using namespace spamflow;

TEST_CASE("a reset record is indistinguishable from a new one", "[mailrecord]") {
  MailRecord r;
  r.kind = RecordKind::kSpamd;
  r.host = "mx1";
  r.qid = "AAA1234567890";
  r.pid = 7;
  r.other_pids = {8, 9};
  r.first = r.last = LogTime{1000, 5, 3600};
  r.has_time = true;
  r.client.name = "x.example";
  r.client.ip = *IpAddress::parse("192.0.2.1");
  r.client.ip_text = "bad";
  r.client.forged = r.client.present = true;
  r.saw_from = true;
  r.from = "<a@b>";
  r.msgid = "<m@x>";
  r.proto = "ESMTP";
  r.daemon = "MTA";
  r.bodytype = "8BITMIME";
  r.size = 10;
  r.nrcpts = 1;
  r.rcpts.push_back({"<u@d>", "sent", "2.0.0", "local", "", "", "", 1, true});
  r.rejects.push_back({"check_rcpt", "<w@x>", "reject", "5.7.1", "Relaying denied", 550});
  r.add_event("no_mail");
  r.auth_mech = "PLAIN";
  r.auth_id = "alice";
  r.tls_version = "TLSv1.3";
  r.tls_cipher = "X";
  r.tls_verify = "NO";
  r.spamd = {true, true, true, 15.2, 5.0, "BAYES_99", "spamd"};
  r.links.push_back({"dsn", "BBB1234567890", "mx2"});
  r.complete = true;
  r.incomplete = "ttl";
  r.lines = 12;
  r.raw = {"line"};

  std::string used, fresh;
  r.reset();
  append_record_json(used, r);
  append_record_json(fresh, MailRecord{});
  CHECK(used == fresh);
}

// The record writer keeps the date and zone of the last time it wrote and
// formats only the time of day; whatever the order of times, it must write
// what to_rfc3339 writes.
TEST_CASE("record times are written as to_rfc3339 writes them", "[mailrecord]") {
  std::mt19937_64 rng(5);
  const std::int32_t offsets[] = {0, -4 * 3600, 5 * 3600 + 1800, 3600, -(9 * 3600 + 1800), 1172};
  MailRecord r;
  r.host = "mx1";
  r.has_time = true;
  for (int i = 0; i < 20000; ++i) {
    const std::int64_t base = i % 3 == 0 ? 1780272000 : -2208988800; // 2026 and 1900
    const std::int64_t spread = i % 2 ? 86400 * 3 : 86400LL * 365 * 200;
    r.first = LogTime{base + static_cast<std::int64_t>(rng() % spread), i % 7 == 0 ? 1234 : -1,
                      offsets[rng() % 6]};
    r.last =
        LogTime{r.first.epoch_s + static_cast<std::int64_t>(rng() % 90000), -1, offsets[rng() % 6]};
    std::string json;
    append_record_json(json, r);
    const std::string expect =
        "\"first\":\"" + to_rfc3339(r.first) + "\",\"last\":\"" + to_rfc3339(r.last) + "\"";
    INFO(json);
    REQUIRE(json.find(expect) != std::string::npos);
  }
}
