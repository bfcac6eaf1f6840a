// Where bans go besides the database: one small writer per mechanism (CIDR
// list file, nftables set, ipset sets, sendmail access map, rbldnsd zone),
// each in a file of its own, all behind BanBackend so banwrite can feed
// several at once.
//
// A backend does no I/O itself: it plans steps (write this file atomically,
// run this command with this text on stdin), so --dry-run can print exactly
// what would be done, and one runner handles processes and errors.
// BackendSet keeps a "dirty" flag per backend: a backend whose last apply
// failed (command missing, permission denied) is fully resynced from the
// active bans at the next apply, so no ban is lost while it was down.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ban/ban_policy.hpp"
#include "base/result.hpp"

namespace spamflow {

// One active target and the ban it belongs to.
struct BanEntry {
  IpNetwork target;  // what is applied (a piece of network when carved)
  IpNetwork network; // the decided network
  std::int64_t until = 0;
};

struct BanUpdate {
  const std::vector<BanEvent> &changes; // since the last apply, in order
  const std::vector<BanEntry> &active;  // every active target, sorted by target
  std::int64_t now = 0;                 // timeouts are until - now
};

// One thing a backend does: write `input` to `file` atomically (temp file +
// rename), or, when file is empty, run argv with `input` on stdin.
struct BackendStep {
  std::string file;
  std::vector<std::string> argv;
  std::string input;
  bool optional = false; // a missing command is skipped with a note
};

class BanBackend {
public:
  virtual ~BanBackend() = default;
  virtual std::string_view name() const = 0;
  // The steps that bring the backend up to date. full: resync from
  // u.active (at start, on restore, after a failure); otherwise apply
  // u.changes. File writers always rewrite from u.active. Plans must be
  // idempotent: a failed plan is followed later by a full one.
  virtual std::vector<BackendStep> plan(const BanUpdate &u, bool full) const = 0;
};

// One CIDR per line, sorted (IPv4 first).
class CidrListBackend : public BanBackend {
public:
  explicit CidrListBackend(std::string path) : path_(std::move(path)) {}
  std::string_view name() const override { return "list"; }
  std::vector<BackendStep> plan(const BanUpdate &u, bool full) const override;

private:
  std::string path_;
};

// nftables: sets <set>_v4 and <set>_v6 (flags interval, timeout) in table
// inet <table>, created if missing; one `nft -f -` batch per apply.
std::unique_ptr<BanBackend> make_nft_backend(std::string table, std::string set,
                                             std::string nft = "nft");
// ipset: hash:net sets <name>_v4 and <name>_v6 with timeout; one
// `ipset restore -exist` per apply.
std::unique_ptr<BanBackend> make_ipset_backend(std::string name, std::string ipset = "ipset");
// sendmail access map: "Connect:" entries, IPv4 octet-aligned, IPv6 on
// 16-bit groups; then `makemap hash FILE < FILE` when makemap exists.
std::unique_ptr<BanBackend> make_access_backend(std::string path, std::string value = "REJECT",
                                                std::string makemap = "makemap");
// rbldnsd: <base>.ip4set and <base>.ip6trie with "!" exclusions for holes.
std::unique_ptr<BanBackend>
make_rbldnsd_backend(std::string base, std::string value = ":127.0.0.2:Listed by spamflow");

// Pure formatting, shared by the backends and their tests.
// IPv4 networks split to /8, /16, /24 or /32 (the next octet boundary).
std::vector<IpNetwork> octet_aligned(const IpNetwork &net);
// "10.1.2" for 10.1.2.0/24, "IPv6:2001:db8:1" for 2001:db8:1::/48.
std::string access_map_key(const IpNetwork &aligned);
// network minus the pieces: the holes a carve left, as CIDRs.
std::vector<IpNetwork> holes_of(const IpNetwork &network, std::vector<IpNetwork> pieces);
// Seconds an element should live: until - now, at least 1, at most cap.
std::int64_t element_timeout(std::int64_t until, std::int64_t now, std::int64_t cap);

// Runs the steps in order, stopping at the first failure. A skipped
// optional step adds a line to notes.
Result<bool> run_backend_steps(const std::vector<BackendStep> &steps,
                               std::vector<std::string> &notes);
// What the steps would do, as text for --dry-run.
std::string describe_backend_steps(std::string_view backend, const std::vector<BackendStep> &steps);

// Several backends with a dirty flag each. Every backend starts dirty, so
// the first apply resyncs it from the database's active bans.
class BackendSet {
public:
  // Called with (backend name, message) for errors (once per failure
  // streak), notes and recoveries.
  using Report = std::function<void(std::string_view, const std::string &)>;
  BackendSet(std::vector<std::unique_ptr<BanBackend>> backends, bool dry_run, Report report,
             Report dry_run_output);

  // Incremental where clean and there are changes, full where dirty. A
  // failed incremental plan is retried as a full resync at once. A failing
  // backend is retried at most every retry_s seconds (monotonic clock) when
  // nothing changed.
  // Returns the number of backends that failed.
  int apply(const std::vector<BanEvent> &changes, const std::vector<BanEntry> &active,
            std::int64_t now);
  bool any_dirty() const;
  bool empty() const { return slots_.empty(); }
  std::int64_t retry_s = 10;

private:
  struct Slot {
    std::unique_ptr<BanBackend> backend;
    bool dirty = true, failing = false;
    std::int64_t last_attempt = 0;
  };
  Result<bool> apply_one(Slot &s, const BanUpdate &u);

  std::vector<Slot> slots_;
  std::set<std::string> notes_seen_; // each note once
  bool dry_run_;
  Report report_, dry_run_output_;
};

} // namespace spamflow
