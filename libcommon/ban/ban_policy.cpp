#include "ban/ban_policy.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace spamflow {

namespace {

IpNetwork net_of(const IpAddress &addr, int prefix) {
  return IpNetwork::containing(addr, prefix);
}

} // namespace

std::vector<IpNetwork> default_allowlist() {
  static const char *const kRanges[] = {
      "0.0.0.0/8",     "10.0.0.0/8",    "100.64.0.0/10",  "127.0.0.0/8", "169.254.0.0/16",
      "172.16.0.0/12", "192.0.0.0/24",  "192.168.0.0/16", "224.0.0.0/4", "240.0.0.0/4",
      "::/127",        "::ffff:0:0/96", "fc00::/7",       "fe80::/10",   "ff00::/8"};
  std::vector<IpNetwork> out;
  for (const char *r : kRanges)
    out.push_back(IpNetwork::parse(r).value());
  return collapse_networks(std::move(out));
}

Result<std::int64_t> parse_duration(std::string_view text) {
  std::int64_t value = 0;
  std::size_t i = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9' && value < 1'000'000'000; ++i)
    value = value * 10 + (text[i] - '0');
  std::string_view unit = text.substr(i);
  std::int64_t mult = unit.empty() || unit == "s" ? 1
                      : unit == "m"               ? 60
                      : unit == "h"               ? 3600
                      : unit == "d"               ? 86400
                      : unit == "w"               ? 7 * 86400
                                                  : 0;
  if (i == 0 || mult == 0 || value * mult > 10LL * 366 * 86400)
    return make_error("bad duration '" + std::string(text) + "' (want e.g. 90s, 30m, 12h, 7d, 2w)");
  return value * mult;
}

Evidence evidence_from_verdict(std::string_view verdict) {
  if (verdict == "spam") return Evidence::kSpam;
  if (verdict == "suspect") return Evidence::kSuspect;
  if (verdict == "ham") return Evidence::kHam;
  if (verdict == "local") return Evidence::kLocal;
  return Evidence::kUnknown;
}

BanPolicy::BanPolicy(BanPolicyOptions options)
    : opt_(std::move(options)), allow_(collapse_networks(opt_.allow)) {}

bool BanPolicy::is_allowed(const IpAddress &addr) const {
  // allow_ is collapsed and sorted: only the last network starting at or
  // before addr can hold it.
  auto it = std::upper_bound(
      allow_.begin(), allow_.end(), addr,
      [](const IpAddress &a, const IpNetwork &n) { return a < n.network_address(); });
  return it != allow_.begin() && std::prev(it)->contains(addr);
}

IpNetwork BanPolicy::host_unit(const IpAddress &addr) const {
  return net_of(addr, addr.is_v4() ? 32 : opt_.v6_host);
}

const ActiveBan *BanPolicy::covering_ban(const IpAddress &addr) const {
  int widest = addr.is_v4() ? std::min(opt_.v4_max, 32) : std::min(opt_.v6_max, 128);
  const auto &lengths = ban_lengths_[addr.is_v4() ? 0 : 1];
  for (int len = addr.max_prefix(); len >= widest; --len) {
    if (lengths[static_cast<std::size_t>(len)] == 0) continue; // no ban of that length
    IpNetwork net = net_of(addr, len);
    if (const ActiveBan *const *ban = active_index_.find(net)) return *ban;
  }
  return nullptr;
}

std::int64_t BanPolicy::duration_for(int offence) const {
  double d =
      static_cast<double>(opt_.ban_s) * std::pow(opt_.repeat_factor, std::max(0, offence - 1));
  return d >= static_cast<double>(opt_.max_ban_s) ? opt_.max_ban_s : static_cast<std::int64_t>(d);
}

double BanPolicy::record_weight(const Observation &obs) const {
  double w = obs.score / opt_.score_unit;
  return std::clamp(w, opt_.min_record_weight, opt_.max_record_weight);
}

void BanPolicy::prune(AddressState &s, std::int64_t now) const {
  std::size_t drop = 0;
  while (drop < s.samples.size() && (s.samples[drop].time <= now - opt_.window_s ||
                                     s.samples.size() - drop > opt_.max_samples_per_address))
    ++drop;
  if (drop == 0) return;
  s.samples.erase(s.samples.begin(), s.samples.begin() + drop);
  s.spam = s.good = 0; // re-add rather than subtract: no drift
  for (const Sample &x : s.samples) {
    s.spam += x.spam;
    s.good += x.good;
  }
}

bool BanPolicy::is_spamming(const AddressState &s) const {
  return s.spam > 0 && s.spam - opt_.ham_credit * s.good > 0 &&
         s.spam >= opt_.min_spam_share * (s.spam + s.good);
}

BanPolicy::AddressState &BanPolicy::state_for(const IpAddress &host, std::int64_t now) {
  if (addresses_.size() >= opt_.max_tracked && !addresses_.contains(host)) sweep(now);
  AddressState &s = addresses_[host];
  s.last_seen = std::max(s.last_seen, now);
  return s;
}

void BanPolicy::sweep(std::int64_t now) {
  auto stale = [&](const auto &, const auto &state) {
    return state.last_seen <= now - opt_.window_s;
  };
  addresses_.erase_if(stale);
  networks_.erase_if(stale);
  if (addresses_.size() < opt_.max_tracked) return;
  // Still full of live addresses: forget the older half.
  std::vector<std::int64_t> seen;
  seen.reserve(addresses_.size());
  for (const auto &kv : addresses_)
    seen.push_back(kv.second.last_seen);
  auto mid = seen.begin() + static_cast<std::ptrdiff_t>(seen.size() / 2);
  std::nth_element(seen.begin(), mid, seen.end());
  std::int64_t cut = *mid;
  counters_.evicted +=
      addresses_.erase_if([&](const auto &, const auto &state) { return state.last_seen <= cut; });
}

IpNetwork BanPolicy::network_for(const Observation &obs) const {
  const IpAddress &a = obs.client;
  int host = a.is_v4() ? 32 : opt_.v6_host;
  if (obs.net && obs.net->contains(a) && obs.net->prefix_len() >= max_len(*obs.net) &&
      obs.net->prefix_len() < host)
    return *obs.net;
  return net_of(a, a.is_v4() ? opt_.v4_unit : opt_.v6_unit);
}

Observed BanPolicy::observe(const Observation &obs, std::vector<BanEvent> &out) {
  ++counters_.observed;
  expire(obs.time, out);
  switch (obs.evidence) {
  case Evidence::kLocal:
    ++counters_.local;
    return Observed::kLocal;
  case Evidence::kUnknown:
    ++counters_.unknown;
    return Observed::kNeutral;
  case Evidence::kSpam:
    ++counters_.spam;
    break;
  case Evidence::kSuspect:
    ++counters_.suspect;
    break;
  case Evidence::kHam:
    ++counters_.ham;
    break;
  }
  bool bad = obs.evidence != Evidence::kHam;
  if (is_allowed(obs.client)) {
    if (!bad) return Observed::kNeutral;
    ++counters_.allowed_ignored;
    return Observed::kAllowed;
  }
  IpNetwork host = host_unit(obs.client);
  AddressState &s = state_for(host.network_address(), obs.time);
  prune(s, obs.time);
  double w = bad ? record_weight(obs) : 0;
  s.samples.push_back({obs.time, w, bad ? 0.0 : 1.0});
  s.spam += w;
  s.good += bad ? 0.0 : 1.0;
  prune(s, obs.time);
  bool covered = covering_ban(obs.client) != nullptr;
  consider_network(network_for(obs), spammer_key(obs.client), is_spamming(s), obs.time, out);
  if (covered) {
    ++counters_.covered;
    return Observed::kAlreadyBanned;
  }
  if (bad) consider_address(host, s, obs.time, out);
  return Observed::kCounted;
}

void BanPolicy::consider_address(const IpNetwork &host, const AddressState &s, std::int64_t now,
                                 std::vector<BanEvent> &out) {
  double balance = s.spam - opt_.ham_credit * s.good;
  if (!is_spamming(s) || balance < opt_.address_threshold || covering_ban(host.network_address()))
    return;
  ActiveBan ban;
  ban.network = host;
  ban.start = now;
  ban.hits = balance;
  ban.reason = fmt::format("spam evidence {:.1f} in {}s, {} good", s.spam, opt_.window_s, s.good);
  if (add(std::move(ban), out)) ++counters_.address_bans;
}

// A host unit's number within its network: the address without its host
// bits, whose low 64 bits differ between any two units of a network no
// wider than 64 bits of units (IPv4; IPv6 /64 units in a /32 or narrower,
// as v6_max allows by default). In a wider one two units could share a key
// and count once: fewer bans, never more.
std::uint64_t BanPolicy::spammer_key(const IpAddress &host) const {
  int host_bits = host.max_prefix() - (host.is_v4() ? 32 : opt_.v6_host);
  return static_cast<std::uint64_t>(host.value() >> host_bits);
}

void BanPolicy::consider_network(const IpNetwork &net, std::uint64_t host, bool spamming,
                                 std::int64_t now, std::vector<BanEvent> &out) {
  // A network is tracked from its first spamming address on: good mail
  // from an untracked one changes nothing (no spammer to take out, no ban
  // without one), and tracking every network seen cost a map entry each.
  NetState *found = networks_.find(net);
  if (!found && !spamming) return;
  NetState &ns = found ? *found : networks_[net];
  ns.last_seen = std::max(ns.last_seen, now);
  mark_spammer(ns, host, spamming, now);
  // Pruning walks every spammer: only when the count could decide a ban,
  // else when the set has doubled (so a banned network's set stays bounded
  // at amortised O(1) a record; pruning each time cost 12% of banwrite).
  auto min_addresses = static_cast<std::size_t>(std::max(opt_.network_min_addresses, 1));
  bool may_ban = ns.spammers.size() >= min_addresses && !active_index_.contains(net);
  if (may_ban) {
    const ActiveBan *wider = covering_ban(net.network_address());
    may_ban = !(wider && wider->network.supernet_of(net));
  }
  if (may_ban || ns.spammers.size() >= ns.prune_at) {
    ns.spammers.erase_if([&](const Spammer &x) { return x.last_spam <= now - opt_.window_s; });
    ns.prune_at = std::max<std::size_t>(2 * ns.spammers.size(), 64);
  }
  int distinct = static_cast<int>(ns.spammers.size());
  if (!may_ban || distinct < opt_.network_min_addresses) return;
  ActiveBan ban;
  ban.network = net;
  ban.start = now;
  ban.hits = distinct;
  ban.reason = fmt::format("{} spamming addresses in {}s", distinct, opt_.window_s);
  ban.grown = net.prefix_len() == (net.is_v4() ? opt_.v4_unit : opt_.v6_unit);
  if (!add(std::move(ban), out)) return;
  ++counters_.network_bans;
  drop_covered(net, now, out);
  consider_growth(net, now, out);
}

// Sets host's last spam time, or takes it out when good mail took its
// evidence back.
void BanPolicy::mark_spammer(NetState &ns, std::uint64_t host, bool spamming, std::int64_t now) {
  auto it = std::lower_bound(ns.spammers.begin(), ns.spammers.end(), host,
                             [](const Spammer &x, std::uint64_t key) { return x.key < key; });
  bool there = it != ns.spammers.end() && it->key == host;
  if (spamming && there)
    it->last_spam = now;
  else if (spamming)
    ns.spammers.insert(it, {host, now});
  else if (there)
    ns.spammers.erase(it);
}

void BanPolicy::consider_growth(const IpNetwork &banned, std::int64_t now,
                                std::vector<BanEvent> &out) {
  IpNetwork net = banned;
  while (net.prefix_len() - opt_.grow_step >= max_len(net)) {
    IpNetwork wider = net.supernet(net.prefix_len() - opt_.grow_step).value();
    if (active_.contains(wider)) return;
    int subnets = 0;
    for (auto it = active_.lower_bound(wider);
         it != active_.end() && wider.contains(it->first.network_address()); ++it)
      subnets += it->second.grown && it->first.prefix_len() > wider.prefix_len();
    if (subnets < opt_.grow_min_subnets) return;
    ActiveBan ban;
    ban.network = wider;
    ban.start = now;
    ban.hits = subnets;
    ban.grown = true;
    ban.reason = fmt::format("{} banned networks inside", subnets);
    if (!add(std::move(ban), out)) return;
    ++counters_.grown_bans;
    drop_covered(wider, now, out);
    net = wider;
  }
}

std::vector<IpNetwork> BanPolicy::carve(const IpNetwork &net) const {
  std::vector<IpNetwork> pieces{net};
  for (const IpNetwork &hole : allow_) {
    if (!hole.overlaps(net)) continue;
    std::vector<IpNetwork> next;
    for (const IpNetwork &p : pieces) {
      auto rest = exclude_network(p, hole);
      next.insert(next.end(), rest.begin(), rest.end());
    }
    pieces = std::move(next);
  }
  return pieces;
}

const ActiveBan *BanPolicy::add(ActiveBan ban, std::vector<BanEvent> &out) {
  if (active_.contains(ban.network)) return nullptr;
  ban.pieces = carve(ban.network);
  if (ban.pieces.empty()) {
    ++counters_.dropped_allowed;
    return nullptr;
  }
  if (ban.pieces.size() != 1 || ban.pieces[0] != ban.network) ++counters_.carved;
  int &n = offences_[ban.network];
  ban.offence = ++n;
  if (ban.until <= ban.start) ban.until = ban.start + duration_for(ban.offence);
  by_until_.insert({ban.until, ban.network});
  auto [it, inserted] = active_.emplace(ban.network, std::move(ban));
  index_ban(it->first, &it->second);
  emit(it->second, BanEvent::Action::kAdd, out);
  return &it->second;
}

void BanPolicy::emit(const ActiveBan &ban, BanEvent::Action action,
                     std::vector<BanEvent> &out) const {
  for (const IpNetwork &piece : ban.pieces) {
    BanEvent e;
    e.action = action;
    e.target = piece;
    e.network = ban.network;
    e.reason = ban.reason;
    e.start = ban.start;
    e.until = ban.until;
    e.hits = ban.hits;
    e.offence = ban.offence;
    e.manual = ban.manual;
    out.push_back(std::move(e));
  }
}

void BanPolicy::drop_covered(const IpNetwork &wider, std::int64_t now, std::vector<BanEvent> &out) {
  std::vector<IpNetwork> inside;
  for (auto it = active_.lower_bound(wider);
       it != active_.end() && wider.contains(it->first.network_address()); ++it)
    if (it->first != wider && it->first.subnet_of(wider)) inside.push_back(it->first);
  for (const IpNetwork &n : inside)
    remove_ban(n, now, out);
}

bool BanPolicy::remove_ban(const IpNetwork &net, std::int64_t now, std::vector<BanEvent> &out) {
  auto it = active_.find(net);
  if (it == active_.end()) return false;
  ActiveBan ban = std::move(it->second);
  index_ban(net, nullptr);
  active_.erase(it);
  by_until_.erase({ban.until, net});
  ban.until = std::min(ban.until, now);
  emit(ban, BanEvent::Action::kRemove, out);
  return true;
}

void BanPolicy::expire(std::int64_t now, std::vector<BanEvent> &out) {
  while (!by_until_.empty() && by_until_.begin()->first <= now) {
    IpNetwork net = by_until_.begin()->second;
    ++counters_.expired;
    remove_ban(net, now, out);
  }
}

void BanPolicy::restore_ban(ActiveBan ban) {
  if (active_.contains(ban.network)) return;
  if (ban.pieces.empty()) ban.pieces = carve(ban.network);
  int &n = offences_[ban.network];
  n = std::max(n, ban.offence);
  by_until_.insert({ban.until, ban.network});
  auto [it, inserted] = active_.emplace(ban.network, std::move(ban));
  index_ban(it->first, &it->second);
}

void BanPolicy::index_ban(const IpNetwork &net, const ActiveBan *ban) {
  auto &lengths = ban_lengths_[net.is_v4() ? 0 : 1];
  lengths[static_cast<std::size_t>(net.prefix_len())] += ban ? 1 : -1;
  if (ban)
    active_index_[net] = ban;
  else
    active_index_.erase(net);
}

void BanPolicy::add_ban(const IpNetwork &net, std::int64_t start, std::int64_t duration_s,
                        std::string reason, bool manual, std::vector<BanEvent> &out) {
  remove_ban(net, start, out);
  ActiveBan ban;
  ban.network = net;
  ban.start = start;
  ban.until = start + std::max<std::int64_t>(duration_s, 1);
  ban.reason = std::move(reason);
  ban.manual = manual;
  add(std::move(ban), out);
}

} // namespace spamflow
