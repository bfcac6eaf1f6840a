// Table-driven tests of the sendmail line parser: tests/data/sendmail_cases.txt.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <string>

#include "maillog/sendmail_line.hpp"

using namespace spamflow;

namespace {

std::string relay_addr(const RelayField &r) {
  return r.addr ? r.addr->to_string() : std::string("none");
}

// The value of one named field of a parsed line, as the table spells it.
std::string field(const SendmailLine &l, const std::string &key) {
  static const std::map<std::string, std::string_view SendmailLine::*> views = {
      {"qid", &SendmailLine::qid},
      {"qid2", &SendmailLine::qid2},
      {"text", &SendmailLine::text},
      {"from", &SendmailLine::from},
      {"msgid", &SendmailLine::msgid},
      {"proto", &SendmailLine::proto},
      {"daemon", &SendmailLine::daemon},
      {"bodytype", &SendmailLine::bodytype},
      {"to", &SendmailLine::to},
      {"ctladdr", &SendmailLine::ctladdr},
      {"mailer", &SendmailLine::mailer},
      {"dsn", &SendmailLine::dsn},
      {"stat", &SendmailLine::stat},
      {"status_text", &SendmailLine::status_text},
      {"handoff", &SendmailLine::handoff_qid},
      {"ruleset", &SendmailLine::ruleset},
      {"arg1", &SendmailLine::arg1},
      {"arg2", &SendmailLine::arg2},
      {"action", &SendmailLine::action},
      {"reject_text", &SendmailLine::reject_text},
      {"reject_dsn", &SendmailLine::reject_dsn},
      {"mech", &SendmailLine::mech},
      {"authid", &SendmailLine::authid},
      {"tls_version", &SendmailLine::tls_version},
      {"tls_cipher", &SendmailLine::tls_cipher},
      {"tls_verify", &SendmailLine::tls_verify},
      {"milter", &SendmailLine::milter_name},
      {"header", &SendmailLine::header_name},
      {"detail", &SendmailLine::detail}};
  if (auto it = views.find(key); it != views.end()) return std::string(l.*(it->second));
  if (key == "kind") return kind_name(l.kind);
  if (key == "client") return relay_addr(l.client);
  if (key == "client_name") return std::string(l.client.name);
  if (key == "client_invalid") return l.client.addr ? "" : std::string(l.client.addr_text);
  if (key == "forged") return l.client.forged ? "1" : "0";
  if (key == "peer") return l.peer.addr ? l.peer.addr->to_string() : std::string(l.peer.name);
  if (key == "size") return std::to_string(l.size);
  if (key == "nrcpts") return std::to_string(l.nrcpts);
  if (key == "delay") return std::to_string(l.delay_s);
  if (key == "code") return std::to_string(l.reject_code);
  if (key == "split") return std::to_string(l.split_part);
  FAIL("unknown key in sendmail_cases.txt: " << key);
  return {};
}

} // namespace

TEST_CASE("sendmail lines parse as the table says", "[sendmail]") {
  std::ifstream in(SPAMFLOW_SOURCE_DIR "/tests/data/sendmail_cases.txt");
  REQUIRE(in);
  std::string line, message;
  int cases = 0, line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.rfind("> ", 0) == 0) {
      message = line.substr(2);
      continue;
    }
    if (line.rfind("= ", 0) != 0) continue;
    ++cases;
    SendmailParse p = parse_sendmail_message(message);
    std::string rest = line.substr(2);
    std::size_t start = 0;
    while (start <= rest.size()) {
      std::size_t tab = rest.find('\t', start);
      std::string kv =
          rest.substr(start, tab == std::string::npos ? std::string::npos : tab - start);
      std::size_t eq = kv.find('=');
      REQUIRE(eq != std::string::npos);
      std::string key = kv.substr(0, eq), want = kv.substr(eq + 1);
      INFO("sendmail_cases.txt:" << line_no << ": " << message);
      CHECK(field(p.line, key) == want);
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
  }
  CHECK(cases >= 50);
}

TEST_CASE("sendmail delays with a day prefix", "[sendmail]") {
  CHECK(parse_sendmail_delay("00:00:15") == 15);
  CHECK(parse_sendmail_delay("1+00:00:15") == 86415);
  CHECK(parse_sendmail_delay("12:3:4") == -1);
  CHECK(parse_sendmail_delay("x+00:00:01") == -1);
}

TEST_CASE("spamd lines", "[sendmail]") {
  auto r = parse_spamd_message(
      "spamd: result: Y 15 - BAYES_99,URIBL_BLACK scantime=0.1,size=1237,user=root,uid=105,"
      "required_score=5.0,rhost=localhost,raddr=127.0.0.1,rport=47824,mid=<a,b@c>,autolearn=no");
  CHECK(r.kind == SpamdKind::kResult);
  CHECK(r.spam);
  CHECK(r.tests == "BAYES_99,URIBL_BLACK");
  CHECK(r.mid == "<a,b@c>");
  CHECK(r.size == 1237);
  CHECK(r.required == 5.0);
  auto v = parse_spamd_message(
      "spamd: identified spam (15.2/5.0) for root:105 in 0.1 seconds, 1 bytes.");
  CHECK(v.kind == SpamdKind::kVerdict);
  CHECK(v.spam);
  CHECK(v.score == Approx(15.2));
  CHECK(parse_spamd_message("prefork: child states: II").kind == SpamdKind::kDaemon);
  CHECK(parse_spamd_message("spamd: processing message (unknown) for root:105").mid == "(unknown)");
}

TEST_CASE("sendmail parser survives random bytes", "[sendmail]") {
  std::uint64_t seed = 12345;
  auto next = [&seed] {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<unsigned>(seed >> 33);
  };
  const std::string alphabet = "ab[]():, =<>.0123456789relayfromto@\"\\\n\t\x80\xff";
  for (int i = 0; i < 20000; ++i) {
    std::string s;
    std::size_t n = next() % 120;
    for (std::size_t k = 0; k < n; ++k)
      s += alphabet[next() % alphabet.size()];
    if (i % 3 == 0) s = "AAA1234567890: " + s;
    auto p = parse_sendmail_message(s);
    (void)p;
  }
  SUCCEED();
}
