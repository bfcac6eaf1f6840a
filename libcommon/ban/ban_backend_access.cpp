// sendmail access map: "Connect:" entries. sendmail looks a client up by
// its whole address, then by dropping trailing octets ("Connect:10.1.2",
// "Connect:10.1", "Connect:10"), so an IPv4 ban must be cut into /8, /16,
// /24 or /32 pieces: a /20 becomes 16 /24 entries. IPv6 keys are
// "IPv6:" plus leading 16-bit groups ("IPv6:2001:db8:1" for a /48), a /128
// the address itself. The file is rewritten atomically, then `makemap hash`
// builds the database sendmail reads, when makemap is installed.
#include <algorithm>
#include <cstdio>

#include "ban/ban_backend.hpp"

namespace spamflow {

std::vector<IpNetwork> octet_aligned(const IpNetwork &net) {
  int step = net.is_v4() ? 8 : 16;
  int aligned = (net.prefix_len() + step - 1) / step * step;
  if (aligned == net.prefix_len()) return {net};
  auto parts = net.subnets(aligned, std::size_t{1} << 24);
  return parts ? *parts : std::vector<IpNetwork>{};
}

std::string access_map_key(const IpNetwork &aligned) {
  const IpAddress addr = aligned.network_address();
  std::string key;
  if (aligned.is_v4()) {
    std::uint32_t v = addr.v4_value();
    for (int i = 0; i < aligned.prefix_len() / 8; ++i) {
      if (i > 0) key += '.';
      key += std::to_string((v >> (24 - 8 * i)) & 0xff);
    }
    return key;
  }
  key = "IPv6:";
  if (aligned.prefix_len() == 128) return key + addr.to_string();
  unsigned __int128 v = addr.v6_value();
  char group[8];
  for (int i = 0; i < aligned.prefix_len() / 16; ++i) {
    if (i > 0) key += ':';
    std::snprintf(group, sizeof group, "%x", static_cast<unsigned>((v >> (112 - 16 * i)) & 0xffff));
    key += group;
  }
  return key;
}

namespace {

class AccessMapBackend : public BanBackend {
public:
  AccessMapBackend(std::string path, std::string value, std::string makemap)
      : path_(std::move(path)), value_(std::move(value)), makemap_(std::move(makemap)) {}
  std::string_view name() const override { return "access"; }

  std::vector<BackendStep> plan(const BanUpdate &u, bool) const override {
    std::vector<IpNetwork> entries;
    for (const BanEntry &e : u.active)
      for (const IpNetwork &n : octet_aligned(e.target))
        entries.push_back(n);
    std::sort(entries.begin(), entries.end());
    entries.erase(std::unique(entries.begin(), entries.end()), entries.end());
    BackendStep file;
    file.file = path_;
    file.input = "# sendmail access map written by banwrite(1); every change rewrites it.\n";
    for (const IpNetwork &n : entries)
      file.input += "Connect:" + access_map_key(n) + "\t" + value_ + "\n";
    BackendStep makemap;
    makemap.argv = {makemap_, "hash", path_};
    makemap.input = file.input; // makemap hash FILE < FILE
    makemap.optional = true;
    return {std::move(file), std::move(makemap)};
  }

private:
  std::string path_, value_, makemap_;
};

} // namespace

std::unique_ptr<BanBackend> make_access_backend(std::string path, std::string value,
                                                std::string makemap) {
  return std::make_unique<AccessMapBackend>(std::move(path), std::move(value), std::move(makemap));
}

} // namespace spamflow
