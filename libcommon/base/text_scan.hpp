// Small allocation-free helpers for scanning log text.
#pragma once
#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace spamflow {

inline bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
inline bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
// A table: is_alnum runs for every byte of every queue id.
inline constexpr auto kAlnumBytes = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c)
    t[c] = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  return t;
}();
inline bool is_alnum(char c) {
  return kAlnumBytes[static_cast<unsigned char>(c)];
}
inline char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? char(c + 32) : c;
}

inline bool starts_with_ci(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (ascii_lower(text[i]) != ascii_lower(prefix[i])) return false;
  return true;
}

// ASCII case-insensitive equality (header names, whois keys, keywords);
// other bytes must match exactly, whatever the locale.
inline bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && starts_with_ci(a, b);
}
inline bool ends_with_ci(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         starts_with_ci(text.substr(text.size() - suffix.size()), suffix);
}
// A copy with A-Z made a-z (names to compare or store in one case).
inline std::string ascii_lowercase(std::string_view text) {
  std::string out(text);
  for (char &c : out)
    c = ascii_lower(c);
  return out;
}

// The ASCII blanks isspace() knows in the "C" locale: space \t \n \v \f \r.
inline constexpr std::string_view kAsciiSpace = " \t\n\v\f\r";
// text without the given bytes at either end. Callers that read lines pass
// the blanks their format allows (e.g. " \t\r": blanks and a CRLF's CR).
inline std::string_view trim(std::string_view text, std::string_view bytes = kAsciiSpace) {
  const std::size_t first = text.find_first_not_of(bytes);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(bytes) - first + 1);
}

// True if text starts with the literal: a comparison of known length that
// the compiler inlines (string_view's compare is an out-of-line call).
template <std::size_t N> inline bool has_prefix(std::string_view text, const char (&literal)[N]) {
  return text.size() >= N - 1 && __builtin_memcmp(text.data(), literal, N - 1) == 0;
}

// std::from_chars for a double, with the common plain form "-?d+(.d+)?" of
// at most 15 digits done by one division: both operands are exact doubles
// and IEEE division rounds correctly, so the result is the one from_chars
// gives (which costs ten times as much). Anything else goes to from_chars.
inline std::from_chars_result parse_double_prefix(const char *first, const char *last,
                                                  double &out) {
  static constexpr double kPow10[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  const char *p = first;
  const bool negative = p != last && *p == '-';
  if (negative) ++p;
  std::uint64_t digits = 0;
  int count = 0, decimals = 0;
  const char *start = p;
  for (; p != last && is_digit(*p); ++p, ++count)
    digits = digits * 10 + static_cast<std::uint64_t>(*p - '0');
  bool plain = p != start;
  if (plain && p != last && *p == '.') {
    const char *frac = ++p;
    for (; p != last && is_digit(*p); ++p, ++count)
      digits = digits * 10 + static_cast<std::uint64_t>(*p - '0');
    decimals = static_cast<int>(p - frac);
    plain = decimals > 0;
  }
  if (!plain || count > 15 || (p != last && (*p == 'e' || *p == 'E')))
    return std::from_chars(first, last, out);
  const double value = static_cast<double>(digits) / kPow10[decimals];
  out = negative ? -value : value;
  return {p, std::errc()};
}

// s = text, by append: std::string's assignment allows for text that
// overlaps s and costs twice as much. Only for text from elsewhere.
inline void set_text(std::string &s, std::string_view text) {
  s.clear();
  s.append(text.data(), text.size());
}

// Position of the first of the two bytes a or b in text, or npos. A plain
// loop: string_view::find_first_of calls memchr once per byte of the text.
inline std::size_t find_either(std::string_view text, char a, char b) {
  for (std::size_t i = 0; i < text.size(); ++i)
    if (text[i] == a || text[i] == b) return i;
  return std::string_view::npos;
}

// Iterates the ", "-separated fields of a sendmail field list.
class FieldSplitter {
public:
  explicit FieldSplitter(std::string_view text) : rest_(text), done_(text.empty()) {}
  struct Iterator {
    FieldSplitter *owner;
    std::string_view current;
    bool operator!=(const Iterator &other) const { return owner != other.owner; }
    std::string_view operator*() const { return current; }
    Iterator &operator++() {
      if (!owner->next(current)) owner = nullptr;
      return *this;
    }
  };
  Iterator begin() {
    Iterator it{this, {}};
    if (!next(it.current)) it.owner = nullptr;
    return it;
  }
  Iterator end() { return Iterator{nullptr, {}}; }

private:
  bool next(std::string_view &out) {
    if (done_) return false;
    std::size_t sep = rest_.find(", ");
    if (sep == std::string_view::npos) {
      out = rest_;
      done_ = true;
    } else {
      out = rest_.substr(0, sep);
      rest_ = rest_.substr(sep + 2);
    }
    return true;
  }
  std::string_view rest_;
  bool done_;
};
inline FieldSplitter split_fields(std::string_view text) {
  return FieldSplitter(text);
}

} // namespace spamflow
