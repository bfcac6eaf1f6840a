// RIR statistics exchange format (delegated and delegated-extended files of
// AFRINIC, APNIC, ARIN, LACNIC, RIPE NCC):
//   version line   2|apnic|20140701|33307|19850701|20140630|+1000
//   summary line   apnic|*|ipv4|*|24065|summary
//   record line    registry|cc|type|start|value|date|status[|opaque-id[|…]]
// For ipv4 the value is an address count (not always a power of two), for
// ipv6 a prefix length; asn records are skipped.
#pragma once
#include <string>
#include <string_view>

#include "netimport/net_table_builder.hpp"

namespace spamflow {

enum class RirLine { kRecord, kSkipped, kHeader };

class RirStatsParser {
public:
  // kRecord fills `out`; kHeader and kSkipped (comments, blank, summary, asn
  // lines) leave it alone; an error describes a malformed line.
  Result<RirLine> parse(std::string_view line, RegistryEntry &out);
  // YYYYMMDD from the version line ("" until one was seen).
  const std::string &file_date() const { return file_date_; }

private:
  std::string file_date_;
};

netfile::Rir rir_from_name(std::string_view name);

} // namespace spamflow
