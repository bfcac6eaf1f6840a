// Does a reverse-DNS name look like a residential or dynamic address pool
// (the hijacked desktop machines that send most spam)? Used by spamclass to
// score clients and by report to label networks.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ip/ip_address.hpp"

namespace spamflow {

// What the detector saw in one name.
struct PoolNameMatch {
  bool pool = false;           // the verdict: a dynamic/residential pool name
  bool embeds_address = false; // an IPv4 address is written into the name
  bool matches_client = false; // ... and it is the client's own address
  std::string_view form;       // how: "decimal", "reversed", "padded", "hex"
  std::string pool_word;       // first pool word found ("dsl", "dyn", ...), if any
  std::string static_word;     // first word that marks a served host ("static", "mail", ...)
};

// Words are compared, lower case, with the alphabetic runs of the host part
// of the name (every label but the last two, so the provider's own domain
// never counts): "c-73-22-11-5.hsd1.ca.comcast.net" gives c, hsd, ca.
//
// Verdict:
// - a static word ("static", "mail", "mx", "smtp", ...) anywhere in the host
//   part means a served or fixed host: never a pool. So
//   123-45-67-89.static.example.com embeds its address (embeds_address is
//   set, for callers that want to know) but is not a pool: providers name
//   fixed business lines that way, and mail servers sit on them;
// - otherwise an embedded address makes a pool name, and so does a pool
//   word together with at least three digits in the host part
//   ("ppp1234.example.net"), since a bare word ("dsl.example.net") is more
//   often a provider's service host than a customer line.
//
// Embedded address forms (IPv4 only), with the client's address known:
// its four octets in order or reversed as decimal numbers separated by
// anything ("73-22-11-5", "5.11.22.73", "host73x22x11x5"), three of them in a
// row likewise ("dsl-22-11-5"), twelve zero-padded digits ("073022011005",
// either order) or eight hex digits ("p5DCC0A12", either order). Without
// the address: four numbers 0..255 joined by single '-', '.' or '_'; twelve
// digits that split into four octets; or an alphanumeric run of one or two
// letters and eight hex digits, at least three of them digits.
class PoolNameDetector {
public:
  PoolNameDetector(); // the built-in word lists
  PoolNameDetector(std::vector<std::string> pool_words, std::vector<std::string> static_words);

  static const std::vector<std::string> &default_pool_words();
  static const std::vector<std::string> &default_static_words();

  // `name` without trailing dot; case is ignored. client: the address the
  // name was looked up for, when known (makes address matching exact).
  PoolNameMatch check(std::string_view name, std::optional<IpAddress> client = {}) const;

private:
  bool is_pool_word(std::string_view word) const;
  bool is_static_word(std::string_view word) const;

  std::vector<std::string> pool_words_;
  std::vector<std::string> static_words_;
};

} // namespace spamflow
