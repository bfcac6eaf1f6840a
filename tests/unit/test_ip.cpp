#include <catch2/catch.hpp>

#include <cstdint>
#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include "ip/cidr.hpp"
#include "ip/ip_address.hpp"

using spamflow::IpAddress;
using spamflow::IpNetwork;

namespace {

IpAddress addr(std::string_view text) {
  auto parsed = IpAddress::parse(text);
  INFO(text);
  REQUIRE(parsed.ok());
  return *parsed;
}

IpNetwork net(std::string_view text) {
  auto parsed = IpNetwork::parse(text);
  INFO(text);
  REQUIRE(parsed.ok());
  return *parsed;
}

std::string addr_error(std::string_view text) {
  auto parsed = IpAddress::parse(text);
  return parsed.ok() ? "accepted as " + parsed->to_string() : parsed.error();
}

std::string net_error(std::string_view text, bool strict = true) {
  auto parsed = IpNetwork::parse(text, strict);
  return parsed.ok() ? "accepted as " + parsed->to_string() : parsed.error();
}

std::string joined(const std::vector<IpNetwork> &nets) {
  std::string out;
  for (const IpNetwork &n : nets) {
    if (!out.empty()) out += ' ';
    n.append_to(out);
  }
  return out;
}

} // namespace

TEST_CASE("IPv4 and IPv6 addresses parse and print as Python's ipaddress does", "[ip]") {
  CHECK(addr("192.0.2.1").to_string() == "192.0.2.1");
  CHECK(addr("0.0.0.0").v4_value() == 0);
  CHECK(addr("255.255.255.255").v4_value() == 0xffffffffU);
  CHECK(addr("127.0.0.1") == IpAddress::v4(0x7f000001));
  CHECK(addr("2001:DB8:0:0:1:0:0:1").to_string() == "2001:db8::1:0:0:1"); // first longest run
  CHECK(addr("2001:db8:0:0:0:0:2:1").to_string() == "2001:db8::2:1");
  CHECK(addr("2001:0db8:0000:0001:0001:0001:0001:0001").to_string() == "2001:db8:0:1:1:1:1:1");
  CHECK(addr("::").to_string() == "::");
  CHECK(addr("::1").to_string() == "::1");
  CHECK(addr("1::").to_string() == "1::");
  CHECK(addr("::1:2:3:4:5:6:7").to_string() == "0:1:2:3:4:5:6:7"); // one zero group stays
  CHECK(addr("::ffff:1.2.3.4").to_string() == "::ffff:1.2.3.4");
  CHECK(addr("::FFFF:102:304").to_string() == "::ffff:1.2.3.4");
  CHECK(addr("64:ff9b::1.2.3.4").to_string() == "64:ff9b::102:304");
  CHECK(addr("2001:db8::1") == IpAddress::v6(0x20010db800000000ULL, 1));
  CHECK(addr("::1").version() == 6);
  CHECK(addr("::1").max_prefix() == 128);
  CHECK(addr("1.2.3.4").max_prefix() == 32);

  std::string out = "client=";
  addr("fe80::1").append_to(out);
  CHECK(out == "client=fe80::1");
}

TEST_CASE("bad addresses get a described error", "[ip]") {
  CHECK(addr_error("") == "invalid IP address '': address is empty");
  CHECK(addr_error("1.2.3.256") == "invalid IP address '1.2.3.256': octet out of range (> 255)");
  CHECK(addr_error("1.2.3.04") ==
        "invalid IP address '1.2.3.04': leading zeros are not permitted in an octet");
  CHECK(addr_error("1.2.3") == "invalid IP address '1.2.3': expected 4 octets");
  CHECK(addr_error("1..2.3") == "invalid IP address '1..2.3': empty octet");
  CHECK(addr_error("1.2.3.1000") ==
        "invalid IP address '1.2.3.1000': at most 3 digits are permitted in an octet");
  CHECK(addr_error(" 1.2.3.4") ==
        "invalid IP address ' 1.2.3.4': only decimal digits are permitted in an octet");
  CHECK(addr_error("fe80::1%eth0") ==
        "invalid IP address 'fe80::1%eth0': zone ids ('%') are not permitted");
  CHECK(addr_error("1.2.3.4/32") == "invalid IP address '1.2.3.4/32': unexpected '/' in address");
  CHECK(addr_error("1:2:3:4:5:6:7:8:9") ==
        "invalid IP address '1:2:3:4:5:6:7:8:9': exactly 8 groups expected without '::'");
  CHECK(addr_error("1:2:3:4:5:6:7:8:9:0") ==
        "invalid IP address '1:2:3:4:5:6:7:8:9:0': at most 8 colons permitted");
  CHECK(addr_error("1::2::3") == "invalid IP address '1::2::3': at most one '::' permitted");
  CHECK(addr_error(":1:2:3:4:5:6:7") ==
        "invalid IP address ':1:2:3:4:5:6:7': leading ':' only permitted as part of '::'");
  CHECK(addr_error("1:2:3:4::5:6:7:8") ==
        "invalid IP address '1:2:3:4::5:6:7:8': at most 7 other groups permitted with '::'");
  CHECK(addr_error("::12345") ==
        "invalid IP address '::12345': at most 4 hex digits are permitted in a group");
  CHECK(addr_error("::g") == "invalid IP address '::g': only hex digits are permitted in a group");
  CHECK(addr_error("::1.2.3.04") ==
        "invalid IP address '::1.2.3.04': invalid embedded IPv4 address");
  CHECK(addr_error("1.2.3.4::") ==
        "invalid IP address '1.2.3.4::': only hex digits are permitted in a group");
  // Control bytes are not echoed, long input is cut.
  CHECK(addr_error(std::string("1.2\n.3\0", 7)) ==
        "invalid IP address '1.2?.3?': expected 4 octets");
  CHECK(addr_error(std::string(100, '9')).size() < 140);

  spamflow::IpParseError why = spamflow::IpParseError::kNone;
  CHECK_FALSE(IpAddress::try_parse("010.0.0.1", &why));
  CHECK(why == spamflow::IpParseError::kOctetLeadingZero);
  CHECK(IpAddress::try_parse("10.0.0.1", &why));
  CHECK(why == spamflow::IpParseError::kNone);
}

TEST_CASE("networks parse strictly or leniently, with described errors", "[ip]") {
  CHECK(net("10.0.0.0/8").to_string() == "10.0.0.0/8");
  CHECK(net("10.0.0.0/255.0.0.0").to_string() == "10.0.0.0/8");
  CHECK(net("10.0.0.0/0.255.255.255").to_string() == "10.0.0.0/8"); // hostmask
  CHECK(net("10.0.0.0/008").to_string() == "10.0.0.0/8");
  CHECK(net("192.0.2.7").to_string() == "192.0.2.7/32");
  CHECK(net("2001:db8::").to_string() == "2001:db8::/128");
  CHECK(net("0.0.0.0/0").prefix_len() == 0);
  CHECK(net("::/0").broadcast_address().to_string() == "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
  CHECK(net("192.0.2.0/31").broadcast_address().to_string() == "192.0.2.1");
  CHECK(net("2001:db8::/127").broadcast_address().to_string() == "2001:db8::1");

  CHECK(net_error("10.1.2.3/8") == "invalid network '10.1.2.3/8': host bits set");
  CHECK(net_error("10.1.2.3/8", false) == "accepted as 10.0.0.0/8");
  CHECK(net_error("::1/127", false) == "accepted as ::/127");
  CHECK(net_error("10.0.0.0/33") ==
        "invalid network '10.0.0.0/33': prefix length must be 0..32 or a dotted netmask");
  CHECK(net_error("::/129") == "invalid network '::/129': prefix length must be 0..128");
  CHECK(net_error("::/ffff::") == "invalid network '::/ffff::': prefix length must be 0..128");
  CHECK(net_error("10.0.0.0/255.0.255.0") ==
        "invalid network '10.0.0.0/255.0.255.0': prefix length must be 0..32 or a dotted netmask");
  CHECK(net_error("10.0.0.0/ 8") ==
        "invalid network '10.0.0.0/ 8': prefix length must be 0..32 or a dotted netmask");
  CHECK(net_error("10.0.0.0/") ==
        "invalid network '10.0.0.0/': prefix length must be 0..32 or a dotted netmask");
  CHECK(net_error("10.0.0.0/8/8") == "invalid network '10.0.0.0/8/8': only one '/' permitted");
  CHECK(net_error("010.0.0.0/8") ==
        "invalid network '010.0.0.0/8': leading zeros are not permitted in an octet");
  CHECK(net_error("/8") == "invalid network '/8': address is empty");
  CHECK(net_error("fe80::%1/64") ==
        "invalid network 'fe80::%1/64': zone ids ('%') are not permitted");

  CHECK(IpNetwork::from(addr("10.1.2.3"), 8, false)->to_string() == "10.0.0.0/8");
  CHECK(IpNetwork::from(addr("10.1.2.3"), 8).error() == "10.1.2.3/8 has host bits set");
  CHECK(IpNetwork::from(addr("10.1.2.3"), 33).error() == "prefix length 33 out of range 0..32");
  CHECK(IpNetwork::from(addr("::"), -1).error() == "prefix length -1 out of range 0..128");

  // containing(): from() without checks, the length clamped.
  CHECK(IpNetwork::containing(addr("10.1.2.3"), 8).to_string() == "10.0.0.0/8");
  CHECK(IpNetwork::containing(addr("10.1.2.3"), 32).to_string() == "10.1.2.3/32");
  CHECK(IpNetwork::containing(addr("10.1.2.3"), 0).to_string() == "0.0.0.0/0");
  CHECK(IpNetwork::containing(addr("10.1.2.3"), 40).to_string() == "10.1.2.3/32");
  CHECK(IpNetwork::containing(addr("2001:db8::1"), 48).to_string() == "2001:db8::/48");
  CHECK(IpNetwork::containing(addr("2001:db8::1"), -3).to_string() == "::/0");
  for (int len = 0; len <= 128; len += 7)
    CHECK(IpNetwork::containing(addr("2001:db8:ffff::1"), len) ==
          IpNetwork::from(addr("2001:db8:ffff::1"), len, false).value());
}

TEST_CASE("containment, subnets and supernets", "[ip]") {
  const IpNetwork ten = net("10.0.0.0/8");
  CHECK(ten.contains(addr("10.255.255.255")));
  CHECK_FALSE(ten.contains(addr("11.0.0.0")));
  CHECK_FALSE(ten.contains(addr("::ffff:10.0.0.1"))); // no cross-family answers
  CHECK(net("10.1.0.0/16").subnet_of(ten));
  CHECK(ten.supernet_of(net("10.1.0.0/16")));
  CHECK(ten.subnet_of(ten));
  CHECK_FALSE(ten.subnet_of(net("10.1.0.0/16")));
  CHECK_FALSE(ten.subnet_of(net("::/0")));
  CHECK(ten.overlaps(net("10.1.0.0/16")));
  CHECK(net("10.1.0.0/16").overlaps(ten));
  CHECK_FALSE(ten.overlaps(net("11.0.0.0/8")));
  CHECK_FALSE(net("0.0.0.0/0").overlaps(net("::/0")));

  CHECK(net("192.0.2.0/24").supernet(16)->to_string() == "192.0.0.0/16");
  CHECK(net("192.0.2.0/24").supernet(24)->to_string() == "192.0.2.0/24");
  CHECK(net("2001:db8::/32").supernet(0)->to_string() == "::/0");
  CHECK(net("192.0.2.0/24").supernet(25).error() ==
        "supernet of 192.0.2.0/24 must have a prefix length of 0..24, not 25");
  CHECK_FALSE(net("0.0.0.0/0").supernet(1).ok());

  CHECK(joined(*net("192.0.2.0/24").subnets(26)) ==
        "192.0.2.0/26 192.0.2.64/26 192.0.2.128/26 192.0.2.192/26");
  CHECK(joined(*net("2001:db8::/127").subnets(128)) == "2001:db8::/128 2001:db8::1/128");
  CHECK(joined(*net("::/0").subnets(0)) == "::/0");
  CHECK(joined(*net("::/0").subnets(1)) == "::/1 8000::/1");
  CHECK(net("192.0.2.0/24").subnets(23).error() ==
        "subnets of 192.0.2.0/24 must have a prefix length of 24..32, not 23");
  CHECK(net("10.0.0.0/8").subnets(32).error() ==
        "splitting 10.0.0.0/8 into /32 gives more than 1048576 networks");
  CHECK_FALSE(net("::/0").subnets(128, SIZE_MAX).ok());
  CHECK(net("192.0.2.0/24").subnets(26, 4).ok());
  CHECK_FALSE(net("192.0.2.0/24").subnets(26, 3).ok());
}

TEST_CASE("ranges, collapsing and exclusion follow Python's examples", "[ip]") {
  CHECK(joined(spamflow::summarize_range(addr("192.0.2.0"), addr("192.0.2.130"))) ==
        "192.0.2.0/25 192.0.2.128/31 192.0.2.130/32");
  CHECK(joined(spamflow::summarize_range(addr("0.0.0.0"), addr("255.255.255.255"))) == "0.0.0.0/0");
  CHECK(joined(spamflow::summarize_range(
            addr("::"), addr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"))) == "::/0");
  CHECK(joined(spamflow::summarize_range(addr("::1"), addr("::1"))) == "::1/128");
  CHECK(spamflow::summarize_range(addr("10.0.0.2"), addr("10.0.0.1")).empty());
  CHECK(spamflow::summarize_range(addr("10.0.0.1"), addr("::1")).empty());

  CHECK(joined(spamflow::collapse_networks({net("192.0.2.0/25"), net("192.0.2.128/25")})) ==
        "192.0.2.0/24");
  CHECK(joined(spamflow::collapse_networks({net("2001:db8::/33"), net("10.0.0.0/24"),
                                            net("10.0.1.0/24"), net("10.0.0.128/25"),
                                            net("2001:db8:8000::/33"), net("10.0.3.0/24")})) ==
        "10.0.0.0/23 10.0.3.0/24 2001:db8::/32");
  CHECK(joined(spamflow::collapse_networks({net("255.255.255.255/32"), net("0.0.0.0/0")})) ==
        "0.0.0.0/0");
  CHECK(joined(spamflow::collapse_networks({net("ffff::/16"), net("fffe::/16"), net("::/0")})) ==
        "::/0");
  CHECK(spamflow::collapse_networks({}).empty());

  CHECK(joined(spamflow::exclude_network(net("192.0.2.0/28"), net("192.0.2.1/32"))) ==
        "192.0.2.0/32 192.0.2.2/31 192.0.2.4/30 192.0.2.8/29");
  CHECK(joined(spamflow::exclude_network(net("10.0.0.0/8"), net("11.0.0.0/8"))) == "10.0.0.0/8");
  CHECK(joined(spamflow::exclude_network(net("10.0.0.0/8"), net("::/0"))) == "10.0.0.0/8");
  CHECK(spamflow::exclude_network(net("10.0.0.0/8"), net("10.0.0.0/8")).empty());
  CHECK(spamflow::exclude_network(net("10.1.0.0/16"), net("10.0.0.0/8")).empty());
  CHECK(spamflow::exclude_network(net("::/0"), net("::1/128")).size() == 128);
}

TEST_CASE("addresses and networks order, compare and hash as values", "[ip]") {
  CHECK(addr("255.255.255.255") < addr("::"));
  CHECK(addr("10.0.0.1") < addr("10.0.0.2"));
  CHECK(addr("::1") > addr("::"));
  CHECK(addr("::ffff:1.2.3.4") != addr("1.2.3.4"));
  CHECK(net("10.0.0.0/8") < net("10.0.0.0/16")); // same start: shorter first, as Python
  CHECK(net("10.0.0.0/16") < net("10.1.0.0/16"));
  CHECK(net("255.0.0.0/8") < net("::/0"));

  std::unordered_set<IpAddress> addrs{addr("1.2.3.4"), addr("::ffff:1.2.3.4"), addr("1.2.3.4")};
  CHECK(addrs.size() == 2);
  std::unordered_set<IpNetwork> nets{net("10.0.0.0/8"), net("10.0.0.0/16"), net("10.0.0.0/8")};
  CHECK(nets.size() == 2);
  CHECK(std::hash<IpAddress>{}(addr("1.2.3.4")) != std::hash<IpAddress>{}(addr("1.2.3.5")));
}

TEST_CASE("mapped, loopback and private addresses", "[ip]") {
  CHECK(addr("::ffff:192.0.2.1").ipv4_mapped() == addr("192.0.2.1"));
  CHECK_FALSE(addr("::192.0.2.1").ipv4_mapped());
  CHECK_FALSE(addr("192.0.2.1").ipv4_mapped());
  CHECK(addr("127.1.2.3").is_loopback());
  CHECK(addr("::1").is_loopback());
  CHECK(addr("::ffff:127.0.0.1").is_loopback());
  CHECK_FALSE(addr("::2").is_loopback());
  CHECK(addr("10.1.2.3").is_private());
  CHECK(addr("192.168.1.1").is_private());
  CHECK(addr("172.31.255.255").is_private());
  CHECK_FALSE(addr("172.32.0.0").is_private());
  CHECK_FALSE(addr("100.64.0.1").is_private()); // shared address space: neither, as Python
  CHECK_FALSE(addr("192.0.0.9").is_private());  // an exception inside 192.0.0.0/24
  CHECK(addr("fd00::1").is_private());
  CHECK(addr("fe80::1").is_private());
  CHECK(addr("::ffff:10.0.0.1").is_private());
  CHECK_FALSE(addr("2001:4860::8888").is_private());
  CHECK_FALSE(addr("8.8.8.8").is_private());
}

TEST_CASE("parsing arbitrary bytes never fails badly", "[ip]") {
  std::mt19937_64 rng(20140930);
  const std::string alphabet = "0123456789abcdefABCDEF:.:./%";
  std::string text;
  int accepted = 0;
  for (int i = 0; i < 200000; ++i) {
    text.clear();
    const std::size_t len = rng() % 48;
    const bool any_byte = i % 4 == 0;
    for (std::size_t j = 0; j < len; ++j)
      text += any_byte ? static_cast<char>(rng() & 0xff) : alphabet[rng() % alphabet.size()];
    auto parsed = IpAddress::parse(text);
    auto network = IpNetwork::parse(text, i % 2 == 0);
    if (parsed) {
      ++accepted;
      // What is accepted prints back to text that means the same address.
      REQUIRE(IpAddress::parse(parsed->to_string()).value() == *parsed);
      REQUIRE(network.ok());
      REQUIRE(network->prefix_len() == parsed->max_prefix());
    } else {
      REQUIRE_FALSE(parsed.error().empty());
    }
    if (network) REQUIRE(IpNetwork::parse(network->to_string()).value() == *network);
  }
  CHECK(accepted > 100); // the alphabet does produce valid addresses
}
