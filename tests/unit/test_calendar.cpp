// base/calendar.hpp against the plain ways: floor division against a
// division of long doubles rounded down, dates and weekdays against the C
// library's gmtime_r/timegm, which count the same proleptic calendar.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <ctime>

#include "base/calendar.hpp"

using namespace spamflow;

TEST_CASE("floor_div rounds toward negative infinity", "[calendar]") {
  struct Case {
    std::int64_t a, b, want;
  };
  const Case cases[] = {
      {0, 86400, 0},
      {1, 86400, 0},
      {86399, 86400, 0},
      {86400, 86400, 1},
      {-1, 86400, -1},
      {-86399, 86400, -1},
      {-86400, 86400, -1},
      {-86401, 86400, -2},
      {7, -2, -4},
      {-7, -2, 3},
      {-7, 2, -4},
      {6, -2, -3},
      {INT64_MIN, 1, INT64_MIN},
      {INT64_MAX, 3600, INT64_MAX / 3600},
  };
  for (const Case &c : cases) {
    INFO(c.a << " / " << c.b);
    CHECK(floor_div(c.a, c.b) == c.want);
  }
  for (std::int64_t a = -100000; a <= 100000; a += 997)
    for (std::int64_t b : {1, 7, 60, 3600, 86400, -3, -86400}) {
      INFO(a << " / " << b);
      const auto plain = static_cast<std::int64_t>(
          std::floor(static_cast<long double>(a) / static_cast<long double>(b)));
      CHECK(floor_div(a, b) == plain);
    }
  static_assert(floor_div(-1, 3600) == -1, "usable in constant expressions");
}

TEST_CASE("civil dates and weekdays agree with gmtime_r and timegm", "[calendar]") {
  // Day numbers from 1600 to 2400, before 1970 included; an odd step
  // visits every day of the month and of the week.
  for (std::int64_t days = -135000; days <= 157000; days += 13) {
    std::tm tm{};
    const std::time_t t = static_cast<std::time_t>(days * 86400);
    REQUIRE(gmtime_r(&t, &tm) != nullptr);
    const CivilDate d = civil_from_days(days);
    INFO("day " << days);
    REQUIRE(d.year == tm.tm_year + 1900);
    REQUIRE(d.month == tm.tm_mon + 1);
    REQUIRE(d.day == tm.tm_mday);
    REQUIRE(weekday_from_days(days) == (tm.tm_wday + 6) % 7); // tm: 0 = Sunday
    REQUIRE(days_from_civil(d.year, d.month, d.day) == days);
    std::tm back{};
    back.tm_year = d.year - 1900;
    back.tm_mon = d.month - 1;
    back.tm_mday = d.day;
    REQUIRE(static_cast<std::int64_t>(timegm(&back)) == days * 86400);
  }
}

TEST_CASE("calendar edge dates", "[calendar]") {
  struct Case {
    int year, month, day;
    std::int64_t days;
    int weekday;
  };
  const Case cases[] = {
      {1970, 1, 1, 0, 3},      {1969, 12, 31, -1, 2},    {1900, 1, 1, -25567, 0},
      {2000, 2, 29, 11016, 1}, {2000, 3, 1, 11017, 2},   {1600, 3, 1, -135080, 2},
      {0, 1, 1, -719528, 5},   {-1, 12, 31, -719529, 4}, {2014, 9, 29, 16342, 0},
  };
  for (const Case &c : cases) {
    INFO(c.year << "-" << c.month << "-" << c.day);
    CHECK(days_from_civil(c.year, c.month, c.day) == c.days);
    const CivilDate d = civil_from_days(c.days);
    CHECK((d.year == c.year && d.month == c.month && d.day == c.day));
    CHECK(weekday_from_days(c.days) == c.weekday);
  }
  CHECK(days_in_month(2000, 2) == 29);
  CHECK(days_in_month(1900, 2) == 28);
  CHECK(days_in_month(2024, 2) == 29);
  CHECK(days_in_month(2023, 4) == 30);
  CHECK(days_in_month(2023, 0) == 0);
  CHECK(days_in_month(2023, 13) == 0);
  static_assert(civil_from_days(-1).year == 1969, "usable in constant expressions");
}
