// Log timestamps: RFC 3339 text <-> LogTime, and local wall-clock time in a
// TZ database zone -> UTC without calling mktime per line.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/calendar.hpp"
#include "base/result.hpp"

namespace spamflow {

struct LogTime {
  std::int64_t epoch_s = 0;      // seconds since 1970-01-01T00:00:00Z
  std::int32_t usec = -1;        // microseconds; -1: the log had no fraction
  std::int32_t utc_offset_s = 0; // offset of the wall clock that logged it
};

// Appends e.g. "2014-09-30T08:15:01-04:00", or "2014-09-30T08:15:01.003000-04:00"
// when usec >= 0. UTC is written "+00:00", never "Z".
void append_rfc3339(std::string &out, const LogTime &t);
// The same text written at buf (room for kRfc3339Max bytes); returns its end.
inline constexpr std::size_t kRfc3339Max = 48;
char *format_rfc3339(char *buf, const LogTime &t);
std::string to_rfc3339(const LogTime &t);

// Accepts "YYYY-MM-DDThh:mm:ss[.fraction](Z|+hh:mm|-hh:mm|+hhmm)". Fractions
// beyond microseconds are truncated; "60" seconds (a leap second) is accepted.
Result<LogTime> parse_rfc3339(std::string_view text);

// The fields of an ISO 8601 / RFC 3339 timestamp as written, before any zone is applied.
struct CivilTime {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  std::int32_t usec = -1;  // -1: no fraction
  bool has_offset = false; // false: local time of an unnamed zone
  std::int32_t offset_s = 0;
};
// Scans "YYYY-MM-DDThh:mm:ss[.f][Z|+hh:mm|+hhmm]" at the start of text (more
// text may follow). Returns the number of characters consumed, 0 if none.
std::size_t scan_iso_timestamp(std::string_view text, CivilTime &out);
// Requires has_offset (or treats the fields as UTC).
std::int64_t civil_to_epoch(const CivilTime &c);

// Converts local wall-clock time in a zone to UTC.
//
// tz_name: a TZ database name ("America/New_York", "UTC"), an absolute path
// to a TZif file, a POSIX TZ string ("EST5EDT,M3.2.0,M11.1.0"), or "" for the
// machine's zone (the TZ environment variable, else /etc/localtime). Zones
// are read from TZif files ($TZDIR or /usr/share/zoneinfo) once, at
// construction; an unknown zone falls back to UTC and error() says why.
//
// Local times that occur twice (the hour repeated when clocks go back) take
// the first occurrence (the earlier instant); local times that do not exist
// (skipped when clocks go forward) are read with the offset in force before
// the change, as mktime does. The last answer's interval of constant offset
// is cached, so consecutive lines cost a range check plus date arithmetic.
class ZoneConverter {
public:
  explicit ZoneConverter(std::string tz_name = "");
  ~ZoneConverter();
  ZoneConverter(ZoneConverter &&) noexcept;
  ZoneConverter &operator=(ZoneConverter &&) noexcept;

  LogTime from_local(int year, int mon, int day, int h, int m, int s, int usec);
  // Offset (seconds east of UTC) in force at a UTC instant.
  std::int32_t offset_at(std::int64_t epoch_s) const;

  bool ok() const { return error_.empty(); }
  const std::string &error() const { return error_; }
  const std::string &name() const { return name_; }

  struct Zone; // parsed rules; defined in log_time.cpp

private:
  std::unique_ptr<Zone> zone_;
  std::string name_;
  std::string error_;
  // Local seconds [cache_lo_, cache_hi_) all map to UTC with cache_offset_.
  std::int64_t cache_lo_ = 1;
  std::int64_t cache_hi_ = 0;
  std::int32_t cache_offset_ = 0;
  // The last calendar day converted, as year*416 + month*32 + day, and its local midnight.
  std::int64_t day_key_ = -1;
  std::int64_t day_start_ = 0;
};

} // namespace spamflow
