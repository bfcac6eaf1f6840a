// Parsing whois answers (RPSL-like "key: value" text) of the five RIRs:
// inetnum/inet6num/netname/country/descr (RIPE NCC, APNIC, AFRINIC, LACNIC)
// and NetRange/CIDR/NetName/OrgName/Country (ARIN), plus the referral lines
// that send a client on to another server.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "ip/cidr.hpp"
#include "ip/ip_address.hpp"

namespace spamflow {

struct WhoisNetwork {
  IpAddress first;
  IpAddress last;
  std::vector<IpNetwork> cidrs; // the range as CIDRs (ARIN lists them)
  std::string netname;
  std::string country;
  std::string descr; // first descr: line, or OrgName
  std::string org;   // org: / OrgId handle
};

// The most specific network in `text` that contains `addr`; an error when
// the answer names none.
Result<WhoisNetwork> parse_whois_network(std::string_view text, const IpAddress &addr);

// The server this answer refers the query to ("refer:", "whois:",
// "ReferralServer: whois://host:port"), or "" when it is final. ARIN's
// transferred ranges ("NetType: ... Transferred to APNIC" / "Allocated to
// RIPE NCC") refer to that registry's server.
std::string whois_referral(std::string_view text);

} // namespace spamflow
