// The spamd side of the joiner: SpamAssassin checks (spamd's lines, joined
// by the spamd child's pid) find their message by Message-ID, or by the
// score and tests of the milter's X-Spam-Status header.
#include <charconv>

#include "base/text_scan.hpp"
#include "maillog/log_joiner.hpp"
#include "maillog/log_joiner_keys.hpp"

namespace spamflow {

namespace {

using namespace joiner;

// "No, score=1.2 required=5.0 tests=A,B,\n\tC autolearn=no ..." (X-Spam-Status)
bool parse_spam_status(string_view v, SpamdInfo &s) {
  if (v.substr(0, 3) != "Yes" && v.substr(0, 2) != "No") return false;
  s.spam = v[0] == 'Y';
  auto number_after = [&v](string_view key, double &out) {
    std::size_t at = v.find(key);
    if (at == string_view::npos) return false;
    string_view n = v.substr(at + key.size());
    auto [p, ec] = parse_double_prefix(n.data(), n.data() + n.size(), out);
    return ec == std::errc();
  };
  s.has_score = number_after("score=", s.score) && number_after("required=", s.required);
  s.tests.clear();
  std::size_t at = v.find("tests=");
  if (at != string_view::npos) {
    string_view t = v.substr(at + 6);
    // Folded with a literal "\n\t" and ended by " autolearn=" or " version=".
    for (std::size_t i = 0; i < t.size(); ++i) {
      if (t[i] == '\\' && i + 1 < t.size() && (t[i + 1] == 'n' || t[i + 1] == 't')) {
        if (!s.tests.empty() && s.tests.back() != ',')
          break; // a fold after the last test: what follows is autolearn=
        ++i;
        continue;
      }
      if (t[i] == ' ') {
        if (t.substr(i + 1, 4) == "\\n\\t" || t.substr(i + 1, 1) == "\t") continue;
        break;
      }
      s.tests += t[i];
    }
  }
  s.present = true;
  s.source = "milter";
  return true;
}

} // namespace

using namespace joiner;

void LogJoiner::apply_milter_header(MailRecord &r, const SendmailLine &l, Stack::HostState &h) {
  if (l.header_name != "X-Spam-Status") return;
  SpamdInfo from_header;
  if (!parse_spam_status(l.header_value, from_header)) return;
  if (!r.spamd.present || r.spamd.source == "milter") r.spamd = from_header;
  // spamd reads "(unknown)" for a message without a Message-ID, to which
  // sendmail then adds one naming the queue id: only such a message can be
  // the one a check without Message-ID was about.
  if (r.spamd.source == "spamd" || !msgid_added_by_sendmail(r)) return;
  KeyText score;
  const string_view by_score = score_key(score, h.name, from_header);
  auto it = score_index_.find(by_score);
  if (it == score_index_.end()) it = score_index_.try_emplace(std::string(by_score)).first;
  it->second.emplace_back(key_.make(h.name, kMessageTag, r.qid));
  // A spamd check that could not name its message (mid unknown) joins the
  // message whose milter reports the same score and tests.
  Entry *check = take_waiting_check(by_score);
  if (!check) return;
  Entry *message = stack_.find(key_.make(h.name, kMessageTag, r.qid));
  if (check && message && join_spamd(*check, *message)) ++stats_.spamd_joined_by_score;
}

void LogJoiner::try_join_pending_spamd_by_mid(Entry &message, Stack::HostState &h) {
  if (!went_through_milter(message.value)) return;
  KeyText key;
  Entry *check = take_waiting_check(key.make(h.name, kWaitingTag, message.value.msgid));
  if (check && join_spamd(*check, message)) ++stats_.spamd_joined_by_mid;
}

// The oldest message showing these score and tests that has no check yet.
LogJoiner::Entry *LogJoiner::take_scored_message(string_view index_key) {
  auto it = score_index_.find(index_key);
  if (it == score_index_.end()) return nullptr;
  Entry *m = nullptr;
  while (!m && !it->second.empty()) {
    m = stack_.find(it->second.front());
    it->second.pop_front();
    if (m && m->value.spamd.source == "spamd") m = nullptr;
  }
  if (it->second.empty()) score_index_.erase(it);
  return m;
}

LogJoiner::Entry *LogJoiner::take_waiting_check(string_view index_key) {
  auto it = spamd_waiting_.find(index_key);
  if (it == spamd_waiting_.end()) return nullptr;
  Entry *check = nullptr;
  while (!check && !it->second.empty()) {
    check = stack_.find(it->second.front());
    it->second.pop_front();
  }
  if (it->second.empty()) spamd_waiting_.erase(it);
  return check;
}

void LogJoiner::add_spamd(const SyslogLine &line, string_view raw) {
  SpamdLine s = parse_spamd_message(line.message);
  Stack::HostState &h = stack_.host(line.host);
  if (s.kind == SpamdKind::kDaemon || line.pid < 0) {
    ++stats_.daemon_lines;
    stack_.advance(h, line.time.epoch_s);
    return;
  }
  string_view key = key_.make(h.name, kSpamdTag, line.pid);
  Entry *e = stack_.find(key);
  if (e && s.kind == SpamdKind::kConnection) {
    finish_spamd_check(*e, h); // the previous check of this child never gave a result
    key = key_.make(h.name, kSpamdTag, line.pid);
    e = nullptr;
  }
  if (!e) {
    e = &stack_.create(h, key);
    start_record(*e, RecordKind::kSpamd, line);
  }
  note_line(*e, line, raw);
  MailRecord &r = e->value;
  if (s.kind == SpamdKind::kProcessing) r.msgid = s.mid;
  if (s.kind == SpamdKind::kVerdict) {
    r.spamd.has_score = s.has_score;
    r.spamd.score = s.score;
    r.spamd.required = s.required;
    r.spamd.spam = s.spam;
    r.spamd.present = true;
  }
  if (s.kind == SpamdKind::kResult) {
    r.spamd.present = true;
    r.spamd.spam = s.spam;
    r.spamd.tests = s.tests;
    if (!r.spamd.has_score) r.spamd.required = s.required;
    if (!s.mid.empty()) r.msgid = s.mid;
    r.spamd.source = "spamd";
    settle(*e, line);
    finish_spamd_check(*e, h);
  } else {
    settle(*e, line);
  }
  stack_.advance(h, line.time.epoch_s);
  stack_.enforce_cap();
}

// A finished check joins its message (by Message-ID) at once, or waits,
// re-keyed, for the message or for a milter header with its score.
void LogJoiner::finish_spamd_check(Entry &check, Stack::HostState &h) {
  MailRecord &r = check.value;
  if (!r.msgid.empty() && r.msgid.front() == '<') {
    KeyText key;
    auto it = msgid_index_.find(key.make(h.name, kMessageTag, r.msgid));
    if (it != msgid_index_.end()) {
      if (Entry *m = stack_.find(it->second); m && join_spamd(check, *m)) {
        ++stats_.spamd_joined_by_mid;
        return;
      }
    }
  }
  if (r.msgid.empty() || r.msgid.front() != '<') {
    // No Message-ID: the message may already show the same score and tests.
    KeyText key;
    Entry *m = r.spamd.has_score ? take_scored_message(score_key(key, h.name, r.spamd)) : nullptr;
    if (m && join_spamd(check, *m)) {
      ++stats_.spamd_joined_by_score;
      return;
    }
  }
  const std::string waiting_key(
      key_.make(h.name, kWaitingTag, static_cast<std::int64_t>(++spamd_seq_)));
  MailRecord value = std::move(r);
  std::int64_t last = check.last;
  stack_.erase(check); // before create(), which may make room by evicting
  Entry &w = stack_.create(h, waiting_key);
  w.value = std::move(value);
  w.last = last;
  stack_.touch(w, w.last, true); // waits `linger` for its message
  KeyText key;
  if (!w.value.msgid.empty() && w.value.msgid.front() == '<')
    spamd_waiting_[std::string(key.make(h.name, kWaitingTag, w.value.msgid))].push_back(
        waiting_key);
  else if (w.value.spamd.has_score)
    spamd_waiting_[std::string(score_key(key, h.name, w.value.spamd))].push_back(waiting_key);
}

bool LogJoiner::join_spamd(Entry &check, Entry &message) {
  if (&check == &message) return false;
  MailRecord &c = check.value, &m = message.value;
  SpamdInfo info = c.spamd;
  info.source = "spamd";
  if (!info.has_score && m.spamd.has_score) {
    info.has_score = true;
    info.score = m.spamd.score;
    info.required = m.spamd.required;
  }
  if (info.tests.empty()) info.tests = m.spamd.tests;
  m.spamd = info;
  m.lines += c.lines;
  for (auto &line : c.raw)
    m.raw.push_back(std::move(line));
  if (c.first.epoch_s < m.first.epoch_s) m.first = c.first;
  if (c.last.epoch_s > m.last.epoch_s) m.last = c.last;
  c.lines = 0; // nothing left to emit
  stack_.erase(check);
  return true;
}

} // namespace spamflow
