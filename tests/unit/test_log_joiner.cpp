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
