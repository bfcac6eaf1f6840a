// spamclass's rules: one logjoin record in, a verdict (spam, suspect, ham,
// local, unknown), a score and the named reasons out. Stateless, so it can
// run anywhere in a pipe and again on stored JSON. See spamclass(1).
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "classify/pool_name.hpp"
#include "ip/cidr.hpp"

namespace spamflow {

enum class Verdict : std::uint8_t { kHam, kSuspect, kSpam, kLocal, kUnknown };
const char *verdict_name(Verdict v);

// Every scoring rule; the order is the order of rule_table() and of the
// reasons in the output.
enum class Rule : std::uint8_t {
  kSpamdSpam,
  kSpamdHam,
  kMilterReject,
  kNextHopReject,
  kDnsbl,
  kRelayDenied,
  kAccessReject,
  kDictionaryAttack,
  kUnknownUser,
  kNoValidRcpt,
  kNoMail,
  kVrfyExpn,
  kLostInputAfterRcpt,
  kPregreeting,
  kSmtpAttack,
  kAuthFailure,
  kAuthBruteForce,
  kRateLimit,
  kRcptFlood,
  kTimeout,
  kHeloProblem,
  kNullSenderFlood,
  kNoClientName,
  kForgedName,
  kPoolName,
  kCount
};
constexpr std::size_t kRuleCount = static_cast<std::size_t>(Rule::kCount);

struct RuleInfo {
  Rule rule;
  const char *name; // reason name and config key suffix: weight-<name with '-'>
  double weight;    // default weight
  const char *what; // one line for --help and --print-config
};
const std::array<RuleInfo, kRuleCount> &rule_table();
const RuleInfo &rule_info(Rule r);

// How a local record was recognised (never scored).
enum class LocalReason : std::uint8_t {
  kNone,
  kLocalNet,        // client address in local_nets
  kAuthenticated,   // AUTH=server (proto ESMTPA/SMTPA..., or an auth object)
  kLocalSubmission, // client "user@localhost" / "localhost" without an address
  kLocalHost,       // client name in local_hosts
  kLocalGenerated,  // no client, a DSN sendmail made itself (links dsn_of)
};
const char *local_reason_name(LocalReason r);

struct ClassifyConfig {
  ClassifyConfig(); // defaults: rule_table() weights, loopback only as local

  std::array<double, kRuleCount> weights{};
  double spam_threshold = 5.0;
  double suspect_threshold = 2.0;
  std::vector<IpNetwork> local_nets;
  // Client names that are local: exact (case-insensitive), or, starting
  // with '.', any name ending so (".lan.example.com").
  std::vector<std::string> local_hosts;
  int dictionary_min = 5;        // rejected unknown users in one record
  int auth_brute_min = 3;        // AUTH failures in one record
  int null_sender_min_rcpts = 5; // recipients of one "<>" message
  PoolNameDetector pool;

  double weight(Rule r) const { return weights[static_cast<std::size_t>(r)]; }
};

struct Reason {
  Rule rule;
  double weight;
  std::string detail; // e.g. the DNSBL name; empty for most rules
};

struct Classification {
  Verdict verdict = Verdict::kUnknown;
  double score = 0;
  LocalReason local = LocalReason::kNone;
  std::vector<Reason> reasons; // in rule order
  std::string error;           // why the verdict is unknown (bad field), else empty

  void clear();
};

// Classifies one parsed record. A field of the wrong type gives verdict
// unknown and `error` naming it; a record with no client and nothing else
// to judge by gives unknown with reason "no_client" and no error.
void classify_record(simdjson::dom::element record, const ClassifyConfig &config,
                     Classification &out);

// The value of the "class" key: {"verdict":…,"score":…,"reasons":[…]}.
// explain: each reason as "name=+weight" (or "name:detail=+weight").
void append_class_json(std::string &out, const Classification &c, bool explain);

// The DNSBL a reject text names ("… listed at zen.spamhaus.org", "Rejected:
// 1.2.3.4 found in bl.example", "rejected by RBL bl.example"), "" if the text
// is not a DNSBL reject, "dnsbl" if it is one whose list is not named.
std::string dnsbl_list_in(std::string_view reject_text);
// The same, given the text already in ASCII lower case as well.
std::string dnsbl_list_in(std::string_view reject_text, std::string_view lowered);

} // namespace spamflow
