// Field and relay scanners of the sendmail parser, and its small public
// helpers (delays, queue ids, relay values).
#include "maillog/sendmail_scan.hpp"

#include <charconv>

#include "base/text_scan.hpp"

#include <array>

namespace spamflow {

namespace sendmail_scan {

// The value of ", key=" searched from the right inside `text`; the value runs
// to `end_limit`. Returns the position of the ", " or npos.
std::size_t rfind_key(string_view text, string_view key_with_eq) {
  // Backwards for ", key=": string_view::rfind compares at every position.
  const std::size_t n = key_with_eq.size();
  if (n == 0 || text.size() < n + 2) return string_view::npos;
  for (std::size_t pos = text.size() - n; pos >= 2; --pos)
    if (text[pos] == key_with_eq[0] && text[pos - 1] == ' ' && text[pos - 2] == ',' &&
        text.compare(pos, n, key_with_eq) == 0)
      return pos - 2;
  return string_view::npos;
}

std::int64_t to_int(string_view s) {
  std::int64_t v = -1;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return -1;
  return v;
}

// Reads a relay form at the start of `text`: "[addr]", "name [addr]",
// "name", each with optional " (may be forged)". The name has no spaces.
// Stops where the form ends; `consumed` tells how far.
std::optional<RelayField> relay_prefix(string_view text, std::size_t &consumed) {
  RelayField r;
  r.present = true;
  std::size_t i = 0;
  if (!text.empty() && text[0] != '[') {
    std::size_t sp = find_either(text, ' ', ',');
    r.name = text.substr(0, sp);
    i = r.name.size();
    if (r.name.empty()) return std::nullopt;
    if (i < text.size() && text[i] == ' ' && i + 1 < text.size() && text[i + 1] == '[') ++i;
  }
  if (i < text.size() && text[i] == '[') {
    std::size_t close = text.find(']', i);
    if (close == string_view::npos) return std::nullopt;
    string_view inner = text.substr(i + 1, close - i - 1);
    if (starts_with_ci(inner, "IPv6:")) inner.remove_prefix(5);
    r.addr_text = inner;
    auto parsed = IpAddress::parse(inner);
    if (parsed.ok()) r.addr = *parsed;
    i = close + 1;
    // "[1.2.3.4] [1.2.3.4]": the first bracket stood in for a missing name.
    if (r.name.empty() && i + 1 < text.size() && text[i] == ' ' && text[i + 1] == '[') {
      std::size_t close2 = text.find(']', i + 1);
      if (close2 != string_view::npos) {
        string_view inner2 = text.substr(i + 2, close2 - i - 2);
        if (starts_with_ci(inner2, "IPv6:")) inner2.remove_prefix(5);
        r.addr_text = inner2;
        auto parsed2 = IpAddress::parse(inner2);
        r.addr.reset();
        if (parsed2.ok()) r.addr = *parsed2;
        i = close2 + 1;
      }
    }
  } else if (r.name.size() >= 2 && r.name.front() == '[') {
    return std::nullopt;
  }
  constexpr string_view kForged = " (may be forged)";
  if (text.substr(i).substr(0, kForged.size()) == kForged) {
    r.forged = true;
    i += kForged.size();
  }
  consumed = i;
  return r;
}

// A relay form followed by one of `terminators` (or the end when empty).
std::optional<RelayField> relay_then(string_view text, string_view terminator, std::size_t *after) {
  std::size_t used = 0;
  auto r = relay_prefix(text, used);
  if (!r) return std::nullopt;
  string_view rest = text.substr(used);
  if (terminator.empty() ? !rest.empty() : rest.substr(0, terminator.size()) != terminator)
    return std::nullopt;
  if (after) *after = used + terminator.size();
  return r;
}

void parse_reject(string_view value, SendmailLine &l) {
  // "550 5.7.1 text"
  l.reject_text = value;
  if (value.size() >= 3 && is_digit(value[0]) && is_digit(value[1]) && is_digit(value[2])) {
    l.reject_code = (value[0] - '0') * 100 + (value[1] - '0') * 10 + (value[2] - '0');
    string_view rest = value.substr(3);
    if (!rest.empty() && rest[0] == ' ') rest.remove_prefix(1);
    std::size_t sp = rest.find(' ');
    string_view first = rest.substr(0, sp);
    if (first.size() >= 5 && is_digit(first[0]) && first[1] == '.') {
      l.reject_dsn = first;
      rest = sp == string_view::npos ? string_view{} : rest.substr(sp + 1);
    }
    l.reject_text = rest;
  }
}

// True if quotes, <>, () and [] pair up in an address-like text.
// The bytes is_balanced has to look at; the others are skipped at one test each.
constexpr auto kBalanceBytes = [] {
  std::array<bool, 256> t{};
  for (unsigned char c : std::string_view("\\\"<>()[]"))
    t[c] = true;
  return t;
}();

bool is_balanced(string_view text) {
  int angle = 0, paren = 0, square = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (!kBalanceBytes[static_cast<unsigned char>(c)]) continue;
    if (c == '\\') {
      ++i;
      continue;
    }
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    angle += c == '<' ? 1 : c == '>' ? -1 : 0;
    paren += c == '(' ? 1 : c == ')' ? -1 : 0;
    square += c == '[' ? 1 : c == ']' ? -1 : 0;
    if (angle < 0 || paren < 0 || square < 0) return false;
  }
  return !quoted && angle == 0 && paren == 0 && square == 0;
}

// Calls visit(i, depth) for each byte of an address-like text that stands
// outside quoted strings (RFC 5321; a backslash escapes the next byte) and
// is not a bracket; depth counts the <>, () and [] around it (a closing one
// with none open is ignored: callers that care check is_balanced). Stops at
// the first byte for which visit returns true.
template <class Visit> void find_outside_quotes(string_view text, Visit visit) {
  int depth = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\') {
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (quoted) {
      continue;
    } else if (c == '<' || c == '(' || c == '[') {
      ++depth;
    } else if (c == '>' || c == ')' || c == ']') {
      depth -= depth > 0;
    } else if (visit(i, depth)) {
      return;
    }
  }
}

std::size_t field_value_end(string_view text) {
  // Most values have no quotes: then the first space must be the end.
  std::size_t space = text.find(' ');
  if (space == string_view::npos) return space;
  string_view before = text.substr(0, space);
  if (before.find('"') == string_view::npos) {
    bool boundary = space > 1 && text[space - 1] == ',' && before.find('\t') == string_view::npos;
    return boundary && is_balanced(text.substr(0, space - 1)) ? space - 1 : string_view::npos;
  }
  std::size_t end = string_view::npos;
  find_outside_quotes(text, [&](std::size_t i, int depth) {
    if (text[i] != ' ' && text[i] != '\t') return false;
    bool boundary = text[i] == ' ' && depth == 0 && i > 1 && text[i - 1] == ',';
    if (boundary && is_balanced(text.substr(0, i - 1))) end = i - 1;
    return true; // the first white space outside quotes decides
  });
  return end;
}

// More than one occurrence of a field marker: the line holds field-like
// text that is not sendmail's, so which occurrence is real is unknowable.
bool repeats(string_view text, string_view marker) {
  std::size_t first = text.find(marker);
  return first != string_view::npos && text.find(marker, first + 1) != string_view::npos;
}

std::size_t count_outside_quotes(string_view text, string_view marker) {
  std::size_t count = 0;
  find_outside_quotes(text, [&](std::size_t i, int depth) {
    if (depth == 0 && text.substr(i, marker.size()) == marker) ++count;
    return false;
  });
  return count;
}

} // namespace sendmail_scan

using namespace sendmail_scan;

std::int64_t parse_sendmail_delay(string_view text) {
  std::int64_t days = 0;
  std::size_t plus = text.find('+');
  if (plus != string_view::npos) {
    days = to_int(text.substr(0, plus));
    if (days < 0) return -1;
    text = text.substr(plus + 1);
  }
  if (text.size() != 8 || text[2] != ':' || text[5] != ':') return -1;
  static constexpr std::size_t kDigitAt[6] = {0, 1, 3, 4, 6, 7}; // HH:MM:SS
  int v[6];
  for (int i = 0; i < 6; ++i) {
    char c = text[kDigitAt[i]];
    if (!is_digit(c)) return -1;
    v[i] = c - '0';
  }
  return days * 86400 + (v[0] * 10 + v[1]) * 3600 + (v[2] * 10 + v[3]) * 60 + v[4] * 10 + v[5];
}

bool looks_like_qid(string_view text) {
  if (text.size() < 8 || text.size() > 20) return false;
  for (char c : text)
    if (!is_alnum(c)) return false;
  return true;
}

std::optional<RelayField> parse_relay(string_view text) {
  return relay_then(text, "");
}

} // namespace spamflow
