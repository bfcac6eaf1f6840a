#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include <simdjson.h>

#include "classify/classify.hpp"
#include "wire/json_splice.hpp"

using namespace spamflow;

namespace {

Classification classify_text(const std::string &json, const ClassifyConfig &cfg = {}) {
  static simdjson::dom::parser parser;
  Classification c;
  simdjson::dom::element e;
  REQUIRE(parser.parse(json).get(e) == simdjson::SUCCESS);
  classify_record(e, cfg, c);
  return c;
}

// A message from an outside client with a name, so that only the rule under
// test scores: `extra` is spliced in as more members.
std::string message(const std::string &extra, const std::string &ip = "198.51.100.7") {
  return R"({"kind":"message","host":"mx1","qid":"q1","client":{"ip":")" + ip +
         R"(","name":"mail.sender.example"},"from":"<a@sender.example>","proto":"ESMTP")" +
         (extra.empty() ? "" : "," + extra) + "}";
}

bool has_reason(const Classification &c, Rule r) {
  return std::any_of(c.reasons.begin(), c.reasons.end(),
                     [r](const Reason &x) { return x.rule == r; });
}

std::string detail_of(const Classification &c, Rule r) {
  for (const Reason &x : c.reasons)
    if (x.rule == r) return x.detail;
  return "<none>";
}

std::string class_json(const Classification &c, bool explain = false) {
  std::string out;
  append_class_json(out, c, explain);
  return out;
}

} // namespace

TEST_CASE("classify: a plain delivery is ham with score 0", "[classify]") {
  auto c = classify_text(message(R"("rcpts":[{"to":"<u@x>","status":"sent"}])"));
  CHECK(c.verdict == Verdict::kHam);
  CHECK(c.score == 0);
  CHECK(c.reasons.empty());
  CHECK(class_json(c) == R"({"verdict":"ham","score":0,"reasons":[]})");
}

TEST_CASE("classify: SpamAssassin's verdict and milter rejects", "[classify]") {
  auto spam =
      classify_text(message(R"("spamd":{"score":15.2,"required":5,"spam":true,"tests":[]})"));
  CHECK(spam.verdict == Verdict::kSpam);
  CHECK(detail_of(spam, Rule::kSpamdSpam) == "15.2");
  auto ham = classify_text(message(R"("spamd":{"score":1.2,"required":5,"spam":false})"));
  CHECK(ham.verdict == Verdict::kHam);
  CHECK(ham.score == -2);
  auto milter = classify_text(message(
      R"("rejects":[{"ruleset":"milter","action":"data","code":550,"text":"Blocked by SpamAssassin"}])"));
  CHECK(milter.verdict == Verdict::kSpam);
  CHECK(detail_of(milter, Rule::kMilterReject) == "spamassassin");
  auto other =
      classify_text(message(R"("rejects":[{"ruleset":"milter","code":550,"text":"Virus found"}])"));
  CHECK(detail_of(other, Rule::kMilterReject) == "");
}

TEST_CASE("classify: DNSBL rejects name the list", "[classify]") {
  CHECK(dnsbl_list_in("Rejected: 1.2.3.4 listed at zen.spamhaus.org") == "zen.spamhaus.org");
  CHECK(dnsbl_list_in("Rejected: 192.0.2.1 found in bl.spamcop.net") == "bl.spamcop.net");
  CHECK(dnsbl_list_in("Mail from 192.0.2.1 rejected by RBL dnsbl.sorbs.net.") == "dnsbl.sorbs.net");
  CHECK(dnsbl_list_in("Blocked - see https://www.spamcop.net/bl.shtml?1.2.3.4") == "");
  CHECK(dnsbl_list_in("Service unavailable; client blocked using RBL") == "dnsbl");
  CHECK(dnsbl_list_in("Relaying denied") == "");
  auto c = classify_text(message(
      R"("rejects":[{"ruleset":"check_relay","code":550,"text":"Rejected: 192.0.2.1 listed at zen.spamhaus.org"}])"));
  CHECK(c.verdict == Verdict::kSpam);
  CHECK(detail_of(c, Rule::kDnsbl) == "zen.spamhaus.org");
  CHECK_FALSE(has_reason(c, Rule::kAccessReject));
}

TEST_CASE("classify: relaying, access map, rate and load limits, HELO", "[classify]") {
  auto relay = classify_text(message(
      R"("nrcpts":0,"rejects":[{"ruleset":"check_rcpt","code":550,"text":"<x@y>... Relaying denied"}])"));
  CHECK(relay.verdict == Verdict::kSuspect);
  CHECK(has_reason(relay, Rule::kRelayDenied));
  CHECK(has_reason(relay, Rule::kNoValidRcpt));
  auto access = classify_text(
      message(R"("rejects":[{"ruleset":"check_relay","code":550,"text":"Access denied"}])"));
  CHECK(detail_of(access, Rule::kAccessReject) == "relay");
  auto rate = classify_text(message(
      R"("rejects":[{"ruleset":"check_relay","code":421,"text":"Connection rate limit exceeded."}])"));
  CHECK(detail_of(rate, Rule::kRateLimit) == "rate");
  CHECK_FALSE(has_reason(rate, Rule::kAccessReject));
  auto load = classify_text(message(
      R"("rejects":[{"ruleset":"check_relay","code":421,"text":"Too busy, try again later"}])"));
  CHECK(has_reason(load, Rule::kRateLimit));
  auto helo = classify_text(
      message(R"("rejects":[{"ruleset":"check_mail","code":501,"text":"Invalid HELO name"}])"));
  CHECK(has_reason(helo, Rule::kHeloProblem));
}

TEST_CASE("classify: unknown users and dictionary attacks", "[classify]") {
  std::string one = R"({"ruleset":"rcpt","arg":"<a@x>","text":"User unknown"})";
  auto few = classify_text(message(R"("rejects":[)" + one + "," + one + "]"));
  CHECK(detail_of(few, Rule::kUnknownUser) == "2");
  CHECK(few.verdict == Verdict::kHam);
  std::string many = one;
  for (int i = 1; i < 6; ++i)
    many += "," + one;
  auto dict = classify_text(message(R"("rejects":[)" + many + "]"));
  CHECK(detail_of(dict, Rule::kDictionaryAttack) == "6");
  CHECK_FALSE(has_reason(dict, Rule::kUnknownUser));
  CHECK(dict.verdict == Verdict::kSuspect);
  ClassifyConfig strict;
  strict.dictionary_min = 2;
  CHECK(has_reason(classify_text(message(R"("rejects":[)" + one + "," + one + "]"), strict),
                   Rule::kDictionaryAttack));
}

TEST_CASE("classify: session events", "[classify]") {
  auto ev = [](const char *list) {
    return classify_text(message(std::string(R"("events":[)") + list + "]"));
  };
  CHECK(has_reason(ev(R"("no_mail")"), Rule::kNoMail));
  CHECK(ev(R"("no_mail")").verdict == Verdict::kSuspect);
  CHECK(has_reason(ev(R"("vrfy","expn")"), Rule::kVrfyExpn));
  CHECK(ev(R"("vrfy","expn")").score == 2); // once per record
  CHECK(has_reason(ev(R"("lost_input_after_rcpt")"), Rule::kLostInputAfterRcpt));
  CHECK_FALSE(has_reason(ev(R"("lost_input_after_data")"), Rule::kLostInputAfterRcpt));
  CHECK(ev(R"("pregreeting")").verdict == Verdict::kSpam);
  CHECK(ev(R"("smtp_attack")").verdict == Verdict::kSpam);
  CHECK(has_reason(ev(R"("auth_failure")"), Rule::kAuthFailure));
  auto brute = ev(R"("auth_failure","auth_failure","auth_failure")");
  CHECK(detail_of(brute, Rule::kAuthBruteForce) == "3");
  CHECK_FALSE(has_reason(brute, Rule::kAuthFailure));
  CHECK(has_reason(ev(R"("rcpt_flood")"), Rule::kRcptFlood));
  CHECK(ev(R"("timeout")").verdict == Verdict::kHam);
  CHECK(ev(R"("size_exceeded","dsn_notify")").score == 0);
}

TEST_CASE("classify: the client's name", "[classify]") {
  std::string bare = R"({"kind":"session","host":"mx1","client":{"ip":"203.0.113.9"}})";
  CHECK(has_reason(classify_text(bare), Rule::kNoClientName));
  auto forged = classify_text(
      R"({"kind":"session","host":"mx1","client":{"ip":"203.0.113.9","name":"mx.example.com","forged":true}})");
  CHECK(has_reason(forged, Rule::kForgedName));
  auto pool = classify_text(
      R"({"kind":"session","host":"mx1","client":{"ip":"73.22.11.5","name":"c-73-22-11-5.hsd1.ca.comcast.net"}})");
  CHECK(detail_of(pool, Rule::kPoolName) == "decimal");
  CHECK(pool.verdict == Verdict::kSuspect);
}

TEST_CASE("classify: null sender floods and next-hop refusals", "[classify]") {
  auto flood = classify_text(
      R"({"kind":"message","client":{"ip":"203.0.113.9","name":"a.example"},"from":"<>","nrcpts":9})");
  CHECK(detail_of(flood, Rule::kNullSenderFlood) == "9");
  auto bounce = classify_text(message(
      R"("rcpts":[{"to":"<u@x>","status":"bounced","dsn":"5.7.1","mailer":"esmtp","text":"Service unavailable"}])"));
  CHECK(detail_of(bounce, Rule::kNextHopReject) == "5.7.1");
  auto local_bounce = classify_text(
      message(R"("rcpts":[{"to":"<u@x>","status":"bounced","dsn":"5.1.1","mailer":"local"}])"));
  CHECK_FALSE(has_reason(local_bounce, Rule::kNextHopReject));
  // No tool writes a "flag" key into a record (spamflag's flags are
  // events of their own, counted by banwrite): it is not evidence.
  CHECK(classify_text(message(R"("flag":{"by":"alice"})")).verdict ==
        classify_text(message("")).verdict);
}

TEST_CASE("classify: local traffic is never scored", "[classify]") {
  std::string spammy = R"("spamd":{"score":30,"required":5,"spam":true},"events":["pregreeting"])";
  auto lan = classify_text(message(spammy, "127.0.0.1"));
  CHECK(lan.verdict == Verdict::kLocal);
  CHECK(lan.score == 0);
  CHECK(class_json(lan) == R"({"verdict":"local","score":0,"reasons":["local_net"]})");
  ClassifyConfig cfg;
  cfg.local_nets = {*IpNetwork::parse("10.0.0.0/8")};
  CHECK(classify_text(message(spammy, "127.0.0.1"), cfg).verdict == Verdict::kSpam);
  CHECK(classify_text(message(spammy, "10.1.2.3"), cfg).verdict == Verdict::kLocal);
  CHECK(classify_text(message(spammy, "::ffff:10.1.2.3"), cfg).verdict == Verdict::kLocal);
  auto auth = classify_text(R"({"kind":"message","client":{"ip":"203.0.113.9"},"proto":"ESMTPA"})");
  CHECK(auth.local == LocalReason::kAuthenticated);
  auto auth2 = classify_text(
      R"({"kind":"session","client":{"ip":"203.0.113.9"},"auth":{"mech":"PLAIN","authid":"bob"}})");
  CHECK(auth2.local == LocalReason::kAuthenticated);
  auto msp =
      classify_text(R"({"kind":"message","client":{"name":"carol@localhost"},"from":"carol"})");
  CHECK(msp.local == LocalReason::kLocalSubmission);
  auto dsn = classify_text(R"({"kind":"message","rcpts":[],"links":[{"rel":"dsn_of","qid":"x"}]})");
  CHECK(dsn.local == LocalReason::kLocalGenerated);
  cfg.local_hosts = {".lan.example.com", "gw.example.net"};
  auto ws = classify_text(
      R"({"kind":"session","client":{"ip":"203.0.113.9","name":"WS06.lan.example.com"},"events":["no_mail"]})",
      cfg);
  CHECK(ws.local == LocalReason::kLocalHost);
}

TEST_CASE("classify: records it cannot judge", "[classify]") {
  auto no_client = classify_text(R"({"kind":"spamd","host":"mx1","complete":false})");
  CHECK(no_client.verdict == Verdict::kUnknown);
  CHECK(no_client.error.empty());
  auto wrong = classify_text(R"({"kind":"message","client":"203.0.113.9"})");
  CHECK(wrong.verdict == Verdict::kUnknown);
  CHECK(wrong.error == "field \"client\" is not an object");
  auto bad_spamd = classify_text(message(R"("spamd":{"spam":"yes"})"));
  CHECK(bad_spamd.verdict == Verdict::kUnknown);
  CHECK(bad_spamd.reasons.empty());
  CHECK_FALSE(bad_spamd.error.empty());
  CHECK_FALSE(classify_text(R"({"kind":"ban","target":"192.0.2.0/24"})").error.empty());
  CHECK_FALSE(classify_text(R"({"host":"mx1"})").error.empty());
  CHECK(classify_text("[1,2]").error == "not a JSON object");
}

TEST_CASE("classify: a repeated key counts as its first occurrence", "[classify]") {
  // A crafted record cannot hide a field behind a later copy of its key.
  auto spam = classify_text(message(R"("spamd":{"spam":true,"score":9},"spamd":{"spam":false})"));
  CHECK(has_reason(spam, Rule::kSpamdSpam));
  CHECK_FALSE(has_reason(spam, Rule::kSpamdHam));
  auto kind = classify_text(R"({"kind":"message","kind":"ban","client":{"ip":"198.51.100.7"}})");
  CHECK(kind.error.empty());
  auto bad = classify_text(R"({"kind":"ban","kind":"message"})");
  CHECK(bad.error == "kind \"ban\" is not a logjoin record");
  auto typed = classify_text(message(R"("rejects":7,"rejects":[])"));
  CHECK(typed.error == "field \"rejects\" is not an array");
}

TEST_CASE("classify: weights, thresholds and --explain", "[classify]") {
  ClassifyConfig cfg;
  cfg.weights[static_cast<std::size_t>(Rule::kNoMail)] = 0.25;
  auto c = classify_text(message(R"("events":["no_mail"])"), cfg);
  CHECK(c.verdict == Verdict::kHam);
  CHECK(class_json(c, true) == R"({"verdict":"ham","score":0.25,"reasons":["no_mail=+0.25"]})");
  cfg.suspect_threshold = 0.2;
  CHECK(classify_text(message(R"("events":["no_mail"])"), cfg).verdict == Verdict::kSuspect);
  auto ham = classify_text(message(R"("spamd":{"score":1,"required":5,"spam":false})"));
  CHECK(class_json(ham, true) == R"({"verdict":"ham","score":-2,"reasons":["spamd_ham:1=-2"]})");
  for (const RuleInfo &info : rule_table())
    CHECK(&rule_info(info.rule) == &info);
}

TEST_CASE("classify: the class value splices into the record unchanged", "[classify]") {
  std::string line =
      R"({"kind":"message", "client":{"ip":"198.51.100.7"},"x_unknown":{"nested":[1,2.50,"\u00e9"]},"class":{"verdict":"old"}})";
  auto c = classify_text(line);
  std::string value = class_json(c);
  auto out = splice_json_key(line, "class", value);
  REQUIRE(out.ok());
  CHECK(
      *out ==
      R"({"kind":"message", "client":{"ip":"198.51.100.7"},"x_unknown":{"nested":[1,2.50,"\u00e9"]},"class":)" +
          value + "}");
}
