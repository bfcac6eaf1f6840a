// report's --since / --until values in a time zone.
#pragma once
#include <cstdint>
#include <string_view>

#include "base/calendar.hpp"
#include "base/log_time.hpp"
#include "base/result.hpp"

namespace spamflow {

// Parses one bound of the report period, `now` being the current time:
//   "7d", "12h", "30m", "2w", "90s"  that long before now
//   "now", "today", "yesterday"      now / local midnight of that day
//   "2014-09-29"                     local midnight starting that day
//   "2014-09-29T08:00:00-04:00"      an RFC 3339 instant
//   "@1412000000"                    epoch seconds
// A calendar day given as the upper bound (`end_of_day`) means the end of
// that day, so "--since yesterday --until yesterday" is all of yesterday.
Result<std::int64_t> parse_report_time(std::string_view text, std::int64_t now, ZoneConverter &zone,
                                       bool end_of_day);

// A preset period, the last complete one before `now` in the zone:
//   "day"    yesterday, midnight to midnight
//   "week"   the last whole week, Monday 00:00 to Monday 00:00
//   "month"  the last whole calendar month
// Calendar periods, so that a daily or weekly mail covers each day once.
struct ReportPeriod {
  std::int64_t since = 0, until = 0;
};
Result<ReportPeriod> preset_period(std::string_view name, std::int64_t now, ZoneConverter &zone);

} // namespace spamflow
