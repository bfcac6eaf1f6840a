// banwrite's decisions, as pure logic: classified records in, ban and unban
// events out. No SQLite, no clock, no I/O: time is the records' own time, so
// a replay of a log gives the same bans, and tests drive it directly.
//
// Evidence: each spam or suspect record adds its weight (class score /
// score_unit, capped) to its address within a sliding window (fail2ban's
// findtime); each good (ham) record takes ham_credit off again. An address
// whose balance reaches address_threshold, and whose share of spam is at
// least min_spam_share, is banned. So a partner relay that passes some spam
// among much good mail is never banned, a host that sends only spam is.
//
// Networks: when network_min_addresses distinct addresses with a positive
// balance sit in one network within the window, the network is banned. The
// network is netlookup's prefix when known and no wider than the maximum,
// else the unit (/24, or /48 for IPv6, where /64 is the single host). A unit
// ban grows by grow_step bits (/24 -> /20 -> /16) when grow_min_subnets
// banned networks sit in the wider one, never past v4_max / v6_max.
//
// Allowlist: evidence for an allowed address is ignored (the caller counts
// and warns); a network ban that would cover an allowed address is carved
// around it (exclude_network), and one inside an allowed range is dropped.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/dense_map.hpp"
#include "base/result.hpp"
#include "base/small_vector.hpp"
#include "ip/cidr.hpp"

namespace spamflow {

// All thresholds, with their defaults (documented in banwrite(1)).
struct BanPolicyOptions {
  std::int64_t window_s = 86400;  // evidence older than this is forgotten
  double score_unit = 5.0;        // a record of class score score_unit weighs 1
  double max_record_weight = 3.0; // no single record weighs more
  double min_record_weight = 0.2; // a spam/suspect record weighs at least this
  double address_threshold = 3.0; // balance that bans an address
  double ham_credit = 1.0;        // balance one good record takes off
  double min_spam_share = 0.75;   // spam / (spam + good) needed for an address ban
  std::int64_t ban_s = 86400;     // first ban of a target
  double repeat_factor = 2.0;     // n-th ban lasts ban_s * repeat_factor^(n-1)
  std::int64_t max_ban_s = 30 * 86400;
  int network_min_addresses = 3; // K distinct spamming addresses ban a network
  int v4_unit = 24, v6_unit = 48, v6_host = 64;
  int v4_max = 16, v6_max = 32; // never ban wider than these
  int grow_step = 4;
  int grow_min_subnets = 2;
  std::size_t max_tracked = 1'000'000; // addresses held; stale ones go first
  std::size_t max_samples_per_address = 64;
  std::vector<IpNetwork> allow; // empty: nothing is allowed (see default_allowlist)
};

// Loopback, RFC 1918, CGN, link-local, multicast, reserved and the IPv6
// equivalents: what --allow replaces.
std::vector<IpNetwork> default_allowlist();

// "90", "90s", "30m", "12h", "7d", "2w" -> seconds; at most 10 years.
Result<std::int64_t> parse_duration(std::string_view text);

enum class Evidence : std::uint8_t { kSpam, kSuspect, kHam, kLocal, kUnknown };
// "spam", "suspect", "ham", "local"; anything else is kUnknown.
Evidence evidence_from_verdict(std::string_view verdict);

struct Observation {
  std::int64_t time = 0; // epoch seconds of the record
  IpAddress client;
  Evidence evidence = Evidence::kUnknown;
  double score = 0;             // class score
  std::optional<IpNetwork> net; // netlookup's prefix, when known
};

// What observe() did with a record; the caller counts these.
enum class Observed : std::uint8_t {
  kNeutral,       // unknown verdict: no evidence either way
  kCounted,       // spam/suspect/ham evidence recorded
  kAllowed,       // spam/suspect evidence for an allowlisted address, ignored
  kLocal,         // verdict local, ignored
  kAlreadyBanned, // evidence for an address a ban covers (still recorded)
};

struct BanEvent {
  enum class Action : std::uint8_t { kAdd, kRemove };
  Action action = Action::kAdd;
  IpNetwork target;  // what a backend applies
  IpNetwork network; // the decided network; != target when carved
  std::string reason;
  std::int64_t start = 0, until = 0;
  double hits = 0; // evidence balance, or distinct addresses for a network
  int offence = 1; // n-th ban of this network
  bool manual = false;
};

struct ActiveBan {
  IpNetwork network;
  std::vector<IpNetwork> pieces; // network minus allowlisted holes
  std::int64_t start = 0, until = 0;
  std::string reason;
  double hits = 0;
  int offence = 1;
  bool manual = false;
  bool grown = false; // unit ban that may grow
};

struct BanPolicyCounters {
  std::uint64_t observed = 0, spam = 0, suspect = 0, ham = 0, local = 0, unknown = 0;
  std::uint64_t allowed_ignored = 0, covered = 0, evicted = 0;
  std::uint64_t address_bans = 0, network_bans = 0, grown_bans = 0, carved = 0, expired = 0;
  std::uint64_t dropped_allowed = 0; // network bans entirely inside the allowlist
};

class BanPolicy {
public:
  explicit BanPolicy(BanPolicyOptions options);

  // Feeds one record; ban events it causes are appended to out. Expires
  // bans whose end is at or before obs.time first.
  Observed observe(const Observation &obs, std::vector<BanEvent> &out);
  // Removes bans with until <= now.
  void expire(std::int64_t now, std::vector<BanEvent> &out);

  // A ban decided elsewhere (manual, or read back from the database). It is
  // carved around the allowlist; nothing is added when all of it is allowed.
  void add_ban(const IpNetwork &net, std::int64_t start, std::int64_t duration_s,
               std::string reason, bool manual, std::vector<BanEvent> &out);
  // An active ban read back from the database at start: no event, no new
  // offence. Pieces are kept as stored.
  void restore_ban(ActiveBan ban);
  // Lifts the ban of exactly this network; false if there is none.
  bool remove_ban(const IpNetwork &net, std::int64_t now, std::vector<BanEvent> &out);
  // Past bans of a network, from ban history, so repeat offenders are known.
  void set_offences(const IpNetwork &net, int count) { offences_[net] = count; }
  // Duration of the n-th ban (n >= 1).
  std::int64_t duration_for(int offence) const;

  bool is_allowed(const IpAddress &addr) const;
  // The active ban whose network holds addr, if any.
  const ActiveBan *covering_ban(const IpAddress &addr) const;
  const std::map<IpNetwork, ActiveBan> &active() const { return active_; }
  const BanPolicyCounters &counters() const { return counters_; }
  const BanPolicyOptions &options() const { return opt_; }
  // Host unit of an address: /32, or /64 for IPv6.
  IpNetwork host_unit(const IpAddress &addr) const;

private:
  struct Sample {
    std::int64_t time;
    double spam, good;
  };
  struct AddressState {
    SmallVector<Sample, 1> samples; // oldest first; most addresses send one
    std::int64_t last_seen = 0;
    double spam = 0, good = 0; // sums over samples
  };
  struct Spammer {
    std::uint64_t key; // spammer_key()
    std::int64_t last_spam;
  };
  struct NetState {
    // Host units (spammer_key) and their last spam time, sorted by key: a
    // network holds a few, 16 bytes each, the first in place (a map's node
    // per entry was 4% of banwrite; 48-byte entries of IpAddress kept 2% in
    // moves).
    SmallVector<Spammer, 1> spammers;
    std::int64_t last_seen = 0;
    std::size_t prune_at = 64; // spammers' size that triggers the next pruning
  };

  double record_weight(const Observation &obs) const;
  AddressState &state_for(const IpAddress &host, std::int64_t now);
  void prune(AddressState &s, std::int64_t now) const;
  bool is_spamming(const AddressState &s) const;
  IpNetwork network_for(const Observation &obs) const;
  void consider_address(const IpNetwork &host, const AddressState &s, std::int64_t now,
                        std::vector<BanEvent> &out);
  std::uint64_t spammer_key(const IpAddress &host) const;
  void consider_network(const IpNetwork &net, std::uint64_t host, bool spamming, std::int64_t now,
                        std::vector<BanEvent> &out);
  void consider_growth(const IpNetwork &banned, std::int64_t now, std::vector<BanEvent> &out);
  int max_len(const IpNetwork &net) const { return net.is_v4() ? opt_.v4_max : opt_.v6_max; }
  const ActiveBan *add(ActiveBan ban, std::vector<BanEvent> &out);
  void emit(const ActiveBan &ban, BanEvent::Action action, std::vector<BanEvent> &out) const;
  void drop_covered(const IpNetwork &wider, std::int64_t now, std::vector<BanEvent> &out);
  std::vector<IpNetwork> carve(const IpNetwork &net) const;
  void sweep(std::int64_t now);
  // Counts an active_ entry in ban_lengths_ and active_index_ (ban: its
  // entry), or out of them (nullptr).
  void index_ban(const IpNetwork &net, const ActiveBan *ban);
  static void mark_spammer(NetState &ns, std::uint64_t host, bool spamming, std::int64_t now);

  BanPolicyOptions opt_;
  std::vector<IpNetwork> allow_; // collapsed, sorted
  // Hashes for the dense maps, inline: the policy hashes two keys a record.
  struct AddressHash {
    std::size_t operator()(const IpAddress &a) const {
      auto v = a.value();
      auto lo = static_cast<std::uint64_t>(v), hi = static_cast<std::uint64_t>(v >> 64);
      return static_cast<std::size_t>((lo ^ (hi * 0xC2B2AE3D27D4EB4FULL)) + a.version());
    }
  };
  struct NetworkHash {
    std::size_t operator()(const IpNetwork &n) const {
      return AddressHash{}(n.network_address()) * 131 + static_cast<std::size_t>(n.prefix_len());
    }
  };
  DenseMap<IpAddress, AddressState, AddressHash> addresses_;
  DenseMap<IpNetwork, NetState, NetworkHash> networks_;
  std::map<IpNetwork, ActiveBan> active_;
  // active_'s entries again, hashed: covering_ban() asks for every record
  // (the ordered map's finds were 1.5% of banwrite). std::map's nodes do
  // not move, so the pointers hold until the entry is erased.
  DenseMap<IpNetwork, const ActiveBan *, NetworkHash> active_index_;
  std::set<std::pair<std::int64_t, IpNetwork>> by_until_;
  std::unordered_map<IpNetwork, int> offences_;
  // Active bans per prefix length, so covering_ban() looks up only the
  // lengths that have one (a /32 ... /16 walk cost 17 map lookups).
  std::array<std::array<int, 129>, 2> ban_lengths_{}; // [IPv4, IPv6][prefix length]
  BanPolicyCounters counters_;
};

} // namespace spamflow
