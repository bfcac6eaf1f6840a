// netlookup's two modes: answer queries (arguments or standard input) and
// import data files into the compiled table.
#pragma once
#include <string>
#include <vector>

#include "netimport/net_import.hpp"
#include "netinfo/whois_client.hpp"

namespace spamflow::netlookup {

struct LookupOptions {
  std::string table;
  bool json = false;
  bool stats = false;
  bool strict = false;
  bool whois = false;
  WhoisOptions whois_options;
  std::vector<std::string> queries; // empty: read standard input
};

int run_lookup(const LookupOptions &options);
int run_import(const NetImportOptions &options, const std::string &table, bool stats);

} // namespace spamflow::netlookup
