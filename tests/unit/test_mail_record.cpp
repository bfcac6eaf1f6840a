#include <catch2/catch.hpp>

#include <simdjson.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "base/log_time.hpp"
#include "wire/json_writer.hpp"
#include "wire/mail_record.hpp"

namespace {
// What a string reads back as from JSON: invalid UTF-8 replaced.
std::string json_text(const std::string &s) {
  std::string quoted;
  spamflow::append_json_string(quoted, s);
  simdjson::dom::parser p;
  return std::string(p.parse("[" + quoted + "]").at(0).get_string().value());
}
} // namespace

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

// The record writer places its own commas; whatever the mix of optional
// fields, its output must be JSON that reads back to the record.
TEST_CASE("random records written as JSON read back to the same fields", "[mailrecord]") {
  std::mt19937_64 rng(17);
  const std::vector<std::string> texts = {"",
                                          "a",
                                          "<u@example.com>",
                                          "quote \" and \\ back",
                                          "ctl \x01\n\t",
                                          "bad utf8 \xC3\x28 \xFF",
                                          "caf\xC3\xA9",
                                          std::string(500, 'x'),
                                          "</script><b>&amp;"};
  auto text = [&] { return texts[rng() % texts.size()]; };
  auto maybe = [&] { return rng() % 2 ? text() : std::string(); };
  simdjson::dom::parser parser;
  for (int round = 0; round < 3000; ++round) {
    MailRecord r;
    r.kind = static_cast<RecordKind>(rng() % 3);
    r.host = text();
    r.qid = maybe();
    r.pid = rng() % 3 ? static_cast<std::int64_t>(rng() % 100000) : -1;
    for (int i = static_cast<int>(rng() % 3); i > 0; --i)
      r.other_pids.push_back(static_cast<std::int64_t>(rng() % 1000));
    r.has_time = rng() % 2;
    r.first = r.last = LogTime{1780272000, -1, 0};
    r.client.present = rng() % 2;
    if (rng() % 2) r.client.ip = IpAddress::v4(static_cast<std::uint32_t>(rng()));
    r.client.ip_text = maybe();
    r.client.name = maybe();
    r.client.forged = rng() % 2;
    r.saw_from = rng() % 2;
    r.from = text();
    r.msgid = maybe();
    r.size = rng() % 2 ? 1234 : -1;
    for (int i = static_cast<int>(rng() % 3); i > 0; --i) {
      Recipient &rc = r.rcpts.emplace_back();
      rc.to = text();
      rc.status = "sent";
      rc.dsn = maybe();
      rc.text = maybe();
      rc.delay_s = rng() % 2 ? 3 : -1;
    }
    for (int i = static_cast<int>(rng() % 3); i > 0; --i) {
      RejectInfo &rj = r.rejects.emplace_back();
      rj.ruleset = text();
      rj.arg = maybe();
      rj.code = rng() % 2 ? 550 : 0;
      rj.text = text();
    }
    for (int i = static_cast<int>(rng() % 3); i > 0; --i)
      r.events.push_back(text());
    r.spamd.present = rng() % 2;
    r.spamd.has_score = rng() % 2;
    r.spamd.score = rng() % 4 == 0 ? std::nan("") : -2.5;
    r.spamd.tests = rng() % 2 ? "A,,B" : "";
    r.spamd.source = "spamd";
    if (rng() % 2) r.links.push_back({"dsn", text(), maybe()});
    r.complete = rng() % 2;
    r.incomplete = "ttl";
    r.lines = 7;
    if (rng() % 4 == 0) r.raw = {text(), text()};
    std::string json;
    append_record_json(json, r);
    INFO(json);
    simdjson::dom::element doc;
    REQUIRE(parser.parse(json).get(doc) == simdjson::SUCCESS);
    CHECK(std::string(doc["host"].get_string().value()) == json_text(r.host));
    CHECK(doc["lines"].get_int64().value() == 7);
    CHECK(doc["complete"].get_bool().value() == r.complete);
    CHECK((doc["qid"].error() == simdjson::SUCCESS) == !r.qid.empty());
    CHECK((doc["client"].error() == simdjson::SUCCESS) == r.client.present);
    CHECK((doc["pids"].error() == simdjson::SUCCESS) == !r.other_pids.empty());
    if (!r.rcpts.empty()) CHECK(doc["rcpts"].get_array().size() == r.rcpts.size());
    if (!r.rejects.empty()) CHECK(doc["rejects"].get_array().size() == r.rejects.size());
    if (!r.events.empty()) CHECK(doc["events"].get_array().size() == r.events.size());
    if (r.spamd.present && !r.spamd.tests.empty())
      CHECK(doc["spamd"]["tests"].get_array().size() == 2);
    if (!r.raw.empty())
      CHECK(std::string(doc["raw"].at(1).get_string().value()) == json_text(r.raw[1]));
  }
}
