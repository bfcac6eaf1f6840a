// banwrite's database writes on a thread of their own. The reading thread
// parses records, decides bans, prepares each row's texts and sums the
// rollups; the writer inserts the rows, upserts the rollups and commits
// (the busier of the two, so it does nothing SQLite need not see).
//
// Work goes over in chunks of records and ban events. The reading thread
// fills the open chunk in place (its slots keep their strings' capacity
// from one use to the next) and submits it; a chunk may ask for a commit
// once it is written. The transaction spans chunks, so what a commit
// makes durable is every chunk submitted up to that one: an event may be
// announced once committed_through() has reached the commit that follows
// it.
//
// A third thread checkpoints the WAL through a connection of its own once
// it holds WalPages::checkpoint pages. SQLite's automatic checkpoint ran
// inside a commit and stopped the writer while it copied and synced up to
// 160 MB (more than a second on this machine's disk).
//
// The WAL starts again from its beginning only when a write transaction
// begins with every frame copied. A writer that never pauses never sees
// that, and the WAL grew to the size of everything written (1.3 GB for
// 1.35M records, half a second just to delete at exit). So once a commit
// leaves WalPages::restart pages in it, the writer itself copies what the
// checkpointer has not yet, before its next transaction.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "store/ban_store.hpp"

namespace spamflow::banwrite {

// When the WAL is checkpointed, in pages (a test makes them small).
struct WriterWalPages {
  int checkpoint = 2000; // 32 MB of 16 KiB pages: the checkpointer's turn
  int restart = 8000;    // 128 MB: the writer copies the rest (the WAL's usual bound)
};

class StoreWriter {
public:
  using WalPages = WriterWalPages;
  // path: the store's file, for the checkpointing connection ("" or
  // ":memory:": none).
  StoreWriter(BanStore store, const std::string &path, WalPages wal = {});
  ~StoreWriter(); // finishes what was submitted, then stops the threads
  StoreWriter(const StoreWriter &) = delete;
  StoreWriter &operator=(const StoreWriter &) = delete;

  // The next record slot of the open chunk, to be filled by the caller; it
  // is stored only once keep_record() is called for it.
  StoredRecord &record_slot();
  // Keeps the slot's record, prepares its row's texts and adds it to the
  // rollups summed since the last hand-over of them.
  void keep_record();
  void add_ban_event(const BanEvent &event, std::int64_t now);
  // Records kept in the open chunk; a chunk is worth submitting at kChunk.
  std::size_t open_records() const { return open_->used; }
  static constexpr std::size_t kChunk = 1024;

  // What a chunk hands over besides its records and events: the rollups
  // summed since the last hand-over (written in the open transaction), or
  // those and a commit after them.
  enum class Handover { kRecords, kRollups, kCommit };
  // Hands the open chunk to the writer (blocking while kMaxQueued are
  // waiting) and returns its number. False once the writer has failed.
  bool submit(Handover what, std::uint64_t *number = nullptr);
  // Waits until everything submitted is written; false if the writer failed.
  bool drain();
  // The number of the last chunk whose commit has completed (0: none).
  std::uint64_t committed_through() const;
  // Transactions committed (BanStore::commits(), read on the writer).
  std::uint64_t commits() const;
  // The writer's first error ("" while it is fine).
  std::string error() const;

private:
  struct Chunk {
    std::vector<StoredRecord> records; // slots; the first `used` are kept
    std::vector<RecordRowText> texts;  // one per slot
    std::size_t used = 0;
    std::unique_ptr<RollupBatch> rollup; // summed since the last one, written after the records
    std::vector<std::pair<BanEvent, std::int64_t>> events;
    bool commit = false;
    std::uint64_t number = 0;
  };
  static constexpr std::size_t kMaxQueued = 32; // 32k records: the reader goes on through a commit

  void run();
  void run_checkpoints();
  static int on_wal_commit(void *self, sqlite3 *db, const char *name, int frames);
  Result<bool> write(Chunk &chunk);
  std::unique_ptr<Chunk> take_free_chunk();        // with the lock held
  std::unique_ptr<RollupBatch> take_free_rollup(); // with the lock held

  BanStore store_;
  WalPages wal_;
  std::unique_ptr<Chunk> open_;
  std::uint64_t submitted_ = 0;
  std::unique_ptr<RollupBatch> rollup_; // the reader's: records kept since the last hand-over

  mutable std::mutex mutex_;
  std::condition_variable work_ready_, work_done_;
  std::deque<std::unique_ptr<Chunk>> queue_;
  std::vector<std::unique_ptr<Chunk>> free_;
  std::vector<std::unique_ptr<RollupBatch>> free_rollups_; // written and emptied, for reuse
  std::uint64_t written_ = 0, committed_ = 0, commits_ = 0;
  bool stopping_ = false;
  std::string error_;
  std::optional<Db> checkpoint_db_;
  std::condition_variable checkpoint_wanted_;
  bool checkpoint_due_ = false;
  std::mutex checkpoint_running_;     // one checkpoint at a time: a second would only be busy
  std::thread thread_, checkpointer_; // last: they start once the rest is built
};

} // namespace spamflow::banwrite
