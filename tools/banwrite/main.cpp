// banwrite: store classified records in SQLite, decide address and network
// bans, write them to the ban backends. See banwrite(1).
#include <cstdio>

#include <CLI/CLI.hpp>

#include "banwrite_run.hpp"
#include "base/diagnostics.hpp"
#include "base/version.hpp"

int main(int argc, char **argv) {
  using namespace spamflow;
  banwrite::Options o;
  BanPolicyOptions &p = o.policy;
  CLI::App app{"Store classified mail records in SQLite and ban spamming addresses and networks."};
  app.set_version_flag("--version", std::string("banwrite (spamflow) ") + kVersion);
  app.add_option("--db", o.db, "SQLite database")->capture_default_str();
  app.add_option("--allow", o.allow, "Allowlisted CIDRs, replacing the default list")
      ->delimiter(',')
      ->allow_extra_args(false);
  app.add_option("--apply", o.apply, "Backends: nft, ipset, access, rbldnsd, list")
      ->delimiter(',')
      ->allow_extra_args(false); // a file after it is a file, not a backend
  app.add_option("--list-file", o.list_file, "Write active bans as a CIDR list to this file");
  app.add_option("--nft-table", o.nft_table, "nftables table (family inet)")->capture_default_str();
  app.add_option("--nft-set", o.nft_set, "nftables set name; _v4 and _v6 are appended")
      ->capture_default_str();
  app.add_option("--ipset-name", o.ipset_name, "ipset set name; _v4 and _v6 are appended")
      ->capture_default_str();
  app.add_option("--access-file", o.access_file, "sendmail access map text file")
      ->capture_default_str();
  app.add_option("--access-value", o.access_value, "Right-hand side of access map entries")
      ->capture_default_str();
  app.add_option("--rbldnsd-file", o.rbldnsd_file, "rbldnsd data; .ip4set and .ip6trie appended")
      ->capture_default_str();
  app.add_option("--net-table", o.net_table, "netlookup table for records without \"net\"");
  app.add_flag("--dry-run", o.dry_run, "Decide and store; print what the backends would do");
  app.add_option("--flag-hits", o.flag_hits,
                 "Spam records of score 5 a user flag (spamflag) weighs; 0 ignores flags")
      ->check(CLI::Range(0, 100))
      ->capture_default_str();
  app.add_flag("--stats", o.stats, "Print counters on stderr at exit");
  app.add_option("--window", o.window, "Evidence window (findtime)")->capture_default_str();
  app.add_option("--threshold", p.address_threshold, "Evidence balance that bans an address")
      ->check(CLI::Range(0.1, 1e6))
      ->capture_default_str();
  app.add_option("--ham-credit", p.ham_credit, "Evidence one good record takes off")
      ->check(CLI::Range(0.0, 1e6))
      ->capture_default_str();
  app.add_option("--network-min", p.network_min_addresses, "Spamming addresses that ban a network")
      ->check(CLI::Range(1, 1 << 20))
      ->capture_default_str();
  app.add_option("--ban-time", o.ban_time, "First ban's duration")->capture_default_str();
  app.add_option("--max-ban-time", o.max_ban_time, "Longest ban of a repeat offender")
      ->capture_default_str();
  app.add_option("--batch", o.store.batch_records, "Records per transaction")
      ->check(CLI::Range(1, 10000000))
      ->capture_default_str();
  app.add_option("--batch-ms", o.store.batch_ms, "Milliseconds a transaction stays open at most")
      ->check(CLI::Range(1, 3600000))
      ->capture_default_str();
  app.add_option("files", o.files, "Record files (default: standard input)");
  auto *ban = app.add_subcommand("ban", "Ban a CIDR by hand");
  ban->add_option("cidr", o.target, "Network or address")->required();
  ban->add_option("--for", o.for_time, "Duration, e.g. 7d")->capture_default_str();
  ban->add_option("--reason", o.reason, "Why")->capture_default_str();
  auto *unban = app.add_subcommand("unban", "Lift the ban of a CIDR");
  unban->add_option("cidr", o.target, "Network or address")->required();
  auto *list = app.add_subcommand("list", "Print the active bans");
  list->add_flag("--json", o.json, "One JSON object per ban");
  auto *expire = app.add_subcommand("expire", "Lift the bans whose time is over");
  auto *restore = app.add_subcommand("restore", "Re-apply all active bans to the backends");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    return e.get_exit_code() == 0 ? app.exit(e) : (app.exit(e), kExUsage);
  }
  if (auto ok = banwrite::finish_options(o); !ok) {
    std::fprintf(stderr, "banwrite: %s\n", ok.error().c_str());
    return kExUsage;
  }
  if (*ban) return banwrite::run_ban(o);
  if (*unban) return banwrite::run_unban(o);
  if (*list) return banwrite::run_list(o);
  if (*expire) return banwrite::run_expire(o);
  if (*restore) return banwrite::run_restore(o);
  return banwrite::run_stream(o);
}
