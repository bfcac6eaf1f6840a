#include "maillog/sendmail_line.hpp"

#include <charconv>

#include "base/text_scan.hpp"
#include "maillog/sendmail_scan.hpp"

namespace spamflow {

namespace {

using namespace sendmail_scan;
using std::string_view;

void parse_from(string_view text, SendmailLine &l) {
  l.kind = SendmailKind::kFrom;
  TailFields t{text};
  string_view relay = t.take("relay=");
  std::optional<RelayField> client;
  if (!relay.empty()) client = relay_then(relay, "");
  l.daemon = t.take("daemon=");
  // A network client's from= line ends "..., proto=P, daemon=D, relay=R".
  // Unless daemon= is the very field before relay=, the relay= found may be
  // text of a truncated message id: then only a name-only relay is kept.
  bool daemon_adjacent = !l.daemon.empty() && l.daemon.find(", ") == string_view::npos;
  if (client && (client->addr_text.empty() || daemon_adjacent))
    l.client = *client;
  else if (client)
    l.client.present = false;
  l.proto = t.take("proto=");
  l.bodytype = t.take("bodytype=");
  l.msgid = t.take("msgid=");
  l.nrcpts = to_int(t.take("nrcpts="));
  t.take("class=");
  l.size = to_int(t.take("size="));
  l.from = t.rest().substr(5); // after "from="
}

void parse_stat(SendmailLine &l) {
  // "Sent (6ASLqOPQ008664 Message accepted for delivery)"
  string_view s = l.stat;
  std::size_t paren = s.find(" (");
  string_view word = s.substr(0, paren);
  if (paren != string_view::npos && s.back() == ')')
    l.status_text = s.substr(paren + 2, s.size() - paren - 3);
  else if (paren == string_view::npos) {
    std::size_t colon = s.find(": ");
    if (colon != string_view::npos) {
      word = s.substr(0, colon);
      l.status_text = s.substr(colon + 2);
    }
  }
  if (word == "Sent" && !l.status_text.empty()) {
    std::size_t sp = l.status_text.find(' ');
    string_view first = l.status_text.substr(0, sp);
    if (looks_like_qid(first) && sp != string_view::npos &&
        l.status_text.substr(sp + 1).substr(0, 16) == "Message accepted")
      l.handoff_qid = first;
  }
}

void parse_to(string_view text, SendmailLine &l) {
  l.kind = SendmailKind::kTo;
  // to=<a>,<b>, [ctladdr=x (u/g), ]delay=..., ..., stat=text
  std::size_t delay_at = text.find(", delay=");
  string_view head =
      text.substr(3, delay_at == string_view::npos ? string_view::npos : delay_at - 3);
  string_view tail = delay_at == string_view::npos ? string_view{} : text.substr(delay_at + 2);
  std::size_t ctl = rfind_key(head, "ctladdr=");
  if (ctl != string_view::npos) {
    l.ctladdr = head.substr(ctl + 10);
    head = head.substr(0, ctl);
  }
  l.to = head;
  std::size_t stat_at = tail.find(", stat=");
  if (stat_at != string_view::npos) {
    l.stat = tail.substr(stat_at + 7);
    tail = tail.substr(0, stat_at);
  }
  for (string_view field : split_fields(tail)) {
    std::size_t eq = field.find('=');
    if (eq == string_view::npos) continue;
    string_view k = field.substr(0, eq), v = field.substr(eq + 1);
    if (k == "delay")
      l.delay_s = parse_sendmail_delay(v);
    else if (k == "xdelay")
      l.xdelay_s = parse_sendmail_delay(v);
    else if (k == "mailer")
      l.mailer = v;
    else if (k == "dsn")
      l.dsn = v;
    else if (k == "relay") {
      if (auto r = relay_then(v, "")) l.peer = *r;
    }
  }
  parse_stat(l);
}

// ruleset=R, arg1=A[, arg2=B], relay=REL, reject=... | discard | quarantine=...

void parse_ruleset(string_view text, SendmailLine &l) {
  l.kind = SendmailKind::kRuleset;
  string_view rest = text.substr(8);
  std::size_t comma = rest.find(", ");
  l.ruleset = rest.substr(0, comma);
  if (comma == string_view::npos) return;
  rest = rest.substr(comma + 2);
  bool trusted = true;
  auto take_arg = [&rest, &trusted](string_view key, string_view &out) {
    if (rest.substr(0, key.size()) != key) return;
    string_view v = rest.substr(key.size());
    // An argument ends at the first ", " outside quoted strings and
    // brackets ("<\"a, relay=[6.6.6.6]\"@x>" is one argument). White space
    // anywhere else outside quotes means the argument went on: "a,
    // relay=[6.6.6.6]" inside an address cannot pass as a field, and the
    // fields that follow cannot be trusted.
    std::size_t end = sendmail_scan::field_value_end(v);
    if (end == string_view::npos) {
      out = v;
      rest = {};
      trusted = false;
      return;
    }
    out = v.substr(0, end);
    rest = v.substr(end + 2);
  };
  take_arg("arg1=", l.arg1);
  take_arg("arg2=", l.arg2);
  if (trusted && has_prefix(rest, "relay=")) {
    rest.remove_prefix(6);
    std::size_t used = 0;
    if (auto r = relay_prefix(rest, used)) {
      string_view after = rest.substr(used);
      if (after.empty() || has_prefix(after, ", ")) {
        l.client = *r;
        rest = after.empty() ? after : after.substr(2);
      } else {
        rest = {};
      }
    }
  }
  if (has_prefix(rest, "reject=")) {
    l.action = "reject";
    parse_reject(rest.substr(7), l);
  } else if (has_prefix(rest, "quarantine=")) {
    l.action = "quarantine";
    l.reject_text = rest.substr(11);
  } else if (has_prefix(rest, "discard")) {
    l.action = "discard";
  } else {
    // Attacker text broke the field structure: keep the line, trust nothing.
    l.client = {};
    l.reject_text = rest;
  }
  // Two relay fields: one of them is text a sender or a PTR record wrote.
  // (One inside a quoted or bracketed address, as the reject text echoes
  // it, cannot be a field.)
  if (repeats(text, ", relay=") && count_outside_quotes(text, ", relay=") > 1) {
    l.client = {};
    return;
  }
  if (l.ruleset == "check_relay" && !l.client.addr && !l.arg2.empty()) {
    auto a = IpAddress::parse(l.arg2);
    if (a.ok() && l.client.present) {
      l.client.addr = *a;
      l.client.addr_text = l.arg2;
    }
  }
}

// "<addr>... text" as written for RCPT/MAIL errors.
bool parse_rcpt_error(string_view text, SendmailLine &l) {
  std::size_t dots = text.find(">... ");
  if (text.empty() || text[0] != '<' || dots == string_view::npos) return false;
  l.kind = SendmailKind::kRcptError;
  l.arg1 = text.substr(0, dots + 1);
  l.reject_text = text.substr(dots + 5);
  return true;
}

// "VRFY x" or "EXPN x" in any case: sendmail logs the command as the
// client typed it ("expn info [rejected]").
bool is_vrfy_or_expn(string_view text) {
  if (text.size() < 5 || text[4] != ' ') return false;
  char word[4];
  for (int i = 0; i < 4; ++i)
    word[i] = static_cast<char>(text[i] | 0x20); // ASCII letters to lower case
  string_view w(word, 4);
  return w == "vrfy" || w == "expn";
}

// Lines that open with the client relay: "X did not issue ...",
// "X: Possible SMTP RCPT flood", "X: VRFY y [rejected]", "X: possible SMTP attack".
bool parse_relay_led(string_view text, SendmailLine &l) {
  std::size_t used = 0;
  auto r = relay_prefix(text, used);
  if (!r) return false;
  string_view rest = text.substr(used);
  if (has_prefix(rest, " did not issue MAIL/EXPN/VRFY/ETRN during ")) {
    l.kind = SendmailKind::kNoMail;
    l.detail = rest.substr(42);
  } else if (has_prefix(rest, ": ")) {
    rest.remove_prefix(2);
    if (has_prefix(rest, "Possible SMTP RCPT flood, th"))
      l.kind = SendmailKind::kRcptFlood;
    else if (has_prefix(rest, "possible SMTP attack:"))
      l.kind = SendmailKind::kSmtpAttack;
    else if (is_vrfy_or_expn(rest))
      l.kind = SendmailKind::kVrfyExpn;
    else
      return false;
    l.detail = rest;
  } else {
    return false;
  }
  l.client = *r;
  return true;
}

// "prefix RELAY middle..." where RELAY sits at a fixed place after prefix.
bool parse_after_prefix(string_view text, string_view prefix, string_view terminator,
                        SendmailKind kind, SendmailLine &l) {
  if (text.substr(0, prefix.size()) != prefix) return false;
  // sendmail writes "NAME [ADDR]"; an empty NAME leaves " [ADDR]".
  std::size_t start = prefix.size();
  if (has_prefix(text.substr(start), " [")) ++start;
  std::size_t after = 0;
  auto r = relay_then(text.substr(start), terminator, &after);
  l.kind = kind;
  if (r) {
    l.client = *r;
    l.detail = text.substr(start + after);
  } else {
    l.detail = text.substr(prefix.size());
  }
  return true;
}

// "AUTH=server, relay=REL, authid=..., mech=..., bits=..."
// "STARTTLS=server, relay=REL, version=..., verify=..., cipher=..., bits=..."
void parse_auth_tls(string_view text, SendmailLine &l, bool tls) {
  std::size_t eq = text.find('=');
  std::size_t comma = text.find(", ");
  l.side = text.substr(eq + 1, comma - eq - 1);
  bool server = l.side == "server";
  l.kind = tls ? SendmailKind::kStartTls
               : (server ? SendmailKind::kAuthServer : SendmailKind::kAuthClient);
  if (comma == string_view::npos) return;
  string_view rest = text.substr(comma + 2);
  if (has_prefix(rest, "relay=")) {
    std::size_t used = 0;
    if (auto r = relay_prefix(rest.substr(6), used)) {
      string_view after = rest.substr(6 + used);
      if (after.empty() || has_prefix(after, ", ")) {
        (server ? l.client : l.peer) = *r;
        rest = after.empty() ? after : after.substr(2);
      }
    }
  }
  for (string_view field : split_fields(rest)) {
    std::size_t e = field.find('=');
    if (e == string_view::npos) continue;
    string_view k = field.substr(0, e), v = field.substr(e + 1);
    if (k == "authid")
      l.authid = v;
    else if (k == "mech")
      l.mech = v;
    else if (k == "version")
      l.tls_version = v;
    else if (k == "cipher")
      l.tls_cipher = v;
    else if (k == "verify")
      l.tls_verify = v;
  }
}

void parse_auth_failure(string_view text, SendmailLine &l) {
  l.kind = SendmailKind::kAuthFailure;
  std::size_t open = text.find('(');
  std::size_t close = text.find(')');
  if (open != string_view::npos && close != string_view::npos && open < close)
    l.mech = text.substr(open + 1, close - open - 1);
  std::size_t at = rfind_key(text, "relay=");
  if (at != string_view::npos) {
    if (auto r = relay_then(text.substr(at + 8), "")) l.client = *r;
    l.detail = text.substr(0, at);
  }
}

void parse_milter(string_view text, SendmailLine &l) {
  // "Milter (spamassassin) add: header: X-Spam-Status: No, ..."
  if (has_prefix(text, "Milter (")) {
    std::size_t close = text.find(')');
    l.milter_name = text.substr(8, close == string_view::npos ? 0 : close - 8);
    std::size_t hdr = text.find("header: ");
    if (hdr != string_view::npos) {
      l.kind = SendmailKind::kMilterHeader;
      string_view h = text.substr(hdr + 8);
      std::size_t colon = h.find(": ");
      l.header_name = h.substr(0, colon);
      if (colon != string_view::npos) l.header_value = h.substr(colon + 2);
      return;
    }
  }
  l.kind = SendmailKind::kMilterAction;
  // "Milter: data, reject=550 ..." / "milter=name, action=data, reject=..."
  std::size_t rej = text.find("reject=");
  if (rej != string_view::npos) parse_reject(text.substr(rej + 7), l);
  std::size_t act = text.find("action=");
  if (act != string_view::npos)
    l.action = text.substr(act + 7, text.find(',', act) - act - 7);
  else if (has_prefix(text, "Milter: ") && text.find(',') != string_view::npos)
    l.action = text.substr(8, text.find(',') - 8); // "Milter: data, reject=…"
  // (a bare "Milter: no active filter" is no action on the message)
  if (has_prefix(text, "milter=")) l.milter_name = text.substr(7, text.find(',') - 7);
}

bool parse_message_body(string_view text, SendmailLine &l);

} // namespace

namespace {

bool parse_message_body(string_view text, SendmailLine &l) {
  if (text.empty()) return false;
  // The two most common kinds first, without a chain of comparisons.
  if (text[0] == 't' && has_prefix(text, "to=")) {
    parse_to(text, l);
    return true;
  }
  if (text[0] == 'M' && has_prefix(text, "Milter (")) {
    parse_milter(text, l);
    return true;
  }
  if (has_prefix(text, "from="))
    parse_from(text, l);
  else if (has_prefix(text, "to="))
    parse_to(text, l);
  else if (has_prefix(text, "ruleset="))
    parse_ruleset(text, l);
  else if (has_prefix(text, "AUTH="))
    parse_auth_tls(text, l, false);
  else if (has_prefix(text, "STARTTLS="))
    parse_auth_tls(text, l, true);
  else if (has_prefix(text, "AUTH failure "))
    parse_auth_failure(text, l);
  else if (has_prefix(text, "Milter") || has_prefix(text, "milter="))
    parse_milter(text, l);
  else if (parse_after_prefix(text, "lost input channel from ", " to ", SendmailKind::kLostInput,
                              l) ||
           parse_after_prefix(text, "timeout waiting for input from ", " during ",
                              SendmailKind::kTimeout, l) ||
           parse_after_prefix(text, "rejecting commands from ", " due to pre-greeting traffic",
                              SendmailKind::kPreGreeting, l))
    ;
  else if (has_prefix(text, "collect:") || has_prefix(text, "SYSERR(")) {
    l.kind = text[0] == 'S' ? SendmailKind::kSyserr : SendmailKind::kCollect;
    std::size_t rel = text.find("collect: relay=");
    if (rel != string_view::npos) {
      std::size_t used = 0;
      auto r = relay_prefix(text.substr(rel + 15), used);
      if (r && text.substr(rel + 15 + used, 2) == ", ") l.client = *r;
    }
    l.detail = text;
  } else if (has_prefix(text, "message size (")) {
    l.kind = SendmailKind::kSizeExceeded;
    l.detail = text;
  } else if (parse_rcpt_error(text, l) || parse_relay_led(text, l))
    ;
  else
    return false;
  return true;
}

bool is_daemon_text(string_view text) {
  static constexpr string_view kDaemonPrefixes[] = {
      "starting daemon",  "gethostbyaddr(",        "alias database",        "restarting ",
      "rebuilding alias", "accepting connections", "rejecting connections", "daemon ",
      "runqueue",         "grew WorkList"};
  for (string_view p : kDaemonPrefixes)
    if (text.substr(0, p.size()) == p) return true;
  return false;
}

} // namespace

SendmailParse parse_sendmail_message(string_view message) {
  SendmailParse out;
  SendmailLine &l = out.line;
  string_view text = message;
  // Queue id: "QID: " or "QID[N]: " or "NOQUEUE: ".
  std::size_t colon = text.find(": ");
  if (colon != string_view::npos && colon <= 24) {
    string_view head = text.substr(0, colon);
    int part = 0;
    if (!head.empty() && head.back() == ']') {
      std::size_t br = head.find('[');
      if (br != string_view::npos) {
        std::int64_t n = to_int(head.substr(br + 1, head.size() - br - 2));
        if (n > 0 && n < 1000) {
          part = static_cast<int>(n);
          head = head.substr(0, br);
        }
      }
    }
    if (head == "NOQUEUE") {
      text = text.substr(colon + 2);
    } else if (looks_like_qid(head)) {
      l.qid = head;
      l.split_part = part;
      text = text.substr(colon + 2);
      // DSN: "QID: NEWQID: DSN: ..." / "sender notify: ..." / "return to sender: ..."
      std::size_t c2 = text.find(": ");
      if (c2 != string_view::npos && c2 <= 20 && looks_like_qid(text.substr(0, c2))) {
        l.qid2 = text.substr(0, c2);
        l.kind = SendmailKind::kDsn;
        l.text = text.substr(c2 + 2);
        l.detail = l.text;
        out.ok = true;
        return out;
      }
    }
  }
  l.text = text;
  if (parse_message_body(text, l)) {
    out.ok = true;
    // A part of a line sendmail split ("QID[2]:") is cut at an arbitrary
    // byte: the relay= a part shows may be the tail of attacker text.
    if (l.split_part > 0) l.client = {};
  } else if (!l.qid.empty()) {
    l.kind = SendmailKind::kOther;
    out.ok = true;
  } else if (is_daemon_text(text)) {
    l.kind = SendmailKind::kDaemon;
    out.ok = true;
  }
  return out;
}

const char *kind_name(SendmailKind kind) {
  switch (kind) {
  case SendmailKind::kOther:
    return "other";
  case SendmailKind::kFrom:
    return "from";
  case SendmailKind::kTo:
    return "to";
  case SendmailKind::kRuleset:
    return "ruleset";
  case SendmailKind::kRcptError:
    return "rcpt_error";
  case SendmailKind::kNoMail:
    return "no_mail";
  case SendmailKind::kLostInput:
    return "lost_input";
  case SendmailKind::kTimeout:
    return "timeout";
  case SendmailKind::kPreGreeting:
    return "pregreeting";
  case SendmailKind::kSmtpAttack:
    return "smtp_attack";
  case SendmailKind::kRcptFlood:
    return "rcpt_flood";
  case SendmailKind::kVrfyExpn:
    return "vrfy_expn";
  case SendmailKind::kAuthServer:
    return "auth";
  case SendmailKind::kAuthClient:
    return "auth_client";
  case SendmailKind::kAuthFailure:
    return "auth_failure";
  case SendmailKind::kStartTls:
    return "starttls";
  case SendmailKind::kMilterHeader:
    return "milter_header";
  case SendmailKind::kMilterAction:
    return "milter";
  case SendmailKind::kDsn:
    return "dsn";
  case SendmailKind::kCollect:
    return "collect";
  case SendmailKind::kSizeExceeded:
    return "size_exceeded";
  case SendmailKind::kSyserr:
    return "syserr";
  case SendmailKind::kDaemon:
    return "daemon";
  }
  return "other";
}

} // namespace spamflow
