#include "banwrite_run.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <optional>
#include <poll.h>
#include <unistd.h>

#include "base/diagnostics.hpp"
#include "base/line_io.hpp"
#include "base/signals.hpp"
#include "netinfo/net_table.hpp"
#include "store/store_writer.hpp"
#include "wire/json_lines.hpp"

namespace spamflow::banwrite {

namespace {

// Set by SIGTERM, SIGINT or SIGHUP: the input ends there, and what was
// read is committed and applied as at the end of a file (a daemon stopped
// by its service manager loses nothing it had read).
volatile std::sig_atomic_t g_stop = 0;

void on_stop_signal(int) {
  g_stop = 1;
}

void install_stop_signals() {
  install_signal_handler(on_stop_signal, {SIGTERM, SIGINT, SIGHUP});
}

// How long the input must be quiet before its batch is committed (see
// Runner::idle).
constexpr std::int64_t kIdleCommitMs = 100;

// Records whose rollups are summed before they go to the writer (they also
// go with every commit). A client seen twice in them costs one upsert, but
// the last ones are written after the input has ended, with the reader
// idle: 200,000 made 3.5% fewer instructions on 300,000 records of the
// bench log, and the 135,000 records of the bench file 5% slower (0.72 s
// against 0.68 s), all of its rollups being written at the end.
constexpr std::size_t kRollupRecords = 50000;

struct Counters {
  std::uint64_t records = 0, stored = 0, bad = 0, unclassified = 0, events = 0;
  std::uint64_t backend_errors = 0, flags = 0;
};

class Runner {
public:
  Runner(const Options &o, BanStore store)
      : opts_(o), diag_("banwrite"), out_(STDOUT_FILENO), policy_(o.policy),
        backends_(make_backends(o)) {
    if (auto ok = store.restore_into(policy_); !ok)
      restore_error_ = ok.error();
    else
      writer_.emplace(std::move(store), o.db);
  }

  int run_all() {
    if (!writer_) {
      diag_.error(opts_.db + ": " + restore_error_);
      return kExIoErr;
    }
    if (!opts_.net_table.empty()) {
      auto t = NetTable::open(opts_.net_table);
      if (!t) {
        diag_.error(t.error());
        return kExNoInput;
      }
      table_ = std::make_unique<NetTable>(std::move(*t));
    }
    std::vector<std::string> files = opts_.files;
    if (files.empty()) files.push_back("-");
    int rc = kExOk;
    for (const std::string &f : files) {
      if (int code = run_one(f); code != kExOk) rc = code;
      if (g_stop) {
        std::fprintf(stderr, "banwrite: stopped by a signal; what was read is stored\n");
        break;
      }
    }
    if (!commit(true)) rc = kExIoErr;
    bool applied = apply_backends();
    out_.flush();
    if (opts_.stats) print_stats();
    if (rc == kExOk && !applied) rc = kExUnavailable;
    return rc != kExOk ? rc : (out_.ok() ? kExOk : kExIoErr);
  }

  // Stops the writer and closes the database. The writer's connection
  // closes last, so it checkpoints the WAL into the file and removes it.
  void close_store() {
    flags_db_.reset();
    writer_.reset();
  }

private:
  int run_one(const std::string &name) {
    const InputFile in(name);
    if (!in.ok()) {
      diag_.error(in.display_name() + ": cannot open");
      return kExNoInput;
    }
    JsonLineReader reader(in.fd(), in.display_name(), diag_);
    reader.set_before_block([this, fd = in.fd()] { idle(fd); });
    reader.set_stop_flag(&g_stop);
    JsonLine line;
    int rc = kExOk;
    while (rc == kExOk && out_.ok() && reader.next(line))
      rc = handle(reader, line);
    counters_.bad += reader.malformed();
    return rc != kExOk ? rc : (reader.io_error() ? kExIoErr : kExOk);
  }

  // Input is quiet: make what was decided durable and visible. A producer
  // that is merely slower than us (logjoin | spamclass | banwrite) leaves
  // the pipe empty for an instant between its writes: a commit each time
  // made hundreds of small commits, each rewriting the pages of the
  // client tables, 5x slower. So the batch is committed once the input has
  // been quiet for kIdleCommitMs (or the batch is due anyway); until then
  // full batches commit by size and age as usual.
  void idle(int fd) {
    release_committed();
    apply_backends(); // what full batches committed is shown at once
    out_.flush();
    if (batch_open_) {
      std::int64_t due_ms = opts_.store.batch_ms - batch_age_ms();
      pollfd p{fd, POLLIN, 0};
      int wait_ms = static_cast<int>(std::clamp<std::int64_t>(due_ms, 0, kIdleCommitMs));
      if (wait_ms > 0 && ::poll(&p, 1, wait_ms) > 0) return;
    }
    commit(true);
    apply_backends();
    out_.flush();
  }

  std::int64_t batch_age_ms() const {
    auto age = std::chrono::steady_clock::now() - batch_start_;
    return std::chrono::duration_cast<std::chrono::milliseconds>(age).count();
  }

  void note_batch_write() {
    if (batch_open_) return;
    batch_open_ = true;
    batch_start_ = std::chrono::steady_clock::now();
  }

  // The record is parsed straight into the writer's next slot: kept, it
  // is handed over with its chunk, without a copy.
  int handle(const JsonLineReader &reader, const JsonLine &line) {
    ++counters_.records;
    StoredRecord &record = writer_->record_slot();
    if (auto ok = read_stored_record(line.object, record); !ok) {
      ++counters_.bad;
      diag_.warn(reader.name() + ":" + std::to_string(line.line_no), ok.error());
      return kExOk;
    }
    if (record.kind != "message" && record.kind != "session")
      return kExOk; // spamd leftovers and other kinds carry no client
    if (record.has_time) now_ = record.last;
    if (!record.net && table_ && record.client)
      if (auto info = table_->lookup(*record.client)) record.net = info->network();
    writer_->keep_record();
    note_batch_write();
    ++batch_records_;
    ++rollup_records_;
    ++counters_.stored;
    if (record.verdict.empty()) ++counters_.unclassified;
    if (record.client) decide(reader, line, record);
    // A batch ends by size or age at any record; the rollups go over every
    // kRollupRecords records; a chunk goes over when full.
    bool ok = true;
    if (batch_records_ >= opts_.store.batch_records || batch_age_ms() >= opts_.store.batch_ms)
      ok = commit(false);
    else if (rollup_records_ >= kRollupRecords)
      ok = submit(StoreWriter::Handover::kRollups);
    else if (writer_->open_records() >= StoreWriter::kChunk)
      ok = submit(StoreWriter::Handover::kRecords);
    return ok ? kExOk : kExIoErr;
  }

  void decide(const JsonLineReader &reader, const JsonLine &line, const StoredRecord &record) {
    Observation obs{record.has_time ? record.first : now_, *record.client,
                    evidence_from_verdict(record.verdict), record.score, record.net};
    events_.clear();
    if (policy_.observe(obs, events_) == Observed::kAllowed)
      diag_.warn(reader.name() + ":" + std::to_string(line.line_no),
                 "spam evidence for allowlisted " + record.client->to_string() + " ignored");
    announce();
  }

  // Events join the open batch and are printed once it is committed, so
  // what stdout announced is in the database, and deciding a ban costs no
  // commit of its own (a commit per ban made the store 10x slower).
  void announce() {
    if (events_.empty()) return;
    note_batch_write();
    for (const BanEvent &e : events_)
      writer_->add_ban_event(e, now_);
    unannounced_.insert(unannounced_.end(), events_.begin(), events_.end());
  }

  // Hands the open chunk to the writer. With a commit, the events decided
  // so far wait for that chunk's commit before they are printed.
  bool submit(StoreWriter::Handover what) {
    std::uint64_t number = 0;
    if (!writer_->submit(what, &number)) {
      diag_.error(opts_.db + ": " + writer_->error());
      return false;
    }
    if (what != StoreWriter::Handover::kRecords) rollup_records_ = 0;
    if (what == StoreWriter::Handover::kCommit) {
      batch_open_ = false;
      batch_records_ = 0;
      if (!unannounced_.empty()) awaiting_.push_back({number, std::move(unannounced_)});
      unannounced_.clear();
    }
    release_committed();
    return true;
  }

  // Prints the events of batches the writer has committed.
  void release_committed() {
    if (awaiting_.empty()) return;
    std::uint64_t done = writer_->committed_through();
    std::size_t n = 0;
    for (; n < awaiting_.size() && awaiting_[n].first <= done; ++n)
      for (const BanEvent &e : awaiting_[n].second) {
        append_ban_event_json(out_.buffer(), e);
        out_.buffer() += '\n';
        pending_.push_back(e);
        ++counters_.events;
      }
    awaiting_.erase(awaiting_.begin(), awaiting_.begin() + static_cast<std::ptrdiff_t>(n));
    if (n > 0) out_.maybe_flush();
  }

  // User flags (spamflag) count as strong spam evidence against the
  // client they name: --flag-hits records' worth each. At start, flags of
  // the evidence window are read; then each new one once.
  bool read_flags() {
    if (opts_.flag_hits <= 0) return true;
    std::int64_t since = 0;
    if (!flags_read_) {
      std::int64_t now = now_ > 0 ? now_ : static_cast<std::int64_t>(std::time(nullptr));
      since = now - opts_.policy.window_s;
      flags_read_ = true;
    }
    if (!flags_db_) {
      auto db = Db::open(opts_.db, opts_.store.busy_timeout_ms);
      if (!db) {
        diag_.error(opts_.db + ": reading flags: " + db.error());
        return false;
      }
      flags_db_.emplace(std::move(*db));
    }
    auto rows = BanStore::flags_after(*flags_db_, last_flag_id_, since);
    if (!rows) {
      diag_.error(opts_.db + ": reading flags: " + rows.error());
      return false;
    }
    for (const BanStore::FlagRow &f : *rows) {
      last_flag_id_ = f.id;
      auto ip = IpAddress::parse(f.client_ip);
      if (!ip) continue;
      ++counters_.flags;
      // Weighs as much as --flag-hits spam records of score score_unit.
      Observation obs{f.time, *ip, Evidence::kSpam, opts_.policy.score_unit, std::nullopt};
      events_.clear();
      for (int i = 0; i < opts_.flag_hits; ++i)
        if (policy_.observe(obs, events_) == Observed::kAllowed) {
          diag_.warn("flag " + std::to_string(f.id),
                     "user flag for allowlisted " + f.client_ip + " ignored");
          break;
        }
      announce();
    }
    return true;
  }

  // Commits the batch (user flags read first join it). With wait, returns
  // once it is durable and its events are printed.
  bool commit(bool wait) {
    if (!read_flags() || !submit(StoreWriter::Handover::kCommit)) return false;
    if (!wait) return true;
    if (!writer_->drain()) {
      diag_.error(opts_.db + ": " + writer_->error());
      return false;
    }
    release_committed();
    return true;
  }

  // Pending changes go to every backend; a failed backend stays dirty and
  // is resynced from the active bans later (BackendSet).
  bool apply_backends() {
    if (backends_.empty() || (pending_.empty() && !backends_.any_dirty())) return true;
    std::int64_t now = now_ > 0 ? now_ : static_cast<std::int64_t>(std::time(nullptr));
    int failed = backends_.apply(pending_, active_entries(policy_), now);
    pending_.clear();
    counters_.backend_errors += static_cast<std::uint64_t>(failed);
    return failed == 0;
  }

  void print_stats() const {
    auto n = [](std::uint64_t v) { return static_cast<unsigned long long>(v); };
    const BanPolicyCounters &p = policy_.counters();
    std::fprintf(stderr,
                 "banwrite: records=%llu stored=%llu bad=%llu unclassified=%llu spam=%llu "
                 "suspect=%llu ham=%llu local=%llu allowed_ignored=%llu events=%llu "
                 "address_bans=%llu network_bans=%llu grown=%llu carved=%llu expired=%llu "
                 "active=%llu commits=%llu backend_errors=%llu flags=%llu warnings=%llu\n",
                 n(counters_.records), n(counters_.stored), n(counters_.bad),
                 n(counters_.unclassified), n(p.spam), n(p.suspect), n(p.ham), n(p.local),
                 n(p.allowed_ignored), n(counters_.events), n(p.address_bans), n(p.network_bans),
                 n(p.grown_bans), n(p.carved), n(p.expired), n(policy_.active().size()),
                 n(writer_->commits()), n(counters_.backend_errors), n(counters_.flags),
                 n(diag_.warnings()));
  }

  const Options &opts_;
  Diagnostics diag_;
  OutputBuffer out_;
  std::string restore_error_;
  std::optional<Db> flags_db_; // a second connection: the writer owns the first
  std::int64_t last_flag_id_ = 0;
  bool flags_read_ = false;
  BanPolicy policy_;
  BackendSet backends_;
  std::unique_ptr<NetTable> table_;
  std::vector<BanEvent> events_, unannounced_, pending_;
  // Events decided before a commit chunk, by that chunk's number.
  std::vector<std::pair<std::uint64_t, std::vector<BanEvent>>> awaiting_;
  bool batch_open_ = false;
  std::size_t batch_records_ = 0, rollup_records_ = 0;
  std::chrono::steady_clock::time_point batch_start_;
  std::int64_t now_ = 0;
  Counters counters_;
  std::optional<StoreWriter> writer_; // last: its thread stops before the rest goes
};

} // namespace

int run_stream(const Options &o) {
  install_stop_signals();
  auto store = BanStore::open(o.db, o.store);
  if (!store) {
    std::fprintf(stderr, "banwrite: %s\n", store.error().c_str());
    return kExCantCreat;
  }
  auto runner = std::make_unique<Runner>(o, std::move(*store));
  int rc = runner->run_all();
  runner->close_store();
  // The policy's maps hold an entry per address and network of the
  // evidence window (640k on the 10M-line bench log); freeing them node by
  // node took 5% of a run. The process exits next and the kernel takes the
  // pages back at once, so the runner is left to it once its writer has
  // stopped and the database is closed. Sanitizer builds free it.
#ifndef SPAMFLOW_FREE_AT_EXIT
  (void)runner.release();
#endif
  return rc;
}

} // namespace spamflow::banwrite
