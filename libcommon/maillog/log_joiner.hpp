// Reassembly of sendmail and spamd lines into MailRecords (logjoin's core).
// See man/logjoin.1 for the completion and expiry rules implemented here.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/key_hash.hpp"
#include "maillog/expiring_stack.hpp"
#include "maillog/line_shapes.hpp"
#include "maillog/sendmail_line.hpp"
#include "maillog/syslog_line.hpp"
#include "wire/mail_record.hpp"

namespace spamflow {

struct JoinOptions {
  std::int64_t ttl_s = 3600;       // a record untouched this long (log time) is emitted incomplete
  std::int64_t linger_s = 2;       // a complete record waits this long (log time) for late lines
  std::size_t max_pending = 20000; // records held at most; the oldest leave first
  bool keep_raw = false;           // put the original lines in each record
};

struct JoinStats {
  std::uint64_t mail_lines = 0;     // sendmail and spamd lines joined into records
  std::uint64_t daemon_lines = 0;   // process-level lines about no message (counted, skipped)
  std::uint64_t unparsed_lines = 0; // mail-program lines with neither queue id nor pid
  std::uint64_t records = 0, messages = 0, sessions = 0, spamd_records = 0;
  std::uint64_t incomplete_ttl = 0, incomplete_max_pending = 0, incomplete_flush = 0;
  std::uint64_t spamd_joined_by_mid = 0, spamd_joined_by_score = 0;
};

class LogJoiner {
public:
  using Emit = std::function<void(const MailRecord &)>;
  LogJoiner(JoinOptions opts, Emit emit);

  // True for program names whose lines logjoin joins.
  static bool is_spamd_program(std::string_view program) { return program == "spamd"; }

  // When set, the shapes of sendmail lines no rule recognised (kOther, and
  // unparsed lines) are counted there, for --stats.
  void count_unrecognised(LineShapes *shapes) { unrecognised_ = shapes; }

  // One syslog line of a mail program; `raw` is the whole line as read.
  void add_sendmail(const SyslogLine &line, std::string_view raw);
  void add_spamd(const SyslogLine &line, std::string_view raw);

  void emit_ready() { stack_.emit_ready(); }
  // The input has been quiet: move every host's log clock on by `seconds`
  // of wall time; what expires now is marked incomplete "idle".
  void advance_idle(std::int64_t seconds) {
    idling_ = true;
    stack_.advance_all(seconds);
    idling_ = false;
  }
  // Emits everything still held; `reason` is recorded as incomplete reason.
  void flush(std::string_view reason);

  const JoinStats &stats() const { return stats_; }
  std::size_t pending() const { return stack_.size(); }
  std::size_t peak_pending() const { return stack_.peak(); }

private:
  using Stack = ExpiringStack<MailRecord>;
  using Entry = Stack::Entry;

  Entry &message_entry(Stack::HostState &h, const SyslogLine &line, std::string_view qid);
  Entry &session_entry(Stack::HostState &h, const SyslogLine &line);
  void start_record(Entry &e, RecordKind kind, const SyslogLine &line);
  void note_line(Entry &e, const SyslogLine &line, std::string_view raw);
  void adopt_session(Entry &message, Stack::HostState &h, std::int64_t pid);
  void apply(MailRecord &r, const SendmailLine &l, Stack::HostState &h);
  void apply_milter_header(MailRecord &r, const SendmailLine &l, Stack::HostState &h);
  void finish_spamd_check(Entry &check, Stack::HostState &h);
  bool join_spamd(Entry &check, Entry &message);
  void try_join_pending_spamd_by_mid(Entry &message, Stack::HostState &h);
  void link_handoff(const MailRecord &sender, std::string_view qid);
  void take_smtp_pid(MailRecord &r, std::int64_t pid);
  void remember_link(const std::string &key, LinkInfo link, std::int64_t now);
  void prune_links(std::int64_t now);
  void on_emit(Entry &e, Stack::Reason why);
  void settle(Entry &e, const SyslogLine &line);

  JoinOptions opts_;
  Emit emit_;
  JoinStats stats_;
  std::string flush_reason_ = "eof";
  bool idling_ = false;
  Stack stack_;
  // host+msgid -> message key, for joining spamd results by Message-ID.
  TextMap<std::string> msgid_index_;
  // host+msgid (or host+score+tests) -> keys of finished spamd checks
  // waiting for their message, oldest first.
  TextMap<std::deque<std::string>> spamd_waiting_;
  Entry *take_waiting_check(std::string_view index_key);
  // host+score+tests of a milter X-Spam-Status -> the message that has it.
  TextMap<std::deque<std::string>> score_index_;
  Entry *take_scored_message(std::string_view index_key);
  // Links seen before the record they point to exists: (host+)qid -> link.
  TextMap<LinkInfo> pending_links_;
  std::deque<std::pair<std::string, std::int64_t>> pending_link_order_; // key, log time
  std::uint64_t spamd_seq_ = 0;
  LineShapes *unrecognised_ = nullptr;
  KeyText key_; // scratch for lookups
};

} // namespace spamflow
