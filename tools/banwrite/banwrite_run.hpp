// banwrite's options and its commands: the read loop (records in, bans
// out) and the manual ban/unban/list/expire commands. See banwrite(1).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "spamflow/ban_backend.hpp"
#include "spamflow/ban_policy.hpp"
#include "spamflow/ban_store.hpp"

namespace spamflow::banwrite {

struct Options {
  std::string db = BanStore::kDefaultPath;
  std::vector<std::string> allow; // empty: default_allowlist()
  std::string list_file;          // CIDR list backend, "" = none
  std::string net_table;          // NetTable for records without "net", "" = none
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

// Fills the policy's allowlist and durations from the text options.
Result<bool> finish_options(Options &o);

// Each returns the process exit code (sysexits).
int run_stream(const Options &o);
int run_ban(const Options &o);
int run_unban(const Options &o);
int run_list(const Options &o);
int run_expire(const Options &o);

// Shared by the commands.
void append_ban_event_json(std::string &out, const BanEvent &e);
std::vector<std::unique_ptr<BanBackend>> make_backends(const Options &o);

} // namespace spamflow::banwrite
