// logjoin: reassemble sendmail's multi-line log entries into one JSON
// record per message or client session. See logjoin(1).
#include <CLI/CLI.hpp>

#include "base/diagnostics.hpp"
#include "base/version.hpp"
#include "logjoin_run.hpp"

int main(int argc, char **argv) {
  spamflow::logjoin::Options o;
  CLI::App app{"Reassemble sendmail log lines into one JSON record per message or session."};
  app.set_version_flag("--version", std::string("logjoin (spamflow) ") + spamflow::kVersion);
  app.add_option("--tz", o.syslog.tz,
                 "Time zone of timestamps that carry none (default: the machine's)");
  app.add_option("--year", o.syslog.year, "Year of RFC 3164 timestamps (default: inferred)")
      ->check(CLI::Range(1970, 9999));
  app.add_option("--ttl", o.join.ttl_s,
                 "Emit a record untouched this many seconds of log time, incomplete")
      ->check(CLI::Range(1, 30 * 86400))
      ->capture_default_str();
  app.add_option("--linger", o.join.linger_s,
                 "Seconds of log time a complete record waits for late lines")
      ->check(CLI::Range(0, 3600))
      ->capture_default_str();
  app.add_option("--idle", o.idle_s,
                 "Seconds without input after which log clocks follow the wall clock")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  app.add_option("--max-pending", o.join.max_pending,
                 "Records held at most; the oldest leave first")
      ->check(CLI::Range(1, 100000000))
      ->capture_default_str();
  std::string programs(spamflow::ProgramSet::kDefault);
  app.add_option("--programs", programs,
                 "Syslog idents of sendmail, comma-separated; NAME* matches a prefix")
      ->capture_default_str();
  app.add_flag("--raw", o.join.keep_raw, "Put each record's original lines in \"raw\"");
  app.add_flag("--strict", o.strict, "Fail (exit 65) on the first line that cannot be parsed");
  app.add_flag("--stats", o.stats, "Print counters on stderr at exit");
  app.add_option("files", o.files, "Log files to read (default: standard input)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    return e.get_exit_code() == 0 ? app.exit(e) : (app.exit(e), spamflow::kExUsage);
  }
  auto program_set = spamflow::ProgramSet::parse(programs);
  if (!program_set) {
    std::fprintf(stderr, "logjoin: --programs: %s\n", program_set.error().c_str());
    return spamflow::kExUsage;
  }
  o.programs = std::move(*program_set);
  return spamflow::logjoin::run(o);
}
