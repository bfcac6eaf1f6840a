// The compiled network table, memory-mapped read-only: longest-prefix match
// of an address to its BGP prefix, origin AS, registry block, country and
// drop-list tags. netlookup answers from it; banwrite calls it directly.
//
//   auto table = NetTable::open(NetTable::kDefaultPath);
//   if (auto info = table->lookup(addr)) use(info->cidr_text(), info->asn);
//
// The string_views in a NetInfo point into the mapping: they stay valid as
// long as the NetTable they came from.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "ip/prefix_table.hpp"
#include "netinfo/net_table_format.hpp"

namespace spamflow {

class IpAddress;
class IpNetwork;

struct NetInfo {
  bool v6 = false;
  // The most specific BGP prefix, else the MMDB network, else the registry
  // block's CIDR that holds the address.
  uint128 cidr_net = 0;
  std::uint8_t cidr_len = 0;
  // The registry delegation (or ip2asn range) as an inclusive range; the
  // CIDR's own range when no registry data covers the address.
  uint128 range_first = 0;
  uint128 range_last = 0;
  std::uint32_t asn = 0; // 0 = unknown
  std::string_view as_name;
  std::string_view cc;        // ISO 3166 code as the source gives it, "" = unknown
  std::string_view rir;       // afrinic, apnic, arin, lacnic, ripencc, iana, ""
  std::string_view status;    // allocated, assigned, available, reserved, ""
  std::string_view org_id;    // opaque-id of delegated-extended files
  std::string_view source;    // bgp, ip2asn, mmdb, rir: where cidr came from
  std::string_view drop;      // comma-separated drop tags, e.g. "drop:SBL256894"
  std::uint32_t reg_date = 0; // YYYYMMDD of the registry record, 0 = unknown

  std::vector<std::string_view> drop_tags() const;
  IpNetwork network() const; // cidr as a network value
  std::string cidr_text() const;
  std::string range_text() const; // "first-last"
};

// Text form of a raw address (IPv4 when !v6).
std::string raw_address_text(uint128 addr, bool v6);

class NetTable {
public:
  // Where netlookup looks when neither --table nor $SPAMFLOW_NETTABLE
  // names a table.
  static constexpr const char *kDefaultPath = "/var/lib/spamflow/netlookup.table";

  static Result<NetTable> open(const std::string &path);
  NetTable(NetTable &&other) noexcept;
  NetTable &operator=(NetTable &&other) noexcept;
  NetTable(const NetTable &) = delete;
  NetTable &operator=(const NetTable &) = delete;
  ~NetTable();

  // nullopt when no imported data covers addr. An IPv4-mapped IPv6
  // address (::ffff:a.b.c.d) is looked up as its IPv4 address.
  std::optional<NetInfo> lookup(const IpAddress &addr) const;
  std::optional<NetInfo> lookup_v4(std::uint32_t addr) const { return info(find_v4(addr), false); }
  std::optional<NetInfo> lookup_v6(uint128 addr) const { return info(find_v6(addr), true); }

  // The hot path: record id for an address, 0 when nothing covers it.
  std::uint32_t find_v4(std::uint32_t addr) const {
    return v4_trie_lookup(v4_top_, v4_chunks_, addr);
  }
  std::uint32_t find_v6(uint128 addr) const {
    return v6_values_[v6_ranges_find(v6_index_, v6_starts_, addr)];
  }
  std::optional<NetInfo> info(std::uint32_t record_id, bool v6) const;
  // The IPv6 segments' first addresses, sorted (for tests and the bench).
  std::size_t v6_segment_count() const { return n_v6_; }
  uint128 v6_segment_start(std::size_t i) const { return v6_starts_[i]; }
  // Origin AS of a record (0 = unknown): the cheapest useful answer.
  std::uint32_t asn_of(std::uint32_t record_id) const {
    return record_id < n_records_ ? records_[record_id].asn : 0;
  }
  // The IPv4 answers as maximal runs of one record id, in address order.
  std::vector<AddrSegment> v4_segments() const;

  // One line per input: kind TAB path TAB date TAB entries TAB errors.
  std::string_view sources() const { return sources_; }

private:
  NetTable() = default;
  Result<bool> bind_sections();
  Result<bool> validate() const;
  std::string_view string_at(std::uint32_t offset) const;

  const unsigned char *base_ = nullptr;
  std::size_t size_ = 0;
  const std::uint32_t *v4_top_ = nullptr;
  const std::uint32_t *v4_chunks_ = nullptr;
  std::size_t n_v4_chunks_ = 0;
  const std::uint32_t *v6_index_ = nullptr;
  const uint128 *v6_starts_ = nullptr;
  const std::uint32_t *v6_values_ = nullptr;
  std::size_t n_v6_ = 0;
  const netfile::Record *records_ = nullptr;
  std::size_t n_records_ = 0;
  const netfile::Fact *facts_ = nullptr;
  std::size_t n_facts_ = 0;
  const netfile::Block *blocks_ = nullptr;
  std::size_t n_blocks_ = 0;
  const char *strings_ = nullptr;
  std::size_t strings_size_ = 0;
  std::string_view sources_;
};

} // namespace spamflow
