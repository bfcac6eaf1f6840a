#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "maillog/log_joiner.hpp"
#include "maillog/syslog_line.hpp"

using namespace spamflow;

namespace {
// The records the joiner makes of these lines, in the order it emits them.
std::vector<MailRecord> join(const std::vector<std::string> &lines) {
  SyslogOptions so;
  so.tz = "UTC";
  so.year = 2014;
  SyslogParser parser(so);
  std::vector<MailRecord> out;
  LogJoiner joiner({}, [&out](const MailRecord &r) { out.push_back(r); });
  for (const std::string &text : lines) {
    auto line = parser.parse(text);
    REQUIRE(line.ok());
    if (LogJoiner::is_spamd_program(line->program))
      joiner.add_spamd(*line, text);
    else
      joiner.add_sendmail(*line, text);
  }
  joiner.flush("eof");
  return out;
}

bool has_event(const MailRecord &r, const std::string &name) {
  for (const std::string &e : r.events)
    if (e == name) return true;
  return false;
}
} // namespace

// Each DSN form names its own event (logjoin.1); "return to sender" once
// went unrecognised, its text being compared one byte too long.
TEST_CASE("DSN lines give the event of their form", "[logjoin]") {
  const struct {
    const char *text, *event;
  } cases[] = {
      {"s8UC0Ta1001: s8UC0Tb2002: DSN: User unknown", "dsn_bounce"},
      {"s8UC0Ta1001: s8UC0Tb2002: sender notify: Cannot send message for 4 hours", "dsn_notify"},
      {"s8UC0Ta1001: s8UC0Tb2002: return to sender: Cannot send message for 6 minutes",
       "dsn_return"},
  };
  for (const auto &c : cases) {
    auto records = join({std::string("Sep 30 08:15:01 mx1 sendmail[1]: ") + c.text});
    INFO(c.text);
    REQUIRE_FALSE(records.empty());
    const MailRecord &r = records.front().qid == "s8UC0Ta1001" ? records.front() : records.back();
    CHECK(r.qid == "s8UC0Ta1001");
    CHECK(has_event(r, c.event));
  }
}

// With Bayes on, spamd logs "…,mid=<id>,bayes=0.536244,autolearn=no": the
// check must still join its message by Message-ID (issue 17; it was
// emitted on its own, the mid read as "<id>,bayes=0.536244").
TEST_CASE("a spamd result with bayes= joins its message", "[logjoin]") {
  auto out = join({
      "Sep 30 08:15:01 mx1 sendmail[100]: s8UCF1aB012345: from=<a@b.example>, size=1237, "
      "class=0, nrcpts=1, msgid=<m1@b.example>, proto=ESMTP, daemon=MTA, relay=[192.0.2.7]",
      "Sep 30 08:15:01 mx1 spamd[200]: spamd: processing message <m1@b.example> for root:105",
      "Sep 30 08:15:01 mx1 spamd[200]: spamd: identified spam (7.5/5.0) for root:105 in 0.1 "
      "seconds, 1237 bytes.",
      "Sep 30 08:15:01 mx1 spamd[200]: spamd: result: Y 7 - BAYES_99 scantime=0.1,size=1237,"
      "user=root,uid=105,required_score=5.0,rhost=localhost,raddr=127.0.0.1,rport=4000,"
      "mid=<m1@b.example>,bayes=0.999987,autolearn=no autolearn_force=no",
      "Sep 30 08:15:02 mx1 sendmail[100]: s8UCF1aB012345: to=<u@dom>, delay=00:00:01, "
      "xdelay=00:00:01, mailer=local, pri=30000, dsn=2.0.0, stat=Sent",
  });
  REQUIRE(out.size() == 1);
  CHECK(out[0].qid == "s8UCF1aB012345");
  CHECK(out[0].spamd.present);
  CHECK(out[0].spamd.spam);
  CHECK(out[0].spamd.tests == "BAYES_99");
}
