#include "store_writer.hpp"

namespace spamflow::banwrite {

StoreWriter::StoreWriter(BanStore store)
    : store_(std::move(store)), open_(std::make_unique<Chunk>()), thread_([this] { run(); }) {}

StoreWriter::~StoreWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_ready_.notify_one();
  thread_.join();
}

StoredRecord &StoreWriter::record_slot() {
  Chunk &c = *open_;
  if (c.used == c.records.size()) c.records.emplace_back();
  return c.records[c.used];
}

void StoreWriter::keep_record() {
  ++open_->used;
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

bool StoreWriter::submit(bool commit, std::uint64_t *number) {
  open_->commit = commit;
  open_->number = ++submitted_;
  if (number) *number = submitted_;
  std::unique_lock lock(mutex_);
  work_done_.wait(lock, [this] { return queue_.size() < kMaxQueued || !error_.empty(); });
  if (!error_.empty()) return false;
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
    chunk->used = 0;
    chunk->events.clear();
    lock.lock();
    if (!ok && error_.empty()) error_ = ok.error();
    written_ = chunk->number;
    if (committed) {
      committed_ = chunk->number;
      ++commits_;
    }
    free_.push_back(std::move(chunk));
    work_done_.notify_all();
  }
}

Result<bool> StoreWriter::write(const Chunk &chunk) {
  for (std::size_t i = 0; i < chunk.used; ++i)
    if (auto ok = store_.store_record(chunk.records[i]); !ok) return ok;
  for (const auto &[event, now] : chunk.events)
    if (auto ok = store_.add_ban_event(event, now); !ok) return ok;
  if (chunk.commit) return store_.commit();
  return true;
}

} // namespace spamflow::banwrite
