// banwrite's SQLite database: every record, the bans and their history,
// user flags. WAL mode, schema versioned by PRAGMA user_version (the schema
// and its forward migrations in schema.cpp), records written in batched
// transactions (commit every batch_records records or batch_ms
// milliseconds, whichever comes first). A crash loses at most the open batch. See banwrite(1) for
// the schema.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "ban/ban_policy.hpp"
#include "store/ban_rollup.hpp"
#include "store/db.hpp"
#include "store/message_blocks.hpp"
#include "store/schema.hpp"
#include "wire/stored_record.hpp"

namespace spamflow {

// The texts a record's row binds besides its own fields: the client as
// text and as address_key(), the network, the recipients as JSON.
struct RecordRowText {
  std::string ip, key, net, rcpts_json;
};
void prepare_row_text(const StoredRecord &r, RecordRowText &out);
// Counts the record in the rollups (records without a time are not).
void add_to_rollup(RollupBatch &rollup, const StoredRecord &r, const RecordRowText &text);

struct BanStoreOptions {
  // Large batches: each commit writes every page it changed (the indexes'
  // and rollups' hot pages in each one) to the WAL; at full speed the
  // batch_ms bound comes first anyway.
  std::size_t batch_records = 200000;
  std::int64_t batch_ms = 1000;
  int busy_timeout_ms = 5000;
};

// One row of the bans table.
struct StoredBan {
  IpNetwork target, network;
  std::int64_t start = 0, until = 0;
  std::string reason;
  double hits = 0;
  int offence = 1;
  bool manual = false;
};

class BanStore {
public:
  static constexpr const char *kDefaultPath = "/var/lib/spamflow/spam.db";
  static constexpr int kSchemaVersion = kStoreSchemaVersion;

  // Opens or creates the database and migrates it to kSchemaVersion. A
  // database newer than this program is refused.
  static Result<BanStore> open(const std::string &path, BanStoreOptions options = {});

  // Queues one record in the open batch (opening one if needed); commits
  // when the batch is full or old enough.
  Result<bool> add_record(const StoredRecord &record);
  // The parts of add_record() for a caller that prepares rows and sums
  // rollups on another thread (banwrite's writer): store_row() writes one
  // record with its prepared texts in the open batch (opening one if
  // needed); store_rollups() adds summed rollups in the open batch (leaving
  // them to be cleared by the caller). Then commit().
  Result<bool> store_row(const StoredRecord &record, const RecordRowText &text);
  // store_row() for n records in a row, several per statement.
  Result<bool> store_rows(const StoredRecord *records, const RecordRowText *texts, std::size_t n);
  Result<bool> store_rollups(RollupBatch &rollup);
  // Writes a ban event (bans row and ban_history) inside the open batch.
  // Call commit() before announcing it, so what was announced is stored.
  Result<bool> add_ban_event(const BanEvent &event, std::int64_t now);
  // Commits the open batch, if any.
  Result<bool> commit();

  Result<std::vector<StoredBan>> active_bans();
  // Adds per network in ban_history: how often each was banned.
  Result<std::unordered_map<IpNetwork, int>> offence_counts();
  Result<std::int64_t> count_rows(std::string_view table);
  // Loads the stored state into a policy: every target's offence count and
  // the active bans (a carved ban's pieces grouped under its network).
  Result<bool> restore_into(BanPolicy &policy);
  // User flags (spamflag) with id > after_id, oldest first, read through
  // any connection to the database (banwrite reads them beside its writer).
  struct FlagRow {
    std::int64_t id = 0, time = 0;
    std::string client_ip;
  };
  static Result<std::vector<FlagRow>> flags_after(Db &db, std::int64_t after_id,
                                                  std::int64_t since_time);

  std::uint64_t commits() const { return commits_; }
  Db &db() { return db_; }

private:
  BanStore(Db db, BanStoreOptions options) : db_(std::move(db)), opt_(options) {}
  Result<bool> prepare_statements();
  Result<bool> ensure_batch();
  Result<bool> insert_row(const StoredRecord &r, const RecordRowText &t);
  Result<bool> note_block(const StoredRecord *records, std::size_t n);

  Db db_;
  BanStoreOptions opt_;
  static constexpr std::size_t kRowsPerInsert = 64;
  Statement insert_message_;  // one row
  Statement insert_messages_; // kRowsPerInsert rows
  Statement insert_ban_, end_ban_, insert_history_;
  MessageBlocks blocks_;   // the rows' times by block (message_blocks.hpp)
  RollupBatch rollup_;     // add_record()'s share of the rollup tables
  RecordRowText row_text_; // of the record add_record() inserts
  std::size_t batch_count_ = 0;
  std::chrono::steady_clock::time_point batch_start_;
  std::uint64_t commits_ = 0;
};

// An address as a sortable key: 4 (IPv4) or 16 (IPv6) bytes, big-endian, so
// "key BETWEEN first AND last" finds the addresses of a network.
std::string address_key(const IpAddress &addr);

} // namespace spamflow
