// The rule table, the default configuration and the "class" JSON value.
#include <charconv>
#include <cmath>

#include "base/text_scan.hpp"
#include "classify/classify.hpp"
#include "wire/json_writer.hpp"
#include "wire/wire_keys.hpp"

namespace spamflow {

const char *verdict_name(Verdict v) {
  switch (v) {
  case Verdict::kHam:
    return "ham";
  case Verdict::kSuspect:
    return "suspect";
  case Verdict::kSpam:
    return "spam";
  case Verdict::kLocal:
    return "local";
  case Verdict::kUnknown:
    return "unknown";
  }
  return "unknown";
}

const std::array<RuleInfo, kRuleCount> &rule_table() {
  using R = Rule;
  static const std::array<RuleInfo, kRuleCount> table{{
      {R::kSpamdSpam, "spamd_spam", 5.0, "SpamAssassin's verdict was spam"},
      {R::kSpamdHam, "spamd_ham", -2.0, "SpamAssassin's verdict was ham"},
      {R::kMilterReject, "milter_reject", 5.0, "a milter rejected the message"},
      {R::kNextHopReject, "next_hop_reject", 3.0,
       "the next hop refused a relayed copy for policy (bounced 5.7.x)"},
      {R::kDnsbl, "dnsbl", 5.0, "rejected because a DNS blocklist lists the client"},
      {R::kRelayDenied, "relay_denied", 3.0, "tried to relay (\"Relaying denied\")"},
      {R::kAccessReject, "access_reject", 3.0,
       "the access map rejected client, sender or recipient"},
      {R::kDictionaryAttack, "dictionary_attack", 4.0, "many unknown users in one record"},
      {R::kUnknownUser, "unknown_user", 0.5, "some unknown users (fewer than dictionary-min)"},
      {R::kNoValidRcpt, "no_valid_rcpt", 0.5, "recipients were rejected and none accepted"},
      {R::kNoMail, "no_mail", 2.0, "did not issue MAIL/EXPN/VRFY/ETRN"},
      {R::kVrfyExpn, "vrfy_expn", 2.0, "VRFY or EXPN probes"},
      {R::kLostInputAfterRcpt, "lost_input_after_rcpt", 2.0, "vanished after RCPT"},
      {R::kPregreeting, "pregreeting", 5.0, "talked before the greeting"},
      {R::kSmtpAttack, "smtp_attack", 5.0, "sendmail logged \"possible SMTP attack\""},
      {R::kAuthFailure, "auth_failure", 3.0, "AUTH failed"},
      {R::kAuthBruteForce, "auth_brute_force", 5.0, "AUTH failed auth-brute-min times or more"},
      {R::kRateLimit, "rate_limit", 3.0, "rejected by a rate or load limit"},
      {R::kRcptFlood, "rcpt_flood", 2.0, "too many recipients (BadRcptThrottle, rcpt flood)"},
      {R::kTimeout, "timeout", 0.5, "the session timed out"},
      {R::kHeloProblem, "helo_problem", 1.0, "a reject names HELO/EHLO"},
      {R::kNullSenderFlood, "null_sender_flood", 2.0,
       "\"<>\" sender to null-sender-min-rcpts or more"},
      {R::kNoClientName, "no_client_name", 0.5, "the client's address has no name"},
      {R::kForgedName, "forged_name", 1.5, "the client's name may be forged"},
      {R::kPoolName, "pool_name", 2.5, "the client's name is a dynamic/residential pool"},
  }};
  return table;
}

const RuleInfo &rule_info(Rule r) {
  return rule_table()[static_cast<std::size_t>(r)];
}

const char *local_reason_name(LocalReason r) {
  switch (r) {
  case LocalReason::kNone:
    return "";
  case LocalReason::kLocalNet:
    return "local_net";
  case LocalReason::kAuthenticated:
    return "authenticated";
  case LocalReason::kLocalSubmission:
    return "local_submission";
  case LocalReason::kLocalHost:
    return "local_host";
  case LocalReason::kLocalGenerated:
    return "local_generated";
  }
  return "";
}

ClassifyConfig::ClassifyConfig() {
  for (const RuleInfo &info : rule_table())
    weights[static_cast<std::size_t>(info.rule)] = info.weight;
  local_nets.push_back(*IpNetwork::parse("127.0.0.0/8"));
  local_nets.push_back(*IpNetwork::parse("::1/128"));
}

void Classification::clear() {
  verdict = Verdict::kUnknown;
  score = 0;
  local = LocalReason::kNone;
  reasons.clear();
  error.clear();
}

namespace {

// Scores are sums of short decimals: print them rounded to 0.01 so that
// 0.1+0.2 does not show as 0.30000000000000004.
void append_number(std::string &out, double v) {
  double rounded = std::round(v * 100) / 100;
  if (rounded == 0) rounded = 0; // no "-0"
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, rounded);
  out.append(buf, r.ptr);
}

} // namespace

void append_class_json(std::string &out, const Classification &c, bool explain) {
  using namespace wire;
  out += json_piece_view<'{', class_::kVerdict, '"'>;
  out += verdict_name(c.verdict);
  out += json_piece_view<'"', ',', class_::kScore>;
  append_number(out, c.score);
  out += json_piece_view<',', class_::kReasons, '['>;
  std::string text;
  bool first = true;
  auto add = [&](std::string_view s) {
    if (!first) out += ',';
    first = false;
    append_json_string(out, s);
  };
  if (c.local != LocalReason::kNone) add(local_reason_name(c.local));
  for (const Reason &r : c.reasons) {
    text = rule_info(r.rule).name;
    if (!r.detail.empty()) text.append(":").append(r.detail);
    if (explain) {
      text += r.weight >= 0 ? "=+" : "=";
      append_number(text, r.weight);
    }
    add(text);
  }
  out += "]}";
}

std::string dnsbl_list_in(std::string_view text) {
  std::string lower(text);
  for (char &c : lower)
    c = ascii_lower(c);
  return dnsbl_list_in(text, lower);
}

std::string dnsbl_list_in(std::string_view text, std::string_view lower) {
  // The list's name follows one of these phrases; the first word after it
  // that has a dot is taken as the name.
  static constexpr std::string_view kPhrases[] = {
      "listed at ",     "listed in ",  "found in ", "rejected by rbl ",
      "blocked using ", "blocked by ", "rbl "};
  auto has = [lower](std::string_view needle) { return lower.find(needle) != lower.npos; };
  bool is_dnsbl = has("rbl") || has("dnsbl") || has("blacklist") || has("blocklist") ||
                  has("listed at ") || (has("rejected:") && has(" found in "));
  if (!is_dnsbl) return {};
  for (std::string_view phrase : kPhrases) {
    std::size_t at = lower.find(phrase);
    if (at == lower.npos) continue;
    std::size_t b = at + phrase.size();
    while (b < text.size() && (text[b] == ' ' || text[b] == '<' || text[b] == '('))
      ++b;
    std::size_t e = b;
    while (e < text.size() &&
           (is_alnum(text[e]) || text[e] == '.' || text[e] == '-' || text[e] == '_'))
      ++e;
    while (e > b && text[e - 1] == '.')
      --e;
    std::string_view name = text.substr(b, e - b);
    if (name.find('.') != std::string_view::npos) {
      std::string out(name);
      for (char &c : out)
        c = ascii_lower(c);
      return out;
    }
  }
  return "dnsbl";
}

} // namespace spamflow
