#include "store/store_writer.hpp"

namespace spamflow::banwrite {

StoreWriter::StoreWriter(BanStore store, const std::string &path, WalPages wal)
    : store_(std::move(store)), wal_(wal), open_(std::make_unique<Chunk>()),
      rollup_(std::make_unique<RollupBatch>()) {
  if (!path.empty() && path != ":memory:")
    if (auto db = Db::open(path)) checkpoint_db_.emplace(std::move(*db));
  if (checkpoint_db_) {
    // Replaces SQLite's automatic checkpoints on the writer's connection.
    store_.db().set_wal_hook(&StoreWriter::on_wal_commit, this);
    checkpointer_ = std::thread([this] { run_checkpoints(); });
  }
  thread_ = std::thread([this] { run(); });
}

StoreWriter::~StoreWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_ready_.notify_one();
  thread_.join();
  checkpoint_wanted_.notify_one();
  if (checkpointer_.joinable()) checkpointer_.join();
}

// On the writer thread, after each commit: the WAL now holds `frames` pages.
int StoreWriter::on_wal_commit(void *self, sqlite3 *db, const char *name, int frames) {
  auto *w = static_cast<StoreWriter *>(self);
  if (frames >= w->wal_.restart) {
    // Waits for the checkpointer's pass, then copies the rest: with every
    // frame copied, the next transaction writes from the WAL's beginning.
    std::lock_guard running(w->checkpoint_running_);
    Db::checkpoint_in_hook(db, name);
    return 0;
  }
  if (frames >= w->wal_.checkpoint) {
    std::lock_guard lock(w->mutex_);
    w->checkpoint_due_ = true;
    w->checkpoint_wanted_.notify_one();
  }
  return 0; // SQLITE_OK
}

// PASSIVE: copies what it can without taking the write lock, so the writer
// goes on committing; the WAL restarts from its beginning at the first
// transaction after a checkpoint that copied everything. A failure (busy,
// I/O) only leaves the WAL longer until the next attempt: the data is in it.
void StoreWriter::run_checkpoints() {
  std::unique_lock lock(mutex_);
  for (;;) {
    checkpoint_wanted_.wait(lock, [this] { return checkpoint_due_ || stopping_; });
    if (!checkpoint_due_) return;
    checkpoint_due_ = false;
    lock.unlock();
    {
      std::lock_guard running(checkpoint_running_);
      (void)checkpoint_db_->exec("PRAGMA wal_checkpoint(PASSIVE)");
    }
    lock.lock();
  }
}

StoredRecord &StoreWriter::record_slot() {
  Chunk &c = *open_;
  if (c.used == c.records.size()) {
    c.records.emplace_back();
    c.texts.emplace_back();
  }
  return c.records[c.used];
}

void StoreWriter::keep_record() {
  Chunk &c = *open_;
  prepare_row_text(c.records[c.used], c.texts[c.used]);
  add_to_rollup(*rollup_, c.records[c.used], c.texts[c.used]);
  ++c.used;
}

void StoreWriter::add_ban_event(const BanEvent &event, std::int64_t now) {
  open_->events.emplace_back(event, now);
}

std::unique_ptr<StoreWriter::Chunk> StoreWriter::take_free_chunk() {
  if (free_.empty()) return std::make_unique<Chunk>();
  std::unique_ptr<Chunk> c = std::move(free_.back());
  free_.pop_back();
  return c;
}

std::unique_ptr<RollupBatch> StoreWriter::take_free_rollup() {
  if (free_rollups_.empty()) return std::make_unique<RollupBatch>();
  std::unique_ptr<RollupBatch> r = std::move(free_rollups_.back());
  free_rollups_.pop_back();
  return r;
}

bool StoreWriter::submit(Handover what, std::uint64_t *number) {
  open_->commit = what == Handover::kCommit;
  open_->number = ++submitted_;
  if (number) *number = submitted_;
  if (what != Handover::kRecords) rollup_->sort_clients(); // here, not on the busier writer
  std::unique_lock lock(mutex_);
  work_done_.wait(lock, [this] { return queue_.size() < kMaxQueued || !error_.empty(); });
  if (!error_.empty()) return false;
  if (what != Handover::kRecords) {
    open_->rollup = std::move(rollup_);
    rollup_ = take_free_rollup();
  }
  queue_.push_back(std::move(open_));
  open_ = take_free_chunk();
  lock.unlock();
  work_ready_.notify_one();
  return true;
}

bool StoreWriter::drain() {
  std::unique_lock lock(mutex_);
  work_done_.wait(lock, [this] { return written_ == submitted_ || !error_.empty(); });
  return error_.empty();
}

std::uint64_t StoreWriter::committed_through() const {
  std::lock_guard lock(mutex_);
  return committed_;
}

std::uint64_t StoreWriter::commits() const {
  std::lock_guard lock(mutex_);
  return commits_;
}

std::string StoreWriter::error() const {
  std::lock_guard lock(mutex_);
  return error_;
}

// The thread: chunks in order until told to stop with the queue empty.
// After an error nothing more is written; the open transaction is rolled
// back when the store closes, as a crash would leave it.
void StoreWriter::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    work_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;
    std::unique_ptr<Chunk> chunk = std::move(queue_.front());
    queue_.pop_front();
    bool failed = !error_.empty();
    lock.unlock();
    Result<bool> ok = failed ? Result<bool>(true) : write(*chunk);
    bool committed = ok && !failed && chunk->commit;
    std::uint64_t commits = store_.commits(); // a commit with nothing open is none
    chunk->used = 0;
    chunk->events.clear();
    if (chunk->rollup) chunk->rollup->clear();
    lock.lock();
    if (chunk->rollup) free_rollups_.push_back(std::move(chunk->rollup));
    if (!ok && error_.empty()) error_ = ok.error();
    written_ = chunk->number;
    if (committed) committed_ = chunk->number;
    commits_ = commits;
    free_.push_back(std::move(chunk));
    work_done_.notify_all();
  }
}

Result<bool> StoreWriter::write(Chunk &chunk) {
  if (chunk.used)
    if (auto ok = store_.store_rows(chunk.records.data(), chunk.texts.data(), chunk.used); !ok)
      return ok;
  for (const auto &[event, now] : chunk.events)
    if (auto ok = store_.add_ban_event(event, now); !ok) return ok;
  if (chunk.rollup)
    if (auto ok = store_.store_rollups(*chunk.rollup); !ok) return ok;
  if (chunk.commit) return store_.commit();
  return true;
}

} // namespace spamflow::banwrite
