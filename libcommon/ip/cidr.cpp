#include "ip/cidr.hpp"

#include <algorithm>

namespace spamflow {

namespace {

using u128 = unsigned __int128;

constexpr u128 kAllOnes = ~static_cast<u128>(0);

u128 all_ones(int bits) {
  return bits == 128 ? kAllOnes : (static_cast<u128>(1) << bits) - 1;
}

// The low (bits - prefix) bits set.
u128 host_mask(int prefix, int bits) {
  return all_ones(bits - prefix);
}

u128 net_mask(int prefix, int bits) {
  return all_ones(bits) & ~host_mask(prefix, bits);
}

IpAddress make_address(int version, u128 value) {
  return version == 4 ? IpAddress::v4(static_cast<std::uint32_t>(value)) : IpAddress::v6(value);
}

int count_trailing_zeros(u128 value, int bits) {
  const auto lo = static_cast<std::uint64_t>(value);
  const auto hi = static_cast<std::uint64_t>(value >> 64);
  int zeros = lo ? __builtin_ctzll(lo) : hi ? 64 + __builtin_ctzll(hi) : 128;
  return std::min(zeros, bits);
}

// Position of the highest set bit plus one (0 for 0).
int bit_length(u128 value) {
  const auto hi = static_cast<std::uint64_t>(value >> 64);
  const auto lo = static_cast<std::uint64_t>(value);
  if (hi) return 128 - __builtin_clzll(hi);
  return lo ? 64 - __builtin_clzll(lo) : 0;
}

// The prefix length a dotted IPv4 netmask (1s then 0s) or hostmask (0s then
// 1s) stands for, netmask first as Python tries it; -1 if it is neither.
int prefix_from_v4_mask(std::string_view text) {
  const auto mask = IpAddress::try_parse(text);
  if (!mask || !mask->is_v4()) return -1;
  for (const std::uint32_t value : {mask->v4_value(), ~mask->v4_value()}) {
    const int zeros = count_trailing_zeros(value, 32);
    const int prefix = 32 - zeros;
    if ((static_cast<u128>(value) >> zeros) == all_ones(prefix)) return prefix;
  }
  return -1;
}

// The text after '/': ASCII decimal digits (any number of leading zeros),
// or for IPv4 a dotted mask. -1 if invalid or out of range.
int parse_prefix(std::string_view text, int max_prefix) {
  bool digits = !text.empty();
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      digits = false;
      break;
    }
    value = std::min(value * 10 + (c - '0'), 1000); // saturate, never overflow
  }
  if (digits) return value <= max_prefix ? value : -1;
  return max_prefix == 32 ? prefix_from_v4_mask(text) : -1;
}

Error network_error(std::string_view text, std::string_view why) {
  static constexpr std::size_t kQuoteLimit = 64;
  std::string message = "invalid network '";
  for (char c : text.substr(0, kQuoteLimit))
    message += (c >= 0x20 && c < 0x7f) ? c : '?';
  message += text.size() > kQuoteLimit ? "...': " : "': ";
  message += why;
  return make_error(std::move(message));
}

} // namespace

Result<IpNetwork> IpNetwork::parse(std::string_view text, bool strict) {
  const std::size_t slash = text.find('/');
  std::string_view mask_text;
  if (slash != std::string_view::npos) {
    mask_text = text.substr(slash + 1);
    if (mask_text.find('/') != std::string_view::npos)
      return network_error(text, "only one '/' permitted");
  }
  IpParseError error = IpParseError::kNone;
  const auto addr = IpAddress::try_parse(text.substr(0, slash), &error);
  if (!addr) return network_error(text, describe(error));
  int prefix = addr->max_prefix();
  if (slash != std::string_view::npos) {
    prefix = parse_prefix(mask_text, addr->max_prefix());
    if (prefix < 0)
      return network_error(text, addr->is_v4() ? "prefix length must be 0..32 or a dotted netmask"
                                               : "prefix length must be 0..128");
  }
  const u128 value = addr->value();
  const u128 masked = value & net_mask(prefix, addr->max_prefix());
  if (masked != value && strict) return network_error(text, "host bits set");
  return IpNetwork(make_address(addr->version(), masked), prefix);
}

Result<IpNetwork> IpNetwork::from(IpAddress addr, int prefix_len, bool strict) {
  if (prefix_len < 0 || prefix_len > addr.max_prefix())
    return make_error("prefix length " + std::to_string(prefix_len) + " out of range 0.." +
                      std::to_string(addr.max_prefix()));
  const u128 masked = addr.value() & net_mask(prefix_len, addr.max_prefix());
  if (masked != addr.value() && strict)
    return make_error(addr.to_string() + "/" + std::to_string(prefix_len) + " has host bits set");
  return IpNetwork(make_address(addr.version(), masked), prefix_len);
}

IpNetwork IpNetwork::containing(IpAddress addr, int prefix_len) {
  prefix_len = std::clamp(prefix_len, 0, addr.max_prefix());
  const u128 masked = addr.value() & net_mask(prefix_len, addr.max_prefix());
  return IpNetwork(make_address(addr.version(), masked), prefix_len);
}

IpAddress IpNetwork::broadcast_address() const {
  return make_address(version(), addr_.value() | host_mask(prefix_, max_prefix()));
}

bool IpNetwork::contains(const IpAddress &addr) const {
  return addr.version() == version() &&
         (addr.value() & net_mask(prefix_, max_prefix())) == addr_.value();
}

bool IpNetwork::subnet_of(const IpNetwork &other) const {
  return other.version() == version() && other.prefix_ <= prefix_ && other.contains(addr_);
}

bool IpNetwork::overlaps(const IpNetwork &other) const {
  return subnet_of(other) || other.subnet_of(*this);
}

Result<IpNetwork> IpNetwork::supernet(int new_prefix) const {
  if (new_prefix < 0 || new_prefix > prefix_)
    return make_error("supernet of " + to_string() + " must have a prefix length of 0.." +
                      std::to_string(prefix_) + ", not " + std::to_string(new_prefix));
  const u128 value = addr_.value() & net_mask(new_prefix, max_prefix());
  return IpNetwork(make_address(version(), value), new_prefix);
}

Result<std::vector<IpNetwork>> IpNetwork::subnets(int new_prefix, std::size_t limit) const {
  if (new_prefix < prefix_ || new_prefix > max_prefix())
    return make_error("subnets of " + to_string() + " must have a prefix length of " +
                      std::to_string(prefix_) + ".." + std::to_string(max_prefix()) + ", not " +
                      std::to_string(new_prefix));
  const int extra_bits = new_prefix - prefix_;
  if (extra_bits >= 63 || (std::size_t{1} << extra_bits) > limit)
    return make_error("splitting " + to_string() + " into /" + std::to_string(new_prefix) +
                      " gives more than " + std::to_string(limit) + " networks");
  const std::size_t count = std::size_t{1} << extra_bits;
  std::vector<IpNetwork> out;
  out.reserve(count);
  const int step_bits = max_prefix() - new_prefix; // < 128 whenever count > 1
  for (std::size_t i = 0; i < count; ++i) {
    const u128 offset = i == 0 ? 0 : static_cast<u128>(i) << step_bits;
    out.push_back(IpNetwork(make_address(version(), addr_.value() + offset), new_prefix));
  }
  return out;
}

void IpNetwork::append_to(std::string &out) const {
  char buf[IpAddress::kMaxTextLength + 4];
  std::size_t len = addr_.format_to(buf);
  buf[len++] = '/';
  if (prefix_ >= 100) buf[len++] = static_cast<char>('0' + prefix_ / 100);
  if (prefix_ >= 10) buf[len++] = static_cast<char>('0' + prefix_ / 10 % 10);
  buf[len++] = static_cast<char>('0' + prefix_ % 10);
  out.append(buf, len);
}

std::string IpNetwork::to_string() const {
  std::string out;
  append_to(out);
  return out;
}

std::size_t hash_value(const IpNetwork &net) {
  return hash_value(net.network_address()) ^
         (static_cast<std::size_t>(net.prefix_len()) * 0x9e3779b97f4a7c15ULL);
}

// Greedy from the low end: each step takes the largest aligned block that
// starts at `first` and does not pass `last`.
std::vector<IpNetwork> summarize_range(IpAddress first, IpAddress last) {
  std::vector<IpNetwork> out;
  if (first.version() != last.version() || last < first) return out;
  const int bits = first.max_prefix();
  u128 start = first.value();
  const u128 end = last.value();
  for (;;) {
    const u128 span = end - start; // block sizes up to span + 1 fit
    const int fit_bits = span == kAllOnes ? 128 : bit_length(span + 1) - 1;
    const int size_bits = std::min(count_trailing_zeros(start, bits), fit_bits);
    out.push_back(IpNetwork::from(make_address(first.version(), start), bits - size_bits).value());
    const u128 block_last = start + all_ones(size_bits);
    if (block_last == end) break;
    start = block_last + 1;
  }
  return out;
}

namespace {

// Sorted networks of one family into maximal inclusive ranges, then each
// range back into the fewest networks.
void collapse_family(std::vector<IpNetwork> &nets, std::vector<IpNetwork> &out) {
  if (nets.empty()) return;
  std::sort(nets.begin(), nets.end());
  IpAddress run_first = nets[0].network_address();
  IpAddress run_last = nets[0].broadcast_address();
  for (std::size_t i = 1; i < nets.size(); ++i) {
    const IpAddress first = nets[i].network_address();
    const IpAddress last = nets[i].broadcast_address();
    // Touching or overlapping (all-ones covers everything sorted after it).
    if (run_last.value() == all_ones(first.max_prefix()) || first.value() <= run_last.value() + 1) {
      if (run_last < last) run_last = last;
      continue;
    }
    for (const IpNetwork &net : summarize_range(run_first, run_last))
      out.push_back(net);
    run_first = first;
    run_last = last;
  }
  for (const IpNetwork &net : summarize_range(run_first, run_last))
    out.push_back(net);
}

} // namespace

std::vector<IpNetwork> collapse_networks(std::vector<IpNetwork> nets) {
  const auto v6_begin =
      std::partition(nets.begin(), nets.end(), [](const IpNetwork &net) { return net.is_v4(); });
  std::vector<IpNetwork> v6(v6_begin, nets.end());
  nets.erase(v6_begin, nets.end());
  std::vector<IpNetwork> out;
  collapse_family(nets, out);
  collapse_family(v6, out);
  return out;
}

// Walks from net down to hole; at each level the half not holding the hole
// is kept whole.
std::vector<IpNetwork> exclude_network(const IpNetwork &net, const IpNetwork &hole) {
  if (!net.overlaps(hole)) return {net};
  if (net.subnet_of(hole)) return {};
  std::vector<IpNetwork> out;
  const int bits = net.max_prefix();
  const u128 hole_value = hole.network_address().value();
  for (int prefix = net.prefix_len() + 1; prefix <= hole.prefix_len(); ++prefix) {
    const u128 half_bit = static_cast<u128>(1) << (bits - prefix);
    const u128 other_half = (hole_value & net_mask(prefix, bits)) ^ half_bit;
    out.push_back(IpNetwork::from(make_address(net.version(), other_half), prefix).value());
  }
  std::sort(out.begin(), out.end());
  return out;
}

} // namespace spamflow
