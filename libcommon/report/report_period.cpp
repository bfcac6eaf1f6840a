#include "report/report_period.hpp"

#include <charconv>
#include <string>

namespace spamflow {

namespace {

std::int64_t local_midnight(ZoneConverter &zone, const CivilDate &d) {
  return zone.from_local(d.year, d.month, d.day, 0, 0, 0, -1).epoch_s;
}

// Local calendar day (days since epoch) of an instant.
std::int64_t local_day(ZoneConverter &zone, std::int64_t t) {
  return floor_div(t + zone.offset_at(t), 86400);
}

bool parse_int(std::string_view s, std::int64_t &out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

std::int64_t day_bound(ZoneConverter &zone, std::int64_t day, bool end_of_day) {
  return local_midnight(zone, civil_from_days(end_of_day ? day + 1 : day));
}

Result<std::int64_t> parse_duration_ago(std::string_view text, std::int64_t now) {
  std::int64_t n = 0;
  std::int64_t unit = 0;
  switch (text.back()) {
  case 's':
    unit = 1;
    break;
  case 'm':
    unit = 60;
    break;
  case 'h':
    unit = 3600;
    break;
  case 'd':
    unit = 86400;
    break;
  case 'w':
    unit = 7 * 86400;
    break;
  default:
    break;
  }
  if (unit == 0 || !parse_int(text.substr(0, text.size() - 1), n) || n < 0 || n > 100000)
    return make_error("bad time '" + std::string(text) +
                      "' (expected e.g. 7d, 12h, yesterday, 2014-09-29 or an RFC 3339 time)");
  return now - n * unit;
}

} // namespace

Result<std::int64_t> parse_report_time(std::string_view text, std::int64_t now, ZoneConverter &zone,
                                       bool end_of_day) {
  if (text.empty()) return make_error("empty time");
  if (text == "now") return now;
  if (text == "today") return day_bound(zone, local_day(zone, now), end_of_day);
  if (text == "yesterday") return day_bound(zone, local_day(zone, now) - 1, end_of_day);
  if (text[0] == '@') {
    std::int64_t v = 0;
    if (!parse_int(text.substr(1), v))
      return make_error("bad epoch time '" + std::string(text) + "'");
    return v;
  }
  if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
    std::int64_t y = 0, m = 0, d = 0;
    if (!parse_int(text.substr(0, 4), y) || !parse_int(text.substr(5, 2), m) ||
        !parse_int(text.substr(8, 2), d) || m < 1 || m > 12 || d < 1 ||
        d > days_in_month(static_cast<int>(y), static_cast<int>(m)))
      return make_error("bad date '" + std::string(text) + "'");
    return day_bound(zone,
                     days_from_civil(static_cast<int>(y), static_cast<int>(m), static_cast<int>(d)),
                     end_of_day);
  }
  if (text.size() > 10 && text[4] == '-' && (text[10] == 'T' || text[10] == ' ')) {
    auto t = parse_rfc3339(text);
    if (!t) return make_error("bad time '" + std::string(text) + "': " + t.error());
    return t->epoch_s;
  }
  return parse_duration_ago(text, now);
}

Result<ReportPeriod> preset_period(std::string_view name, std::int64_t now, ZoneConverter &zone) {
  std::int64_t today = local_day(zone, now);
  if (name == "day")
    return ReportPeriod{day_bound(zone, today - 1, false), day_bound(zone, today, false)};
  if (name == "week") {
    std::int64_t monday = today - weekday_from_days(today); // this week's Monday
    return ReportPeriod{day_bound(zone, monday - 7, false), day_bound(zone, monday, false)};
  }
  if (name == "month") {
    CivilDate d = civil_from_days(today);
    int y = d.month == 1 ? d.year - 1 : d.year, m = d.month == 1 ? 12 : d.month - 1;
    return ReportPeriod{local_midnight(zone, CivilDate{y, m, 1}),
                        local_midnight(zone, CivilDate{d.year, d.month, 1})};
  }
  return make_error("bad period '" + std::string(name) + "' (expected day, week or month)");
}

} // namespace spamflow
