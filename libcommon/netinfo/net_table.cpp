#include "netinfo/net_table.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ip/cidr.hpp"
#include "ip/ip_address.hpp"

namespace spamflow {

using netfile::Block;
using netfile::Fact;
using netfile::FactKind;
using netfile::Record;

namespace {

uint128 join128(std::uint64_t hi, std::uint64_t lo) {
  return (uint128(hi) << 64) | lo;
}

std::string_view rir_name(netfile::Rir rir) {
  switch (rir) {
  case netfile::Rir::kAfrinic:
    return "afrinic";
  case netfile::Rir::kApnic:
    return "apnic";
  case netfile::Rir::kArin:
    return "arin";
  case netfile::Rir::kIana:
    return "iana";
  case netfile::Rir::kLacnic:
    return "lacnic";
  case netfile::Rir::kRipencc:
    return "ripencc";
  default:
    return "";
  }
}

std::string_view status_name(netfile::Status status) {
  switch (status) {
  case netfile::Status::kAllocated:
    return "allocated";
  case netfile::Status::kAssigned:
    return "assigned";
  case netfile::Status::kAvailable:
    return "available";
  case netfile::Status::kReserved:
    return "reserved";
  default:
    return "";
  }
}

std::string_view kind_name(FactKind kind) {
  switch (kind) {
  case FactKind::kBgp:
    return "bgp";
  case FactKind::kIp2asn:
    return "ip2asn";
  case FactKind::kMmdb:
    return "mmdb";
  case FactKind::kRir:
    return "rir";
  }
  return "";
}

std::string_view cc_view(const char (&cc)[2]) {
  return cc[0] ? std::string_view(cc, cc[1] ? 2 : 1) : std::string_view();
}

} // namespace

std::string raw_address_text(uint128 addr, bool v6) {
  return (v6 ? IpAddress::v6(addr) : IpAddress::v4(std::uint32_t(addr))).to_string();
}

IpNetwork NetInfo::network() const {
  IpAddress a = v6 ? IpAddress::v6(cidr_net) : IpAddress::v4(std::uint32_t(cidr_net));
  Result<IpNetwork> net = IpNetwork::from(a, cidr_len, false);
  return net ? *net : IpNetwork();
}

std::optional<NetInfo> NetTable::lookup(const IpAddress &addr) const {
  if (addr.is_v4()) return lookup_v4(addr.v4_value());
  if (std::optional<IpAddress> mapped = addr.ipv4_mapped()) return lookup_v4(mapped->v4_value());
  return lookup_v6(addr.v6_value());
}

std::vector<std::string_view> NetInfo::drop_tags() const {
  std::vector<std::string_view> out;
  std::string_view rest = drop;
  while (!rest.empty()) {
    std::size_t comma = rest.find(',');
    out.push_back(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  }
  return out;
}

std::string NetInfo::cidr_text() const {
  return raw_address_text(cidr_net, v6) + "/" + std::to_string(cidr_len);
}

std::string NetInfo::range_text() const {
  return raw_address_text(range_first, v6) + "-" + raw_address_text(range_last, v6);
}

Result<NetTable> NetTable::open(const std::string &path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_error(path + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || st.st_size < std::int64_t(sizeof(netfile::Header))) {
    ::close(fd);
    return make_error(path + ": not a network table (too short)");
  }
  void *map = ::mmap(nullptr, std::size_t(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
  int saved = errno;
  ::close(fd);
  if (map == MAP_FAILED) return make_error(path + ": mmap: " + std::strerror(saved));
  NetTable table;
  table.base_ = static_cast<const unsigned char *>(map);
  table.size_ = std::size_t(st.st_size);
  Result<bool> bound = table.bind_sections();
  if (!bound) return make_error(path + ": " + bound.error());
  Result<bool> valid = table.validate();
  if (!valid) return make_error(path + ": " + valid.error());
  return table;
}

NetTable::NetTable(NetTable &&other) noexcept {
  *this = std::move(other);
}

NetTable &NetTable::operator=(NetTable &&other) noexcept {
  if (this != &other) {
    if (base_) ::munmap(const_cast<unsigned char *>(base_), size_);
    std::memcpy(static_cast<void *>(this), static_cast<const void *>(&other), sizeof(NetTable));
    other.base_ = nullptr;
    other.size_ = 0;
  }
  return *this;
}

NetTable::~NetTable() {
  if (base_) ::munmap(const_cast<unsigned char *>(base_), size_);
}

std::string_view NetTable::string_at(std::uint32_t offset) const {
  return offset < strings_size_ ? std::string_view(strings_ + offset) : std::string_view();
}

std::vector<AddrSegment> NetTable::v4_segments() const {
  std::vector<AddrSegment> out;
  auto add = [&](std::uint32_t first, std::uint32_t last, std::uint32_t value) {
    if (!out.empty() && out.back().value == value)
      out.back().last = last;
    else
      out.push_back({first, last, value});
  };
  for (std::uint32_t hi = 0; hi < kV4TopEntries; ++hi) {
    std::uint32_t e = v4_top_[hi];
    if (!(e & kTrieChild)) {
      add(hi << 16, (hi << 16) | 0xffffu, e);
      continue;
    }
    const std::uint32_t *mid = v4_chunks_ + std::size_t(e & kTrieIndexMask) * 256;
    for (std::uint32_t m = 0; m < 256; ++m) {
      std::uint32_t base = (hi << 16) | (m << 8);
      if (!(mid[m] & kTrieChild)) {
        add(base, base | 0xffu, mid[m]);
        continue;
      }
      const std::uint32_t *low = v4_chunks_ + std::size_t(mid[m] & kTrieIndexMask) * 256;
      for (std::uint32_t l = 0; l < 256; ++l)
        add(base | l, base | l, low[l]);
    }
  }
  return out;
}

std::optional<NetInfo> NetTable::info(std::uint32_t record_id, bool v6) const {
  if (record_id == 0 || record_id >= n_records_) return std::nullopt;
  const Record &r = records_[record_id];
  const Fact *route = r.route ? &facts_[r.route - 1] : nullptr;
  const Fact *reg = r.registry ? &facts_[r.registry - 1] : nullptr;
  const Fact *mmdb = r.mmdb ? &facts_[r.mmdb - 1] : nullptr;
  const Fact *primary = route ? route : mmdb ? mmdb : reg;
  NetInfo out;
  out.v6 = v6;
  out.drop = string_at(r.drop);
  if (primary) {
    out.cidr_net = join128(primary->net_hi, primary->net_lo);
    out.cidr_len = primary->prefix_len;
    out.source = kind_name(primary->kind);
    out.range_first = out.cidr_net;
    out.range_last = prefix_last(out.cidr_net, out.cidr_len, v6 ? 128 : 32);
  }
  const Fact *as_fact = route && route->asn ? route : mmdb;
  if (as_fact) {
    out.asn = as_fact->asn;
    out.as_name = string_at(as_fact->as_name);
  }
  for (const Fact *f : {mmdb, route, reg}) // later ones take precedence
    if (f && f->cc[0]) out.cc = cc_view(f->cc);
  const Fact *ranged = reg && reg->block ? reg : route && route->block ? route : nullptr;
  if (ranged) {
    const Block &b = blocks_[ranged->block - 1];
    out.range_first = join128(b.first_hi, b.first_lo);
    out.range_last = join128(b.last_hi, b.last_lo);
    if (b.cc[0]) out.cc = cc_view(b.cc);
    out.rir = rir_name(b.rir);
    out.status = status_name(b.status);
    out.org_id = string_at(b.org_id);
    out.reg_date = b.date;
  }
  return out;
}

} // namespace spamflow
