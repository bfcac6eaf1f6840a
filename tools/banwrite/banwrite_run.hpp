// banwrite's options and its commands: the read loop (records in, bans
// out) and the manual ban/unban/list/expire commands. See banwrite(1).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "ban/ban_backend.hpp"
#include "ban/ban_event.hpp"
#include "ban/ban_policy.hpp"
#include "store/ban_store.hpp"

namespace spamflow::banwrite {

struct Options {
  std::string db = BanStore::kDefaultPath;
  std::vector<std::string> allow; // empty: default_allowlist()
  std::string list_file;          // CIDR list backend, "" = none
  std::vector<std::string> apply; // nft, ipset, access, rbldnsd, list
  std::string nft_table = "spamflow", nft_set = "banned", ipset_name = "spamflow";
  // Never the admin's own /etc/mail/access: banwrite rewrites the whole file.
  std::string access_file = "/var/lib/spamflow/access", access_value = "REJECT";
  std::string rbldnsd_file = "/var/lib/rbldnsd/spamflow";
  std::string net_table; // NetTable for records without "net", "" = none
  int flag_hits = 3;     // a user flag weighs this many spam records; 0: flags ignored
  bool dry_run = false;
  bool stats = false;
  BanPolicyOptions policy;
  BanStoreOptions store;
  std::string window = "1d", ban_time = "1d", max_ban_time = "30d";
  std::vector<std::string> files;
  // Manual commands.
  std::string target;
  std::string for_time = "7d";
  std::string reason = "manual";
  bool json = false;
};

// Fills the policy's allowlist and durations from the text options and
// checks the --apply names.
Result<bool> finish_options(Options &o);

// Each returns the process exit code (sysexits).
int run_stream(const Options &o);
int run_ban(const Options &o);
int run_unban(const Options &o);
int run_list(const Options &o);
int run_expire(const Options &o);
int run_restore(const Options &o);

// Shared by the commands.
// The configured backends, all dirty (the first apply resyncs them). Errors
// and notes go to stderr as "banwrite: <backend>: message"; --dry-run
// prints each plan on stderr instead of running it.
BackendSet make_backends(const Options &o);
// Every active target of the policy, sorted, for BackendSet::apply.
std::vector<BanEntry> active_entries(const BanPolicy &policy);

} // namespace spamflow::banwrite
