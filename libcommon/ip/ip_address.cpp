// Parsing follows CPython's ipaddress (_ip_int_from_string of _BaseV4 and
// _BaseV6) step by step, so that accept/reject decisions agree with it; the
// differential test in tests/ip_differential.py holds us to that.
#include "ip/ip_address.hpp"

#include <array>

namespace spamflow {

namespace {

using u128 = unsigned __int128;

constexpr bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

constexpr int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One decimal octet: ASCII digits only, at most 3, no leading zero, <= 255.
IpParseError parse_octet(std::string_view text, std::uint32_t &out) {
  if (text.empty()) return IpParseError::kOctetEmpty;
  for (char c : text)
    if (!is_digit(c)) return IpParseError::kOctetNotDigits;
  if (text.size() > 3) return IpParseError::kOctetTooLong;
  if (text.size() > 1 && text[0] == '0') return IpParseError::kOctetLeadingZero;
  std::uint32_t value = 0;
  for (char c : text)
    value = value * 10 + static_cast<std::uint32_t>(c - '0');
  if (value > 255) return IpParseError::kOctetRange;
  out = value;
  return IpParseError::kNone;
}

IpParseError parse_v4(std::string_view text, std::uint32_t &out) {
  if (text.empty()) return IpParseError::kEmpty;
  std::size_t dots = 0;
  for (char c : text)
    dots += c == '.';
  if (dots != 3) return IpParseError::kOctetCount;
  std::uint32_t value = 0;
  for (int i = 0; i < 4; ++i) {
    const std::size_t dot = text.find('.');
    std::uint32_t octet = 0;
    const IpParseError error = parse_octet(text.substr(0, dot), octet);
    if (error != IpParseError::kNone) return error;
    value = value << 8 | octet;
    text = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  }
  out = value;
  return IpParseError::kNone;
}

// One group: 1 to 4 ASCII hex digits.
IpParseError parse_group(std::string_view text, std::uint32_t &out) {
  std::uint32_t value = 0;
  for (char c : text) {
    const int digit = hex_digit_value(c);
    if (digit < 0) return IpParseError::kGroupNotHex;
    value = (value << 4 | static_cast<std::uint32_t>(digit)) & 0xfffff;
  }
  if (text.size() > 4) return IpParseError::kGroupTooLong;
  if (text.empty()) return IpParseError::kGroupEmpty;
  out = value;
  return IpParseError::kNone;
}

// The colon-separated parts of an IPv6 text, with a dotted-quad tail
// already turned into two groups (pre-parsed values, marked by `given`).
struct V6Parts {
  static constexpr int kMax = 10;
  std::array<std::string_view, kMax> text{};
  std::array<std::uint32_t, kMax> given{};
  std::array<bool, kMax> is_given{};
  int count = 0;
};

IpParseError split_v6(std::string_view text, V6Parts &parts) {
  std::size_t colons = 0;
  for (char c : text)
    colons += c == ':';
  if (colons < 2) return IpParseError::kTooFewParts;
  if (colons > 8) return IpParseError::kTooManyColons;
  for (;;) {
    const std::size_t colon = text.find(':');
    parts.text[parts.count++] = text.substr(0, colon);
    if (colon == std::string_view::npos) break;
    text = text.substr(colon + 1);
  }
  const std::string_view last = parts.text[parts.count - 1];
  if (last.find('.') == std::string_view::npos) return IpParseError::kNone;
  std::uint32_t v4 = 0;
  if (parse_v4(last, v4) != IpParseError::kNone) return IpParseError::kEmbeddedV4;
  if (parts.count + 1 > 9) return IpParseError::kTooManyColons;
  for (int i = parts.count - 1; i <= parts.count; ++i) {
    parts.text[i] = "0"; // placeholder, never empty
    parts.is_given[i] = true;
  }
  parts.given[parts.count - 1] = v4 >> 16;
  parts.given[parts.count] = v4 & 0xffff;
  ++parts.count;
  return IpParseError::kNone;
}

// Decides how many groups come before and after "::" (CPython's parts_hi,
// parts_lo) and how many zero groups it stands for.
IpParseError layout_v6(const V6Parts &parts, int &hi, int &lo, int &skipped) {
  const int n = parts.count;
  int skip_index = -1;
  for (int i = 1; i < n - 1; ++i) {
    if (!parts.text[i].empty()) continue;
    if (skip_index >= 0) return IpParseError::kMultipleDoubleColon;
    skip_index = i;
  }
  const bool first_empty = parts.text[0].empty();
  const bool last_empty = parts.text[n - 1].empty();
  if (skip_index < 0) {
    if (n != 8) return IpParseError::kGroupCount;
    if (first_empty) return IpParseError::kLeadingColon;
    if (last_empty) return IpParseError::kTrailingColon;
    hi = n;
    lo = 0;
    skipped = 0;
    return IpParseError::kNone;
  }
  hi = skip_index;
  lo = n - skip_index - 1;
  if (first_empty && --hi != 0) return IpParseError::kLeadingColon;
  if (last_empty && --lo != 0) return IpParseError::kTrailingColon;
  skipped = 8 - (hi + lo);
  if (skipped < 1) return IpParseError::kTooManyGroupsWithDoubleColon;
  return IpParseError::kNone;
}

IpParseError parse_v6(std::string_view text, u128 &out) {
  V6Parts parts;
  IpParseError error = split_v6(text, parts);
  if (error != IpParseError::kNone) return error;
  int hi = 0, lo = 0, skipped = 0;
  error = layout_v6(parts, hi, lo, skipped);
  if (error != IpParseError::kNone) return error;
  u128 value = 0;
  auto take = [&](int i) {
    std::uint32_t group = parts.given[i];
    if (!parts.is_given[i]) error = parse_group(parts.text[i], group);
    value = value << 16 | group;
    return error == IpParseError::kNone;
  };
  for (int i = 0; i < hi; ++i)
    if (!take(i)) return error;
  if (skipped < 8) value <<= 16 * skipped; // "::" alone: nothing before it to shift
  for (int i = parts.count - lo; i < parts.count; ++i)
    if (!take(i)) return error;
  out = value;
  return IpParseError::kNone;
}

std::size_t format_v4(std::uint32_t value, char *buf) {
  char *p = buf;
  for (int shift = 24; shift >= 0; shift -= 8) {
    const unsigned octet = (value >> shift) & 0xff;
    if (octet >= 100) *p++ = static_cast<char>('0' + octet / 100);
    if (octet >= 10) *p++ = static_cast<char>('0' + octet / 10 % 10);
    *p++ = static_cast<char>('0' + octet % 10);
    if (shift) *p++ = '.';
  }
  return static_cast<std::size_t>(p - buf);
}

char *format_group(unsigned group, char *p) {
  static constexpr char kHex[] = "0123456789abcdef";
  bool started = false;
  for (int shift = 12; shift >= 0; shift -= 4) {
    const unsigned digit = (group >> shift) & 0xf;
    if (digit == 0 && !started && shift) continue;
    started = true;
    *p++ = kHex[digit];
  }
  return p;
}

std::size_t format_v6(u128 value, char *buf) {
  if (value >> 32 == 0xffff) {
    static constexpr std::string_view kMapped = "::ffff:";
    kMapped.copy(buf, kMapped.size());
    return kMapped.size() + format_v4(static_cast<std::uint32_t>(value), buf + kMapped.size());
  }
  unsigned groups[8];
  for (int i = 0; i < 8; ++i)
    groups[i] = static_cast<unsigned>(value >> (112 - 16 * i)) & 0xffff;
  // RFC 5952: the longest run of two or more zero groups, the first on a tie.
  int best_start = -1, best_len = 1;
  for (int i = 0; i < 8;) {
    int j = i;
    while (j < 8 && groups[j] == 0)
      ++j;
    if (j - i > best_len) best_start = i, best_len = j - i;
    i = j == i ? i + 1 : j;
  }
  char *p = buf;
  for (int i = 0; i < 8; ++i) {
    if (i == best_start) {
      *p++ = ':';
      if (i == 0) *p++ = ':';
      i += best_len - 1;
      continue;
    }
    p = format_group(groups[i], p);
    if (i < 7) *p++ = ':';
  }
  return static_cast<std::size_t>(p - buf);
}

struct Block {
  u128 base;
  int prefix;
};

bool in_block(u128 value, int bits, const Block &block) {
  const int host_bits = bits - block.prefix;
  return host_bits >= bits ? true : (value >> host_bits) == (block.base >> host_bits);
}

template <std::size_t N> bool in_any(u128 value, int bits, const Block (&blocks)[N]) {
  for (const Block &block : blocks)
    if (in_block(value, bits, block)) return true;
  return false;
}

constexpr u128 v6_of(std::uint64_t hi, std::uint64_t lo = 0) {
  return static_cast<u128>(hi) << 64 | lo;
}

// CPython's _IPv4Constants._private_networks and its exceptions.
constexpr Block kV4Private[] = {
    {0x00000000, 8},  {0x0a000000, 8},  {0x7f000000, 8},  {0xa9fe0000, 16}, {0xac100000, 12},
    {0xc0000000, 24}, {0xc00000aa, 31}, {0xc0000200, 24}, {0xc0a80000, 16}, {0xc6120000, 15},
    {0xc6336400, 24}, {0xcb007100, 24}, {0xf0000000, 4},  {0xffffffff, 32},
};
constexpr Block kV4PrivateExceptions[] = {{0xc0000009, 32}, {0xc000000a, 32}};

// CPython's _IPv6Constants._private_networks and its exceptions.
constexpr Block kV6Private[] = {
    {1, 128},
    {0, 128},
    {v6_of(0, 0xffff00000000), 96},
    {v6_of(0x0064ff9b00010000), 48},
    {v6_of(0x0100000000000000), 64},
    {v6_of(0x2001000000000000), 23},
    {v6_of(0x20010db800000000), 32},
    {v6_of(0x2002000000000000), 16},
    {v6_of(0xfc00000000000000), 7},
    {v6_of(0xfe80000000000000), 10},
};
constexpr Block kV6PrivateExceptions[] = {
    {v6_of(0x2001000100000000, 1), 128}, {v6_of(0x2001000100000000, 2), 128},
    {v6_of(0x2001000300000000), 32},     {v6_of(0x2001000401120000), 48},
    {v6_of(0x2001002000000000), 28},     {v6_of(0x2001003000000000), 28},
};

} // namespace

const char *describe(IpParseError error) {
  switch (error) {
  case IpParseError::kNone:
    return "no error";
  case IpParseError::kEmpty:
    return "address is empty";
  case IpParseError::kSlash:
    return "unexpected '/' in address";
  case IpParseError::kZoneId:
    return "zone ids ('%') are not permitted";
  case IpParseError::kOctetCount:
    return "expected 4 octets";
  case IpParseError::kOctetEmpty:
    return "empty octet";
  case IpParseError::kOctetNotDigits:
    return "only decimal digits are permitted in an octet";
  case IpParseError::kOctetTooLong:
    return "at most 3 digits are permitted in an octet";
  case IpParseError::kOctetLeadingZero:
    return "leading zeros are not permitted in an octet";
  case IpParseError::kOctetRange:
    return "octet out of range (> 255)";
  case IpParseError::kTooFewParts:
    return "at least 3 parts expected";
  case IpParseError::kTooManyColons:
    return "at most 8 colons permitted";
  case IpParseError::kMultipleDoubleColon:
    return "at most one '::' permitted";
  case IpParseError::kLeadingColon:
    return "leading ':' only permitted as part of '::'";
  case IpParseError::kTrailingColon:
    return "trailing ':' only permitted as part of '::'";
  case IpParseError::kTooManyGroupsWithDoubleColon:
    return "at most 7 other groups permitted with '::'";
  case IpParseError::kGroupCount:
    return "exactly 8 groups expected without '::'";
  case IpParseError::kGroupEmpty:
    return "empty group";
  case IpParseError::kGroupNotHex:
    return "only hex digits are permitted in a group";
  case IpParseError::kGroupTooLong:
    return "at most 4 hex digits are permitted in a group";
  case IpParseError::kEmbeddedV4:
    return "invalid embedded IPv4 address";
  }
  return "invalid address";
}

namespace {

// The common case in one pass: a dotted quad of 1-3 digit octets without
// leading zeros, each <= 255. What it accepts, parse_v4 accepts too, with
// the same value; anything else takes the general path for its verdict.
bool quick_dotted_quad(std::string_view text, std::uint32_t &out) {
  if (text.size() < 7 || text.size() > 15) return false;
  std::uint32_t value = 0, octet = 0;
  int digits = 0, dots = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    const char c = i < text.size() ? text[i] : '.';
    if (is_digit(c)) {
      if (digits == 1 && octet == 0) return false; // leading zero
      octet = octet * 10 + static_cast<std::uint32_t>(c - '0');
      if (++digits > 3) return false;
    } else if (c == '.' && digits > 0 && octet <= 255) {
      value = value << 8 | octet;
      octet = 0;
      digits = 0;
      ++dots;
    } else {
      return false;
    }
  }
  if (dots != 4) return false; // three dots and the end
  out = value;
  return true;
}

} // namespace

std::optional<IpAddress> IpAddress::try_parse(std::string_view text, IpParseError *error) noexcept {
  if (std::uint32_t quick = 0; quick_dotted_quad(text, quick)) {
    if (error) *error = IpParseError::kNone;
    return v4(quick);
  }
  IpParseError result = IpParseError::kNone;
  IpAddress addr;
  if (text.empty()) {
    result = IpParseError::kEmpty;
  } else if (text.find('/') != std::string_view::npos) {
    result = IpParseError::kSlash;
  } else if (text.find('%') != std::string_view::npos) {
    result = IpParseError::kZoneId;
  } else if (text.find(':') != std::string_view::npos) {
    u128 value = 0;
    result = parse_v6(text, value);
    addr = v6(value);
  } else {
    std::uint32_t value = 0;
    result = parse_v4(text, value);
    addr = v4(value);
  }
  if (error) *error = result;
  if (result != IpParseError::kNone) return std::nullopt;
  return addr;
}

// Quotes at most this much of a bad input in an error message.
static constexpr std::size_t kQuoteLimit = 64;

Result<IpAddress> IpAddress::parse(std::string_view text) {
  IpParseError error = IpParseError::kNone;
  if (auto addr = try_parse(text, &error)) return *addr;
  std::string message = "invalid IP address '";
  for (char c : text.substr(0, kQuoteLimit))
    message += (c >= 0x20 && c < 0x7f) ? c : '?';
  message += text.size() > kQuoteLimit ? "...': " : "': ";
  message += describe(error);
  return make_error(std::move(message));
}

std::optional<IpAddress> IpAddress::ipv4_mapped() const {
  if (version_ != 6 || value_ >> 32 != 0xffff) return std::nullopt;
  return v4(static_cast<std::uint32_t>(value_));
}

std::size_t IpAddress::format_to(char *buf) const {
  return is_v4() ? format_v4(v4_value(), buf) : format_v6(value_, buf);
}

void IpAddress::append_to(std::string &out) const {
  char buf[kMaxTextLength];
  out.append(buf, format_to(buf));
}

std::string IpAddress::to_string() const {
  std::string out;
  append_to(out);
  return out;
}

bool IpAddress::is_loopback() const {
  if (auto mapped = ipv4_mapped()) return mapped->is_loopback();
  return is_v4() ? v4_value() >> 24 == 127 : value_ == 1;
}

bool IpAddress::is_private() const {
  if (auto mapped = ipv4_mapped()) return mapped->is_private();
  if (is_v4()) return in_any(value_, 32, kV4Private) && !in_any(value_, 32, kV4PrivateExceptions);
  return in_any(value_, 128, kV6Private) && !in_any(value_, 128, kV6PrivateExceptions);
}

std::size_t hash_value(const IpAddress &addr) {
  // splitmix64 finaliser over both halves; cheap and well mixed.
  auto mix = [](std::uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  };
  const u128 value = addr.value();
  const auto hi = static_cast<std::uint64_t>(value >> 64);
  const auto lo = static_cast<std::uint64_t>(value);
  return static_cast<std::size_t>(mix(lo ^ mix(hi + static_cast<std::uint64_t>(addr.version()))));
}

} // namespace spamflow
