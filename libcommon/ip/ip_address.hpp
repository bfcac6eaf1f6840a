// IPv4 and IPv6 addresses as one value type, parsed and printed the way
// Python's ipaddress module does (our reference; see tests/ip_differential.py).
//
// Parsing is on logjoin's hot path: it never throws, never allocates on
// success, and try_parse() never allocates at all. Only Result's error
// message (built on failure) allocates.
#pragma once
#include <compare>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace spamflow {

// Why an address did not parse; describe() gives the text for each.
enum class IpParseError : std::uint8_t {
  kNone,
  kEmpty,
  kSlash,          // "1.2.3.4/24" given where an address was expected
  kZoneId,         // "fe80::1%eth0": scoped addresses are not accepted
  kOctetCount,     // IPv4: not exactly 4 dot-separated octets
  kOctetEmpty,     // "1..2.3"
  kOctetNotDigits, // "1.2.3.x", "+1", " 1"
  kOctetTooLong,   // more than 3 digits
  kOctetLeadingZero,
  kOctetRange, // > 255
  kTooFewParts,
  kTooManyColons,
  kMultipleDoubleColon,
  kLeadingColon,
  kTrailingColon,
  kTooManyGroupsWithDoubleColon,
  kGroupCount, // not exactly 8 groups and no "::"
  kGroupEmpty,
  kGroupNotHex,
  kGroupTooLong, // more than 4 hex digits
  kEmbeddedV4,   // bad dotted quad after the last ':'
};

// A static, human-readable reason, e.g. "leading zeros are not permitted in an octet".
const char *describe(IpParseError error);

class IpAddress {
public:
  // 0.0.0.0, so that containers of addresses can be default-constructed.
  constexpr IpAddress() = default;

  // Strict like Python's ip_address(): no leading zeros in IPv4 octets, no
  // zone ids, no surrounding blanks, no "/len". The error says what is wrong.
  static Result<IpAddress> parse(std::string_view text);
  // The same, allocation-free: the reason goes to *error if given.
  static std::optional<IpAddress> try_parse(std::string_view text,
                                            IpParseError *error = nullptr) noexcept;

  // Values are in host byte order: v4(0x7f000001) is 127.0.0.1.
  static constexpr IpAddress v4(std::uint32_t host_order) { return IpAddress(4, host_order); }
  static constexpr IpAddress v6(unsigned __int128 host_order) { return IpAddress(6, host_order); }
  // The same from the high and low 64 bits (2001:db8:: is hi 0x20010db800000000, lo 0).
  static constexpr IpAddress v6(std::uint64_t hi, std::uint64_t lo) {
    return v6((static_cast<unsigned __int128>(hi) << 64) | lo);
  }

  bool is_v4() const { return version_ == 4; }
  int version() const { return version_; }
  int max_prefix() const { return version_ == 4 ? 32 : 128; }
  // Only meaningful if is_v4().
  std::uint32_t v4_value() const { return static_cast<std::uint32_t>(value_); }
  // For IPv4 this is the 32-bit value, zero-extended.
  unsigned __int128 value() const { return value_; }
  unsigned __int128 v6_value() const { return value_; }

  // ::ffff:a.b.c.d gives a.b.c.d; anything else (IPv4 included) gives nullopt.
  std::optional<IpAddress> ipv4_mapped() const;

  // IPv4 dotted quad; IPv6 as RFC 5952 (lower case, longest zero run of two
  // or more groups as "::", first one on a tie) and ::ffff:1.2.3.4 for mapped.
  std::string to_string() const;
  void append_to(std::string &out) const;
  // Longest text to_string() can return ("ffff:...:ffff" is 39 characters).
  static constexpr std::size_t kMaxTextLength = 39;
  // Writes the text to buf (at least kMaxTextLength bytes), returns its length.
  std::size_t format_to(char *buf) const;

  // Python 3.13 semantics: 127.0.0.0/8 and ::1; an IPv4-mapped address
  // answers as its IPv4 address.
  bool is_loopback() const;
  // Python's is_private (IANA special registries, "not globally reachable"),
  // IPv4-mapped addresses answering as their IPv4 address.
  bool is_private() const;

  // IPv4 sorts before IPv6, then by numeric value.
  friend constexpr std::strong_ordering operator<=>(const IpAddress &a, const IpAddress &b) {
    if (a.version_ != b.version_) return a.version_ <=> b.version_;
    if (a.value_ != b.value_)
      return a.value_ < b.value_ ? std::strong_ordering::less : std::strong_ordering::greater;
    return std::strong_ordering::equal;
  }
  friend constexpr bool operator==(const IpAddress &a, const IpAddress &b) {
    return a.version_ == b.version_ && a.value_ == b.value_;
  }

private:
  constexpr IpAddress(std::uint8_t version, unsigned __int128 value)
      : value_(value), version_(version) {}

  unsigned __int128 value_ = 0;
  std::uint8_t version_ = 4;
};

// Mixes the 128-bit value and the family into one size_t.
std::size_t hash_value(const IpAddress &addr);

} // namespace spamflow

template <> struct std::hash<spamflow::IpAddress> {
  std::size_t operator()(const spamflow::IpAddress &addr) const noexcept {
    return spamflow::hash_value(addr);
  }
};
