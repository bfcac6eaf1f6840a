#include "wire/json_writer.hpp"

#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>

namespace spamflow {

namespace {

// Bytes that end a run of bytes copied verbatim: controls, quote, backslash
// and every non-ASCII byte (which must be checked as UTF-8).
constexpr std::array<bool, 256> make_special_table() {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c)
    t[c] = c < 0x20 || c == '"' || c == '\\' || c >= 0x80;
  return t;
}
constexpr std::array<bool, 256> kSpecial = make_special_table();

constexpr std::string_view kReplacement = "\xEF\xBF\xBD"; // U+FFFD

bool in_range(unsigned char c, unsigned char lo, unsigned char hi) {
  return c >= lo && c <= hi;
}

// Length of the well-formed UTF-8 sequence at p (n bytes available), or 0 if
// there is none; then *bad_len is the length of the maximal subpart to replace
// by one U+FFFD. Ranges are Table 3-7 of the Unicode standard.
std::size_t utf8_sequence(const unsigned char *p, std::size_t n, std::size_t *bad_len) {
  const unsigned char c = p[0];
  *bad_len = 1;
  if (c < 0x80) return 1;
  if (c < 0xC2 || c > 0xF4) return 0;
  std::size_t need;
  unsigned char lo = 0x80, hi = 0xBF; // allowed range of the second byte
  if (c < 0xE0) {
    need = 2;
  } else if (c < 0xF0) {
    need = 3;
    if (c == 0xE0)
      lo = 0xA0; // no overlongs
    else if (c == 0xED)
      hi = 0x9F; // no surrogates
  } else {
    need = 4;
    if (c == 0xF0)
      lo = 0x90; // no overlongs
    else if (c == 0xF4)
      hi = 0x8F; // nothing above U+10FFFF
  }
  if (n < 2 || !in_range(p[1], lo, hi)) return 0;
  for (std::size_t i = 2; i < need; ++i) {
    if (i >= n || !in_range(p[i], 0x80, 0xBF)) {
      *bad_len = i;
      return 0;
    }
  }
  return need;
}

// One high bit per byte of x that needs work (kSpecial), eight at a time.
// Only the lowest set bit is exact: the borrows that can set higher ones
// start at a byte that is itself special, which is all plain_prefix needs.
std::uint64_t special_hits(std::uint64_t x) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  const auto zero_bytes = [](std::uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  const std::uint64_t below_space = (x - kOnes * 0x20) & ~x & kHigh;
  return (x & kHigh) | below_space | zero_bytes(x ^ (kOnes * '"')) | zero_bytes(x ^ (kOnes * '\\'));
}

// The 8 bytes at p as a little-endian word.
std::uint64_t load_word(const unsigned char *p) {
  static_assert(std::endian::native == std::endian::little, "byte order of the word scan");
  std::uint64_t x;
  std::memcpy(&x, p, 8);
  return x;
}

// How many of the low `count` bytes of x come before the first that needs
// work (count if none does).
unsigned plain_prefix(std::uint64_t x, unsigned count) {
  const std::uint64_t hits = special_hits(x);
  const unsigned first = hits == 0 ? 8 : static_cast<unsigned>(__builtin_ctzll(hits)) / 8;
  return first < count ? first : count;
}

// Writes the escape of '"', '\\' or a control character at dst (at most 6
// bytes); returns the end.
char *escape_ascii(char *dst, unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  *dst++ = '\\';
  switch (c) {
  case '"':
  case '\\':
    *dst++ = static_cast<char>(c);
    break;
  case '\b':
    *dst++ = 'b';
    break;
  case '\f':
    *dst++ = 'f';
    break;
  case '\n':
    *dst++ = 'n';
    break;
  case '\r':
    *dst++ = 'r';
    break;
  case '\t':
    *dst++ = 't';
    break;
  default:
    std::memcpy(dst, "u00", 3);
    dst[3] = kHex[c >> 4];
    dst[4] = kHex[c & 0xF];
    dst += 5;
  }
  return dst;
}

// Writes the JSON string literal of text at dst, which has room for
// 6 * text.size() + 2 bytes (the worst case: every byte a \u00XX escape)
// and 8 more (the word copy may write past what it keeps);
// returns the end.
char *escape_into(char *dst, std::string_view text) {
  const auto *p = reinterpret_cast<const unsigned char *>(text.data());
  const std::size_t n = text.size();
  *dst++ = '"';
  std::size_t i = 0;
  while (i < n) {
    if (n >= 8) {
      // A whole word, or the last word of the text shifted so that its
      // unread bytes are the low ones (the upper ones then read as zero).
      const std::size_t left = n - i;
      const std::uint64_t x =
          left >= 8 ? load_word(p + i) : load_word(p + n - 8) >> (8 * (8 - left));
      const unsigned count = left >= 8 ? 8 : static_cast<unsigned>(left);
      const unsigned plain = plain_prefix(x, count);
      std::memcpy(dst, &x, 8); // room: see value(); the bytes past `plain` are overwritten
      dst += plain;
      i += plain;
      if (plain == count) continue;
    }
    const unsigned char c = p[i];
    if (!kSpecial[c]) {
      *dst++ = static_cast<char>(c);
      ++i;
      continue;
    }
    if (c >= 0x80) {
      std::size_t bad = 0;
      const std::size_t len = utf8_sequence(p + i, n - i, &bad);
      if (len != 0) { // a valid multibyte character is copied as is
        std::memcpy(dst, p + i, len);
        dst += len;
        i += len;
      } else {
        std::memcpy(dst, kReplacement.data(), kReplacement.size());
        dst += kReplacement.size();
        i += bad;
      }
      continue;
    }
    dst = escape_ascii(dst, c);
    ++i;
  }
  *dst++ = '"';
  return dst;
}

} // namespace

std::size_t valid_utf8_prefix(std::string_view text) {
  const auto *p = reinterpret_cast<const unsigned char *>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0, bad = 0;
  while (i < n) {
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    const std::size_t len = utf8_sequence(p + i, n - i, &bad);
    if (len == 0) break;
    i += len;
  }
  return i;
}

void append_json_string(std::string &out, std::string_view text) {
  // Room for the worst case (six bytes out for one in, and the word copy's
  // slack), then cut to what was written.
  const std::size_t start = out.size();
  out.resize(start + 6 * text.size() + 10);
  char *end = escape_into(out.data() + start, text);
  out.resize(static_cast<std::size_t>(end - out.data()));
}

bool JsonWriter::has_items(std::size_t level) const {
  if (level < 64) return (shallow_items_ >> level) & 1U;
  return deep_items_[level - 64];
}

void JsonWriter::set_has_items(std::size_t level, bool v) {
  if (level < 64) {
    const std::uint64_t bit = std::uint64_t{1} << level;
    shallow_items_ = v ? (shallow_items_ | bit) : (shallow_items_ & ~bit);
    return;
  }
  if (deep_items_.size() <= level - 64) deep_items_.resize(level - 63);
  deep_items_[level - 64] = v;
}

void JsonWriter::separate_deep() {
  if (has_items(depth_ - 1))
    put(',');
  else
    set_has_items(depth_ - 1, true);
}

void JsonWriter::put(std::string_view s) {
  if (s.empty()) return; // its data() may be null, which memcpy must not see
  if (s.size() > kBufferSize) {
    flush();
    out_ += s;
    return;
  }
  std::memcpy(room(s.size()), s.data(), s.size());
  cur_ += s.size();
}

void JsonWriter::open(char bracket) {
  separate();
  put(bracket);
  set_has_items(depth_, false);
  ++depth_;
}

void JsonWriter::close(char bracket) {
  if (depth_ > 0) --depth_;
  after_key_ = false;
  put(bracket);
  done();
}

JsonWriter &JsonWriter::begin_object() {
  open('{');
  return *this;
}
JsonWriter &JsonWriter::end_object() {
  close('}');
  return *this;
}
JsonWriter &JsonWriter::begin_array() {
  open('[');
  return *this;
}
JsonWriter &JsonWriter::end_array() {
  close(']');
  return *this;
}

JsonWriter &JsonWriter::key(std::string_view k) {
  value(k); // a string, then the colon; value() saw depth > 0 (keys are in objects)
  put(':');
  after_key_ = true;
  return *this;
}

JsonWriter &JsonWriter::name(std::string_view k) {
  separate();
  put('"');
  put(k);
  put(std::string_view("\":"));
  after_key_ = true;
  return *this;
}

JsonWriter &JsonWriter::value(std::string_view s) {
  separate();
  string_text(s);
  done();
  return *this;
}

JsonWriter &JsonWriter::string_text(std::string_view s) {
  // Short strings are escaped straight into the buffer; the bound is the
  // worst case, six bytes out for one in, and 8 for the word copy.
  constexpr std::size_t kLongest = (kBufferSize - 10) / 6;
  if (s.size() <= kLongest) {
    cur_ = escape_into(room(6 * s.size() + 10), s);
  } else {
    flush();
    append_json_string(out_, s);
  }
  return *this;
}

JsonWriter &JsonWriter::text(std::string_view json) {
  put(json);
  return *this;
}

JsonWriter &JsonWriter::number_text(std::int64_t n) {
  char *p = room(24);
  cur_ = std::to_chars(p, p + 24, n).ptr;
  return *this;
}

JsonWriter &JsonWriter::value(const char *s) {
  if (s == nullptr) return null();
  return value(std::string_view(s));
}

JsonWriter &JsonWriter::value(std::int64_t n) {
  separate();
  char *p = room(24);
  cur_ = std::to_chars(p, p + 24, n).ptr;
  done();
  return *this;
}

JsonWriter &JsonWriter::value(std::uint64_t n) {
  separate();
  char *p = room(24);
  cur_ = std::to_chars(p, p + 24, n).ptr;
  done();
  return *this;
}

JsonWriter &JsonWriter::value(double d) {
  if (!std::isfinite(d)) return null();
  separate();
  number_text(d);
  done();
  return *this;
}

// Finite d only (the caller writes null for the others).
JsonWriter &JsonWriter::number_text(double d) {
  char *p = room(32);
  // Scores have one decimal: if d is exactly the double nearest to k/10,
  // "k/10" written out is the shortest text that reads back to d, which is
  // what to_chars would find at ten times the cost (below 10,000, where
  // its exponent form is never shorter).
  const double tenths = std::round(d * 10);
  if (std::fabs(tenths) < 1e5 && tenths / 10 == d && !(d == 0 && std::signbit(d))) {
    const auto k = static_cast<std::int64_t>(tenths);
    const std::int64_t units = k / 10, tenth = k % 10;
    if (k < 0) *p++ = '-';
    p = std::to_chars(p, p + 24, units < 0 ? -units : units).ptr;
    if (tenth != 0) {
      *p++ = '.';
      *p++ = static_cast<char>('0' + (tenth < 0 ? -tenth : tenth));
    }
    cur_ = p;
    return *this;
  }
  cur_ = std::to_chars(p, p + 32, d).ptr;
  return *this;
}

JsonWriter &JsonWriter::value(bool b) {
  separate();
  put(b ? std::string_view("true") : std::string_view("false"));
  done();
  return *this;
}

JsonWriter &JsonWriter::null() {
  separate();
  put(std::string_view("null"));
  done();
  return *this;
}

JsonWriter &JsonWriter::raw(std::string_view json) {
  separate();
  put(json);
  done();
  return *this;
}

} // namespace spamflow
