// report's queries: from banwrite's database to the tables of a Report
// (report_model.hpp). Each report is selected by name; see report(1) for the
// tables and their columns.
//
//   ReportOptions o; o.since = …; o.until = …;
//   auto report = build_report(db, o);  // then a ReportWriter prints it
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/log_time.hpp"
#include "base/result.hpp"
#include "report/report_model.hpp"
#include "report/report_scan.hpp"
#include "store/db.hpp"

namespace spamflow {

class NetTable;

// summary, country, network, time, bans, senders, servers, slipped.
const std::vector<std::string> &report_names();

struct ReportOptions {
  std::vector<std::string> reports; // empty: every report
  // The period [since, until); when has_period is false, the whole database.
  bool has_since = false, has_until = false;
  std::int64_t since = 0, until = 0;
  std::int64_t now = 0;                // for ban states; "active" means at `now`
  const ZoneConverter *zone = nullptr; // nullptr: the offsets the log was written in
  std::string tz;                      // the zone's name, for headings
  int top = 10;                        // rows of the ranked tables
  std::int64_t bucket_s = 0;           // series bucket; 0 = auto
  const NetTable *table = nullptr;     // country / AS / allocation lookups
  std::function<void(std::int64_t)> progress;
  bool use_rollup = true; // false: always scan every message (tests compare the two)
  // Count the period of the same length just before this one, for the key
  // figures' change (one more pass over that period's records).
  bool compare_previous = false;
};

// The period is [since, until): since defaults to the first record, until
// to `now` (or just after the last record when that is later), so flags and
// bans recorded after the last message are in it.
Result<Report> build_report(Db &db, const ReportOptions &options);

// Records, spam and clients of [since, until), for the key figures.
Result<PeriodCounts> period_counts(Db &db, std::int64_t since, std::int64_t until);

// Pieces, exposed for tests.
struct BanRange {
  int family = 4;
  unsigned __int128 first = 0, last = 0;
};
// Parses "cidr" or "first-last"; nullopt when neither.
std::optional<BanRange> parse_range(const std::string &text);
// Fraction of `range`'s addresses covered by the (possibly overlapping) bans.
double covered_fraction(const BanRange &range, const std::vector<BanRange> &bans);

} // namespace spamflow
