#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "netinfo/whois_parse.hpp"

using namespace spamflow;

namespace {

std::string whois_file(const std::string &name) {
  std::ifstream f(std::string(SPAMFLOW_SHARED_DATA) + "/net/whois/" + name);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

WhoisNetwork parsed(const std::string &file, const char *ip) {
  std::string text = whois_file(file);
  if (text.empty()) FAIL("missing " << file);
  Result<WhoisNetwork> net = parse_whois_network(text, *IpAddress::parse(ip));
  if (!net) FAIL(net.error());
  return *net;
}

} // namespace

TEST_CASE("whois answers of the five registries", "[whois]") {
  auto ripe = parsed("ipwhois/ripencc-62.239.237.1.txt", "62.239.237.1");
  CHECK(ripe.first.to_string() == "62.239.237.0");
  CHECK(ripe.last.to_string() == "62.239.237.255");
  CHECK(ripe.netname == "BT-CORPORATE");
  CHECK(ripe.country == "GB");
  auto apnic = parsed("ipwhois/apnic-2001_240_10c_1__ca20_9d1d.txt", "2001:240:10c:1::ca20:9d1d");
  CHECK(apnic.cidrs.at(0).to_string() == "2001:240:10c::/48"); // most specific of two
  CHECK(apnic.netname == "IIJ-PRJNET");
  auto lacnic = parsed("ipwhois/lacnic-200.57.141.161.txt", "200.57.141.161");
  CHECK(lacnic.cidrs.at(0).to_string() == "200.57.128.0/19");
  CHECK(lacnic.org == "MX-TSCV6-LACNIC");
  auto afrinic = parsed("ipwhois/afrinic-196.11.240.215.txt", "196.11.240.215");
  CHECK(afrinic.last.to_string() == "196.11.246.255");
  CHECK(afrinic.cidrs.size() > 1); // a range that is not one CIDR
  auto arin = parsed("ipwhois/arin-74.125.225.229.txt", "74.125.225.229");
  CHECK((arin.org == "GOGL" && arin.country == "US" && arin.descr == "Google Inc."));
  auto multi = parsed("whois-parser-gem/arin_referral_apnic.txt", "144.134.121.81");
  CHECK(multi.cidrs.size() == 4);
  CHECK(multi.first.to_string() == "144.130.0.0");
}

TEST_CASE("whois referrals and hostile text", "[whois]") {
  CHECK(whois_referral(whois_file("whois-parser-gem/arin_referral_apnic.txt")) ==
        "whois.apnic.net");
  CHECK(whois_referral(whois_file("whois-parser-gem/arin_referral_whois.txt")) ==
        "whois.ripe.net:43");
  CHECK(whois_referral(whois_file("whois-parser-gem/arin_referral_rwhois.txt")).empty());
  CHECK(whois_referral(whois_file("whois-parser-gem/arin_referral_missing.txt")).empty());
  CHECK(whois_referral("refer:        whois.afrinic.net\n") == "whois.afrinic.net");
  CHECK(whois_referral("refer: evil.example;rm -rf /\n").empty());
  CHECK(whois_referral("NetType: Early Registrations, Transferred to RIPE NCC\n") ==
        "whois.ripe.net");
  std::string junk(100000, '\x01');
  junk +=
      "\ninetnum: 10.0.0.0 - 10.0.0.255\nnetname: A\x1b[31mB\ncountry: " + std::string(5000, 'X') +
      "\n";
  auto net = parse_whois_network(junk, *IpAddress::parse("10.0.0.7"));
  REQUIRE(net.ok());
  CHECK(net->netname == "A [31mB"); // control characters blanked
  CHECK(net->country.empty());      // not a country code
  CHECK_FALSE(
      parse_whois_network("inetnum: 10.0.0.0 - 10.0.0.255\n", *IpAddress::parse("10.0.1.1")).ok());
}
