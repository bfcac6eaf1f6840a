#include <catch2/catch.hpp>

#include "maillog/line_shapes.hpp"
#include "maillog/mail_programs.hpp"

using namespace spamflow;

TEST_CASE("sendmail's idents: the default list and --programs", "[logjoin]") {
  ProgramSet d = ProgramSet::defaults();
  for (const char *yes : {"sendmail", "sendmail-listen", "sendmail-queue", "sm-mta", "sm-mta-in",
                          "sm-msp-queue", "sm-acceptingconnections"}) {
    INFO(yes);
    CHECK(d.matches(yes));
  }
  for (const char *no : {"sm-notify", "sm-msp-queuex", "spamd", "postfix/smtpd", "sendmai", ""}) {
    INFO(no);
    CHECK_FALSE(d.matches(no));
  }
  auto custom = ProgramSet::parse("mta-in,relay*");
  REQUIRE(custom.ok());
  CHECK(custom->matches("mta-in"));
  CHECK(custom->matches("relay-out"));
  CHECK_FALSE(custom->matches("sendmail"));
  for (const char *bad : {"", ",", "a,,b", "a b", "*", "a*b", "x,"}) {
    INFO(bad);
    CHECK_FALSE(ProgramSet::parse(bad).ok());
  }
}

TEST_CASE("lines of other idents that look like sendmail's", "[logjoin]") {
  CHECK(looks_like_sendmail_message("6ASLqIg9008559: from=<a@b>, size=1, class=0, nrcpts=1, "
                                    "msgid=<x@y>, proto=ESMTP, daemon=MTA, relay=[192.0.2.1]"));
  CHECK(looks_like_sendmail_message("6ASLqIg9008559: to=<u@d>, delay=00:00:00, mailer=local, "
                                    "pri=1, dsn=2.0.0, stat=Sent"));
  CHECK_FALSE(looks_like_sendmail_message("Login: user=<bob> method=PLAIN rip=192.0.2.1"));
  CHECK_FALSE(looks_like_sendmail_message("ABCDEFGH: something else entirely"));
  CHECK_FALSE(looks_like_sendmail_message(""));
  SendmailLookalikes seen;
  seen.note("mta-in", "6ASLqIg9008559: to=<u@d>, delay=00:00:00, mailer=local, pri=1, stat=Sent");
  seen.note("imapd", "Login: user=<bob>");
  seen.note("mta-out", "6ASLqIg9008560: to=<u@d>, delay=00:00:00, mailer=local, pri=1, stat=Sent");
  seen.note("mta-out", "6ASLqIg9008561: to=<u@d>, delay=00:00:00, mailer=local, pri=1, stat=Sent");
  CHECK(seen.total() == 3);
  auto ids = seen.by_ident();
  REQUIRE(ids.size() == 2);
  CHECK(ids[0] == std::pair<std::string, std::uint64_t>("mta-out", 2));
  CHECK(ids[1] == std::pair<std::string, std::uint64_t>("mta-in", 1));
}

TEST_CASE("shapes of unrecognised lines mask ids, addresses, hosts and numbers", "[logjoin]") {
  const struct {
    const char *message, *shape;
  } cases[] = {
      {"6ASLqIg9008559: quarantine: <a@b.example>... held 3 days",
       "QID: quarantine: <ADDR>... held N days"},
      {"6ASLqIg9008560: quarantine: <zz@other.test>... held 12 days",
       "QID: quarantine: <ADDR>... held N days"},
      {"6ASLqIg9008559: SMTP outgoing connect on mx.example.net [192.0.2.1]",
       "QID: SMTP outgoing connect on HOST [ADDR]"},
      {"6ASLqIg9008559: sender=<x>, version 8.17.1/8.17.1, code 5.7.1",
       "QID: sender=<ADDR>, version N.N.N/N.N.N, code N.N.N"},
      {"weird\x01"
       "control",
       "weird?control"},
      {"", ""},
  };
  for (const auto &c : cases) {
    INFO(c.message);
    CHECK(line_shape(c.message) == c.shape);
  }
  CHECK(line_shape(std::string(500, 'x') + " tail").size() == LineShapes::kMaxShape);
  LineShapes shapes;
  shapes.note("6ASLqIg9008559: quarantine: <a@b>... held 3 days");
  shapes.note("6ASLqIg9008561: SMTP outgoing connect on mx.example.net [192.0.2.1]");
  shapes.note("6ASLqIg9008560: quarantine: <c@d>... held 4 days");
  auto top = shapes.top(5);
  REQUIRE(top.size() == 2);
  CHECK(top[0] ==
        std::pair<std::string, std::uint64_t>("QID: quarantine: <ADDR>... held N days", 2));
  CHECK(top[1].second == 1);
  CHECK(shapes.total() == 3);
}
