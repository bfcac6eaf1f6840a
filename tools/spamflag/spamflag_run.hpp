// spamflag's work behind main(): read one report, find the forwarded spam
// in banwrite's database, record the flag. See spamflag(1).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "flag/mail_message.hpp"
#include "flag/received_header.hpp"
#include "flag/spamflag_store.hpp"

namespace spamflow::spamflag {

struct Options {
  std::string db = BanStore::kDefaultPath;
  std::vector<std::string> local_hosts; // NAME or NAME=LOGHOST
  std::vector<std::string> relays;      // CIDRs of our own servers
  std::string reporter;                 // instead of the report's From:
  std::size_t max_size = 10 * 1024 * 1024;
  std::int64_t user_rate = 20;    // reports per user per hour
  std::int64_t total_rate = 1000; // reports of all users per hour
  int busy_timeout_ms = 5000;
  bool json = false;
};

int run(const Options &options);

// Matching one forwarded message against the database (spamflag_match.cpp).
class Matcher {
public:
  Matcher(SpamflagStore &store, const Options &options, std::vector<IpNetwork> relays);
  // Fills status, matched_by, host, qid, client, msgid, claimed_*, reason.
  // An error is a database failure, not a failure to match.
  Result<bool> match(const ForwardedMessage &forwarded, FlagReport &report);

private:
  std::optional<std::string> our_host(std::string_view by);
  Result<bool> match_queue_id(const MailMessage &message, FlagReport &report);
  Result<bool> match_message_id(const MailMessage &message, FlagReport &report);

  SpamflagStore &store_;
  std::vector<std::pair<std::string, std::string>> configured_; // name → log host
  HopPolicy policy_;
  std::vector<std::pair<std::string, std::optional<std::string>>> host_cache_;
  std::string db_error_; // a failure inside our_host(), reported by match()
};

} // namespace spamflow::spamflag
