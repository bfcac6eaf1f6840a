// Internal to the sendmail parser (sendmail_line.cpp, sendmail_scan.cpp):
// the field and relay scanners the line-kind parsers are built from.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "maillog/sendmail_line.hpp"

namespace spamflow::sendmail_scan {

using std::string_view;

// The position of the ", " before the rightmost ", key=" in `text`, or npos.
std::size_t rfind_key(string_view text, string_view key_with_eq);

// Splits "a=1, b=2, c=3" style tails from the right: takes the known keys
// in reverse order of appearance so that attacker text earlier in the line
// cannot shadow sendmail's own fields that follow it. The ", " separators
// are found in one backward pass; each take() then looks only at them.
struct TailFields {
  static constexpr int kMaxSeparators = 48;
  string_view text;
  std::size_t end; // the untaken text is text[0, end)
  std::size_t sep[kMaxSeparators];
  int n = 0; // separators, right to left
  bool overflow = false;

  explicit TailFields(string_view t) : text(t), end(t.size()) {
    const char *p = t.data();
    for (std::size_t i = t.size(); i-- > 1;) {
      if (p[i] == ' ' && p[i - 1] == ',') {
        if (n == kMaxSeparators) {
          overflow = true;
          break;
        }
        sep[n++] = i - 1;
      }
    }
  }
  string_view rest() const { return text.substr(0, end); }
  string_view take(string_view key_with_eq) {
    if (overflow) // pathological line: fall back to searching the text
      return take_slow(key_with_eq);
    for (int i = 0; i < n; ++i) {
      std::size_t at = sep[i];
      if (at >= end) continue;
      string_view token = text.substr(at + 2, end - at - 2);
      if (token.size() >= key_with_eq.size() && token[0] == key_with_eq[0] &&
          token.substr(0, key_with_eq.size()) == key_with_eq) {
        end = at;
        return token.substr(key_with_eq.size());
      }
    }
    return {};
  }
  string_view take_slow(string_view key_with_eq) {
    string_view r = rest();
    std::size_t at = rfind_key(r, key_with_eq);
    if (at == string_view::npos) return {};
    string_view value = r.substr(at + 2 + key_with_eq.size());
    end = at;
    return value;
  }
};

std::int64_t to_int(string_view s);

// Reads a relay form at the start of `text`: "[addr]", "name [addr]",
// "name", each with optional " (may be forged)". The name has no spaces.
// Stops where the form ends; `consumed` tells how far.
std::optional<RelayField> relay_prefix(string_view text, std::size_t &consumed);

// A relay form followed by `terminator` (or the end of text when empty).
std::optional<RelayField> relay_then(string_view text, string_view terminator,
                                     std::size_t *after = nullptr);

// "550 5.7.1 text" into reject_code, reject_dsn, reject_text.
void parse_reject(string_view value, SendmailLine &l);

// True if quotes, <>, () and [] pair up in an address-like text.
bool is_balanced(string_view text);

// The length of an address-like field value that a ", " ends, as in
// "arg1=<\"a b, c\"@x>, relay=…": the first ", " outside quoted strings
// (RFC 5321, backslash escapes) and outside <>, () and []. White space
// anywhere else outside quotes, or no such end, gives npos: the value then
// runs on and the fields after it cannot be trusted.
std::size_t field_value_end(string_view text);

// More than one occurrence of a field marker: the line holds field-like
// text that is not sendmail's, so which occurrence is real is unknowable.
bool repeats(string_view text, string_view marker);

// How often `marker` stands outside quoted strings and outside <>, () and
// []: where a field can start. An address may hold ", relay=" inside its
// quotes or brackets; outside them a second one is forged.
std::size_t count_outside_quotes(string_view text, string_view marker);

} // namespace spamflow::sendmail_scan
