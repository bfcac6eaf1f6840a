// BanPolicy: evidence, reputation, networks, growth, allowlist, repeat bans.
#include <catch2/catch.hpp>

#include <algorithm>

#include "ban/ban_policy.hpp"

using namespace spamflow;

namespace {

IpAddress ip(const char *text) {
  return IpAddress::parse(text).value();
}
IpNetwork net(const char *text) {
  return IpNetwork::parse(text).value();
}

Observation spam(const char *addr, std::int64_t t, double score = 10) {
  return Observation{t, ip(addr), Evidence::kSpam, score, std::nullopt};
}
Observation ham(const char *addr, std::int64_t t) {
  return Observation{t, ip(addr), Evidence::kHam, -1, std::nullopt};
}

BanPolicyOptions options() {
  BanPolicyOptions o;
  o.allow = default_allowlist();
  return o;
}

std::vector<std::string> adds(const std::vector<BanEvent> &events) {
  std::vector<std::string> out;
  for (const BanEvent &e : events)
    if (e.action == BanEvent::Action::kAdd) out.push_back(e.target.to_string());
  return out;
}

} // namespace

TEST_CASE("a host that sends only spam is banned once its evidence reaches the threshold",
          "[banpolicy]") {
  BanPolicy p(options());
  std::vector<BanEvent> ev;
  p.observe(spam("198.51.100.7", 1000), ev); // weight 2
  CHECK(ev.empty());
  p.observe(spam("198.51.100.7", 1010), ev); // 4 >= 3
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].action == BanEvent::Action::kAdd);
  CHECK(ev[0].target == net("198.51.100.7/32"));
  CHECK(ev[0].start == 1010);
  CHECK(ev[0].until == 1010 + 86400);
  CHECK(ev[0].hits == Approx(4.0));
  CHECK(p.covering_ban(ip("198.51.100.7")) != nullptr);
  ev.clear();
  CHECK(p.observe(spam("198.51.100.7", 1020), ev) == Observed::kAlreadyBanned);
  CHECK(ev.empty());
}

TEST_CASE("good mail offsets spam: a busy relay with some spam is not banned", "[banpolicy]") {
  BanPolicy p(options());
  std::vector<BanEvent> ev;
  std::int64_t t = 0;
  for (int i = 0; i < 30; ++i) {
    p.observe(ham("198.51.100.20", t += 10), ev);
    if (i % 5 == 0) p.observe(spam("198.51.100.20", t += 10, 15), ev);
  }
  CHECK(ev.empty());
  CHECK(p.covering_ban(ip("198.51.100.20")) == nullptr);
}

TEST_CASE("evidence older than the window is forgotten", "[banpolicy]") {
  auto o = options();
  o.window_s = 600;
  BanPolicy p(o);
  std::vector<BanEvent> ev;
  for (int i = 0; i < 5; ++i)
    p.observe(spam("198.51.100.8", i * 700), ev);
  CHECK(ev.empty());
  p.observe(spam("198.51.100.8", 4 * 700 + 10), ev);
  CHECK(adds(ev) == std::vector<std::string>{"198.51.100.8/32"});
}

TEST_CASE("low-scoring suspect records weigh little", "[banpolicy]") {
  BanPolicy p(options());
  std::vector<BanEvent> ev;
  for (int i = 0; i < 7; ++i)
    p.observe(Observation{i, ip("198.51.100.9"), Evidence::kSuspect, 2.0, std::nullopt}, ev);
  CHECK(ev.empty()); // 7 * 0.4 = 2.8
  p.observe(Observation{20, ip("198.51.100.9"), Evidence::kSuspect, 2.0, std::nullopt}, ev);
  CHECK(adds(ev) == std::vector<std::string>{"198.51.100.9/32"});
}

TEST_CASE("K distinct spamming addresses ban their /24", "[banpolicy]") {
  BanPolicy p(options());
  std::vector<BanEvent> ev;
  p.observe(spam("203.0.113.1", 100, 5), ev);
  p.observe(spam("203.0.113.2", 110, 5), ev);
  p.observe(ham("203.0.113.3", 115), ev); // good mail does not count
  CHECK(ev.empty());
  p.observe(spam("203.0.113.4", 120, 5), ev);
  REQUIRE(adds(ev) == std::vector<std::string>{"203.0.113.0/24"});
  CHECK(ev[0].hits == 3);
  CHECK(p.covering_ban(ip("203.0.113.200"))->network == net("203.0.113.0/24"));
  CHECK(p.counters().network_bans == 1);
}

TEST_CASE("an address whose good mail outweighs its spam does not count for its network",
          "[banpolicy]") {
  BanPolicy p(options());
  std::vector<BanEvent> ev;
  p.observe(spam("203.0.113.1", 100, 5), ev);
  p.observe(spam("203.0.113.2", 110, 5), ev);
  p.observe(ham("203.0.113.2", 111), ev);
  p.observe(ham("203.0.113.2", 112), ev);
  p.observe(spam("203.0.113.4", 120, 5), ev);
  CHECK(ev.empty());
}

TEST_CASE("netlookup's prefix is the network when it is no wider than the maximum", "[banpolicy]") {
  BanPolicy p(options());
  std::vector<BanEvent> ev;
  auto with_net = [](const char *a, std::int64_t t, const char *n) {
    Observation o = spam(a, t, 5);
    o.net = IpNetwork::parse(n).value();
    return o;
  };
  p.observe(with_net("192.0.2.1", 1, "192.0.2.0/23"), ev);
  p.observe(with_net("192.0.3.1", 2, "192.0.2.0/23"), ev);
  p.observe(with_net("192.0.3.9", 3, "192.0.2.0/23"), ev);
  CHECK(adds(ev) == std::vector<std::string>{"192.0.2.0/23"});
  ev.clear();
  // A /8 is wider than /16: the /24 unit is used instead.
  p.observe(with_net("11.1.1.1", 4, "11.0.0.0/8"), ev);
  p.observe(with_net("11.1.1.2", 5, "11.0.0.0/8"), ev);
  p.observe(with_net("11.1.1.3", 6, "11.0.0.0/8"), ev);
  CHECK(adds(ev) == std::vector<std::string>{"11.1.1.0/24"});
}

TEST_CASE("banned /24s grow into their /20, which replaces them", "[banpolicy]") {
  BanPolicy p(options());
  std::vector<BanEvent> ev;
  for (const char *a : {"198.18.1.1", "198.18.1.2", "198.18.1.3"})
    p.observe(spam(a, 10, 5), ev);
  for (const char *a : {"198.18.2.1", "198.18.2.2", "198.18.2.3"})
    p.observe(spam(a, 20, 5), ev);
  auto added = adds(ev);
  CHECK(added == std::vector<std::string>{"198.18.1.0/24", "198.18.2.0/24", "198.18.0.0/20"});
  std::vector<std::string> removed;
  for (const BanEvent &e : ev)
    if (e.action == BanEvent::Action::kRemove) removed.push_back(e.target.to_string());
  std::sort(removed.begin(), removed.end());
  CHECK(removed == std::vector<std::string>{"198.18.1.0/24", "198.18.2.0/24"});
  CHECK(p.active().size() == 1);
  CHECK(p.covering_ban(ip("198.18.15.255"))->network == net("198.18.0.0/20"));
}

TEST_CASE("growth stops at the maximum width", "[banpolicy]") {
  auto o = options();
  o.v4_max = 20;
  BanPolicy p(o);
  std::vector<BanEvent> ev;
  int t = 0;
  for (int sub : {0, 16, 32}) // three /20s of 198.18.0.0/16, each grown from two /24s
    for (int off : {0, 1})
      for (int host = 1; host <= 3; ++host)
        p.observe(spam(("198.18." + std::to_string(sub + off) + "." + std::to_string(host)).c_str(),
                       ++t, 5),
                  ev);
  for (const auto &[n, ban] : p.active())
    CHECK(n.prefix_len() >= 20);
  CHECK_FALSE(p.active().contains(net("198.18.0.0/16")));
}

TEST_CASE("allowlist: evidence ignored, network bans carved around allowed addresses",
          "[banpolicy]") {
  auto o = options();
  o.allow.push_back(net("203.0.113.5/32"));
  BanPolicy p(o);
  std::vector<BanEvent> ev;
  CHECK(p.observe(spam("203.0.113.5", 1), ev) == Observed::kAllowed);
  CHECK(p.observe(spam("10.1.2.3", 2), ev) == Observed::kAllowed);
  CHECK(p.counters().allowed_ignored == 2);
  for (const char *a : {"203.0.113.1", "203.0.113.2", "203.0.113.3"})
    p.observe(spam(a, 10, 5), ev);
  REQUIRE(ev.size() == 8); // a /24 minus one address is 8 networks
  std::uint64_t covered = 0;
  for (const BanEvent &e : ev) {
    CHECK(e.network == net("203.0.113.0/24"));
    CHECK_FALSE(e.target.contains(ip("203.0.113.5")));
    covered += std::uint64_t{1} << (32 - e.target.prefix_len());
  }
  CHECK(covered == 255);
  CHECK(p.counters().carved == 1);
}

TEST_CASE("a manual ban inside the allowlist is dropped", "[banpolicy]") {
  BanPolicy p(options());
  std::vector<BanEvent> ev;
  p.add_ban(net("192.168.1.0/24"), 0, 3600, "test", true, ev);
  CHECK(ev.empty());
  CHECK(p.counters().dropped_allowed == 1);
  p.add_ban(net("198.51.100.0/24"), 0, 3600, "test", true, ev);
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].manual);
  CHECK(ev[0].until == 3600);
}

TEST_CASE("repeat offenders get longer bans, capped", "[banpolicy]") {
  auto o = options();
  o.ban_s = 3600;
  o.repeat_factor = 3;
  o.max_ban_s = 20 * 3600;
  BanPolicy p(o);
  CHECK(p.duration_for(1) == 3600);
  CHECK(p.duration_for(2) == 3 * 3600);
  CHECK(p.duration_for(3) == 9 * 3600);
  CHECK(p.duration_for(4) == 20 * 3600);
  p.set_offences(net("198.51.100.7/32"), 2);
  std::vector<BanEvent> ev;
  p.observe(spam("198.51.100.7", 0, 15), ev);
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].offence == 3);
  CHECK(ev[0].until == 9 * 3600);
}

TEST_CASE("bans expire by the records' time and a second offence lasts longer", "[banpolicy]") {
  auto o = options();
  o.ban_s = 100;
  o.window_s = 50;
  BanPolicy p(o);
  std::vector<BanEvent> ev;
  p.observe(spam("198.51.100.7", 0, 15), ev);
  REQUIRE(ev.size() == 1);
  ev.clear();
  p.observe(ham("198.51.100.99", 99), ev);
  CHECK(ev.empty());
  p.observe(ham("198.51.100.99", 100), ev);
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].action == BanEvent::Action::kRemove);
  CHECK(p.counters().expired == 1);
  ev.clear();
  p.observe(spam("198.51.100.7", 200, 15), ev);
  REQUIRE(ev.size() == 1);
  CHECK(ev[0].offence == 2);
  CHECK(ev[0].until == 200 + 200);
}

TEST_CASE("IPv6: the /64 is one host, the /48 the network", "[banpolicy]") {
  BanPolicy p(options());
  std::vector<BanEvent> ev;
  p.observe(spam("2001:db8:1:1::1", 1, 5), ev);
  p.observe(spam("2001:db8:1:1::2", 2, 5), ev);
  p.observe(spam("2001:db8:1:1::3", 3, 10), ev);
  CHECK(adds(ev) == std::vector<std::string>{"2001:db8:1:1::/64"});
  ev.clear();
  p.observe(spam("2001:db8:1:2::1", 4, 5), ev);
  p.observe(spam("2001:db8:1:3::1", 5, 5), ev);
  CHECK(adds(ev) == std::vector<std::string>{"2001:db8:1::/48"});
}

TEST_CASE("the address table stays bounded", "[banpolicy]") {
  auto o = options();
  o.max_tracked = 100;
  o.network_min_addresses = 1000;
  BanPolicy p(o);
  std::vector<BanEvent> ev;
  for (std::uint32_t i = 0; i < 1000; ++i)
    p.observe(Observation{i, IpAddress::v4(0xC6336400u + i), Evidence::kSpam, 1, std::nullopt}, ev);
  CHECK(p.counters().evicted > 0);
  CHECK(ev.empty());
}

TEST_CASE("durations parse with units and bounds", "[banpolicy]") {
  CHECK(parse_duration("90").value() == 90);
  CHECK(parse_duration("30m").value() == 1800);
  CHECK(parse_duration("12h").value() == 43200);
  CHECK(parse_duration("7d").value() == 604800);
  CHECK(parse_duration("2w").value() == 1209600);
  CHECK_FALSE(parse_duration(""));
  CHECK_FALSE(parse_duration("d"));
  CHECK_FALSE(parse_duration("5y"));
  CHECK_FALSE(parse_duration("99999999999d"));
}
