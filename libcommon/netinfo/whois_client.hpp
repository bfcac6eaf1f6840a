// RFC 3912 whois for one address: ask IANA, follow referrals (refer:,
// ReferralServer:, ARIN's "whois.apnic.net"-style pointers), parse the
// registry's answer into a network. Answers are cached in SQLite with a TTL;
// each server is asked at most once per min_interval; every connection has a
// timeout and a size cap. Whois text is hostile input: it is parsed, never
// passed to a shell, and every field is length-bounded.
#pragma once
#include <cstdint>
#include <map>
#include <string>

#include "base/result.hpp"
#include "ip/ip_address.hpp"
#include "netinfo/whois_parse.hpp"

namespace spamflow {

struct WhoisOptions {
  std::string iana_server = "whois.iana.org";
  // Server name -> "host:port" to connect to instead (tests point every
  // registry at a local server this way); the default port is 43.
  std::map<std::string, std::string> connect_map;
  std::string cache_path;               // "" = no cache
  std::int64_t cache_ttl_s = 7 * 86400; // registry data changes slowly
  double min_interval_s = 2.0;          // per server; registries block floods
  int timeout_ms = 10000;               // per connection, connect to last byte
  std::size_t max_response = 256 * 1024;
  int max_referrals = 3;
};

struct WhoisAnswer {
  WhoisNetwork network;
  std::string server; // the server that gave the final answer
  bool from_cache = false;
};

class WhoisClient {
public:
  explicit WhoisClient(WhoisOptions options);
  ~WhoisClient();
  WhoisClient(const WhoisClient &) = delete;
  WhoisClient &operator=(const WhoisClient &) = delete;

  Result<WhoisAnswer> lookup(const IpAddress &addr);
  // One raw query (no referrals, no cache), rate limit and timeout applied.
  Result<std::string> query(const std::string &server, const std::string &text);

private:
  struct Impl;
  Impl *impl_;
};

} // namespace spamflow
