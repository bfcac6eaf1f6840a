// report: what the database says about the spam: summary, countries,
// networks, time, bans, senders, servers, flags. See report(1).
#include <CLI/CLI.hpp>

#include "base/diagnostics.hpp"
#include "base/version.hpp"
#include "report/report_query.hpp"
#include "report_run.hpp"

int main(int argc, char **argv) {
  spamflow::report::Options o;
  CLI::App app{
      "Report on banwrite's database: where spam comes from, when, and whether bans work."};
  app.set_version_flag("--version", std::string("report (spamflow) ") + spamflow::kVersion);
  app.add_option("--db", o.db, "SQLite database written by banwrite")->capture_default_str();
  app.add_option("--input", o.input,
                 "Read records (JSON lines, - for stdin) instead of a database");
  auto *since =
      app.add_option("--since", o.since,
                     "Start: 7d, 12h, yesterday, 2014-09-29, RFC 3339 (default: first record)");
  auto *until =
      app.add_option("--until", o.until, "End, same forms; a day means its end (default: now)");
  app.add_option("--period", o.period,
                 "The last whole day (yesterday), week (Monday to Sunday) or month")
      ->check(CLI::IsMember({"day", "week", "month"}))
      ->excludes(since)
      ->excludes(until);
  app.add_option("--anchor", o.anchor,
                 "Count 7d, yesterday, --period and the default end from now, or from the "
                 "database's last record (for replays of old logs)")
      ->check(CLI::IsMember({"now", "last"}))
      ->capture_default_str();
  app.add_option("--tz", o.tz, "Time zone for days and hours (default: the offsets in the log)");
  app.add_option("--report", o.reports,
                 "Reports, comma-separated: "
                 "summary,country,network,time,bans,senders,servers,slipped (default: all)")
      ->delimiter(',')
      ->check(CLI::IsMember(spamflow::report_names()));
  app.add_option("--format", o.format, "Output format")
      ->check(CLI::IsMember({"text", "csv", "json", "html"}))
      ->capture_default_str();
  app.add_option("--top", o.top, "Rows of ranked tables")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  app.add_option("--bucket", o.bucket, "Series step: minute, hour, day or auto")
      ->check(CLI::IsMember({"auto", "minute", "hour", "day"}))
      ->capture_default_str();
  app.add_option("--table", o.table,
                 "netlookup table: country, AS and allocation of each client (default: "
                 "$SPAMFLOW_NETTABLE, else netlookup's own table if it exists; none: no table)")
      ->envname("SPAMFLOW_NETTABLE");
  app.add_option("--width", o.width, "Text width")
      ->check(CLI::Range(40, 1000))
      ->capture_default_str();
  app.add_option("-o,--output", o.output, "Write to this file instead of standard output");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    return e.get_exit_code() == 0 ? app.exit(e) : (app.exit(e), spamflow::kExUsage);
  }
  return spamflow::report::run(o);
}
