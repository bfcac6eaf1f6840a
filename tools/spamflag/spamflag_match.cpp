// Matching a forwarded message: our Received hop's queue id first, then the
// Message-ID. A flag needs the database's word: what a header claims is
// only kept beside an unmatched report.
#include <algorithm>

#include "base/text_scan.hpp"
#include "spamflag_run.hpp"

namespace spamflow::spamflag {

namespace {

bool in_any(const std::vector<IpNetwork> &nets, const std::optional<IpAddress> &addr) {
  return addr && std::any_of(nets.begin(), nets.end(),
                             [&](const IpNetwork &n) { return n.contains(*addr); });
}

// The message itself and, inner first, the messages attached to it: a
// forward of a forward names the spam innermost.
std::vector<MailMessage> candidates(const ForwardedMessage &forwarded) {
  std::vector<MailMessage> out;
  MailMessage outer = parse_message(forwarded.text);
  for (const ForwardedMessage &inner : find_forwarded(outer, {}, false))
    if (inner.how == ForwardedMessage::How::kAttachment && out.size() < 4)
      out.push_back(parse_message(inner.text));
  out.push_back(std::move(outer));
  return out;
}

std::string trim_id(std::string_view id) {
  while (!id.empty() && (id.front() == ' ' || id.front() == '\t'))
    id.remove_prefix(1);
  std::size_t end = id.find_first_of(" \t");
  return std::string(id.substr(0, end));
}

} // namespace

Matcher::Matcher(SpamflagStore &store, const Options &options, std::vector<IpNetwork> relays)
    : store_(store) {
  for (const std::string &spec : options.local_hosts) {
    std::size_t eq = spec.find('=');
    std::string name = ascii_lowercase(spec.substr(0, eq));
    std::string host = eq == std::string::npos ? name : spec.substr(eq + 1);
    configured_.emplace_back(name, host);
  }
  policy_.relays = std::move(relays);
  policy_.our_host = [this](std::string_view by) { return our_host(by); };
}

// Configured names first; else the name, or its first label, as a host
// that the messages table knows (syslog usually names hosts short).
std::optional<std::string> Matcher::our_host(std::string_view by) {
  std::string name = ascii_lowercase(by);
  for (const auto &[configured, host] : configured_)
    if (configured == name) return host;
  for (const auto &[cached, host] : host_cache_)
    if (cached == name) return host;
  std::optional<std::string> found;
  for (std::string candidate : {name, name.substr(0, name.find('.'))}) {
    if (candidate.empty() || found) continue;
    auto known = store_.is_known_host(candidate);
    if (!known) db_error_ = known.error();
    if (known && *known) found = candidate;
  }
  if (host_cache_.size() < 64) host_cache_.emplace_back(name, found);
  return found;
}

Result<bool> Matcher::match_queue_id(const MailMessage &message, FlagReport &r) {
  auto hop = find_entry_hop(message.all("Received"), policy_);
  if (!db_error_.empty()) return make_error(db_error_);
  if (!hop) {
    if (r.reason.empty()) r.reason = hop.error();
    return false;
  }
  if (r.claimed_qid.empty()) {
    r.claimed_host = hop->host;
    r.claimed_qid = hop->header.id;
    if (hop->header.client_ip) r.claimed_ip = hop->header.client_ip->to_string();
  }
  auto row = store_.find_by_queue_id(hop->host, hop->header.id);
  if (!row) return make_error(row.error());
  if (!*row) {
    r.reason = "queue id " + hop->header.id + " on " + hop->host + " is not in the database";
    return false;
  }
  // sendmail logs the Message-ID it received (or added): a different one
  // means the header names another message, e.g. a forged hop.
  std::string msgid = trim_id(message.header("Message-ID"));
  if (!msgid.empty() && !(*row)->msgid.empty() && msgid != (*row)->msgid) {
    r.reason = "queue id " + hop->header.id + " on " + hop->host + " is another message";
    return false;
  }
  r.matched_by = "queue_id";
  r.host = (*row)->host;
  r.qid = (*row)->qid;
  r.msgid = (*row)->msgid;
  // The log is the truth; our own header stands in when the log had no client.
  r.client = (*row)->client ? (*row)->client : hop->header.client_ip;
  return true;
}

Result<bool> Matcher::match_message_id(const MailMessage &message, FlagReport &r) {
  std::string msgid = trim_id(message.header("Message-ID"));
  if (msgid.empty()) return false;
  auto rows = store_.find_by_message_id(msgid);
  if (!rows) return make_error(rows.error());
  const StoredMessage *first = nullptr;
  for (const StoredMessage &m : *rows) {
    if (in_any(policy_.relays, m.client)) continue; // our own hop, not the sender
    if (first && first->client != m.client) {
      r.reason = "its Message-ID is in the database for several client addresses";
      return false;
    }
    if (!first) first = &m;
  }
  if (!first) {
    r.reason = "no stored message has its Message-ID";
    return false;
  }
  r.matched_by = "message_id";
  r.host = first->host;
  r.qid = first->qid;
  r.msgid = first->msgid;
  r.client = first->client;
  return true;
}

Result<bool> Matcher::match(const ForwardedMessage &forwarded, FlagReport &r) {
  std::vector<MailMessage> chain = candidates(forwarded);
  r.how = describe(forwarded.how);
  std::string subject = decode_encoded_words(chain.back().header("Subject"));
  r.subject = subject.substr(0, 200);
  for (const MailMessage &m : chain) {
    auto ok = match_queue_id(m, r);
    if (!ok || *ok) return ok;
  }
  std::string by_received = r.reason;
  for (const MailMessage &m : chain) {
    auto ok = match_message_id(m, r);
    if (!ok || *ok) return ok;
  }
  if (r.reason != by_received && !by_received.empty()) r.reason = by_received + "; " + r.reason;
  if (r.reason.empty()) r.reason = "nothing to match";
  return false;
}

} // namespace spamflow::spamflag
