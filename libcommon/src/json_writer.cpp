#include "spamflow/json_writer.hpp"

#include <array>
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

// True if any of the 8 bytes at p needs work (kSpecial): a word-at-a-time
// test so that plain ASCII runs cost one load and a few operations per 8 bytes.
bool word_has_special(const unsigned char *p) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kHigh = 0x8080808080808080ULL;
  std::uint64_t x;
  std::memcpy(&x, p, 8);
  const auto has_zero = [](std::uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  const std::uint64_t below_space = (x - kOnes * 0x20) & ~x & kHigh;
  return ((x & kHigh) | below_space | has_zero(x ^ (kOnes * '"')) | has_zero(x ^ (kOnes * '\\'))) !=
         0;
}

void append_control_escape(std::string &out, unsigned char c) {
  static constexpr char kHex[] = "0123456789abcdef";
  switch (c) {
  case '\b':
    out += "\\b";
    return;
  case '\f':
    out += "\\f";
    return;
  case '\n':
    out += "\\n";
    return;
  case '\r':
    out += "\\r";
    return;
  case '\t':
    out += "\\t";
    return;
  default:
    break;
  }
  const char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
  out.append(esc, sizeof esc);
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
  const auto *p = reinterpret_cast<const unsigned char *>(text.data());
  const std::size_t n = text.size();
  out.reserve(out.size() + n + 2);
  out += '"';
  std::size_t run = 0; // start of the bytes not yet appended
  std::size_t i = 0;
  while (i < n) {
    if (i + 8 <= n && !word_has_special(p + i)) {
      i += 8;
      continue;
    }
    const unsigned char c = p[i];
    if (!kSpecial[c]) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      std::size_t bad = 0;
      const std::size_t len = utf8_sequence(p + i, n - i, &bad);
      if (len != 0) { // valid multibyte character: stays in the run
        i += len;
        continue;
      }
      out.append(text.data() + run, i - run);
      out += kReplacement;
      i += bad;
      run = i;
      continue;
    }
    out.append(text.data() + run, i - run);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else {
      append_control_escape(out, c);
    }
    run = ++i;
  }
  out.append(text.data() + run, n - run);
  out += '"';
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
    out_ += ',';
  else
    set_has_items(depth_ - 1, true);
}

void JsonWriter::open(char bracket) {
  separate();
  out_ += bracket;
  set_has_items(depth_, false);
  ++depth_;
}

void JsonWriter::close(char bracket) {
  if (depth_ > 0) --depth_;
  after_key_ = false;
  out_ += bracket;
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
  separate();
  append_json_string(out_, k);
  out_ += ':';
  after_key_ = true;
  return *this;
}

JsonWriter &JsonWriter::name(std::string_view k) {
  separate();
  char buf[64];
  if (k.size() <= sizeof buf - 3) { // one append instead of three
    buf[0] = '"';
    std::memcpy(buf + 1, k.data(), k.size());
    buf[k.size() + 1] = '"';
    buf[k.size() + 2] = ':';
    out_.append(buf, k.size() + 3);
  } else {
    out_ += '"';
    out_.append(k);
    out_ += "\":";
  }
  after_key_ = true;
  return *this;
}

JsonWriter &JsonWriter::value(std::string_view s) {
  separate();
  append_json_string(out_, s);
  return *this;
}

JsonWriter &JsonWriter::value(const char *s) {
  if (s == nullptr) return null();
  return value(std::string_view(s));
}

JsonWriter &JsonWriter::value(std::int64_t n) {
  separate();
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, n);
  out_.append(buf, r.ptr);
  return *this;
}

JsonWriter &JsonWriter::value(std::uint64_t n) {
  separate();
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, n);
  out_.append(buf, r.ptr);
  return *this;
}

JsonWriter &JsonWriter::value(double d) {
  if (!std::isfinite(d)) return null();
  separate();
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, d);
  out_.append(buf, r.ptr);
  return *this;
}

JsonWriter &JsonWriter::value(bool b) {
  separate();
  out_ += b ? "true" : "false";
  return *this;
}

JsonWriter &JsonWriter::null() {
  separate();
  out_ += "null";
  return *this;
}

JsonWriter &JsonWriter::raw(std::string_view json) {
  separate();
  out_ += json;
  return *this;
}

} // namespace spamflow
