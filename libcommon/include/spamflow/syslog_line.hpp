// Framing of one syslog line: time, host, program, pid, message.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "spamflow/log_time.hpp"
#include "spamflow/result.hpp"

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

class SyslogParser {
public:
  explicit SyslogParser(SyslogOptions opts);
  // line: one line without '\n'; a trailing '\r' is ignored. The views in the
  // result point into `line`.
  Result<SyslogLine> parse(std::string_view line);

private:
  int infer_year(const CivilTime &c, int &next_year, int &next_month);

  ZoneConverter zone_;
  int fixed_year_;
  std::int64_t now_epoch_s_;
  int year_ = 0;       // year of the last accepted RFC 3164 line
  int last_month_ = 0; // its month, 0 before the first
};

} // namespace spamflow
