// Framing of one syslog line: time, host, program, pid, message.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "base/log_time.hpp"
#include "base/result.hpp"

namespace spamflow {

struct SyslogOptions {
  std::string tz;               // zone for timestamps without one (RFC 3164); "" = machine zone
  int year = 0;                 // 0 = infer (see SyslogParser)
  std::int64_t now_epoch_s = 0; // "now" for inference; 0 = time(nullptr) at construction
};

struct SyslogLine {
  LogTime time;
  std::string_view host;    // "mx1"
  std::string_view program; // "sendmail", "sm-mta", "postfix/smtpd"; empty if the line has no tag
  std::int64_t pid = -1;    // -1 when absent
  std::string_view message; // text after "prog[pid]: " (and after a Solaris "[ID n fac.pri] ")
};

// Formats accepted (each may start with "<PRI>"):
//   RFC 3164       "Sep 30 08:15:01 mx1 sendmail[123]: msg" (day "30", " 3", "03" or "3";
//                  an optional ".fraction" after the seconds)
//   BSD -v/-vv     "Sep 30 08:15:01 <mail.info> mx1 sendmail[123]: msg" (also "<2.6>", and
//                  the tag after the host)
//   RFC 3339       "2014-09-30T08:15:01.003456-04:00 mx1 sendmail[123]: msg" (rsyslog
//                  high precision; journalctl -o short-iso "+0000"; no offset = local)
//   RFC 5424       "<22>1 2014-09-30T08:15:01.003Z mx1 sm-mta 123 - - msg" ("-" = none;
//                  structured data "[...]" skipped; a non-numeric PROCID gives pid -1)
// The tag is "prog[pid]:" or "prog:"; a first word without ':' is no tag (program
// empty, e.g. "last message repeated 3 times"). A Solaris "[ID 801593 mail.notice] "
// after the tag is dropped. Any NUL byte, a malformed header, or a host with bytes
// outside printable ASCII makes the line an error; the message is passed on as it
// is (invalid UTF-8 included: the JSON writer escapes it).
//
// YEAR AND ZONE OF RFC 3164 TIMESTAMPS. An RFC 3164 timestamp has neither year
// nor zone. Its zone is SyslogOptions::tz (a TZ database name; "" = the machine's
// zone). Its year is SyslogOptions::year when that is set (every line gets that
// year); otherwise it is inferred:
//   - The first line takes the latest year that puts it no more than 2 days
//     after "now" (a line minutes ahead of now, from a clock slightly fast,
//     stays in this year; a December log read in January is last year's).
//   - Each later line keeps the year of the line before, except that when the
//     month goes back by more than 6 months (Dec -> Jan) the year goes up by
//     one: a log that spans New Year.
//   - A line whose month is more than 6 months after the previous line's
//     (a late "Dec 31" line after "Jan 1") is taken as the year before, without
//     changing the year of the lines after it.
// Only accepted lines move the year. "now" is SyslogOptions::now_epoch_s, or
// the time the parser was made.
class SyslogParser {
public:
  explicit SyslogParser(SyslogOptions opts);
  // line: one line without '\n'; a trailing '\r' is ignored. The views in the
  // result point into `line`.
  Result<SyslogLine> parse(std::string_view line);
  // The zone of RFC 3164 timestamps; !zone().ok() when the name was unknown (UTC is used).
  const ZoneConverter &zone() const { return zone_; }

private:
  int infer_year(const CivilTime &c, int &next_year, int &next_month);

  ZoneConverter zone_;
  int fixed_year_;
  std::int64_t now_epoch_s_;
  int year_ = 0;       // year of the last accepted RFC 3164 line
  int last_month_ = 0; // its month, 0 before the first

  // The minute ("Sep  7 00:00") of the last RFC 3164 line read in full,
  // and its time: lines of the same minute only read their seconds. The
  // year inference gives them the same year, since lines read this way do
  // not move it. Not kept for a minute in which the UTC offset changes
  // (zones with offsets in seconds, before 1940).
  struct MinuteCache {
    bool valid = false;
    char text[12];
    std::int64_t epoch_s = 0; // of second 0
    std::int32_t offset_s = 0;
  };
  MinuteCache minute_;
  bool read_cached_minute(std::string_view rest, LogTime &time) const;
  void remember_minute(std::string_view rest, const CivilTime &c, const LogTime &time);
};

} // namespace spamflow
