#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "base/log_time.hpp"
#include "maillog/syslog_line.hpp"

using namespace spamflow;

namespace {

// \t \r \0 \\ \xHH -> bytes (the escapes of tests/data/syslog_cases.txt).
std::string unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 >= s.size()) {
      out += s[i];
      continue;
    }
    const char c = s[++i];
    if (c == 't')
      out += '\t';
    else if (c == 'r')
      out += '\r';
    else if (c == '0')
      out += '\0';
    else if (c == 'x' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else
      out += c;
  }
  return out;
}

std::string describe(const SyslogLine &l) {
  std::string s = to_rfc3339(l.time);
  s += '|';
  s += l.host;
  s += '|';
  s += l.program;
  s += '|';
  if (l.pid >= 0) s += std::to_string(l.pid);
  s += '|';
  s += l.message;
  return s;
}

std::int64_t utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
  return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
}

// Sets TZ for the C library's localtime_r and restores it afterwards.
class ScopedTz {
public:
  explicit ScopedTz(const char *tz) {
    const char *old = std::getenv("TZ");
    had_ = old != nullptr;
    if (had_) old_ = old;
    setenv("TZ", tz, 1);
    tzset();
  }
  ~ScopedTz() {
    if (had_)
      setenv("TZ", old_.c_str(), 1);
    else
      unsetenv("TZ");
    tzset();
  }

private:
  bool had_ = false;
  std::string old_;
};

// Every non-empty view must lie inside [buf, buf + n).
bool views_inside(const SyslogLine &l, const char *buf, std::size_t n) {
  for (std::string_view v : {l.host, l.program, l.message})
    if (!v.empty() && (v.data() < buf || v.data() + v.size() > buf + n)) return false;
  return true;
}

} // namespace

TEST_CASE("syslog lines from the case table", "[syslog]") {
  std::ifstream in(SPAMFLOW_SOURCE_DIR "/tests/data/syslog_cases.txt");
  REQUIRE(in);
  SyslogOptions opts;
  opts.now_epoch_s = utc(2014, 10, 1);
  std::string row, input;
  bool have_input = false;
  int lineno = 0, cases = 0;
  while (std::getline(in, row)) {
    ++lineno;
    if (row.empty() || row[0] == '#') continue;
    const std::string arg = row.size() > 2 ? row.substr(2) : "";
    if (row[0] == '@') {
      std::istringstream words(arg);
      for (std::string w; words >> w;) {
        if (w.rfind("tz=", 0) == 0) opts.tz = w.substr(3);
        if (w.rfind("year=", 0) == 0) opts.year = std::stoi(w.substr(5));
      }
      continue;
    }
    if (row[0] == '<') {
      input = unescape(arg);
      have_input = true;
      continue;
    }
    INFO("syslog_cases.txt line " << lineno << ": " << row);
    REQUIRE(have_input);
    REQUIRE((row[0] == '>' || row[0] == '!'));
    SyslogParser parser(opts);
    auto r = parser.parse(input);
    if (row[0] == '>') {
      INFO("error: " << (r ? "" : r.error()));
      REQUIRE(r.ok());
      CHECK(describe(*r) == unescape(arg));
      CHECK(views_inside(*r, input.data(), input.size()));
    } else {
      REQUIRE_FALSE(r.ok());
      CHECK_THAT(r.error(), Catch::Contains(arg));
    }
    have_input = false;
    ++cases;
  }
  CHECK_FALSE(have_input);
  CHECK(cases >= 100);
}

TEST_CASE("RFC 3339 formatting and parsing", "[syslog][time]") {
  CHECK(to_rfc3339({utc(2014, 9, 30, 12, 15, 1), -1, -4 * 3600}) == "2014-09-30T08:15:01-04:00");
  CHECK(to_rfc3339({utc(2014, 9, 30, 12, 15, 1), 3000, -4 * 3600}) ==
        "2014-09-30T08:15:01.003000-04:00");
  CHECK(to_rfc3339({0, -1, 0}) == "1970-01-01T00:00:00+00:00");
  CHECK(to_rfc3339({-1, 0, 0}) == "1969-12-31T23:59:59.000000+00:00");
  CHECK(to_rfc3339({utc(2000, 2, 29), -1, -(3 * 3600 + 1800)}) == "2000-02-28T20:30:00-03:30");
  CHECK(to_rfc3339({utc(2014, 1, 1), -1, 5 * 3600 + 1800}) == "2014-01-01T05:30:00+05:30");

  for (const char *text : {"2014-09-30T08:15:01-04:00", "2014-09-30T08:15:01.003000-04:00",
                           "1969-12-31T23:59:59+00:00", "2100-03-01T00:00:00+14:00"}) {
    auto t = parse_rfc3339(text);
    REQUIRE(t.ok());
    CHECK(to_rfc3339(*t) == text);
  }
  auto z = parse_rfc3339("2014-09-30T12:15:01Z");
  REQUIRE(z.ok());
  CHECK(z->epoch_s == utc(2014, 9, 30, 12, 15, 1));
  CHECK(z->usec == -1);
  CHECK(to_rfc3339(*z) == "2014-09-30T12:15:01+00:00");
  auto compact = parse_rfc3339("2014-09-30T08:15:01-0400");
  REQUIRE(compact.ok());
  CHECK(compact->epoch_s == z->epoch_s);
  CHECK(compact->utc_offset_s == -4 * 3600);

  for (const char *bad :
       {"", "2014-09-30", "2014-09-30T08:15:01", "2014-09-30T08:15:01+04:00 x",
        "2014-02-29T00:00:00Z", "2014-09-30T08:15:01.Z", "2014-09-30T08:15:01+4:00",
        "2014-09-30X08:15:01Z", "２014-09-30T08:15:01Z"}) {
    INFO(bad);
    CHECK_FALSE(parse_rfc3339(bad).ok());
  }
}

TEST_CASE("civil date arithmetic", "[syslog][time]") {
  CHECK(days_from_civil(1970, 1, 1) == 0);
  CHECK(days_from_civil(2000, 3, 1) == 11017);
  CHECK(days_from_civil(1969, 12, 31) == -1);
  CHECK(days_from_civil(1900, 1, 1) == -25567);
  CHECK(days_in_month(2000, 2) == 29);
  CHECK(days_in_month(1900, 2) == 28);
  CHECK(days_in_month(2024, 2) == 29);
  CHECK(days_in_month(2023, 12) == 31);
  CHECK(days_in_month(2023, 13) == 0);
}

TEST_CASE("ZoneConverter agrees with the C library", "[syslog][tz]") {
  // Zones with odd rules: half-hour DST (Lord_Howe), negative DST in the data
  // (Dublin), southern hemisphere, far-future explicit transitions
  // (Casablanca), POSIX strings with negative rule times.
  const char *zones[] = {"America/New_York",       "Europe/Berlin",
                         "Australia/Lord_Howe",    "Europe/Dublin",
                         "America/Sao_Paulo",      "Asia/Kolkata",
                         "Pacific/Chatham",        "America/St_Johns",
                         "Africa/Casablanca",      "UTC",
                         "EST5EDT,M3.2.0,M11.1.0", "<-03>3<-02>,M3.5.0/-2,M10.5.0/-1"};
  for (const char *zone : zones) {
    INFO("zone " << zone);
    ZoneConverter conv(zone);
    REQUIRE(conv.ok());
    ScopedTz env(zone);
    int offset_mismatch = 0, local_mismatch = 0, checked = 0;
    std::string first_problem;
    // glibc applies a POSIX TZ string's rules only from 1970 on; TZif data from 1850.
    const bool posix = std::string_view(zone).find(',') != std::string_view::npos;
    const std::int64_t step = posix ? 5 * 3600 + 1237 : 9 * 3600 + 1237;
    for (std::int64_t u = utc(posix ? 1970 : 1850, 1, 1); u < utc(2100, 1, 1); u += step) {
      const time_t t = static_cast<time_t>(u);
      struct tm tm {};
      localtime_r(&t, &tm);
      ++checked;
      if (conv.offset_at(u) != tm.tm_gmtoff) {
        if (offset_mismatch++ == 0) first_problem = "offset at " + std::to_string(u);
      }
      const LogTime lt = conv.from_local(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                                         tm.tm_min, tm.tm_sec, -1);
      bool good = lt.epoch_s == u && lt.utc_offset_s == tm.tm_gmtoff;
      if (!good &&
          lt.epoch_s < u) { // a repeated local time: the earlier instant must read the same
        const time_t e = static_cast<time_t>(lt.epoch_s);
        struct tm back {};
        localtime_r(&e, &back);
        good = back.tm_hour == tm.tm_hour && back.tm_min == tm.tm_min &&
               back.tm_mday == tm.tm_mday && back.tm_gmtoff == lt.utc_offset_s;
      }
      if (!good && local_mismatch++ == 0) first_problem = "from_local of " + std::to_string(u);
    }
    INFO(first_problem);
    CHECK(checked > 200000);
    CHECK(offset_mismatch == 0);
    CHECK(local_mismatch == 0);
  }
}

TEST_CASE("ZoneConverter zone names", "[syslog][tz]") {
  const std::int64_t july = utc(2014, 7, 1, 12);
  {
    ScopedTz env("Europe/Berlin");
    ZoneConverter machine("");
    CHECK(machine.ok());
    CHECK(machine.offset_at(july) == 7200);
  }
  {
    ScopedTz env(":America/New_York");
    CHECK(ZoneConverter("").offset_at(july) == -4 * 3600);
  }
  ZoneConverter by_path("/usr/share/zoneinfo/Asia/Tokyo");
  CHECK(by_path.ok());
  CHECK(by_path.offset_at(july) == 9 * 3600);
  for (const char *bad : {"No/Such_Zone", "../../../etc/passwd", "/etc/passwd"}) {
    ZoneConverter conv(bad);
    INFO(bad);
    CHECK_FALSE(conv.ok());
    CHECK_THAT(conv.error(), Catch::Contains(bad));
    CHECK(conv.offset_at(july) == 0); // falls back to UTC
  }
}

namespace {
std::vector<int> years_of(SyslogOptions opts, const std::vector<std::string> &lines) {
  SyslogParser parser(std::move(opts));
  std::vector<int> years;
  for (const auto &line : lines) {
    auto r = parser.parse(line);
    REQUIRE(r.ok());
    const std::string t = to_rfc3339(r->time);
    years.push_back(std::stoi(t.substr(0, 4)));
  }
  return years;
}
} // namespace

TEST_CASE("RFC 3164 year inference", "[syslog][year]") {
  SyslogOptions opts;
  opts.tz = "UTC";
  SECTION("a replay spanning Dec 31 -> Jan 1 moves to the next year") {
    opts.now_epoch_s = utc(2015, 3, 1);
    CHECK(years_of(opts, {"Dec 31 23:59:58 mx1 a: x", "Dec 31 23:59:59 mx1 a: x",
                          "Jan  1 00:00:00 mx1 a: x", "Jan  1 00:00:01 mx1 a: x"}) ==
          std::vector<int>{2014, 2014, 2015, 2015});
  }
  SECTION("a late December line after the New Year stays in the old year") {
    opts.now_epoch_s = utc(2015, 3, 1);
    CHECK(years_of(opts, {"Dec 31 23:59:59 mx1 a: x", "Jan  1 00:00:01 mx1 a: x",
                          "Dec 31 23:59:59 mx1 a: x", "Jan  1 00:00:02 mx1 a: x",
                          "Feb  1 00:00:00 mx1 a: x"}) ==
          std::vector<int>{2014, 2015, 2014, 2015, 2015});
  }
  SECTION("a line minutes in the future stays in this year") {
    opts.now_epoch_s = utc(2014, 9, 30, 8, 0);
    CHECK(years_of(opts, {"Sep 30 08:10:00 mx1 a: x"}) == std::vector<int>{2014});
  }
  SECTION("a line more than 2 days in the future is last year's") {
    opts.now_epoch_s = utc(2014, 9, 30, 8, 0);
    CHECK(years_of(opts, {"Oct  2 09:00:00 mx1 a: x"}) == std::vector<int>{2013});
  }
  SECTION("a December log read in January is last year's") {
    opts.now_epoch_s = utc(2015, 1, 3, 9);
    CHECK(years_of(opts, {"Dec 20 10:00:00 mx1 a: x", "Dec 31 23:00:00 mx1 a: x",
                          "Jan  2 10:00:00 mx1 a: x"}) == std::vector<int>{2014, 2014, 2015});
  }
  SECTION("a line just after midnight on New Year's Eve is next year's") {
    opts.now_epoch_s = utc(2014, 12, 31, 23, 59);
    CHECK(years_of(opts, {"Jan  1 00:01:00 mx1 a: x"}) == std::vector<int>{2015});
  }
  SECTION("the future test reads the line in the configured zone") {
    opts.now_epoch_s = utc(2015, 1, 1);
    // 2015-01-02 21:00 is 1 day 21 hours ahead in UTC, 2 days 2 hours in New York
    CHECK(years_of(opts, {"Jan  2 21:00:00 mx1 a: x"}) == std::vector<int>{2015});
    opts.tz = "America/New_York";
    CHECK(years_of(opts, {"Jan  2 21:00:00 mx1 a: x"}) == std::vector<int>{2014});
  }
  SECTION("--year fixes the year of every line") {
    opts.now_epoch_s = utc(2015, 3, 1);
    opts.year = 2010;
    CHECK(years_of(opts, {"Dec 31 23:59:59 mx1 a: x", "Jan  1 00:00:00 mx1 a: x",
                          "Oct  1 00:00:00 mx1 a: x"}) == std::vector<int>{2010, 2010, 2010});
  }
  SECTION("a rejected line does not move the year") {
    opts.now_epoch_s = utc(2015, 3, 1);
    SyslogParser parser(opts);
    REQUIRE(parser.parse("Dec 31 23:59:59 mx1 a: x").ok());
    REQUIRE_FALSE(parser.parse("Jan  1 00:00:00 mx1 a[x]: bad pid").ok());
    auto r = parser.parse("Dec 31 23:59:59 mx1 a: x");
    REQUIRE(r.ok());
    CHECK(r->time.epoch_s == utc(2014, 12, 31, 23, 59, 59));
  }
}

// The parser reads the seconds of a line whose minute it saw last; that
// must change nothing: a parser fed a whole stream agrees with a fresh
// parser per line, also across changes of UTC offset and with lines out of
// order (--year fixes the year, so a fresh parser is a fair oracle).
TEST_CASE("the minute cache agrees with parsing each line alone", "[syslog][tz]") {
  std::mt19937 rng(11);
  for (const char *zone : {"America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "UTC"}) {
    SyslogOptions opts;
    opts.tz = zone;
    opts.year = 2014;
    SyslogParser stream(opts);
    static const char *kMonths[] = {"Mar", "Apr", "Oct", "Nov"};
    for (int i = 0; i < 4000; ++i) {
      char line[64];
      const int month = static_cast<int>(rng() % 4), day = 1 + static_cast<int>(rng() % 31);
      const int hour = static_cast<int>(rng() % 4), minute = rng() % 3 == 0 ? 59 : rng() % 3;
      std::snprintf(line, sizeof line, "%s %2d %02d:%02d:%02d mx1 sm-mta[1]: x", kMonths[month],
                    day, hour, minute, static_cast<int>(rng() % 60));
      auto streamed = stream.parse(line);
      auto alone = SyslogParser(opts).parse(line);
      REQUIRE(streamed.ok() == alone.ok());
      if (!alone.ok()) continue;
      INFO(zone << ": " << line);
      REQUIRE(streamed->time.epoch_s == alone->time.epoch_s);
      REQUIRE(streamed->time.utc_offset_s == alone->time.utc_offset_s);
      if (rng() % 2) { // the next line often shares the minute
        line[14] = static_cast<char>('0' + rng() % 6);
        auto again = stream.parse(line);
        auto again_alone = SyslogParser(opts).parse(line);
        REQUIRE(again.ok() == again_alone.ok());
        if (again.ok()) {
          REQUIRE(again->time.epoch_s == again_alone->time.epoch_s);
          REQUIRE(again->time.utc_offset_s == again_alone->time.utc_offset_s);
        }
      }
    }
  }
  // Amsterdam moved from +00:19:32 to +00:20 at local midnight of 1 July
  // 1937: the first 28 seconds of that minute do not exist.
  SyslogOptions opts;
  opts.tz = "Europe/Amsterdam";
  opts.year = 1937;
  SyslogParser stream(opts);
  for (const char *line :
       {"Jul  1 00:00:10 mx1 a: x", "Jul  1 00:00:40 mx1 a: x", "Jul  1 00:00:05 mx1 a: x"}) {
    auto streamed = stream.parse(line);
    auto alone = SyslogParser(opts).parse(line);
    REQUIRE(streamed.ok());
    REQUIRE(alone.ok());
    INFO(line);
    CHECK(streamed->time.epoch_s == alone->time.epoch_s);
    CHECK(streamed->time.utc_offset_s == alone->time.utc_offset_s);
  }
}

TEST_CASE("the real maillog parses completely", "[syslog]") {
  std::ifstream in(SPAMFLOW_SHARED_DATA "/sendmail-real/maillog");
  if (!in) {
    WARN("shared data not found, skipped");
    return;
  }
  SyslogOptions opts;
  opts.tz = "UTC";
  opts.now_epoch_s = utc(2026, 12, 1);
  SyslogParser parser(opts);
  std::map<std::string, int> programs, hosts;
  std::string line;
  int lines = 0;
  std::int64_t latest = 0;
  while (std::getline(in, line)) {
    ++lines;
    auto r = parser.parse(line);
    INFO(line);
    REQUIRE(r.ok());
    ++programs[std::string(r->program)];
    ++hosts[std::string(r->host)];
    CHECK(r->time.epoch_s > latest - 5); // hosts forward with up to a few seconds of skew
    latest = std::max(latest, r->time.epoch_s);
    CHECK(r->time.epoch_s >= utc(2026, 11, 28));
  }
  CHECK(lines == 9338);
  CHECK(programs["sm-mta"] == 5183);
  CHECK(programs["sendmail"] == 814);
  CHECK(programs["spamd"] == 3291);
  CHECK(programs["sm-msp-queue"] == 1);
  CHECK(hosts["mx1"] == 8560);
  CHECK(hosts["mx2"] == 776);
  CHECK(hosts["loghost"] == 2);
}

TEST_CASE("hostile input never crashes or reads past the line", "[syslog][fuzz]") {
  const std::vector<std::string> seeds = {
      "Sep 30 08:15:01 mx1 sendmail[123]: s8UCF1aB012345: from=<a@b>",
      "<22>1 2014-09-30T08:15:01.003Z mx1 sm-mta 123 ID [a@1 x=\"a\\]b\"] msg",
      "2014-09-30T08:15:01.003456-04:00 mx1 sendmail[123]: [ID 801593 mail.notice] x",
      "Sep  3 08:15:01 <mail.info> mx1 kernel: x", "<13>Sep 30 08:15:01.5 mx1 a[1]:"};
  std::mt19937 rng(20140930);
  SyslogParser parser(SyslogOptions{"UTC", 0, utc(2014, 10, 1)});
  int accepted = 0;
  for (int iter = 0; iter < 200000; ++iter) {
    std::string text;
    if (iter % 4 == 0) { // random bytes
      text.resize(rng() % 120);
      for (char &c : text)
        c = static_cast<char>(rng());
    } else { // a valid line, mutated and truncated
      text = seeds[rng() % seeds.size()];
      for (int k = static_cast<int>(rng() % 4); k > 0; --k)
        text[rng() % text.size()] = static_cast<char>(rng() % 3 ? rng() : "<> :[]-\"\\"[rng() % 9]);
      text.resize(rng() % (text.size() + 1));
    }
    // An exactly sized heap copy, so a sanitizer build catches any read past the end.
    std::unique_ptr<char[]> buf(new char[text.size() + 1]);
    std::copy(text.begin(), text.end(), buf.get());
    const std::string_view view(buf.get(), text.size());
    auto r = parser.parse(view);
    if (r) {
      ++accepted;
      REQUIRE(views_inside(*r, buf.get(), text.size()));
    } else {
      REQUIRE_FALSE(r.error().empty());
    }
  }
  CHECK(accepted > 1000); // the mutations keep many lines valid
}

TEST_CASE("1 MiB lines", "[syslog]") {
  SyslogParser parser(SyslogOptions{"UTC", 2014, 0});
  const std::string mib(1 << 20, 'x');
  auto ok = parser.parse("Sep 30 08:15:01 mx1 sendmail[1]: " + mib);
  REQUIRE(ok.ok());
  CHECK(ok->message.size() == mib.size());
  CHECK_FALSE(parser.parse(mib).ok());
  CHECK_FALSE(parser.parse("<" + std::string(1 << 20, '1')).ok());
  CHECK_FALSE(parser.parse(std::string(1 << 20, '2')).ok());
  CHECK_FALSE(parser.parse("Sep 30 08:15:01 " + mib).ok());
  CHECK_FALSE(parser.parse("Sep 30 08:15:01 mx1 a[" + std::string(1 << 20, '1')).ok());
  CHECK_FALSE(parser.parse("<22>1 2014-09-30T08:15:01Z mx1 a 1 - [" + mib).ok());
  auto untagged = parser.parse("Sep 30 08:15:01 mx1 " + mib);
  REQUIRE(untagged.ok());
  CHECK(untagged->program.empty());
}
