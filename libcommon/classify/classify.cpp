// Evaluates the rules of classify_rules.cpp on one parsed record.
#include <charconv>
#include <optional>

#include "base/text_scan.hpp"
#include "classify/classify.hpp"
#include "wire/json_fields.hpp"
#include "wire/wire_keys.hpp"

namespace spamflow {

namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

// The record's top-level keys the rules read (JsonFields finds them in one
// pass).
enum class Key {
  kKind,
  kClient,
  kProto,
  kAuth,
  kLinks,
  kSpamd,
  kRejects,
  kRcpts,
  kEvents,
  kFrom,
  kNrcpts,
  kCount
};
namespace rk = wire::record;
constexpr std::string_view kKeyNames[] = {rk::kKind,   rk::kClient, rk::kProto,   rk::kAuth,
                                          rk::kLinks,  rk::kSpamd,  rk::kRejects, rk::kRcpts,
                                          rk::kEvents, rk::kFrom,   rk::kNrcpts};
static_assert(std::size(kKeyNames) == static_cast<std::size_t>(Key::kCount));

struct RecordFields : JsonFields<static_cast<std::size_t>(Key::kCount)> {
  explicit RecordFields(object rec) : JsonFields(rec, kKeyNames) {}
  const element *find(Key k) const {
    auto i = static_cast<std::size_t>(k);
    return present[i] ? &value[i] : nullptr;
  }
};

// Reads fields of one record, remembering the first one of the wrong type.
struct FieldReader {
  std::string &error;

  template <class T> bool get(const RecordFields &rec, Key key, T &out, const char *type) {
    const element *e = rec.find(key);
    return e && take(*e, kKeyNames[static_cast<std::size_t>(key)], out, type);
  }
  bool get_number(const RecordFields &rec, Key key, double &out) {
    const element *e = rec.find(key);
    return e && take_number(*e, kKeyNames[static_cast<std::size_t>(key)], out);
  }

  // Absent is fine; present with another type is an error.
  template <class T> bool get(object obj, std::string_view key, T &out, const char *type) {
    element e;
    return obj[key].get(e) == simdjson::SUCCESS && take(e, key, out, type);
  }
  bool get_number(object obj, std::string_view key, double &out) {
    element e;
    return obj[key].get(e) == simdjson::SUCCESS && take_number(e, key, out);
  }

private:
  template <class T> bool take(element e, std::string_view key, T &out, const char *type) {
    if (e.get(out) == simdjson::SUCCESS) return true;
    if (error.empty()) error = "field \"" + std::string(key) + "\" is not " + type;
    return false;
  }
  bool take_number(element e, std::string_view key, double &out) {
    if (e.is_number()) {
      out = e.get_double().value_unsafe();
      if (e.is_int64())
        out = double(e.get_int64().value_unsafe());
      else if (e.is_uint64())
        out = double(e.get_uint64().value_unsafe());
      return true;
    }
    if (error.empty()) error = "field \"" + std::string(key) + "\" is not a number";
    return false;
  }
};

struct ClientFields {
  bool present = false;
  std::string_view name, ip_text;
  std::optional<IpAddress> ip;
  bool forged = false;
};

class RecordRules {
public:
  RecordRules(const ClassifyConfig &config, Classification &out)
      : cfg_(config), out_(out), read_{out.error} {}

  void run(const RecordFields &rec);

private:
  void add(Rule r, std::string detail = {}) {
    for (const Reason &have : out_.reasons)
      if (have.rule == r) return; // each rule counts once per record
    double w = cfg_.weight(r);
    out_.reasons.push_back(Reason{r, w, std::move(detail)});
    out_.score += w;
  }
  void read_client(const RecordFields &rec);
  LocalReason local_reason(const RecordFields &rec);
  void check_spamd(const RecordFields &rec);
  void check_rejects(const RecordFields &rec);
  void check_reject(std::string_view ruleset, std::string_view text, std::int64_t code);
  void check_rcpts(const RecordFields &rec);
  void check_events(const RecordFields &rec);
  void check_sender(const RecordFields &rec);
  void check_client_name();
  bool has_dsn_of_link(const RecordFields &rec);

  const ClassifyConfig &cfg_;
  Classification &out_;
  FieldReader read_;
  ClientFields client_;
  int unknown_users_ = 0;
  bool had_evidence_ = false;
};

void RecordRules::read_client(const RecordFields &rec) {
  object c;
  if (!read_.get(rec, Key::kClient, c, "an object")) return;
  client_.present = true;
  read_.get(c, wire::client::kName, client_.name, "a string");
  if (read_.get(c, wire::client::kIp, client_.ip_text, "a string"))
    client_.ip = IpAddress::try_parse(client_.ip_text);
  read_.get(c, wire::client::kForged, client_.forged, "a boolean");
}

bool RecordRules::has_dsn_of_link(const RecordFields &rec) {
  array links;
  if (!read_.get(rec, Key::kLinks, links, "an array")) return false;
  for (element l : links) {
    std::string_view rel;
    object lo;
    if (l.get(lo) == simdjson::SUCCESS && read_.get(lo, wire::link::kRel, rel, "a string") &&
        rel == "dsn_of")
      return true;
  }
  return false;
}

LocalReason RecordRules::local_reason(const RecordFields &rec) {
  if (client_.ip) {
    IpAddress a = client_.ip->ipv4_mapped().value_or(*client_.ip);
    for (const IpNetwork &n : cfg_.local_nets)
      if (n.contains(a)) return LocalReason::kLocalNet;
  }
  std::string_view proto;
  object auth;
  if ((read_.get(rec, Key::kProto, proto, "a string") && proto.size() >= 5 &&
       proto.substr(proto.size() - 5) == "SMTPA") ||
      read_.get(rec, Key::kAuth, auth, "an object"))
    return LocalReason::kAuthenticated;
  if (client_.present && !client_.ip && client_.ip_text.empty() &&
      (ends_with_ci(client_.name, "@localhost") ||
       (client_.name.size() == 9 && starts_with_ci(client_.name, "localhost"))))
    return LocalReason::kLocalSubmission;
  if (!client_.name.empty())
    for (const std::string &h : cfg_.local_hosts)
      if ((h.size() == client_.name.size() && starts_with_ci(client_.name, h)) ||
          (h.front() == '.' && ends_with_ci(client_.name, h)))
        return LocalReason::kLocalHost;
  if (!client_.present && has_dsn_of_link(rec)) return LocalReason::kLocalGenerated;
  return LocalReason::kNone;
}

void RecordRules::check_spamd(const RecordFields &rec) {
  object s;
  if (!read_.get(rec, Key::kSpamd, s, "an object")) return;
  bool spam = false;
  if (!read_.get(s, wire::spamd::kSpam, spam, "a boolean")) return;
  double score = 0;
  std::string detail;
  if (read_.get_number(s, wire::spamd::kScore, score)) {
    char buf[32];
    detail.assign(buf, std::to_chars(buf, buf + sizeof buf, score).ptr);
  }
  had_evidence_ = true;
  add(spam ? Rule::kSpamdSpam : Rule::kSpamdHam, std::move(detail));
}

void RecordRules::check_reject(std::string_view ruleset, std::string_view text, std::int64_t code) {
  // Lowered once, then plain searches (each case-blind scan walked the
  // whole text again). Kept per thread: its capacity outlives the record.
  thread_local std::string lowered;
  lowered.assign(text);
  for (char &ch : lowered)
    ch = ascii_lower(ch);
  std::string_view lower = lowered;
  auto has = [lower](std::string_view needle) { return lower.find(needle) != lower.npos; };
  if (ruleset == "milter") {
    add(Rule::kMilterReject, has("spamassassin") ? "spamassassin" : "");
    return;
  }
  if (std::string list = dnsbl_list_in(text, lower); !list.empty()) return add(Rule::kDnsbl, list);
  if (has("relaying denied")) return add(Rule::kRelayDenied);
  if (has("user unknown")) {
    ++unknown_users_;
    return;
  }
  if (has("rate limit") || has("too many") || has("rate exceeded"))
    return add(Rule::kRateLimit, "rate");
  if (has("load average") || has("too busy") || (has("try again later") && code == 421))
    return add(Rule::kRateLimit, "load");
  if (has("helo") || has("ehlo")) return add(Rule::kHeloProblem);
  if (ruleset == "check_relay" || ruleset == "check_mail" || ruleset == "check_rcpt")
    add(Rule::kAccessReject, std::string(ruleset.substr(6)));
}

void RecordRules::check_rejects(const RecordFields &rec) {
  array rejects;
  if (!read_.get(rec, Key::kRejects, rejects, "an array")) return;
  for (element r : rejects) {
    object ro;
    if (r.get(ro) != simdjson::SUCCESS) {
      if (out_.error.empty()) out_.error = "a \"rejects\" entry is not an object";
      continue;
    }
    std::string_view ruleset, text;
    double code = 0;
    read_.get(ro, wire::reject::kRuleset, ruleset, "a string");
    read_.get(ro, wire::reject::kText, text, "a string");
    read_.get_number(ro, wire::reject::kCode, code);
    check_reject(ruleset, text, static_cast<std::int64_t>(code));
    had_evidence_ = true;
  }
  if (unknown_users_ >= cfg_.dictionary_min)
    add(Rule::kDictionaryAttack, std::to_string(unknown_users_));
  else if (unknown_users_ > 0)
    add(Rule::kUnknownUser, std::to_string(unknown_users_));
  double nrcpts = -1;
  if (read_.get_number(rec, Key::kNrcpts, nrcpts) && nrcpts == 0 && rejects.size() > 0) {
    array rcpts;
    bool any_rcpt = read_.get(rec, Key::kRcpts, rcpts, "an array") && rcpts.size() > 0;
    if (!any_rcpt) add(Rule::kNoValidRcpt);
  }
}

// A relayed copy that the next hop (often our own filtering MX) refused
// with a policy code: its content or sender was judged there.
void RecordRules::check_rcpts(const RecordFields &rec) {
  array rcpts;
  if (!read_.get(rec, Key::kRcpts, rcpts, "an array")) return;
  for (element r : rcpts) {
    object ro;
    std::string_view status, dsn, mailer;
    if (r.get(ro) != simdjson::SUCCESS) continue;
    if (read_.get(ro, wire::rcpt::kStatus, status, "a string") && status == "bounced" &&
        read_.get(ro, wire::rcpt::kDsn, dsn, "a string") && dsn.substr(0, 4) == "5.7." &&
        read_.get(ro, wire::rcpt::kMailer, mailer, "a string") &&
        (mailer == "esmtp" || mailer == "relay" || mailer == "smtp" || mailer == "dsmtp"))
      add(Rule::kNextHopReject, std::string(dsn));
  }
}

void RecordRules::check_events(const RecordFields &rec) {
  array events;
  if (!read_.get(rec, Key::kEvents, events, "an array")) return;
  int auth_failures = 0;
  for (element e : events) {
    std::string_view ev;
    if (e.get(ev) != simdjson::SUCCESS) continue;
    if (ev == "no_mail")
      add(Rule::kNoMail);
    else if (ev == "vrfy" || ev == "expn")
      add(Rule::kVrfyExpn);
    else if (ev == "lost_input_after_rcpt")
      add(Rule::kLostInputAfterRcpt);
    else if (ev == "pregreeting")
      add(Rule::kPregreeting);
    else if (ev == "smtp_attack")
      add(Rule::kSmtpAttack);
    else if (ev == "auth_failure")
      ++auth_failures;
    else if (ev == "rcpt_flood")
      add(Rule::kRcptFlood);
    else if (ev == "timeout")
      add(Rule::kTimeout);
    else
      continue;
    had_evidence_ = true;
  }
  if (auth_failures >= cfg_.auth_brute_min)
    add(Rule::kAuthBruteForce, std::to_string(auth_failures));
  else if (auth_failures > 0)
    add(Rule::kAuthFailure);
  if (auth_failures > 0) had_evidence_ = true;
}

void RecordRules::check_sender(const RecordFields &rec) {
  std::string_view from;
  double nrcpts = 0;
  if (read_.get(rec, Key::kFrom, from, "a string") && from == "<>" &&
      read_.get_number(rec, Key::kNrcpts, nrcpts) && nrcpts >= cfg_.null_sender_min_rcpts)
    add(Rule::kNullSenderFlood, std::to_string(static_cast<long long>(nrcpts)));
}

void RecordRules::check_client_name() {
  if (!client_.present) return;
  had_evidence_ = true;
  if (client_.name.empty() || client_.name.front() == '[') {
    if (client_.ip || !client_.ip_text.empty()) add(Rule::kNoClientName);
    return;
  }
  if (client_.forged) add(Rule::kForgedName);
  PoolNameMatch m = cfg_.pool.check(client_.name, client_.ip);
  if (m.pool) add(Rule::kPoolName, m.embeds_address ? std::string(m.form) : m.pool_word);
}

void RecordRules::run(const RecordFields &rec) {
  std::string_view kind;
  if (!read_.get(rec, Key::kKind, kind, "a string")) {
    if (out_.error.empty()) out_.error = "no \"kind\": not a logjoin record";
    return;
  }
  if (kind != "message" && kind != "session" && kind != "spamd") {
    out_.error = "kind \"" + std::string(kind) + "\" is not a logjoin record";
    return;
  }
  read_client(rec);
  if (!out_.error.empty()) return;
  out_.local = local_reason(rec);
  if (out_.local != LocalReason::kNone) {
    out_.verdict = Verdict::kLocal;
    return;
  }
  check_spamd(rec);
  check_rejects(rec);
  check_rcpts(rec);
  check_events(rec);
  check_sender(rec);
  check_client_name();
  if (!out_.error.empty()) {
    out_.reasons.clear();
    out_.score = 0;
    return;
  }
  if (!had_evidence_) return; // verdict stays unknown: no client, nothing else
  out_.verdict = out_.score >= cfg_.spam_threshold      ? Verdict::kSpam
                 : out_.score >= cfg_.suspect_threshold ? Verdict::kSuspect
                                                        : Verdict::kHam;
}

} // namespace

void classify_record(element record, const ClassifyConfig &config, Classification &out) {
  out.clear();
  object rec;
  if (record.get(rec) != simdjson::SUCCESS) {
    out.error = "not a JSON object";
    return;
  }
  RecordRules(config, out).run(RecordFields(rec));
}

} // namespace spamflow
