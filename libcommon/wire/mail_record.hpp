// The joined record logjoin emits: one per message (host + queue id), per
// client session (host + pid), or per spamd check that found no message.
// Its JSON form is the wire format of man/spamflow.7.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/log_time.hpp"
#include "ip/ip_address.hpp"

namespace spamflow {

enum class RecordKind : std::uint8_t { kMessage, kSession, kSpamd };

// A vector that keeps the elements it held when cleared: records are
// reused, and so the strings of their recipients and rejects keep their
// capacity from one message to the next instead of being freed and
// allocated again. T has reset().
template <class T> class ReuseVector {
public:
  T &emplace_back() {
    if (size_ < items_.size()) {
      items_[size_].reset();
      return items_[size_++];
    }
    ++size_;
    return items_.emplace_back();
  }
  void push_back(T value) { emplace_back() = std::move(value); }
  void clear() { size_ = 0; }
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  T *begin() { return items_.data(); }
  T *end() { return items_.data() + size_; }
  const T *begin() const { return items_.data(); }
  const T *end() const { return items_.data() + size_; }

private:
  std::vector<T> items_;
  std::size_t size_ = 0;
};

struct Recipient {
  std::string to, status, dsn, mailer, relay, text, handoff_qid;
  std::int64_t delay_s = -1;
  bool final = false;
  void reset() {
    for (std::string *t : {&to, &status, &dsn, &mailer, &relay, &text, &handoff_qid})
      t->clear();
    delay_s = -1;
    final = false;
  }
};

struct RejectInfo {
  std::string ruleset, arg, action, dsn, text;
  int code = 0;
  void reset() {
    for (std::string *t : {&ruleset, &arg, &action, &dsn, &text})
      t->clear();
    code = 0;
  }
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

  ReuseVector<Recipient> rcpts;
  ReuseVector<RejectInfo> rejects;
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
