#include <catch2/catch.hpp>

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
