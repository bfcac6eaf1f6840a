// RFC 3339 text, and a TZif/POSIX-TZ reader so that local->UTC conversion
// never goes through mktime (slow, and tied to the process-wide TZ variable).
// The calendar arithmetic is in base/calendar.hpp.
#include "base/log_time.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <vector>

namespace spamflow {

namespace {

constexpr std::int64_t kFar = std::int64_t{1} << 60; // "no transition" bound

char *put2(char *p, int v) {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
  return p + 2;
}

// Reads exactly n digits at text[pos]; -1 if any is not a digit or text is short.
int digits(std::string_view text, std::size_t pos, int n) {
  if (pos + static_cast<std::size_t>(n) > text.size()) return -1;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    const unsigned d = static_cast<unsigned char>(text[pos + i]) - '0';
    if (d > 9) return -1;
    v = v * 10 + static_cast<int>(d);
  }
  return v;
}

} // namespace

char *format_rfc3339(char *buf, const LogTime &t) {
  const std::int64_t local = t.epoch_s + t.utc_offset_s;
  const std::int64_t days = floor_div(local, 86400);
  const int sod = static_cast<int>(local - days * 86400);
  const CivilDate c = civil_from_days(days);
  char *p = buf;
  int y = std::clamp(c.year, 0, 9999);
  p = put2(p, y / 100);
  p = put2(p, y % 100);
  *p++ = '-';
  p = put2(p, c.month);
  *p++ = '-';
  p = put2(p, c.day);
  *p++ = 'T';
  p = put2(p, sod / 3600);
  *p++ = ':';
  p = put2(p, sod / 60 % 60);
  *p++ = ':';
  p = put2(p, sod % 60);
  if (t.usec >= 0) {
    *p++ = '.';
    int us = std::min(t.usec, 999999);
    for (int i = 5; i >= 0; --i, us /= 10)
      p[i] = static_cast<char>('0' + us % 10);
    p += 6;
  }
  int off = t.utc_offset_s;
  *p++ = off < 0 ? '-' : '+';
  off = off < 0 ? -off : off;
  p = put2(p, off / 3600 % 100);
  *p++ = ':';
  p = put2(p, off / 60 % 60);
  return p;
}

void append_rfc3339(std::string &out, const LogTime &t) {
  char buf[kRfc3339Max];
  out.append(buf, static_cast<std::size_t>(format_rfc3339(buf, t) - buf));
}

std::string to_rfc3339(const LogTime &t) {
  std::string s;
  append_rfc3339(s, t);
  return s;
}

std::size_t scan_iso_timestamp(std::string_view text, CivilTime &out) {
  out = CivilTime{};
  out.year = digits(text, 0, 4);
  out.month = digits(text, 5, 2);
  out.day = digits(text, 8, 2);
  out.hour = digits(text, 11, 2);
  out.minute = digits(text, 14, 2);
  out.second = digits(text, 17, 2);
  if (out.year < 0 || out.month < 1 || out.month > 12 || out.day < 1 ||
      out.day > days_in_month(out.year, out.month) || out.hour < 0 || out.hour > 23 ||
      out.minute < 0 || out.minute > 59 || out.second < 0 || out.second > 60)
    return 0;
  if (text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't') || text[13] != ':' ||
      text[16] != ':')
    return 0;
  std::size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    std::size_t n = 0;
    int us = 0;
    while (pos + 1 + n < text.size() && static_cast<unsigned>(text[pos + 1 + n] - '0') <= 9) {
      if (n < 6) us = us * 10 + (text[pos + 1 + n] - '0');
      ++n;
    }
    if (n == 0 || n > 9) return 0;
    for (std::size_t i = n; i < 6; ++i)
      us *= 10;
    out.usec = us;
    pos += 1 + n;
  }
  if (pos >= text.size()) return pos;
  const char sign = text[pos];
  if (sign == 'Z' || sign == 'z') {
    out.has_offset = true;
    return pos + 1;
  }
  if (sign != '+' && sign != '-') return pos;
  const int oh = digits(text, pos + 1, 2);
  const bool colon = pos + 3 < text.size() && text[pos + 3] == ':';
  const int om = digits(text, pos + (colon ? 4 : 3), 2);
  if (oh < 0 || oh > 23 || om < 0 || om > 59) return 0;
  out.has_offset = true;
  out.offset_s = (sign == '-' ? -1 : 1) * (oh * 3600 + om * 60);
  return pos + (colon ? 6 : 5);
}

std::int64_t civil_to_epoch(const CivilTime &c) {
  return days_from_civil(c.year, c.month, c.day) * 86400 + c.hour * 3600 + c.minute * 60 +
         c.second - c.offset_s;
}

Result<LogTime> parse_rfc3339(std::string_view text) {
  CivilTime c;
  const std::size_t n = scan_iso_timestamp(text, c);
  if (n == 0) return make_error("not an RFC 3339 timestamp");
  if (!c.has_offset) return make_error("RFC 3339 timestamp without offset");
  if (n != text.size()) return make_error("trailing text after RFC 3339 timestamp");
  return LogTime{civil_to_epoch(c), c.usec, c.offset_s};
}

// ---------------------------------------------------------------------------
// Zone rules.

namespace {

// One POSIX TZ change rule: "Mm.w.d", "Jn" or "n", then "/time" (local time
// of day in seconds, default 02:00, may be negative or past 24h).
struct ChangeRule {
  char kind = 'M';
  int a = 0, b = 0, c = 0; // M: month, week, weekday; J/n: day number in a
  std::int32_t time = 7200;
};

struct PosixTz {
  std::int32_t std_off = 0, dst_off = 0; // seconds east of UTC
  bool has_dst = false;
  ChangeRule start, end;
};

struct Span {
  std::int32_t off;
  std::int64_t lo, hi; // UTC interval [lo, hi) of constant offset
};

class TzText {
public:
  explicit TzText(std::string_view s) : s_(s) {}
  bool done() const { return i_ >= s_.size(); }
  bool at(char c) const { return i_ < s_.size() && s_[i_] == c; }
  bool eat(char c) {
    if (i_ < s_.size() && s_[i_] == c) return ++i_, true;
    return false;
  }
  bool name() {
    if (eat('<')) {
      const std::size_t close = s_.find('>', i_);
      if (close == std::string_view::npos) return false;
      i_ = close + 1;
      return true;
    }
    const std::size_t start = i_;
    while (i_ < s_.size() && ((s_[i_] | 0x20) >= 'a' && (s_[i_] | 0x20) <= 'z'))
      ++i_;
    return i_ - start >= 3;
  }
  bool number(int &v, int max) {
    const std::size_t start = i_;
    v = 0;
    while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9' && v <= max)
      v = v * 10 + s_[i_++] - '0';
    return i_ > start && v <= max;
  }
  // [+-]hh[:mm[:ss]] as seconds.
  bool hms(std::int32_t &out) {
    const int sign = eat('-') ? -1 : (eat('+'), 1);
    int h = 0, m = 0, sec = 0;
    if (!number(h, 167)) return false;
    if (eat(':') && !number(m, 59)) return false;
    if (eat(':') && !number(sec, 59)) return false;
    out = sign * (h * 3600 + m * 60 + sec);
    return true;
  }
  bool rule(ChangeRule &r) {
    if (eat('M')) {
      r.kind = 'M';
      if (!number(r.a, 12) || !eat('.') || !number(r.b, 5) || !eat('.') || !number(r.c, 6))
        return false;
      if (r.a < 1 || r.b < 1) return false;
    } else {
      r.kind = eat('J') ? 'J' : 'n';
      if (!number(r.a, 365)) return false;
    }
    return eat('/') ? hms(r.time) : true;
  }

private:
  std::string_view s_;
  std::size_t i_ = 0;
};

bool parse_posix_tz(std::string_view text, PosixTz &tz) {
  TzText t(text);
  std::int32_t west = 0;
  if (!t.name() || !t.hms(west)) return false;
  tz.std_off = -west; // POSIX offsets count west of Greenwich
  if (t.done()) return true;
  if (!t.name()) return false;
  tz.has_dst = true;
  tz.dst_off = tz.std_off + 3600;
  if (!t.done() && !t.at(',')) {
    if (!t.hms(west)) return false;
    tz.dst_off = -west;
  }
  if (t.done()) { // POSIX leaves the rules to the implementation; glibc uses the US ones
    TzText d("M3.2.0,M11.1.0");
    return d.rule(tz.start) && d.eat(',') && d.rule(tz.end);
  }
  return t.eat(',') && t.rule(tz.start) && t.eat(',') && t.rule(tz.end) && t.done();
}

// Local seconds (in the given year) at which a change rule fires.
std::int64_t rule_local_seconds(const ChangeRule &r, int year) {
  std::int64_t day;
  if (r.kind == 'M') {
    const std::int64_t first = days_from_civil(year, r.a, 1);
    const int wday_first = static_cast<int>(((first + 4) % 7 + 7) % 7); // 0 = Sunday
    int d = 1 + (r.c - wday_first + 7) % 7 + 7 * (r.b - 1);
    while (d > days_in_month(year, r.a))
      d -= 7;
    day = first + d - 1;
  } else if (r.kind == 'J') { // 1..365, February 29 never counted
    day = days_from_civil(year, 1, 1) + r.a - 1 + (is_leap_year(year) && r.a >= 60 ? 1 : 0);
  } else { // 0..365, February 29 counted
    day = days_from_civil(year, 1, 1) + r.a;
  }
  return day * 86400 + r.time;
}

Span posix_span(const PosixTz &tz, std::int64_t u) {
  if (!tz.has_dst) return {tz.std_off, -kFar, kFar};
  const int y = civil_from_days(floor_div(u + tz.std_off, 86400)).year;
  auto start = [&](int year) { return rule_local_seconds(tz.start, year) - tz.std_off; };
  auto end = [&](int year) { return rule_local_seconds(tz.end, year) - tz.dst_off; };
  const std::int64_t s = start(y), e = end(y);
  if (s < e) { // northern hemisphere: DST inside the year
    if (u < s) return {tz.std_off, end(y - 1), s};
    if (u < e) return {tz.dst_off, s, e};
    return {tz.std_off, e, start(y + 1)};
  }
  if (u < e) return {tz.dst_off, start(y - 1), e};
  if (u < s) return {tz.std_off, e, s};
  return {tz.dst_off, s, end(y + 1)};
}

std::int64_t be(const unsigned char *p, int n) {
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i)
    v = (v << 8) | p[i];
  if (n == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
  return static_cast<std::int64_t>(v);
}

} // namespace

struct ZoneConverter::Zone {
  std::vector<std::int64_t> transitions; // UTC instants, ascending
  std::vector<std::int32_t> offsets;     // offset in force from transitions[i]
  std::int32_t initial = 0;              // before the first transition
  bool has_footer = false;
  PosixTz footer;

  Span span_at(std::int64_t u) const {
    const auto it = std::upper_bound(transitions.begin(), transitions.end(), u);
    if (it == transitions.begin()) {
      if (transitions.empty() && has_footer) return posix_span(footer, u);
      return {initial, -kFar, transitions.empty() ? kFar : transitions.front()};
    }
    const std::size_t i = static_cast<std::size_t>(it - transitions.begin()) - 1;
    if (i + 1 < transitions.size()) return {offsets[i], transitions[i], transitions[i + 1]};
    if (!has_footer) return {offsets[i], transitions[i], kFar};
    Span s = posix_span(footer, u);
    s.lo = std::max(s.lo, transitions[i]);
    return s;
  }

  // RFC 8536: a v1 header and block, then (version >= 2) the same with 64-bit times and a footer.
  bool load_tzif(const std::string &data) {
    const auto *p = reinterpret_cast<const unsigned char *>(data.data());
    const std::size_t size = data.size();
    std::size_t pos = 0;
    for (int pass = 0; pass < 2; ++pass) {
      if (pos + 44 > size || data.compare(pos, 4, "TZif") != 0) return false;
      const bool v2 = p[pos + 4] >= '2';
      const std::int64_t isut = be(p + pos + 20, 4), isstd = be(p + pos + 24, 4),
                         leap = be(p + pos + 28, 4), timecnt = be(p + pos + 32, 4),
                         typecnt = be(p + pos + 36, 4), charcnt = be(p + pos + 40, 4);
      const int tsize = pass == 0 ? 4 : 8;
      const std::int64_t block =
          timecnt * tsize + timecnt + typecnt * 6 + charcnt + leap * (tsize + 4) + isstd + isut;
      pos += 44;
      if (typecnt < 1 || block < 0 || pos + static_cast<std::size_t>(block) > size) return false;
      if (pass == 0 && v2) {
        pos += static_cast<std::size_t>(block);
        continue;
      }
      const unsigned char *times = p + pos, *idx = times + timecnt * tsize;
      const unsigned char *types = idx + timecnt;
      transitions.clear();
      offsets.clear();
      for (std::int64_t i = 0; i < timecnt; ++i) {
        if (idx[i] >= typecnt) return false;
        transitions.push_back(be(times + i * tsize, tsize));
        offsets.push_back(static_cast<std::int32_t>(be(types + idx[i] * 6, 4)));
      }
      initial = static_cast<std::int32_t>(be(types, 4));
      pos += static_cast<std::size_t>(block);
      if (pass == 1 && pos < size && p[pos] == '\n') {
        const std::size_t nl = data.find('\n', pos + 1);
        if (nl != std::string::npos && nl > pos + 1)
          has_footer = parse_posix_tz(std::string_view(data).substr(pos + 1, nl - pos - 1), footer);
      }
      return std::is_sorted(transitions.begin(), transitions.end());
    }
    return true;
  }
};

namespace {

bool read_file(const std::string &path, std::string &out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

// Resolves a zone name the way glibc does for TZ: file names first, then a POSIX rule.
std::string load_zone(std::string name, ZoneConverter::Zone &zone) {
  if (name.empty()) {
    const char *env = std::getenv("TZ");
    name = env && *env ? env : "/etc/localtime";
  }
  if (name[0] == ':') name.erase(0, 1);
  if (name == "UTC" || name == "Etc/UTC" || name == "UTC0" || name == "GMT") return "";
  const char *tzdir = std::getenv("TZDIR");
  const std::string path =
      name[0] == '/' ? name
                     : std::string(tzdir && *tzdir ? tzdir : "/usr/share/zoneinfo") + "/" + name;
  std::string data;
  const bool safe = name.find("..") == std::string::npos;
  if (safe && read_file(path, data)) {
    if (zone.load_tzif(data)) return "";
    zone = ZoneConverter::Zone{};
    return "not a TZif file: " + path;
  }
  if (parse_posix_tz(name, zone.footer)) {
    zone.has_footer = true;
    return "";
  }
  return "unknown time zone '" + name + "', using UTC";
}

} // namespace

ZoneConverter::ZoneConverter(std::string tz_name)
    : zone_(std::make_unique<Zone>()), name_(std::move(tz_name)) {
  error_ = load_zone(name_, *zone_);
}
ZoneConverter::~ZoneConverter() = default;
ZoneConverter::ZoneConverter(ZoneConverter &&) noexcept = default;
ZoneConverter &ZoneConverter::operator=(ZoneConverter &&) noexcept = default;

std::int32_t ZoneConverter::offset_at(std::int64_t epoch_s) const {
  return zone_->span_at(epoch_s).off;
}

LogTime ZoneConverter::from_local(int year, int mon, int day, int h, int m, int s, int usec) {
  const std::int64_t key = std::int64_t{year} * 416 + mon * 32 + day;
  if (key != day_key_) {
    day_key_ = key;
    day_start_ = days_from_civil(year, mon, day) * 86400;
  }
  const std::int64_t local = day_start_ + h * 3600 + m * 60 + s;
  if (local >= cache_lo_ && local < cache_hi_) return {local - cache_offset_, usec, cache_offset_};
  // The instant lies within a day of `local`; walk the spans around it and take
  // the earliest one whose local range holds `local`.
  Span span = zone_->span_at(local - 2 * 86400);
  Span before_gap = span;
  for (int guard = 0; guard < 16 && span.lo <= local + 2 * 86400; ++guard) {
    const std::int64_t u = local - span.off;
    if (u >= span.lo && u < span.hi) {
      const std::int32_t prev_off = span.lo > -kFar ? zone_->span_at(span.lo - 1).off : span.off;
      cache_lo_ = span.lo + std::max(span.off, prev_off);
      cache_hi_ = span.hi + span.off;
      cache_offset_ = span.off;
      return {u, usec, span.off};
    }
    if (span.hi + span.off <= local) before_gap = span;
    if (span.hi >= kFar) break;
    span = zone_->span_at(span.hi);
  }
  // Skipped by a forward change: read with the offset in force before it.
  return {local - before_gap.off, usec, zone_->span_at(local - before_gap.off).off};
}

} // namespace spamflow
