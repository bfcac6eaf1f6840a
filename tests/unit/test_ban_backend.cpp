// Ban backends: the plans each writer makes (nft batch, ipset restore
// input, access map, rbldnsd data), the access map's octet alignment checked
// against the CIDR library, and BackendSet's dirty flag and retry.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "ban/backend_names.hpp"
#include "ban/ban_backend.hpp"
#include "temp_dir.hpp"

using namespace spamflow;
using spamflow::testing::TempDir;

namespace {

IpNetwork net(const char *text) {
  return IpNetwork::parse(text).value();
}

std::string slurp(const std::string &path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

BanEvent event(const char *target, BanEvent::Action action, std::int64_t until) {
  BanEvent e;
  e.action = action;
  e.target = e.network = net(target);
  e.until = until;
  return e;
}

// 198.51.100.0/24 carved around .5, a /20, a /12, a /32 and an IPv6 /48.
std::vector<BanEntry> sample_active() {
  std::vector<BanEntry> active;
  IpNetwork carved = net("198.51.100.0/24");
  for (const IpNetwork &p : exclude_network(carved, net("198.51.100.5/32")))
    active.push_back({p, carved, 5000});
  for (const char *t : {"203.0.112.0/20", "100.0.0.0/12", "192.0.2.77/32", "2001:db8:1::/48"})
    active.push_back({net(t), net(t), 5000});
  std::sort(active.begin(), active.end(),
            [](const BanEntry &a, const BanEntry &b) { return a.target < b.target; });
  return active;
}

} // namespace

TEST_CASE("the CIDR list backend rewrites its file atomically, sorted", "[banbackend]") {
  TempDir dir("banbackend");
  std::vector<BanEntry> active = {{net("2001:db8::/48"), net("2001:db8::/48"), 9},
                                  {net("203.0.113.0/24"), net("203.0.113.0/24"), 9},
                                  {net("198.51.100.7/32"), net("198.51.100.7/32"), 9}};
  std::vector<BanEvent> none;
  std::vector<std::string> notes;
  REQUIRE(run_backend_steps(CidrListBackend(dir.file("bans.txt")).plan({none, active, 0}, true),
                            notes));
  CHECK(slurp(dir.file("bans.txt")) == "198.51.100.7/32\n203.0.113.0/24\n2001:db8::/48\n");
  CHECK(std::distance(std::filesystem::directory_iterator(dir.path),
                      std::filesystem::directory_iterator()) == 1); // no temp file left
  CidrListBackend bad(dir.file("no/such/dir/bans.txt"));
  CHECK_FALSE(run_backend_steps(bad.plan({none, active, 0}, true), notes));
}

TEST_CASE("octet alignment splits IPv4 to /8, /16, /24, /32 and IPv6 to 16-bit groups",
          "[banbackend]") {
  CHECK(octet_aligned(net("203.0.112.0/20")).size() == 16);
  CHECK(octet_aligned(net("203.0.112.0/20")).front() == net("203.0.112.0/24"));
  CHECK(octet_aligned(net("100.0.0.0/12")).size() == 16);
  CHECK(octet_aligned(net("100.0.0.0/12")).back() == net("100.15.0.0/16"));
  CHECK(octet_aligned(net("198.51.100.128/25")).size() == 128);
  CHECK(octet_aligned(net("10.0.0.0/8")) == std::vector<IpNetwork>{net("10.0.0.0/8")});
  CHECK(octet_aligned(net("2001:db8::/56")).size() == 256);
  CHECK(access_map_key(net("10.1.2.0/24")) == "10.1.2");
  CHECK(access_map_key(net("10.0.0.0/8")) == "10");
  CHECK(access_map_key(net("192.0.2.77/32")) == "192.0.2.77");
  CHECK(access_map_key(net("2001:db8:1::/48")) == "IPv6:2001:db8:1");
  CHECK(access_map_key(net("2001:db8:0:a::/64")) == "IPv6:2001:db8:0:a");
  CHECK(access_map_key(net("2001:db8::1/128")) == "IPv6:2001:db8::1");
}

TEST_CASE("the access map covers exactly the bans minus the holes, octet-aligned", "[banbackend]") {
  std::vector<BanEntry> active = sample_active();
  std::vector<BanEvent> none;
  auto steps = make_access_backend("/x/access")->plan({none, active, 0}, true);
  REQUIRE(steps.size() == 2);
  CHECK(steps[0].file == "/x/access");
  CHECK(steps[1].argv == std::vector<std::string>{"makemap", "hash", "/x/access"});
  CHECK(steps[1].optional);
  std::vector<IpNetwork> covered;
  std::istringstream lines(steps[0].input);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    REQUIRE(line.rfind("Connect:", 0) == 0);
    std::string key = line.substr(8, line.find('\t') - 8);
    CHECK(line.substr(line.find('\t') + 1) == "REJECT");
    if (key.rfind("IPv6:", 0) == 0) {
      covered.push_back(key == "IPv6:2001:db8:1" ? net("2001:db8:1::/48") : net("::/0"));
      continue;
    }
    // Back from the key to a network, through the CIDR library.
    int octets = 1 + static_cast<int>(std::count(key.begin(), key.end(), '.'));
    std::string text = key;
    for (int i = octets; i < 4; ++i)
      text += ".0";
    auto n = IpNetwork::parse(text + "/" + std::to_string(8 * octets));
    REQUIRE(n.ok());
    CHECK(n->prefix_len() % 8 == 0);
    covered.push_back(*n);
  }
  std::vector<IpNetwork> want;
  for (const BanEntry &e : active)
    want.push_back(e.target);
  CHECK(collapse_networks(covered) == collapse_networks(want));
  for (const IpNetwork &n : covered)
    CHECK_FALSE(n.contains(IpAddress::parse("198.51.100.5").value()));
}

TEST_CASE("holes_of returns what a carve left out", "[banbackend]") {
  IpNetwork n = net("198.51.100.0/24");
  CHECK(holes_of(n, exclude_network(n, net("198.51.100.5/32"))) ==
        std::vector<IpNetwork>{net("198.51.100.5/32")});
  CHECK(holes_of(n, {n}).empty());
  CHECK(holes_of(n, {net("198.51.100.0/25")}) == std::vector<IpNetwork>{net("198.51.100.128/25")});
  CHECK(holes_of(net("255.255.255.0/24"), {net("255.255.255.0/25")}) ==
        std::vector<IpNetwork>{net("255.255.255.128/25")});
}

TEST_CASE("rbldnsd data lists carved networks whole with ! exclusions", "[banbackend]") {
  std::vector<BanEntry> active = sample_active();
  std::vector<BanEvent> none;
  auto steps = make_rbldnsd_backend("/x/bans")->plan({none, active, 0}, true);
  REQUIRE(steps.size() == 2);
  CHECK(steps[0].file == "/x/bans.ip4set");
  CHECK(steps[1].file == "/x/bans.ip6trie");
  CHECK(steps[0].input.find("198.51.100.0/24\n!198.51.100.5/32\n") != std::string::npos);
  CHECK(steps[0].input.find("198.51.100.0/30") == std::string::npos);
  CHECK(steps[0].input.find(":127.0.0.2:Listed by spamflow\n") != std::string::npos);
  CHECK(steps[1].input.find("2001:db8:1::/48\n") != std::string::npos);
}

TEST_CASE("nft: one batch, sets created if missing, resync flushes and drops nested",
          "[banbackend]") {
  auto nft = make_nft_backend("spamflow", "banned");
  std::vector<BanEntry> active = {{net("192.0.2.0/24"), net("192.0.2.0/24"), 1100},
                                  {net("192.0.2.7/32"), net("192.0.2.7/32"), 1200},
                                  {net("198.51.100.9/32"), net("198.51.100.9/32"), 900},
                                  {net("2001:db8::/48"), net("2001:db8::/48"), 1060}};
  std::vector<BanEvent> none;
  auto full = nft->plan({none, active, 1000}, true);
  REQUIRE(full.size() == 1);
  CHECK(full[0].argv == std::vector<std::string>{"nft", "-f", "-"});
  CHECK(full[0].input ==
        "add table inet spamflow\n"
        "add set inet spamflow banned_v4 { type ipv4_addr; flags interval, timeout; }\n"
        "add set inet spamflow banned_v6 { type ipv6_addr; flags interval, timeout; }\n"
        "flush set inet spamflow banned_v4\n"
        "flush set inet spamflow banned_v6\n"
        "add element inet spamflow banned_v4 { 192.0.2.0/24 timeout 100s }\n"
        "add element inet spamflow banned_v6 { 2001:db8::/48 timeout 60s }\n");
  std::vector<BanEvent> changes = {event("192.0.2.0/24", BanEvent::Action::kRemove, 1000),
                                   event("203.0.113.0/24", BanEvent::Action::kAdd, 1500),
                                   event("203.0.114.0/24", BanEvent::Action::kAdd, 1500)};
  auto inc = nft->plan({changes, active, 1000}, false);
  CHECK(inc[0].input.find("flush") == std::string::npos);
  CHECK(inc[0].input.find("add element inet spamflow banned_v4 { 192.0.2.0/24 timeout 1s }\n"
                          "delete element inet spamflow banned_v4 { 192.0.2.0/24 }\n"
                          "add element inet spamflow banned_v4 { 203.0.113.0/24 timeout 500s, "
                          "203.0.114.0/24 timeout 500s }\n") != std::string::npos);
}

TEST_CASE("ipset: one restore, a resync swaps a filled set in", "[banbackend]") {
  auto ipset = make_ipset_backend("spamflow");
  std::vector<BanEntry> active = {{net("192.0.2.0/24"), net("192.0.2.0/24"), 1000 + 40 * 86400},
                                  {net("2001:db8::/48"), net("2001:db8::/48"), 1060}};
  std::vector<BanEvent> none;
  auto full = ipset->plan({none, active, 1000}, true);
  REQUIRE(full.size() == 1);
  CHECK(full[0].argv == std::vector<std::string>{"ipset", "-exist", "restore"});
  const std::string &in = full[0].input;
  CHECK(in.find("add spamflow_v4_new 192.0.2.0/24 timeout 2147483\n") != std::string::npos);
  CHECK(in.find("add spamflow_v6_new 2001:db8::/48 timeout 60\n") != std::string::npos);
  CHECK(in.find("swap spamflow_v4_new spamflow_v4\ndestroy spamflow_v4_new\n") !=
        std::string::npos);
  std::vector<BanEvent> changes = {event("192.0.2.0/24", BanEvent::Action::kRemove, 1000)};
  auto inc = ipset->plan({changes, active, 1000}, false);
  CHECK(inc[0].input.find("del spamflow_v4 192.0.2.0/24\n") != std::string::npos);
  CHECK(inc[0].input.find("swap") == std::string::npos);
}

namespace {

// Runs `true` or `false` and remembers whether it was asked for a resync.
class FakeBackend : public BanBackend {
public:
  explicit FakeBackend(bool &fail, std::vector<bool> &fulls) : fail_(fail), fulls_(fulls) {}
  std::string_view name() const override { return "fake"; }
  std::vector<BackendStep> plan(const BanUpdate &, bool full) const override {
    fulls_.push_back(full);
    BackendStep s;
    s.argv = {fail_ ? "false" : "true"};
    return {s};
  }

private:
  bool &fail_;
  std::vector<bool> &fulls_;
};

} // namespace

TEST_CASE("BackendSet: a failing backend is reported once, kept dirty and resynced later",
          "[banbackend]") {
  bool fail = false;
  std::vector<bool> fulls;
  std::vector<std::string> reports;
  std::vector<std::unique_ptr<BanBackend>> list;
  list.push_back(std::make_unique<FakeBackend>(fail, fulls));
  BackendSet set(
      std::move(list), false, [&](std::string_view, const std::string &m) { reports.push_back(m); },
      [](std::string_view, const std::string &) {});
  set.retry_s = 0;
  std::vector<BanEntry> active;
  std::vector<BanEvent> none, one = {event("192.0.2.1/32", BanEvent::Action::kAdd, 10)};
  CHECK(set.apply(none, active, 0) == 0); // dirty at start: resync
  CHECK(fulls == std::vector<bool>{true});
  CHECK(set.apply(none, active, 0) == 0); // clean, nothing changed: nothing run
  CHECK(fulls.size() == 1);
  fail = true;
  CHECK(set.apply(one, active, 0) == 1); // incremental fails, full retried at once, fails
  CHECK(fulls == std::vector<bool>{true, false, true});
  CHECK(set.apply(one, active, 0) == 1);
  REQUIRE(reports.size() == 1); // one error line per failure streak
  CHECK(reports[0].find("'false' failed (exit 1)") != std::string::npos);
  CHECK(set.any_dirty());
  fail = false;
  CHECK(set.apply(none, active, 0) == 0);
  CHECK(fulls.back()); // recovery is a full resync
  CHECK_FALSE(set.any_dirty());
  REQUIRE(reports.size() == 2);
  CHECK(reports[1].find("recovered") != std::string::npos);
}

TEST_CASE("a missing command is an error, a missing optional one a note", "[banbackend]") {
  std::vector<std::string> notes;
  BackendStep s;
  s.argv = {"spamflow-no-such-command"};
  auto r = run_backend_steps({s}, notes);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().find("command not found") != std::string::npos);
  s.optional = true;
  CHECK(run_backend_steps({s}, notes));
  REQUIRE(notes.size() == 1);
  CHECK(notes[0].find("not installed") != std::string::npos);
}

// Names and values reach nft's and ipset's input and the access map as
// given: a newline in --access-value once added "Connect:0.0.0.0 RELAY"
// (issue 21).
TEST_CASE("backend names and values cannot add commands or lines", "[ban]") {
  for (const char *good : {"spamflow", "banned", "t_1", "A9"})
    CHECK(check_nft_name("--nft-set", good));
  for (const char *bad : {"", "1x", "x y", "x;flush ruleset", "x\n", "x-y", "\"x\"",
                          "a123456789012345678901234567890123456789012345678"})
    CHECK_FALSE(check_nft_name("--nft-set", bad));
  for (const char *good : {"spamflow", "sf.bans", "sf-1", "s_2"})
    CHECK(check_ipset_name("--ipset-name", good));
  for (const char *bad : {"", "-x", "a b", "a\nflush", "a;b", "a12345678901234567890123456789"})
    CHECK_FALSE(check_ipset_name("--ipset-name", bad));
  for (const char *good :
       {"REJECT", "DISCARD", "ERROR:\"550 5.7.1 Go away\"", "ERROR:5.7.1:550 No"})
    CHECK(check_line_value("--access-value", good));
  for (const char *bad : {"", "REJECT\nConnect:0.0.0.0 RELAY", "REJECT\r", "A\tB", "x\x7f"})
    CHECK_FALSE(check_line_value("--access-value", bad));
  auto err = check_line_value("--access-value", "REJECT\nConnect:0.0.0.0 RELAY");
  REQUIRE_FALSE(err);
  CHECK(err.error().find('\n') == std::string::npos); // one line, the newline shown as '?'
}
