// spamflag: record a user's report of spam that slipped through, from one
// forwarded message on standard input. See spamflag(1).
#include <cstdio>

#include <CLI/CLI.hpp>

#include "base/diagnostics.hpp"
#include "base/version.hpp"
#include "spamflag_run.hpp"

int main(int argc, char **argv) {
  using namespace spamflow;
  spamflag::Options o;
  CLI::App app{"Record a user's spam report (one forwarded message on standard input)."};
  app.set_version_flag("--version", std::string("spamflag (spamflow) ") + kVersion);
  app.add_option("--db", o.db, "SQLite database (banwrite's)")->capture_default_str();
  app.add_option("--local-host", o.local_hosts,
                 "Our server's name in Received headers, NAME or NAME=LOGHOST")
      ->delimiter(',');
  app.add_option("--relay", o.relays, "CIDRs of our own servers (internal hops)")->delimiter(',');
  app.add_option("--reporter", o.reporter, "Reporting user instead of the report's From:");
  app.add_option("--max-size", o.max_size, "Largest report in bytes")
      ->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 30))
      ->capture_default_str();
  app.add_option("--user-rate", o.user_rate, "Reports per user per hour")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  app.add_option("--total-rate", o.total_rate, "Reports of all users per hour")
      ->check(CLI::Range(1, 100000000))
      ->capture_default_str();
  app.add_option("--busy-timeout", o.busy_timeout_ms, "Milliseconds to wait for a locked database")
      ->check(CLI::Range(0, 600000))
      ->capture_default_str();
  app.add_flag("--json", o.json, "Print each report as a JSON line");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    return e.get_exit_code() == 0 ? app.exit(e) : (app.exit(e), kExUsage);
  }
  return spamflag::run(o);
}
