// nftables: one `nft -f -` batch per apply, never one process per ban
// (every nft run on a big interval set costs ~1 s whatever it adds).
// The batch creates the table and the two sets if missing; a full resync
// flushes them and adds every active target in the same transaction, so the
// firewall never sees an empty set.
#include <algorithm>

#include "ban/ban_backend.hpp"

namespace spamflow {

namespace {

constexpr std::int64_t kMaxTimeout = 10LL * 365 * 86400;
constexpr std::size_t kPerStatement = 4096; // elements per "add element" line

class NftBackend : public BanBackend {
public:
  NftBackend(std::string table, std::string set, std::string nft)
      : table_(std::move(table)), set_(std::move(set)), nft_(std::move(nft)) {}
  std::string_view name() const override { return "nft"; }

  std::vector<BackendStep> plan(const BanUpdate &u, bool full) const override {
    BackendStep step;
    step.argv = {nft_, "-f", "-"};
    std::string &b = step.input;
    b += "add table inet " + table_ + "\n";
    for (bool v4 : {true, false})
      b += "add set inet " + table_ + " " + set_name(v4) + " { type " +
           (v4 ? "ipv4_addr" : "ipv6_addr") + "; flags interval, timeout; }\n";
    if (full)
      add_all(u, b);
    else
      add_changes(u, b);
    return {std::move(step)};
  }

private:
  std::string set_name(bool v4) const { return set_ + (v4 ? "_v4" : "_v6"); }

  // A run of elements of one family under one verb, written as few lines.
  class Run {
  public:
    Run(const NftBackend &nft, std::string &out) : nft_(nft), out_(out) {}
    ~Run() { close(); }
    void add(std::string_view verb, const IpNetwork &net, std::int64_t timeout) {
      if (verb != verb_ || net.is_v4() != v4_ || count_ >= kPerStatement) close();
      if (count_ == 0) {
        verb_ = verb;
        v4_ = net.is_v4();
        out_ +=
            std::string(verb) + " element inet " + nft_.table_ + " " + nft_.set_name(v4_) + " { ";
      } else {
        out_ += ", ";
      }
      net.append_to(out_);
      if (timeout > 0) out_ += " timeout " + std::to_string(timeout) + "s";
      ++count_;
    }
    void close() {
      if (count_ > 0) out_ += " }\n";
      count_ = 0;
    }

  private:
    const NftBackend &nft_;
    std::string &out_;
    std::string_view verb_;
    bool v4_ = true;
    std::size_t count_ = 0;
  };

  void add_all(const BanUpdate &u, std::string &b) const {
    for (bool v4 : {true, false})
      b += "flush set inet " + table_ + " " + set_name(v4) + "\n";
    // An interval set refuses overlapping elements: keep the widest.
    std::vector<const BanEntry *> kept;
    for (const BanEntry &e : u.active) {
      if (e.until <= u.now) continue;
      if (!kept.empty() && kept.back()->target.supernet_of(e.target)) continue;
      kept.push_back(&e);
    }
    std::stable_sort(kept.begin(), kept.end(), [](const BanEntry *a, const BanEntry *b) {
      return a->target.is_v4() && !b->target.is_v4();
    });
    Run run(*this, b);
    for (const BanEntry *e : kept)
      run.add("add", e->target, element_timeout(e->until, u.now, kMaxTimeout));
  }

  // A delete of an element that is gone (timed out) would fail the whole
  // batch, and nft 1.0.6 has no "destroy": add it briefly, then delete it.
  void add_changes(const BanUpdate &u, std::string &b) const {
    Run run(*this, b);
    for (const BanEvent &e : u.changes) {
      if (e.action == BanEvent::Action::kRemove) {
        run.add("add", e.target, 1);
        run.add("delete", e.target, 0);
      } else if (e.until > u.now) {
        run.add("add", e.target, element_timeout(e.until, u.now, kMaxTimeout));
      }
    }
  }

  std::string table_, set_, nft_;
};

} // namespace

std::unique_ptr<BanBackend> make_nft_backend(std::string table, std::string set, std::string nft) {
  return std::make_unique<NftBackend>(std::move(table), std::move(set), std::move(nft));
}

} // namespace spamflow
