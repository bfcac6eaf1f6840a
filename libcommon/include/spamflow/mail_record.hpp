// The joined record logjoin emits: one per message (host + queue id), per
// client session (host + pid), or per spamd check that found no message.
// Its JSON form is the wire format of man/spamflow.7.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spamflow/ip_address.hpp"
#include "spamflow/log_time.hpp"

namespace spamflow {

enum class RecordKind : std::uint8_t { kMessage, kSession, kSpamd };

struct Recipient {
  std::string to, status, dsn, mailer, relay, text, handoff_qid;
  std::int64_t delay_s = -1;
  bool final = false;
};

struct RejectInfo {
  std::string ruleset, arg, action, dsn, text;
  int code = 0;
};

struct SpamdInfo {
  bool present = false;
  bool spam = false;
  bool has_score = false;
  double score = 0, required = 0;
  std::string tests;  // comma separated
  std::string source; // "spamd" (joined result line) or "milter" (X-Spam-Status header)
};

struct LinkInfo {
  std::string rel; // dsn, dsn_of, handoff_to, handoff_from
  std::string qid;
  std::string host; // empty when unknown
};

struct ClientInfo {
  std::string name;
  std::optional<IpAddress> ip;
  std::string ip_text; // the bracketed text when it is not a valid address
  bool forged = false;
  bool present = false;
};

struct MailRecord {
  RecordKind kind = RecordKind::kMessage;
  std::string host, qid;
  std::int64_t pid = -1;
  std::vector<std::int64_t> other_pids;
  LogTime first, last;
  bool has_time = false;
  ClientInfo client;

  bool saw_from = false;
  std::string from, msgid, proto, daemon, bodytype;
  std::int64_t size = -1, nrcpts = -1;

  std::vector<Recipient> rcpts;
  std::vector<RejectInfo> rejects;
  std::vector<std::string> events;

  std::string auth_mech, auth_id; // AUTH=server success
  std::string tls_version, tls_cipher, tls_verify;

  SpamdInfo spamd;
  std::vector<LinkInfo> links;

  bool complete = false;
  std::string incomplete; // why it was emitted unfinished: ttl, idle, max_pending, eof, signal
  std::uint32_t lines = 0;
  std::vector<std::string> raw;

  // Empties the record for reuse, keeping what it has allocated.
  void reset();
  void add_event(std::string_view name);
  bool has_event(std::string_view name) const;
};

// Appends the record as one JSON object (no newline).
void append_record_json(std::string &out, const MailRecord &record);

} // namespace spamflow
