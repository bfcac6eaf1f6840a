// IPv4 and IPv6 networks (CIDR blocks) and the set operations banwrite and
// netlookup need: contain, summarize a range, collapse a list, cut a hole.
// Semantics follow Python's ipaddress (IPv4Network, collapse_addresses,
// summarize_address_range, address_exclude); the few deliberate differences
// are noted where they are declared.
#pragma once
#include <compare>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "ip/ip_address.hpp"

namespace spamflow {

class IpNetwork {
public:
  // 0.0.0.0/0.
  constexpr IpNetwork() = default;

  // "a.b.c.d/len", "v6/len", or a bare address (/32, /128). IPv4 also takes
  // a dotted netmask or hostmask ("/255.255.255.0", "/0.0.0.255") as Python
  // does. The length is ASCII digits only (leading zeros allowed, no sign or
  // blanks). strict rejects host bits ("10.1.2.3/8"); non-strict clears them.
  // No allocation unless it fails.
  static Result<IpNetwork> parse(std::string_view text, bool strict = true);
  static Result<IpNetwork> from(IpAddress addr, int prefix_len, bool strict = true);
  // The network of prefix_len (clamped to 0..max_prefix()) that holds addr:
  // from() without its checks, for hot paths whose lengths are known good.
  static IpNetwork containing(IpAddress addr, int prefix_len);

  IpAddress network_address() const { return addr_; }
  IpAddress broadcast_address() const; // the last address
  int prefix_len() const { return prefix_; }
  bool is_v4() const { return addr_.is_v4(); }
  int version() const { return addr_.version(); }
  int max_prefix() const { return addr_.max_prefix(); }

  // False across families (a v4 network never contains ::ffff:a.b.c.d).
  bool contains(const IpAddress &addr) const;
  // All three are false across families (Python raises there).
  bool subnet_of(const IpNetwork &other) const;
  bool supernet_of(const IpNetwork &other) const { return other.subnet_of(*this); }
  bool overlaps(const IpNetwork &other) const;

  // The enclosing network of prefix new_prefix, 0 <= new_prefix <= prefix_len().
  // Unlike Python, /0 with new_prefix > 0 is an error, not /0 itself.
  Result<IpNetwork> supernet(int new_prefix) const;
  // The 2^(new_prefix - prefix_len()) networks of prefix new_prefix, in order;
  // an error if new_prefix is out of range or there would be more than limit.
  // Unlike Python, a /32 (/128) with new_prefix != 32 (128) is an error.
  Result<std::vector<IpNetwork>> subnets(int new_prefix, std::size_t limit = 1 << 20) const;

  std::string to_string() const; // "network_address/prefix_len"
  void append_to(std::string &out) const;

  // By family, then network address, then prefix length (as Python sorts).
  friend constexpr std::strong_ordering operator<=>(const IpNetwork &a,
                                                    const IpNetwork &b) = default;
  friend constexpr bool operator==(const IpNetwork &a, const IpNetwork &b) = default;

private:
  constexpr IpNetwork(IpAddress addr, int prefix)
      : addr_(addr), prefix_(static_cast<std::uint8_t>(prefix)) {}

  IpAddress addr_;
  std::uint8_t prefix_ = 0;
};

std::size_t hash_value(const IpNetwork &net);

// The fewest networks covering first..last inclusive, in order. Empty if the
// families differ or last < first.
std::vector<IpNetwork> summarize_range(IpAddress first, IpAddress last);

// The fewest networks covering the same addresses as nets (overlapping and
// adjacent ones merged), sorted: IPv4 first, then IPv6.
std::vector<IpNetwork> collapse_networks(std::vector<IpNetwork> nets);

// net minus hole, as the fewest networks, sorted (Python's address_exclude
// yields the same set, largest first). {net} if hole is outside net (or of
// the other family); empty if hole covers net (Python raises when hole is a
// strict supernet; for a ban list "nothing left" is the safe answer).
std::vector<IpNetwork> exclude_network(const IpNetwork &net, const IpNetwork &hole);

} // namespace spamflow

template <> struct std::hash<spamflow::IpNetwork> {
  std::size_t operator()(const spamflow::IpNetwork &net) const noexcept {
    return spamflow::hash_value(net);
  }
};
