// netlookup import: reads every data file given, reports malformed lines as
// "file:line: what" (counted; with strict the import stops and fails), and
// writes one compiled table, replacing the old one atomically.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "base/diagnostics.hpp"
#include "netimport/net_table_builder.hpp"

namespace spamflow {

struct NetImportOptions {
  std::vector<std::string> rir;
  std::vector<std::string> pfx2as;
  std::vector<std::string> ip2asn;
  std::vector<std::string> drop; // DROP/EDROP/DROPv6 text, JSON, ASN-DROP JSON
  std::string mmdb;
  bool strict = false;
};

struct NetImportStats {
  std::uint64_t files = 0;
  std::uint64_t lines = 0;
  std::uint64_t entries = 0;
  std::uint64_t errors = 0;
  BuildStats table;
};

Result<NetImportStats> import_net_table(const NetImportOptions &options,
                                        const std::string &table_path, Diagnostics &diag);

// Reads an MMDB file (GeoLite2/DB-IP country or ASN) into the builder;
// an error when libmaxminddb was not available at build time.
Result<std::uint64_t> import_mmdb(const std::string &path, NetTableBuilder &builder,
                                  Diagnostics &diag);

} // namespace spamflow
