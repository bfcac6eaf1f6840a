#include "maillog/log_joiner.hpp"
#include "base/text_scan.hpp"

#include "maillog/log_joiner_keys.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace spamflow {

namespace {

using namespace joiner;

bool is_pending_status(string_view status) {
  return status == "deferred" || status == "queued";
}

// Status of one recipient from a to= line.
void classify_delivery(const SendmailLine &l, Recipient &r) {
  std::size_t end = 0; // the first word: up to ' ', ':' or '('
  while (end < l.stat.size() && l.stat[end] != ' ' && l.stat[end] != ':' && l.stat[end] != '(')
    ++end;
  string_view word = l.stat.substr(0, end);
  if (word == "Sent")
    set_text(r.status, "sent");
  else if (word == "Deferred")
    set_text(r.status, "deferred");
  else if (word == "queued" || word == "Queued")
    set_text(r.status, "queued");
  else if (!l.dsn.empty() && l.dsn[0] == '5')
    set_text(r.status, "bounced");
  else if (!l.dsn.empty() && l.dsn[0] == '4')
    set_text(r.status, "deferred");
  else if (!l.dsn.empty() && l.dsn[0] == '2')
    set_text(r.status, "sent");
  else
    set_text(r.status, "rejected"); // stopped before delivery: milter reject, size limit
  r.final = !is_pending_status(r.status);
  set_text(r.dsn, l.dsn);
  set_text(r.mailer, l.mailer);
  r.delay_s = l.delay_s;
  set_text(r.handoff_qid, l.handoff_qid);
  if (l.peer.present) set_text(r.relay, l.peer.addr ? l.peer.addr_text : l.peer.name);
  set_text(r.text, r.status == "sent" || !l.status_text.empty() ? l.status_text : l.stat);
}

// Splits "to=<a>,<b>,c" at commas outside <> and quotes.
template <class Fn> void for_each_address(string_view list, Fn fn) {
  int angle = 0;
  bool quoted = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= list.size(); ++i) {
    char c = i < list.size() ? list[i] : ',';
    if (c == '"' && (i == 0 || list[i - 1] != '\\'))
      quoted = !quoted;
    else if (!quoted && c == '<')
      ++angle;
    else if (!quoted && c == '>' && angle > 0)
      --angle;
    else if (c == ',' && !quoted && angle == 0) {
      if (i > start) fn(list.substr(start, i - start));
      start = i + 1;
    }
  }
}

void set_client(ClientInfo &c, const RelayField &f) {
  if (!f.present) return;
  if (f.addr) {
    if (c.ip && *c.ip != *f.addr) return; // the first trusted address of a record stays
    c.ip = f.addr;
    c.ip_text.clear();
  } else if (!c.ip && !f.addr_text.empty()) {
    set_text(c.ip_text, f.addr_text);
  }
  if (!f.name.empty()) set_text(c.name, f.name);
  c.forged = c.forged || f.forged;
  c.present = true;
}

void add_reject(MailRecord &r, string_view ruleset, string_view arg, string_view action,
                string_view dsn, string_view text, int code) {
  RejectInfo &rj = r.rejects.emplace_back(); // assigned in place: its strings keep their capacity
  set_text(rj.ruleset, ruleset);
  set_text(rj.arg, arg);
  set_text(rj.action, action);
  set_text(rj.dsn, dsn);
  set_text(rj.text, text);
  rj.code = code;
}

bool has_end_event(const MailRecord &r) {
  for (const auto &e : r.events)
    if (e == "no_mail" || e == "pregreeting" || e == "connect_reject" || e == "collect_error" ||
        e.rfind("lost_input", 0) == 0)
      return true;
  return false;
}

bool is_complete(const MailRecord &r) {
  if (r.kind == RecordKind::kSpamd) return false;
  if (r.kind == RecordKind::kSession) return has_end_event(r);
  std::int64_t final_count = 0;
  bool any_pending = false;
  for (const auto &rc : r.rcpts) {
    final_count += rc.final;
    any_pending = any_pending || !rc.final;
  }
  if (r.saw_from) {
    // nrcpts=0: every recipient was refused; an end event: the transaction
    // was cut off (lost input, failed DATA) and no delivery will follow.
    if (r.nrcpts == 0 || (r.rcpts.empty() && has_end_event(r))) return true;
    return r.nrcpts > 0 && final_count >= r.nrcpts && !any_pending;
  }
  if (!r.rcpts.empty()) return !any_pending;
  return has_end_event(r);
}

} // namespace

using namespace joiner;

LogJoiner::LogJoiner(JoinOptions opts, Emit emit)
    : opts_(opts), emit_(std::move(emit)),
      stack_(opts.ttl_s, opts.linger_s, opts.max_pending,
             [this](Entry &e, Stack::Reason why) { on_emit(e, why); }) {}

void LogJoiner::start_record(Entry &e, RecordKind kind, const SyslogLine &line) {
  MailRecord &r = e.value;
  r.kind = kind;
  set_text(r.host, line.host);
  r.pid = line.pid;
  r.first = r.last = line.time;
  r.has_time = true;
  e.last = line.time.epoch_s;
}

void LogJoiner::note_line(Entry &e, const SyslogLine &line, string_view raw) {
  MailRecord &r = e.value;
  ++r.lines;
  ++stats_.mail_lines;
  if (opts_.keep_raw) r.raw.emplace_back(raw);
  if (line.time.epoch_s < r.first.epoch_s) r.first = line.time;
  if (line.time.epoch_s > r.last.epoch_s) r.last = line.time;
  if (line.pid >= 0 && line.pid != r.pid && r.other_pids.size() < 16 &&
      std::find(r.other_pids.begin(), r.other_pids.end(), line.pid) == r.other_pids.end())
    r.other_pids.push_back(line.pid);
}

LogJoiner::Entry &LogJoiner::session_entry(Stack::HostState &h, const SyslogLine &line) {
  const string_view key = key_.make(h.name, kSessionTag, line.pid);
  if (Entry *e = stack_.find(key)) return *e;
  Entry &e = stack_.create(h, key);
  start_record(e, RecordKind::kSession, line);
  return e;
}

LogJoiner::Entry &LogJoiner::message_entry(Stack::HostState &h, const SyslogLine &line,
                                           string_view qid) {
  const string_view key = key_.make(h.name, kMessageTag, qid);
  if (Entry *e = stack_.find(key)) {
    const MailRecord &r = e->value;
    // A process not yet seen for this message may have a session (AUTH,
    // TLS, client) to hand over; the order of lines must not matter.
    if (line.pid >= 0 && line.pid != r.pid &&
        std::find(r.other_pids.begin(), r.other_pids.end(), line.pid) == r.other_pids.end())
      adopt_session(*e, h, line.pid);
    return *e;
  }
  Entry &e = stack_.create(h, key);
  start_record(e, RecordKind::kMessage, line);
  set_text(e.value.qid, qid);
  for (char tag : {kDsnLinkTag, '\0'}) {
    if (pending_links_.empty()) break;
    auto it = pending_links_.find(tag ? key_.make(h.name, tag, qid) : qid);
    if (it != pending_links_.end()) {
      e.value.links.push_back(std::move(it->second));
      pending_links_.erase(it);
    }
  }
  if (line.pid >= 0) adopt_session(e, h, line.pid);
  return e;
}

// Session attributes (client, AUTH, TLS) reach the messages of that session;
// the session's own lines travel with the first message.
void LogJoiner::adopt_session(Entry &message, Stack::HostState &h, std::int64_t pid) {
  KeyText key;
  Entry *s = stack_.find(key.make(h.name, kSessionTag, pid));
  if (!s) return;
  MailRecord &m = message.value, &sr = s->value;
  if (sr.client.present && !m.client.present) m.client = sr.client;
  if (m.auth_mech.empty()) {
    m.auth_mech = sr.auth_mech;
    m.auth_id = sr.auth_id;
  }
  if (m.tls_version.empty()) {
    m.tls_version = sr.tls_version;
    m.tls_cipher = sr.tls_cipher;
    m.tls_verify = sr.tls_verify;
  }
  if (sr.lines == 0) return;
  m.lines += sr.lines;
  for (auto &line : sr.raw)
    m.raw.push_back(std::move(line));
  for (auto &ev : sr.events)
    m.add_event(ev);
  for (auto &rj : sr.rejects)
    m.rejects.push_back(std::move(rj));
  if (sr.first.epoch_s < m.first.epoch_s) m.first = sr.first;
  sr.lines = 0;
  sr.raw.clear();
  sr.events.clear();
  sr.rejects.clear();
}

// A message's pid is that of its SMTP session (the from= line), whichever
// of its lines came first; the others are listed in pids.
void LogJoiner::take_smtp_pid(MailRecord &r, std::int64_t pid) {
  if (pid < 0 || pid == r.pid) return;
  std::erase(r.other_pids, pid);
  if (r.pid >= 0) r.other_pids.push_back(r.pid);
  r.pid = pid;
}

void LogJoiner::remember_link(const std::string &key, LinkInfo link, std::int64_t now) {
  prune_links(now);
  if (pending_links_.size() >= 65536) {
    pending_links_.erase(pending_link_order_.front().first);
    pending_link_order_.pop_front();
  }
  if (pending_links_.emplace(key, std::move(link)).second)
    pending_link_order_.emplace_back(key, now);
}

// A parked link whose record did not appear within the TTL never will.
void LogJoiner::prune_links(std::int64_t now) {
  while (!pending_link_order_.empty() && pending_link_order_.front().second + opts_.ttl_s < now) {
    pending_links_.erase(pending_link_order_.front().first);
    pending_link_order_.pop_front();
  }
}

// The receiving host is not named in the line: look on every host, else
// remember the link for the record when it appears.
void LogJoiner::link_handoff(const MailRecord &sender, string_view qid) {
  LinkInfo link{"handoff_from", sender.qid, sender.host};
  bool found = false;
  stack_.for_each_host([&](Stack::HostState &h) {
    if (found) return;
    KeyText key;
    if (Entry *e = stack_.find(key.make(h.name, kMessageTag, qid))) {
      e->value.links.push_back(link);
      found = true;
    }
  });
  if (!found) remember_link(std::string(qid), std::move(link), sender.last.epoch_s);
}

void LogJoiner::settle(Entry &e, const SyslogLine &line) {
  stack_.touch(e, line.time.epoch_s, is_complete(e.value));
}

void LogJoiner::add_sendmail(const SyslogLine &line, string_view raw) {
  SendmailParse parsed = parse_sendmail_message(line.message);
  Stack::HostState &h = stack_.host(line.host);
  const SendmailLine &l = parsed.line;
  if (l.kind == SendmailKind::kOther && unrecognised_) unrecognised_->note(line.message);
  if ((l.kind == SendmailKind::kDaemon && l.qid.empty()) || (l.qid.empty() && line.pid < 0)) {
    ++(l.kind == SendmailKind::kDaemon ? stats_.daemon_lines : stats_.unparsed_lines);
    stack_.advance(h, line.time.epoch_s);
    return;
  }
  Entry &e = l.qid.empty() ? session_entry(h, line) : message_entry(h, line, l.qid);
  note_line(e, line, raw);
  apply(e.value, l, h);
  if (l.kind == SendmailKind::kFrom) take_smtp_pid(e.value, line.pid);
  if (l.kind == SendmailKind::kFrom && !e.value.msgid.empty()) try_join_pending_spamd_by_mid(e, h);
  settle(e, line);
  stack_.advance(h, line.time.epoch_s);
  stack_.enforce_cap();
}

void LogJoiner::apply(MailRecord &r, const SendmailLine &l, Stack::HostState &h) {
  set_client(r.client, l.client);
  switch (l.kind) {
  case SendmailKind::kFrom:
    r.saw_from = true;
    set_text(r.from, l.from);
    r.size = l.size;
    r.nrcpts = l.nrcpts;
    set_text(r.msgid, l.msgid);
    set_text(r.proto, l.proto);
    set_text(r.daemon, l.daemon);
    set_text(r.bodytype, l.bodytype);
    // A local submission and the MTA's copy of it share a Message-ID; only
    // the copy an MTA daemon received went through the milter and spamd.
    if (!r.msgid.empty() && went_through_milter(r)) {
      KeyText by_msgid;
      const string_view k = by_msgid.make(h.name, kMessageTag, r.msgid);
      auto it = msgid_index_.find(k);
      if (it == msgid_index_.end()) it = msgid_index_.try_emplace(std::string(k)).first;
      it->second = key_.make(h.name, kMessageTag, r.qid);
    }
    break;
  case SendmailKind::kTo:
    for_each_address(l.to, [&](string_view addr) {
      auto it = std::find_if(r.rcpts.begin(), r.rcpts.end(),
                             [&](const Recipient &x) { return x.to == addr; });
      Recipient &rc = it != r.rcpts.end() ? *it : r.rcpts.emplace_back();
      set_text(rc.to, addr);
      classify_delivery(l, rc);
    });
    if (!l.handoff_qid.empty()) {
      r.links.push_back({"handoff_to", std::string(l.handoff_qid), ""});
      link_handoff(r, l.handoff_qid);
    }
    break;
  case SendmailKind::kRuleset:
    add_reject(r, l.ruleset, l.arg1, l.action, l.reject_dsn, l.reject_text, l.reject_code);
    if (l.ruleset == "check_relay" && l.action == "reject") r.add_event("connect_reject");
    break;
  case SendmailKind::kRcptError:
    add_reject(r, "rcpt", l.arg1, "reject", "", l.reject_text, 0);
    break;
  case SendmailKind::kMilterAction:
    if (!l.action.empty() || l.reject_code)
      add_reject(r, "milter", l.milter_name, l.action, l.reject_dsn, l.reject_text, l.reject_code);
    break;
  case SendmailKind::kMilterHeader:
    apply_milter_header(r, l, h);
    break;
  case SendmailKind::kDsn: {
    string_view t = l.text;
    r.add_event(has_prefix(t, "DSN:")               ? "dsn_bounce"
                : has_prefix(t, "sender notify:")   ? "dsn_notify"
                : has_prefix(t, "return to sender") ? "dsn_return"
                                                    : "dsn");
    // "Cannot send message for 5 days" (Timeout.queuereturn): sendmail gives
    // the message back and drops it from the queue, so its deferred
    // recipients are final; a warning ("Warning: could not send message for
    // past 4 hours") leaves them queued. Without this a returned message
    // stayed open for all of --ttl.
    if (t.find(": Cannot send message for ") != string_view::npos)
      for (Recipient &rc : r.rcpts)
        rc.final = true;
    r.links.push_back({"dsn", std::string(l.qid2), ""});
    KeyText child_key;
    if (Entry *child = stack_.find(child_key.make(h.name, kMessageTag, l.qid2))) // may come first
      child->value.links.push_back({"dsn_of", r.qid, ""});
    else
      remember_link(h.name + kDsnLinkTag + std::string(l.qid2), {"dsn_of", r.qid, ""},
                    r.last.epoch_s);
    break;
  }
  case SendmailKind::kNoMail:
    r.add_event("no_mail");
    break;
  case SendmailKind::kLostInput: {
    string_view d = l.detail;
    std::size_t sp = d.rfind(' ');
    r.add_event("lost_input_after_" + std::string(sp == string_view::npos ? d : d.substr(sp + 1)));
    break;
  }
  case SendmailKind::kTimeout:
    r.add_event("timeout");
    break;
  case SendmailKind::kPreGreeting:
    r.add_event("pregreeting");
    break;
  case SendmailKind::kSmtpAttack:
    r.add_event("smtp_attack");
    break;
  case SendmailKind::kRcptFlood:
    r.add_event("rcpt_flood");
    break;
  case SendmailKind::kVrfyExpn:
    r.add_event(has_prefix(l.detail, "VRFY") ? "vrfy" : "expn");
    break;
  case SendmailKind::kAuthServer:
    set_text(r.auth_mech, l.mech);
    set_text(r.auth_id, l.authid);
    break;
  case SendmailKind::kAuthFailure:
    r.add_event("auth_failure");
    break;
  case SendmailKind::kStartTls:
    if (l.side == "server") {
      set_text(r.tls_version, l.tls_version);
      set_text(r.tls_cipher, l.tls_cipher);
      set_text(r.tls_verify, l.tls_verify);
    }
    break;
  case SendmailKind::kCollect:
    r.add_event("collect_error");
    break;
  case SendmailKind::kSyserr:
    r.add_event("syserr");
    if (l.text.find("collect: ") != string_view::npos) r.add_event("collect_error");
    break;
  case SendmailKind::kSizeExceeded:
    r.add_event("size_exceeded");
    break;
  case SendmailKind::kAuthClient:
  case SendmailKind::kOther:
  case SendmailKind::kDaemon:
    break;
  }
}

void LogJoiner::on_emit(Entry &e, Stack::Reason why) {
  MailRecord &r = e.value;
  if (!r.msgid.empty()) {
    KeyText k;
    auto it = msgid_index_.find(k.make(r.host, kMessageTag, r.msgid));
    if (it != msgid_index_.end() && it->second == e.key) msgid_index_.erase(it);
  }
  if (r.kind == RecordKind::kSpamd) {
    KeyText by_msgid, by_score;
    for (string_view k :
         {by_msgid.make(r.host, kWaitingTag, r.msgid), score_key(by_score, r.host, r.spamd)}) {
      auto it = spamd_waiting_.find(k);
      if (it == spamd_waiting_.end()) continue;
      std::erase(it->second, e.key);
      if (it->second.empty()) spamd_waiting_.erase(it);
    }
  }
  if (r.spamd.present && r.kind == RecordKind::kMessage) {
    KeyText k;
    auto it = score_index_.find(score_key(k, r.host, r.spamd));
    if (it != score_index_.end()) {
      std::erase(it->second, e.key);
      if (it->second.empty()) score_index_.erase(it);
    }
  }
  if (r.lines == 0) return; // a session whose lines went to its messages, or a joined check
  if (r.kind == RecordKind::kMessage && !r.saw_from && r.rcpts.empty() &&
      (r.client.present || has_end_event(r)))
    r.kind = RecordKind::kSession;
  r.complete = why == Stack::Reason::kComplete && r.kind != RecordKind::kSpamd;
  if (!r.complete) {
    switch (why) {
    case Stack::Reason::kTtl:
      r.incomplete = idling_ ? "idle" : "ttl";
      ++stats_.incomplete_ttl;
      break;
    case Stack::Reason::kMaxPending:
      r.incomplete = "max_pending";
      ++stats_.incomplete_max_pending;
      break;
    case Stack::Reason::kFlush:
      r.incomplete = flush_reason_;
      ++stats_.incomplete_flush;
      break;
    case Stack::Reason::kComplete:
      r.incomplete = "unjoined";
      break;
    }
  }
  if (!r.saw_from && !r.other_pids.empty()) {
    // No SMTP session in view: name the lowest process, whatever came first.
    r.other_pids.push_back(r.pid);
    std::sort(r.other_pids.begin(), r.other_pids.end());
    r.pid = r.other_pids.front();
    r.other_pids.erase(r.other_pids.begin());
  }
  std::sort(r.other_pids.begin(), r.other_pids.end());
  ++stats_.records;
  ++(r.kind == RecordKind::kMessage   ? stats_.messages
     : r.kind == RecordKind::kSession ? stats_.sessions
                                      : stats_.spamd_records);
  emit_(r);
}

void LogJoiner::flush(string_view reason) {
  flush_reason_ = reason;
  stack_.flush_all();
}

} // namespace spamflow
