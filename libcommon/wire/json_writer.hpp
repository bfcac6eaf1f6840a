// Writing the wire format: JSON string escaping and a small streaming writer
// that builds one object or array into a caller-owned std::string.
#pragma once
#include <concepts>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "wire/wire_keys.hpp"

namespace spamflow {

// Appends `text` as a JSON string literal, quotes included, to `out`.
//
// Escaping follows RFC 8259: '"' and '\\' are backslash-escaped; control
// characters U+0000..U+001F become \b \f \n \r \t or \u00XX; DEL (0x7F) and
// every other character, including valid multibyte UTF-8, are copied as is.
//
// Bytes that are not valid UTF-8 are replaced by U+FFFD (bytes EF BF BD),
// exactly as Python's bytes.decode("utf-8", errors="replace") does, which is
// the Unicode/WHATWG "maximal subpart" practice: each maximal prefix of a
// well-formed sequence that is cut short becomes one U+FFFD, and each other
// offending byte (stray continuation byte, C0/C1/F5..FF lead, the first byte
// of an overlong form, of a surrogate or of a code point above U+10FFFF)
// becomes one U+FFFD of its own. So "\xE2\x82A" gives "\uFFFDA" and
// "\xED\xA0\x80" (a surrogate) gives three U+FFFD.
void append_json_string(std::string &out, std::string_view text);

// Returns the number of bytes that start a well-formed UTF-8 prefix of `text`
// (all of it if it is valid). Exposed for tests and for callers that want to
// know whether replacement will happen.
std::size_t valid_utf8_prefix(std::string_view text);

// Builds JSON into `out` (appending; the string is never cleared). Commas and
// colons are placed for you; nesting is not checked beyond that, so the
// caller pairs begin/end and gives a key before each value in an object.
//
//   std::string line;
//   JsonWriter w(line);
//   w.begin_object().field("kind", "message").field("pid", 12345);
//   w.key("tests").begin_array().value("A").value("B").end_array().end_object();
//
// The writer gathers its output in a small buffer of its own and moves it
// into `out` when the outermost value is complete (and when the buffer is
// full, and on destruction): `out` is whole after each top-level value, not
// between the parts of one. That is what makes it fast on logjoin's hot path:
// one bounds check and a short copy per piece instead of a string append.
class JsonWriter {
public:
  explicit JsonWriter(std::string &out) : out_(out) {}
  ~JsonWriter() { flush(); }
  JsonWriter(const JsonWriter &) = delete;
  JsonWriter &operator=(const JsonWriter &) = delete;

  JsonWriter &begin_object();
  JsonWriter &end_object();
  JsonWriter &begin_array();
  JsonWriter &end_array();
  JsonWriter &key(std::string_view k);
  // A key the program itself spells (a literal): no escaping work is done,
  // so it must be printable ASCII without '"' or '\\'.
  JsonWriter &name(std::string_view k);
  template <std::size_t N> JsonWriter &name(const char (&k)[N]) {
    static_assert(N >= 1 && N < 64, "a key literal");
    separate();
    char *p = room(N + 2); // '"' key '"' ':' (N counts the terminating NUL)
    p[0] = '"';
    std::memcpy(p + 1, k, N - 1);
    p[N] = '"';
    p[N + 1] = ':';
    cur_ = p + N + 2;
    after_key_ = true;
    return *this;
  }

  JsonWriter &value(std::string_view s);
  JsonWriter &value(const std::string &s) { return value(std::string_view(s)); }
  JsonWriter &value(const char *s); // nullptr writes null
  JsonWriter &value(std::int64_t n);
  JsonWriter &value(std::uint64_t n);
  JsonWriter &value(int n) { return value(static_cast<std::int64_t>(n)); }
  JsonWriter &value(char c) = delete; // a number or a string? Say which.
  // Other integer types (unsigned, long long, short…): bool and chars excluded.
  template <std::integral T>
  requires(!std::same_as<T, bool> && !std::same_as<T, char> && !std::same_as<T, std::int64_t> &&
           !std::same_as<T, std::uint64_t> && !std::same_as<T, int>) JsonWriter &value(T n) {
    if constexpr (std::is_signed_v<T>)
      return value(static_cast<std::int64_t>(n));
    else
      return value(static_cast<std::uint64_t>(n));
  }
  // Shortest text that reads back to the same double (std::to_chars); NaN and
  // infinities are not JSON and are written as null.
  JsonWriter &value(double d);
  JsonWriter &value(bool b);
  JsonWriter &null();
  // An already-serialized JSON value, copied verbatim.
  JsonWriter &raw(std::string_view json);

  // field() and raw_field() take a literal key (see name()).
  template <class T> JsonWriter &field(std::string_view k, const T &v) {
    name(k);
    return value(v);
  }
  template <std::size_t N, class T> JsonWriter &field(const char (&k)[N], const T &v) {
    name(k);
    return value(v);
  }
  // A key of the table (wire_keys.hpp): its literal, length known.
  template <std::size_t N> JsonWriter &name(const WireKey<N> &k) { return name(k.text); }
  template <std::size_t N, class T> JsonWriter &field(const WireKey<N> &k, const T &v) {
    name(k.text);
    return value(v);
  }
  JsonWriter &raw_field(std::string_view k, std::string_view json) {
    name(k);
    return raw(json);
  }

  // For a writer that places its own commas and colons (the record writer,
  // logjoin's hot path): pieces written as they are, without the comma
  // bookkeeping, and moved into the string by flush() or the destructor.
  // The caller is responsible for the result being JSON.
  template <std::size_t N> JsonWriter &text(const char (&literal)[N]) {
    char *p = room(N - 1);
    std::memcpy(p, literal, N - 1);
    cur_ = p + N - 1;
    return *this;
  }
  JsonWriter &text(std::string_view json);     // e.g. a raw value
  JsonWriter &string_text(std::string_view s); // quoted and escaped
  JsonWriter &number_text(std::int64_t n);
  JsonWriter &number_text(double d);

  // Moves the buffered output into the string (done for you; see above).
  void flush() {
    if (cur_ != buf_) out_.append(buf_, static_cast<std::size_t>(cur_ - buf_));
    cur_ = buf_;
  }
  // Nesting depth of the containers opened and not yet closed.
  std::size_t depth() const { return depth_; }

private:
  static constexpr std::size_t kBufferSize = 2048;

  // A pointer to at least n (<= kBufferSize) free bytes of the buffer.
  char *room(std::size_t n) {
    if (static_cast<std::size_t>(buf_ + kBufferSize - cur_) < n) flush();
    return cur_;
  }
  void put(char c) { *room(1) = c, ++cur_; }
  void put(std::string_view s);
  // After each value: at the top level the output is complete.
  void done() {
    if (depth_ == 0) flush();
  }
  // Writes the comma before a new element when needed. Inline: it runs once
  // per value written, on logjoin's hot path.
  void separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (depth_ == 0) return; // top level: values are the caller's business
    std::size_t level = depth_ - 1;
    if (level < 64) {
      const std::uint64_t bit = std::uint64_t{1} << level;
      if (shallow_items_ & bit)
        put(',');
      else
        shallow_items_ |= bit;
      return;
    }
    separate_deep();
  }
  void separate_deep();
  void open(char bracket);
  void close(char bracket);
  bool has_items(std::size_t level) const;
  void set_has_items(std::size_t level, bool v);

  std::string &out_;
  std::size_t depth_ = 0;
  bool after_key_ = false;
  // One bit per open container: does it already hold an element? The first
  // 64 levels need no allocation; deeper levels spill into a vector.
  std::uint64_t shallow_items_ = 0;
  std::vector<bool> deep_items_;
  char *cur_ = buf_;
  char buf_[kBufferSize];
};

} // namespace spamflow
