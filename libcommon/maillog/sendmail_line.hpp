// Parsing of one sendmail (or spamd) log message, the text after
// "prog[pid]: ". Works on string_views into the caller's line; nothing is
// allocated. Which line kinds exist and which fields each carries is shown
// by tests/data/sendmail_cases.txt.
//
// Trust rule: the client address is read only from positions sendmail
// itself writes (the relay= that ends a from= or AUTH failure line, the
// relay= after a whitespace-free arg1/arg2 of a ruleset line, the relay
// that opens "did not issue MAIL" and its kin). Text a sender controls
// (addresses, HELO, message ids, reply text) can never supply it.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "ip/ip_address.hpp"

namespace spamflow {

// A relay as sendmail writes it: "name [addr]", "[addr]", "[IPv6:addr]",
// "name", each optionally followed by " (may be forged)".
struct RelayField {
  std::string_view name;         // host name, empty when only an address is known
  std::string_view addr_text;    // text inside the brackets (without "IPv6:")
  std::optional<IpAddress> addr; // set only when addr_text is a valid address
  bool forged = false;
  bool present = false;
};

// Parses a relay value that must span all of `text`. Returns nullopt when
// `text` is not in one of sendmail's relay forms.
std::optional<RelayField> parse_relay(std::string_view text);

enum class SendmailKind : std::uint8_t {
  kOther,        // a line with a queue id that no rule below describes
  kFrom,         // from=...
  kTo,           // to=...
  kRuleset,      // ruleset=check_*, ... reject= / discard / quarantine=
  kRcptError,    // <addr>... User unknown (and other per-address errors)
  kNoMail,       // did not issue MAIL/EXPN/VRFY/ETRN
  kLostInput,    // lost input channel from ... after X
  kTimeout,      // timeout waiting for input from ... during X
  kPreGreeting,  // rejecting commands from ... due to pre-greeting traffic
  kSmtpAttack,   // possible SMTP attack
  kRcptFlood,    // Possible SMTP RCPT flood, throttling.
  kVrfyExpn,     // [addr]: VRFY x [rejected]
  kAuthServer,   // AUTH=server, relay=..., authid=..., mech=...
  kAuthClient,   // AUTH=client, ...
  kAuthFailure,  // AUTH failure (MECH): ..., relay=...
  kStartTls,     // STARTTLS=server|client, relay=..., version=...
  kMilterHeader, // Milter (name) add: header: X: value
  kMilterAction, // Milter: data, reject=... / milter=name, action=...
  kDsn,          // QID: NEWQID: DSN: / sender notify: / return to sender:
  kCollect,      // collect: ... (premature EOM, I/O error)
  kSizeExceeded, // message size (N) exceeds maximum (N)
  kSyserr,       // SYSERR(user): ...
  kDaemon,       // process-level: starting daemon, gethostbyaddr ... (no session)
};

const char *kind_name(SendmailKind kind);

struct SendmailLine {
  SendmailKind kind = SendmailKind::kOther;
  std::string_view qid;  // empty when the line has none (pid-only or NOQUEUE)
  int split_part = 0;    // N of "QID[N]:" (a long line split by sendmail), else 0
  std::string_view qid2; // the new queue id of a DSN line
  std::string_view text; // the message after the queue id(s)

  // Client of the session, taken from a trusted position only.
  RelayField client;
  // An outbound relay (to= lines, STARTTLS/AUTH=client): never a client.
  RelayField peer;

  // from= fields
  std::string_view from, msgid, proto, daemon, bodytype;
  std::int64_t size = -1, nrcpts = -1;

  // to= fields
  std::string_view to, ctladdr, mailer, dsn, stat, status_text, handoff_qid;
  std::int64_t delay_s = -1, xdelay_s = -1;

  // ruleset / rcpt error / milter reject
  std::string_view ruleset, arg1, arg2, reject_text, action;
  int reject_code = 0;
  std::string_view reject_dsn;

  // AUTH / STARTTLS
  std::string_view mech, authid, tls_version, tls_cipher, tls_verify, side;

  // Milter header
  std::string_view milter_name, header_name, header_value;

  // "after rcpt", "during server cmd read", VRFY/EXPN argument, pre-greeting seconds
  std::string_view detail;
};

// Parses a sendmail message text. Never fails: an unknown text with a queue
// id is kOther; `ok` is false for text that has neither queue id nor a
// recognised pid-level form.
struct SendmailParse {
  SendmailLine line;
  bool ok = false;
};
SendmailParse parse_sendmail_message(std::string_view message);

// Converts sendmail's delay form "[D+]HH:MM:SS" to seconds, -1 if malformed.
std::int64_t parse_sendmail_delay(std::string_view text);

// True for a sendmail queue id: 8-20 characters of [0-9A-Za-z].
bool looks_like_qid(std::string_view text);

// spamd (SpamAssassin daemon) lines.
enum class SpamdKind : std::uint8_t {
  kConnection, // spamd: connection from ... (start of one check, child pid)
  kProcessing, // spamd: processing message <mid> for user
  kVerdict,    // spamd: clean message (s/r) / identified spam (s/r)
  kResult,     // spamd: result: Y 15 - TESTS ...,mid=<...>,...
  kDaemon,     // prefork:, server started, child states ...: not about a message
};
struct SpamdLine {
  SpamdKind kind = SpamdKind::kDaemon;
  std::string_view mid;   // without < >? no: as logged, e.g. "<x@y>" or "(unknown)"
  std::string_view tests; // comma separated
  double score = 0, required = 0;
  bool has_score = false;
  bool spam = false;
  std::int64_t size = -1;
};
SpamdLine parse_spamd_message(std::string_view message);

} // namespace spamflow
