// rbldnsd data files: <base>.ip4set and <base>.ip6trie, each rewritten
// atomically (rbldnsd reloads a file when its time changes). A ban carved
// around allowlisted addresses is written as its whole network plus "!"
// exclusions for the holes, which is how a DNSBL says "all of this but
// that". Serve them with
//   rbldnsd ... bl.example.org:ip4set:<base>.ip4set bl.example.org:ip6trie:<base>.ip6trie
#include <algorithm>
#include <map>

#include "ban/ban_backend.hpp"

namespace spamflow {

namespace {

class RbldnsdBackend : public BanBackend {
public:
  RbldnsdBackend(std::string base, std::string value)
      : base_(std::move(base)), value_(std::move(value)) {}
  std::string_view name() const override { return "rbldnsd"; }

  std::vector<BackendStep> plan(const BanUpdate &u, bool) const override {
    std::map<IpNetwork, std::vector<IpNetwork>> by_network;
    for (const BanEntry &e : u.active)
      by_network[e.network].push_back(e.target);
    BackendStep v4{base_ + ".ip4set", {}, header("ip4set"), false};
    BackendStep v6{base_ + ".ip6trie", {}, header("ip6trie"), false};
    for (auto &[network, pieces] : by_network) {
      std::string &out = network.is_v4() ? v4.input : v6.input;
      std::sort(pieces.begin(), pieces.end());
      if (pieces.size() == 1 && pieces.front() == network) {
        network.append_to(out);
        out += '\n';
        continue;
      }
      if (std::all_of(pieces.begin(), pieces.end(),
                      [&](const IpNetwork &p) { return network.supernet_of(p); })) {
        network.append_to(out);
        out += '\n';
        for (const IpNetwork &hole : holes_of(network, pieces)) {
          out += '!';
          hole.append_to(out);
          out += '\n';
        }
        continue;
      }
      for (const IpNetwork &p : pieces) { // not a carve: list the targets themselves
        p.append_to(out);
        out += '\n';
      }
    }
    return {std::move(v4), std::move(v6)};
  }

private:
  std::string header(std::string_view type) const {
    return "# rbldnsd " + std::string(type) +
           " data written by banwrite(1); every change rewrites it.\n" + value_ + "\n";
  }

  std::string base_, value_;
};

} // namespace

std::unique_ptr<BanBackend> make_rbldnsd_backend(std::string base, std::string value) {
  return std::make_unique<RbldnsdBackend>(std::move(base), std::move(value));
}

} // namespace spamflow
