// netlookup: the network, AS, country and drop-list tags of IP addresses,
// from a compiled offline table (and whois on demand). See netlookup(1).
#include <CLI/CLI.hpp>

#include "base/diagnostics.hpp"
#include "base/version.hpp"
#include "netinfo/net_table.hpp"
#include "netlookup_run.hpp"

int main(int argc, char **argv) {
  using namespace spamflow;
  netlookup::LookupOptions o;
  NetImportOptions imp;
  std::vector<std::string> connect;
  o.table = NetTable::kDefaultPath;
  CLI::App app{"Network, AS, country and drop tags of IP addresses (offline tables, whois)."};
  app.set_version_flag("--version", std::string("netlookup (spamflow) ") + kVersion);
  app.set_config("--config", "/etc/spamflow/netlookup.conf",
                 "Read options (e.g. table=PATH) from this file");
  app.add_option("--table", o.table, "Compiled table file")
      ->envname("SPAMFLOW_NETTABLE")
      ->capture_default_str();
  app.add_flag("--json", o.json, "Answer one JSON object per query");
  app.add_flag("--strict", o.strict, "Stop at the first bad input (exit 65)");
  app.add_flag("--stats", o.stats, "Print counters on stderr at exit");
  app.add_flag("--whois", o.whois, "Ask whois for addresses the table does not cover");
  app.add_option("--whois-cache", o.whois_options.cache_path, "SQLite cache of whois answers");
  app.add_option("--whois-ttl", o.whois_options.cache_ttl_s, "Seconds a cached answer is used")
      ->check(CLI::Range(0, 365 * 86400))
      ->capture_default_str();
  app.add_option("--whois-interval", o.whois_options.min_interval_s,
                 "Seconds between queries to one server")
      ->check(CLI::Range(0.0, 3600.0))
      ->capture_default_str();
  app.add_option("--whois-timeout", o.whois_options.timeout_ms, "Milliseconds per connection")
      ->check(CLI::Range(100, 120000))
      ->capture_default_str();
  app.add_option("--whois-server", o.whois_options.iana_server, "First server asked")
      ->capture_default_str();
  app.add_option("--whois-connect", connect, "NAME=HOST:PORT: connect there when NAME is asked")
      ->allow_extra_args(false);
  app.add_option("queries", o.queries, "Addresses or CIDRs (default: read standard input)");

  auto *import = app.add_subcommand("import", "Compile data files into the table");
  import->fallthrough(); // --table and --config may follow "import"
  import->add_option("--rir", imp.rir, "RIR delegated(-extended) statistics file");
  import->add_option("--pfx2as", imp.pfx2as, "RouteViews pfx2as or pyasn ipasn file");
  import->add_option("--ip2asn", imp.ip2asn, "iptoasn ip2asn TSV file");
  import->add_option("--mmdb", imp.mmdb, "MaxMind DB file (GeoLite2/DB-IP country or ASN)");
  import->add_option("--drop", imp.drop, "Spamhaus DROP/EDROP/DROPv6 or ASN-DROP file");
  import->add_flag("--strict", imp.strict, "Fail (exit 65) at the first malformed line");
  import->add_flag("--stats", o.stats, "Print counts and timing on stderr");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    return e.get_exit_code() == 0 ? app.exit(e) : (app.exit(e), kExUsage);
  }
  for (const std::string &c : connect) {
    std::size_t eq = c.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::fprintf(stderr, "netlookup: --whois-connect wants NAME=HOST:PORT, not '%s'\n",
                   c.c_str());
      return kExUsage;
    }
    o.whois_options.connect_map[c.substr(0, eq)] = c.substr(eq + 1);
  }
  if (*import) return netlookup::run_import(imp, o.table, o.stats);
  return netlookup::run_lookup(o);
}
