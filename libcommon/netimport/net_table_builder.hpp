// Collects parsed registry blocks, routes and drop entries, and compiles
// them into one network table file (see net_table_format.hpp), written to a
// temporary file and renamed into place so readers never see half a table.
#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/result.hpp"
#include "ip/prefix_table.hpp"
#include "netinfo/net_table_format.hpp"

namespace spamflow {

// One registry delegation (RIR statistics line), an inclusive range.
struct RegistryEntry {
  bool v6 = false;
  uint128 first = 0;
  uint128 last = 0;
  netfile::Rir rir = netfile::Rir::kNone;
  netfile::Status status = netfile::Status::kNone;
  char cc[2] = {0, 0};
  std::string org_id;
  std::uint32_t date = 0;
};

// One announced prefix (BGP table, MMDB network) with its origin AS.
struct RouteEntry {
  bool v6 = false;
  uint128 net = 0;
  std::uint8_t len = 0;
  std::uint32_t asn = 0;
  netfile::FactKind kind = netfile::FactKind::kBgp;
  std::string as_name;
  char cc[2] = {0, 0};
};

// An ip2asn row: an inclusive range with AS, country and AS name.
struct RangeRouteEntry {
  bool v6 = false;
  uint128 first = 0;
  uint128 last = 0;
  std::uint32_t asn = 0;
  char cc[2] = {0, 0};
  std::string as_name;
};

struct DropEntry {
  bool v6 = false;
  uint128 net = 0;
  std::uint8_t len = 0;
  std::string tag; // e.g. "drop:SBL256894"
};

// Where one input came from, recorded in the table.
struct SourceInfo {
  std::string kind; // rir, pfx2as, ip2asn, mmdb, drop, asn-drop
  std::string path;
  std::string date; // as the file states it, or its mtime
  std::uint64_t entries = 0;
  std::uint64_t errors = 0;
};

struct BuildStats {
  std::uint64_t records = 0;
  std::uint64_t facts = 0;
  std::uint64_t v4_chunks = 0;
  std::uint64_t v6_segments = 0;
  std::uint64_t file_bytes = 0;
};

class NetTableBuilder {
public:
  NetTableBuilder();
  void add_registry(const RegistryEntry &entry);
  void add_route(const RouteEntry &entry);
  void add_range_route(const RangeRouteEntry &entry);
  void add_drop(const DropEntry &entry);
  void add_asn_drop(std::uint32_t asn, const std::string &tag);
  void add_source(SourceInfo source) { sources_.push_back(std::move(source)); }

  // Compiles and atomically replaces `path`.
  Result<BuildStats> write(const std::string &path);

private:
  friend class NetTableCompiler;
  std::uint32_t intern(const std::string &text);
  std::uint32_t add_block(bool v6, uint128 first, uint128 last, std::uint32_t org_id,
                          std::uint32_t date, netfile::Rir rir, netfile::Status status,
                          const char cc[2]);
  void add_fact(bool v6, uint128 net, std::uint8_t len, std::uint32_t block, std::uint32_t asn,
                std::uint32_t as_name, netfile::FactKind kind, const char cc[2]);

  std::string strings_;
  std::unordered_map<std::string, std::uint32_t> string_ids_;
  std::vector<netfile::Fact> facts_;
  std::vector<netfile::Block> blocks_;
  std::vector<DropEntry> drops_;
  std::unordered_map<std::uint32_t, std::string> asn_drops_;
  std::vector<SourceInfo> sources_;
};

} // namespace spamflow
