// logjoin's read loop: syslog lines in, joined JSON records out.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "maillog/log_joiner.hpp"
#include "maillog/mail_programs.hpp"
#include "maillog/syslog_line.hpp"

namespace spamflow::logjoin {

struct Options {
  SyslogOptions syslog;
  JoinOptions join;
  ProgramSet programs = ProgramSet::defaults();
  int idle_s = 10;
  bool strict = false;
  bool stats = false;
  std::vector<std::string> files; // empty or "-": standard input
};

// Returns the process exit code (sysexits).
int run(const Options &opts);

} // namespace spamflow::logjoin
