// spamflag's side of banwrite's database: lookups of stored messages, the
// per-user report counts of the rate limit, and the writing of a report.
//
// Every report goes into spamflag's own table, spamflag_reports (in the
// database's schema since version 8, store/schema.cpp; banwrite's `flags`
// has no place for unmatched reports, the matching method or the
// reporter's rate):
//   id, time, user, status (flagged|duplicate|unmatched), matched_by
//   (queue_id|message_id), how (attachment|inline), host, qid, client_ip,
//   msgid, subject, flag_id, reason, claimed_host, claimed_qid, claimed_ip,
//   message (the forwarded text of an unmatched report).
// A flagged report also gets a row in banwrite's `flags` table (time, user,
// client_ip, client_family, client_key, host, qid, msgid, note=matched_by),
// the table banwrite reads as evidence.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "ip/ip_address.hpp"
#include "store/ban_store.hpp"

namespace spamflow {

// A message as banwrite stored it (messages table).
struct StoredMessage {
  std::string host, qid, msgid;
  std::optional<IpAddress> client;
  std::int64_t first = 0;
};

struct FlagReport {
  enum class Status { kFlagged, kDuplicate, kUnmatched };
  Status status = Status::kUnmatched;
  std::int64_t time = 0;  // epoch seconds, when the report arrived
  std::string user;       // the reporter, lower case
  std::string matched_by; // "queue_id", "message_id", or empty
  std::string how;        // "attachment" or "inline"
  std::string host, qid, msgid, subject;
  std::optional<IpAddress> client;
  // What our Received header said, kept even when the database disagrees.
  std::string claimed_host, claimed_qid, claimed_ip;
  std::string reason;       // why it is unmatched
  std::string message;      // stored only when unmatched
  std::int64_t flag_id = 0; // the flags row, once recorded
};

const char *describe(FlagReport::Status status);

class SpamflagStore {
public:
  // Opens the database, creating or migrating it as banwrite does.
  static Result<SpamflagStore> open(const std::string &path, int busy_timeout_ms = 5000);

  Result<bool> begin(); // BEGIN IMMEDIATE: the rate count and the insert are one step
  Result<bool> commit();
  void rollback();

  // Reports (of any status) since `since`; by one user, or by all if empty.
  Result<std::int64_t> reports_since(std::string_view user, std::int64_t since);
  // A message of that host and queue id (kind "message"), if stored.
  Result<std::optional<StoredMessage>> find_by_queue_id(std::string_view host,
                                                        std::string_view qid);
  // Every stored message with that Message-ID, oldest first (at most 100).
  Result<std::vector<StoredMessage>> find_by_message_id(std::string_view msgid);
  // Does the messages table hold records of this host?
  Result<bool> is_known_host(std::string_view host);
  // Has this user's report of host+qid already been flagged?
  Result<bool> already_flagged(std::string_view user, std::string_view host, std::string_view qid);
  // Writes the report (and the flags row when it is flagged).
  Result<bool> record(FlagReport &report);

  Db &db() { return store_.db(); }

private:
  explicit SpamflagStore(BanStore store) : store_(std::move(store)) {}
  Result<std::vector<StoredMessage>> query_messages(std::string_view sql,
                                                    std::vector<std::string_view> args);
  BanStore store_;
};

} // namespace spamflow
