// ipset: hash:net sets <name>_v4 and <name>_v6 with per-element timeouts,
// one `ipset -exist restore` per apply. A full resync fills <name>_vN_new
// and swaps it in, so the live set is never empty in between. Every create
// line uses the same parameters: ipset refuses a create that differs from
// an existing set even with -exist.
#include "ban/ban_backend.hpp"

namespace spamflow {

namespace {

// ipset's largest timeout (seconds); longer bans are cut to it and put back
// by the next resync (`banwrite restore`).
constexpr std::int64_t kMaxTimeout = 2147483;

class IpsetBackend : public BanBackend {
public:
  IpsetBackend(std::string name, std::string ipset)
      : name_(std::move(name)), ipset_(std::move(ipset)) {}
  std::string_view name() const override { return "ipset"; }

  std::vector<BackendStep> plan(const BanUpdate &u, bool full) const override {
    BackendStep step;
    step.argv = {ipset_, "-exist", "restore"};
    std::string &b = step.input;
    for (bool v4 : {true, false})
      create(b, set_name(v4), v4);
    if (full) {
      for (bool v4 : {true, false}) {
        std::string fresh = set_name(v4) + "_new";
        create(b, fresh, v4);
        b += "flush " + fresh + "\n";
        for (const BanEntry &e : u.active)
          if (e.target.is_v4() == v4 && e.until > u.now) add(b, fresh, e.target, e.until, u.now);
        b += "swap " + fresh + " " + set_name(v4) + "\ndestroy " + fresh + "\n";
      }
    } else {
      for (const BanEvent &e : u.changes) {
        std::string set = set_name(e.target.is_v4());
        if (e.action == BanEvent::Action::kRemove) {
          b += "del " + set + " ";
          e.target.append_to(b);
          b += '\n';
        } else if (e.until > u.now) {
          add(b, set, e.target, e.until, u.now);
        }
      }
    }
    return {std::move(step)};
  }

private:
  std::string set_name(bool v4) const { return name_ + (v4 ? "_v4" : "_v6"); }

  static void create(std::string &b, const std::string &set, bool v4) {
    b += "create " + set + " hash:net family " + (v4 ? "inet" : "inet6") +
         " timeout 0 maxelem 1048576\n";
  }

  static void add(std::string &b, const std::string &set, const IpNetwork &net, std::int64_t until,
                  std::int64_t now) {
    b += "add " + set + " ";
    net.append_to(b);
    b += " timeout " + std::to_string(element_timeout(until, now, kMaxTimeout)) + "\n";
  }

  std::string name_, ipset_;
};

} // namespace

std::unique_ptr<BanBackend> make_ipset_backend(std::string name, std::string ipset) {
  return std::make_unique<IpsetBackend>(std::move(name), std::move(ipset));
}

} // namespace spamflow
