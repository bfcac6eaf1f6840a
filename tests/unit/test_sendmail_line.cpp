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

// result: lines as SpamAssassin 3.3, 3.4 and 4.0 write them: the key=value
// list after the tests ends in autolearn=, or carries bayes=, shortcircuit=
// and autolearn_force= after mid= (issue 17: the mid kept ",bayes=…").
TEST_CASE("spamd result lines of SpamAssassin 3.3 to 4.0", "[sendmail]") {
  struct Case {
    const char *line;
    const char *mid;
    std::int64_t size;
  };
  const Case cases[] = {
      // 3.3: ends in autolearn=
      {"spamd: result: Y 7 - BAYES_99,RDNS_NONE scantime=1.2,size=2211,user=amavis,uid=110,"
       "required_score=5.0,rhost=localhost,raddr=127.0.0.1,rport=39811,"
       "mid=<4F1E3C2A.1@example.net>,bayes=0.999987,autolearn=no",
       "<4F1E3C2A.1@example.net>", 2211},
      {"spamd: result: . -1 - BAYES_00 scantime=0.4,size=904,user=root,uid=0,required_score=5.0,"
       "rhost=localhost,raddr=127.0.0.1,rport=51000,mid=<x@y>,bayes=0.000001,autolearn=ham",
       "<x@y>", 904},
      // 3.4: bayes= and autolearn= after mid=, then autolearn_force= after a space
      {"spamd: result: . 0 - BAYES_50 scantime=0.3,size=3150,user=debian-spamd,uid=115,"
       "required_score=5.0,rhost=::1,raddr=::1,rport=43520,mid=<a,b@c>,bayes=0.536244,"
       "autolearn=no autolearn_force=no",
       "<a,b@c>", 3150},
      // 4.0: shortcircuit= before autolearn=
      {"spamd: result: Y 24 - URIBL_BLACK scantime=0.2,size=1500,user=root,uid=105,"
       "required_score=5.0,rhost=localhost,raddr=127.0.0.1,rport=47824,mid=<q@r.example>,"
       "bayes=0.9,shortcircuit=no,autolearn=spam autolearn_force=no",
       "<q@r.example>", 1500},
      // no Bayes at all (the shared real log)
      {"spamd: result: .  1 - ALL_TRUSTED scantime=0.1,size=1237,user=root,uid=105,"
       "required_score=5.0,rhost=localhost,raddr=127.0.0.1,rport=47824,"
       "mid=<20261128215217.00397.6ee949@example.com>,autolearn=no autolearn_force=no",
       "<20261128215217.00397.6ee949@example.com>", 1237},
      // mid= last
      {"spamd: result: . 2 - X scantime=0.1,size=10,user=root,uid=1,required_score=5.0,mid=<z@z>",
       "<z@z>", 10},
      // a message without a Message-ID
      {"spamd: result: . 2 - X scantime=0.1,size=11,user=root,uid=1,required_score=5.0,"
       "mid=(unknown),bayes=0.5,autolearn=no",
       "(unknown)", 11},
      // a Message-ID that holds ",bayes=" and ",autolearn=" itself
      {"spamd: result: Y 9 - X scantime=0.1,size=12,user=root,uid=1,required_score=5.0,"
       "mid=<a,bayes=1,autolearn=no@evil>,bayes=0.2,autolearn=no",
       "<a,bayes=1,autolearn=no@evil>", 12},
  };
  for (const Case &c : cases) {
    INFO(c.line);
    auto r = parse_spamd_message(c.line);
    CHECK(r.kind == SpamdKind::kResult);
    CHECK(r.mid == c.mid);
    CHECK(r.size == c.size);
    CHECK(r.required == 5.0);
  }
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
