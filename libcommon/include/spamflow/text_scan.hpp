// Small allocation-free helpers for scanning log text.
#pragma once
#include <cstddef>
#include <string_view>

namespace spamflow {

inline bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
inline bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
inline bool is_alnum(char c) {
  return is_digit(c) || is_alpha(c);
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

// True if text starts with the literal: a comparison of known length that
// the compiler inlines (string_view's compare is an out-of-line call).
template <std::size_t N> inline bool has_prefix(std::string_view text, const char (&literal)[N]) {
  return text.size() >= N - 1 && __builtin_memcmp(text.data(), literal, N - 1) == 0;
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
