// Syslog line framing. Hot path of logjoin: no allocation on success, one
// pass over the header, a memchr over the line for NUL bytes.
#include "maillog/syslog_line.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <ctime>

namespace spamflow {

namespace {

constexpr std::int64_t kFutureSlack = 2 * 86400;

bool is_digit(char c) {
  return static_cast<unsigned>(c - '0') <= 9;
}
// Printable US-ASCII without space: what RFC 5424 allows in HOSTNAME and APP-NAME.
constexpr bool is_print(char c) {
  return c > 0x20 && c < 0x7f;
}

// "Jan".."Dec" -> 1..12, else 0.
int month_number(std::string_view s) {
  static constexpr char kNames[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
  for (int m = 0; m < 12; ++m)
    if (s[0] == kNames[3 * m] && s[1] == kNames[3 * m + 1] && s[2] == kNames[3 * m + 2])
      return m + 1;
  return 0;
}

int two_digits(std::string_view s, std::size_t pos) {
  if (!is_digit(s[pos]) || !is_digit(s[pos + 1])) return -1;
  return (s[pos] - '0') * 10 + (s[pos + 1] - '0');
}

// "Mmm dd hh:mm:ss" (day space- or zero-padded, or a single digit), optional
// ".fraction". Returns the length consumed, 0 if not such a timestamp.
std::size_t scan_bsd_timestamp(std::string_view s, CivilTime &c) {
  if (s.size() < 15 || s[3] != ' ') return 0;
  c.month = month_number(s);
  std::size_t pos = 4;
  if (s[4] == ' ' && is_digit(s[5])) {
    c.day = s[5] - '0';
    pos = 6;
  } else if (is_digit(s[4]) && is_digit(s[5])) {
    c.day = (s[4] - '0') * 10 + (s[5] - '0');
    pos = 6;
  } else if (is_digit(s[4]) && s[5] == ' ') {
    c.day = s[4] - '0';
    pos = 5;
  }
  if (c.month == 0 || pos == 4 || c.day < 1 || c.day > 31) return 0;
  if (s.size() < pos + 9 || s[pos] != ' ' || s[pos + 3] != ':' || s[pos + 6] != ':') return 0;
  c.hour = two_digits(s, pos + 1);
  c.minute = two_digits(s, pos + 4);
  c.second = two_digits(s, pos + 7);
  if (c.hour < 0 || c.hour > 23 || c.minute < 0 || c.minute > 59 || c.second < 0 || c.second > 60)
    return 0;
  pos += 9;
  if (pos < s.size() && s[pos] == '.') {
    std::size_t n = 0;
    int us = 0;
    for (; pos + 1 + n < s.size() && is_digit(s[pos + 1 + n]); ++n)
      if (n < 6) us = us * 10 + (s[pos + 1 + n] - '0');
    if (n == 0 || n > 9) return 0;
    for (std::size_t i = n; i < 6; ++i)
      us *= 10;
    c.usec = us;
    pos += 1 + n;
  }
  return pos;
}

std::string_view next_token(std::string_view &rest) {
  const std::size_t sp = rest.find(' ');
  std::string_view tok = rest.substr(0, sp);
  rest = sp == std::string_view::npos ? std::string_view() : rest.substr(sp + 1);
  return tok;
}

void skip_spaces(std::string_view &s) {
  std::size_t i = 0;
  while (i < s.size() && s[i] == ' ')
    ++i;
  s.remove_prefix(i);
}

// BSD syslogd -v / -vv writes "<4.6> " or "<mail.info> " before the host;
// some relays put it after the host. Skips it if present.
void skip_facility_tag_at(std::string_view &s);
// Inline: the tag is rare and this runs twice a line.
inline void skip_facility_tag(std::string_view &s) {
  if (!s.empty() && s[0] == '<') skip_facility_tag_at(s);
}

void skip_facility_tag_at(std::string_view &s) {
  const std::size_t close = s.find('>');
  if (close == std::string_view::npos || close > 24 || close + 1 >= s.size() || s[close + 1] != ' ')
    return;
  for (std::size_t i = 1; i < close; ++i)
    if (!is_print(s[i])) return;
  s.remove_prefix(close + 2);
  skip_spaces(s);
}

// Up to 10 decimal digits; -1 if empty, too long or not all digits.
std::int64_t parse_pid(std::string_view s) {
  if (s.empty() || s.size() > 10) return -1;
  std::int64_t v = 0;
  for (char c : s) {
    if (!is_digit(c)) return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

// Solaris: "[ID 801593 mail.notice] " after the tag.
std::string_view strip_solaris_id(std::string_view msg) {
  if (msg.size() < 8 || msg.compare(0, 4, "[ID ") != 0) return msg;
  std::size_t i = 4;
  while (i < msg.size() && is_digit(msg[i]))
    ++i;
  if (i == 4 || i >= msg.size() || msg[i] != ' ') return msg;
  const std::size_t close = msg.find(']', i);
  if (close == std::string_view::npos || close + 1 >= msg.size() || msg[close + 1] != ' ')
    return msg;
  return msg.substr(close + 2);
}

// Bytes that end a program name: anything not printable, '[' and ':'.
constexpr std::array<bool, 256> make_tag_stops() {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c)
    t[c] = !is_print(static_cast<char>(c)) || c == '[' || c == ':';
  return t;
}
constexpr std::array<bool, 256> kTagStop = make_tag_stops();

// Bytes that end a host name: the space after it, or a byte that is not
// printable (an error).
constexpr std::array<bool, 256> make_host_stops() {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c)
    t[c] = !is_print(static_cast<char>(c));
  return t;
}
constexpr std::array<bool, 256> kHostStop = make_host_stops();

// "prog[pid]: msg", "prog: msg", or no tag at all (program left empty).
Result<bool> split_tag(std::string_view rest, SyslogLine &out) {
  std::size_t i = 0;
  while (i < rest.size() && !kTagStop[static_cast<unsigned char>(rest[i])])
    ++i;
  std::size_t after = 0;
  if (i > 0 && i < rest.size() && rest[i] == '[') {
    const std::size_t close = rest.find(']', i);
    if (close == std::string_view::npos || close + 1 >= rest.size() || rest[close + 1] != ':')
      return make_error("malformed [pid] in tag");
    out.pid = parse_pid(rest.substr(i + 1, close - i - 1));
    if (out.pid < 0) return make_error("malformed [pid] in tag");
    after = close + 2;
  } else if (i > 0 && i < rest.size() && rest[i] == ':') {
    after = i + 1;
  } else {
    out.message = rest; // no tag: "last message repeated 2 times", "-- MARK --"
    return true;
  }
  out.program = rest.substr(0, i);
  if (after < rest.size() && rest[after] == ' ') ++after;
  out.message = strip_solaris_id(rest.substr(after));
  return true;
}

// After "<PRI>1 ": TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD [MSG].
Result<bool> parse_5424(std::string_view rest, SyslogLine &out) {
  CivilTime c;
  const std::size_t n = scan_iso_timestamp(rest, c);
  if (n == 0 || !c.has_offset || n >= rest.size() || rest[n] != ' ')
    return make_error("RFC 5424 line without a valid timestamp");
  out.time = LogTime{civil_to_epoch(c), c.usec, c.offset_s};
  rest.remove_prefix(n + 1);
  std::string_view fields[4]; // host, app, procid, msgid
  for (auto &f : fields) {
    f = next_token(rest);
    if (f.empty() || rest.empty()) return make_error("RFC 5424 line truncated in header");
    for (char ch : f)
      if (!is_print(ch)) return make_error("RFC 5424 header field with a non-printable byte");
    if (f == "-") f = {};
  }
  out.host = fields[0];
  out.program = fields[1];
  out.pid = parse_pid(fields[2]); // PROCID may be any text; only a number is a pid
  std::size_t i = 0;
  if (rest[0] == '-') {
    i = 1;
  } else {
    while (i < rest.size() && rest[i] == '[') { // SD-ELEMENTs; ']' '"' '\' are escaped in values
      bool quoted = false;
      for (++i; i < rest.size() && (quoted || rest[i] != ']'); ++i) {
        if (quoted && rest[i] == '\\')
          ++i;
        else if (rest[i] == '"')
          quoted = !quoted;
      }
      if (i >= rest.size()) return make_error("RFC 5424 structured data not closed");
      ++i;
    }
    if (i == 0) return make_error("RFC 5424 structured data malformed");
  }
  if (i < rest.size() && rest[i] != ' ') return make_error("RFC 5424 structured data malformed");
  std::string_view msg = i < rest.size() ? rest.substr(i + 1) : std::string_view();
  if (msg.size() >= 3 && msg.compare(0, 3, "\xEF\xBB\xBF") == 0) msg.remove_prefix(3);
  out.message = msg;
  return true;
}

} // namespace

SyslogParser::SyslogParser(SyslogOptions opts)
    : zone_(opts.tz), fixed_year_(opts.year),
      now_epoch_s_(opts.now_epoch_s ? opts.now_epoch_s : static_cast<std::int64_t>(time(nullptr))) {
  const std::int64_t local_now = now_epoch_s_ + zone_.offset_at(now_epoch_s_);
  std::int64_t days = local_now / 86400 - (local_now % 86400 < 0);
  // Count whole years from 1970 upwards: cheap, and only done once.
  year_ = 1970;
  while (days >= days_from_civil(year_ + 1, 1, 1) - days_from_civil(1970, 1, 1))
    ++year_;
  while (days < days_from_civil(year_, 1, 1) - days_from_civil(1970, 1, 1))
    --year_;
}

// Picks the year of an RFC 3164 timestamp (see the header), without
// committing the inference state; parse() commits it once the line is accepted.
int SyslogParser::infer_year(const CivilTime &c, int &next_year, int &next_month) {
  next_year = year_;
  next_month = last_month_;
  if (fixed_year_ != 0) return fixed_year_;
  if (last_month_ == 0) { // the latest year that puts the line at most 2 days after now
    next_month = c.month;
    for (next_year = year_ + 1; next_year > year_ - 1; --next_year) {
      const int day = std::min(c.day, days_in_month(next_year, c.month));
      const LogTime t = zone_.from_local(next_year, c.month, day, c.hour, c.minute, c.second, -1);
      if (t.epoch_s <= now_epoch_s_ + kFutureSlack) break;
    }
    return next_year;
  }
  if (c.month + 6 < last_month_) { // Dec -> Jan: the replay crossed New Year
    next_month = c.month;
    return ++next_year;
  }
  if (c.month > last_month_ + 6) return year_ - 1; // a late line from before New Year
  next_month = c.month;
  return year_;
}

// "Mmm dd hh:mm:ss " whose first 12 bytes are the cached minute.
bool SyslogParser::read_cached_minute(std::string_view rest, LogTime &time) const {
  if (!minute_.valid || rest.size() < 16 || std::memcmp(rest.data(), minute_.text, 12) != 0 ||
      rest[12] != ':' || rest[15] != ' ')
    return false;
  const int second = two_digits(rest, 13);
  if (second < 0 || second > 59) return false;
  time = LogTime{minute_.epoch_s + second, -1, minute_.offset_s};
  return true;
}

void SyslogParser::remember_minute(std::string_view rest, const CivilTime &c, const LogTime &time) {
  minute_.valid = false;
  if (c.usec >= 0 || c.second > 59 || rest.size() < 16 || rest[12] != ':') return;
  for (int second : {0, 59}) {
    const LogTime t = zone_.from_local(c.year, c.month, c.day, c.hour, c.minute, second, -1);
    if (t.utc_offset_s != time.utc_offset_s || t.epoch_s != time.epoch_s - c.second + second)
      return; // the offset changes within this minute
  }
  std::memcpy(minute_.text, rest.data(), 12);
  minute_.epoch_s = time.epoch_s - c.second;
  minute_.offset_s = time.utc_offset_s;
  minute_.valid = true;
}

Result<SyslogLine> SyslogParser::parse(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty()) return make_error("empty line");
  if (std::memchr(line.data(), '\0', line.size()) != nullptr) return make_error("NUL byte in line");
  SyslogLine out;
  std::string_view rest = line;
  if (rest[0] == '<') {
    std::size_t i = 1;
    int pri = 0;
    while (i < rest.size() && i < 5 && is_digit(rest[i]))
      pri = pri * 10 + (rest[i++] - '0');
    if (i == 1 || i >= rest.size() || rest[i] != '>' || pri > 191)
      return make_error("malformed <PRI>");
    rest.remove_prefix(i + 1);
    if (rest.size() >= 2 && rest[0] >= '1' && rest[0] <= '9' && rest[1] == ' ') {
      Result<bool> r = parse_5424(rest.substr(2), out);
      if (!r) return Error{r.error()};
      return out;
    }
  }
  CivilTime c;
  int next_year = year_, next_month = last_month_;
  std::size_t n = 0;
  bool new_minute = false;
  if (read_cached_minute(rest, out.time)) {
    n = 15;
  } else if (rest.size() >= 4 && is_digit(rest[0])) {
    n = scan_iso_timestamp(rest, c);
    if (n == 0) return make_error("malformed ISO timestamp");
    out.time = c.has_offset
                   ? LogTime{civil_to_epoch(c), c.usec, c.offset_s}
                   : zone_.from_local(c.year, c.month, c.day, c.hour, c.minute, c.second, c.usec);
  } else {
    n = scan_bsd_timestamp(rest, c);
    if (n == 0) return make_error("no syslog timestamp");
    c.year = infer_year(c, next_year, next_month);
    if (c.day > days_in_month(c.year, c.month)) return make_error("day out of range for month");
    out.time = zone_.from_local(c.year, c.month, c.day, c.hour, c.minute, c.second, c.usec);
    new_minute = true;
  }
  if (n >= rest.size()) return make_error("line ends after timestamp");
  if (rest[n] != ' ') return make_error("no space after timestamp");
  const std::string_view timestamp = rest;
  rest.remove_prefix(n);
  skip_spaces(rest);
  skip_facility_tag(rest);
  std::size_t h = 0; // the host name ends at a space; any other stop byte is not printable
  while (h < rest.size() && !kHostStop[static_cast<unsigned char>(rest[h])])
    ++h;
  if (h < rest.size() && rest[h] != ' ') return make_error("non-printable byte in host name");
  out.host = rest.substr(0, h);
  if (out.host.empty() || h >= rest.size()) return make_error("line ends after host name");
  rest.remove_prefix(h);
  skip_spaces(rest);
  skip_facility_tag(rest);
  Result<bool> tag = split_tag(rest, out);
  if (!tag) return Error{tag.error()};
  year_ = next_year;
  last_month_ = next_month;
  if (new_minute) remember_minute(timestamp, c, out.time);
  return out;
}

} // namespace spamflow
