#include "banwrite_run.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include "spamflow/diagnostics.hpp"
#include "spamflow/json_lines.hpp"
#include "spamflow/line_io.hpp"
#include "spamflow/net_table.hpp"

namespace spamflow::banwrite {

namespace {

// How long the input must be quiet before its batch is committed (see
// Runner::idle).
constexpr std::int64_t kIdleCommitMs = 100;

struct Counters {
  std::uint64_t records = 0, stored = 0, bad = 0, unclassified = 0, events = 0;
  std::uint64_t backend_errors = 0, flags = 0;
};

class Runner {
public:
  Runner(const Options &o, BanStore store)
      : opts_(o), diag_("banwrite"), out_(STDOUT_FILENO), store_(std::move(store)),
        policy_(o.policy), backends_(make_backends(o)) {}

  int run_all() {
    if (auto ok = restore_state(); !ok) {
      diag_.error(opts_.db + ": " + ok.error());
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
    for (const std::string &f : files)
      if (int code = run_one(f); code != kExOk) rc = code;
    if (!commit()) rc = kExIoErr;
    bool applied = apply_backends();
    out_.flush();
    if (opts_.stats) print_stats();
    if (rc == kExOk && !applied) rc = kExUnavailable;
    return rc != kExOk ? rc : (out_.ok() ? kExOk : kExIoErr);
  }

private:
  Result<bool> restore_state() { return store_.restore_into(policy_); }

  int run_one(const std::string &name) {
    int fd = STDIN_FILENO;
    std::string display = name == "-" ? "stdin" : name;
    if (name != "-" && (fd = ::open(name.c_str(), O_RDONLY | O_CLOEXEC)) < 0) {
      diag_.error(display + ": cannot open");
      return kExNoInput;
    }
    JsonLineReader reader(fd, display, diag_);
    reader.set_before_block([this, fd] { idle(fd); });
    JsonLine line;
    int rc = kExOk;
    while (rc == kExOk && out_.ok() && reader.next(line))
      rc = handle(reader, line);
    counters_.bad += reader.malformed();
    if (fd != STDIN_FILENO) ::close(fd);
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
    apply_backends(); // what full batches committed is shown at once
    out_.flush();
    if (store_.batch_open()) {
      std::int64_t due_ms = opts_.store.batch_ms - store_.batch_age_ms();
      pollfd p{fd, POLLIN, 0};
      int wait_ms = static_cast<int>(std::clamp<std::int64_t>(due_ms, 0, kIdleCommitMs));
      if (wait_ms > 0 && ::poll(&p, 1, wait_ms) > 0) return;
    }
    commit();
    apply_backends();
    out_.flush();
  }

  int handle(const JsonLineReader &reader, const JsonLine &line) {
    ++counters_.records;
    if (auto ok = read_stored_record(line.object, record_); !ok) {
      ++counters_.bad;
      diag_.warn(reader.name() + ":" + std::to_string(line.line_no), ok.error());
      return kExOk;
    }
    if (record_.kind != "message" && record_.kind != "session")
      return kExOk; // spamd leftovers and other kinds carry no client
    if (record_.has_time) now_ = record_.last;
    if (!record_.net && table_ && record_.client)
      if (auto info = table_->lookup(*record_.client)) record_.net = info->network();
    if (auto ok = store_.add_record(record_); !ok) {
      diag_.error(opts_.db + ": " + ok.error());
      return kExIoErr;
    }
    release_committed(); // add_record commits when the batch is full or old
    ++counters_.stored;
    if (record_.verdict.empty()) ++counters_.unclassified;
    if (!record_.client) return kExOk;
    return decide(reader, line) ? kExOk : kExIoErr;
  }

  bool decide(const JsonLineReader &reader, const JsonLine &line) {
    Observation obs{record_.has_time ? record_.first : now_, *record_.client,
                    evidence_from_verdict(record_.verdict), record_.score, record_.net};
    events_.clear();
    if (policy_.observe(obs, events_) == Observed::kAllowed)
      diag_.warn(reader.name() + ":" + std::to_string(line.line_no),
                 "spam evidence for allowlisted " + record_.client->to_string() + " ignored");
    if (events_.empty()) return true;
    return announce();
  }

  // Events join the open batch and are printed once it is committed, so
  // what stdout announced is in the database, and deciding a ban costs no
  // commit of its own (a commit per ban made the store 10x slower).
  bool announce() {
    for (const BanEvent &e : events_)
      if (auto ok = store_.add_ban_event(e, now_); !ok) {
        diag_.error(opts_.db + ": " + ok.error());
        return false;
      }
    unannounced_.insert(unannounced_.end(), events_.begin(), events_.end());
    return true;
  }

  // Prints the events of batches committed since the last call.
  void release_committed() {
    if (store_.commits() == announced_at_commit_) return;
    announced_at_commit_ = store_.commits();
    for (const BanEvent &e : unannounced_) {
      append_ban_event_json(out_.buffer(), e);
      out_.buffer() += '\n';
      pending_.push_back(e);
      ++counters_.events;
    }
    unannounced_.clear();
    out_.maybe_flush();
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
    auto rows = store_.flags_after(last_flag_id_, since);
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
      if (!events_.empty() && !announce()) return false;
    }
    return true;
  }

  bool commit() {
    if (!read_flags()) return false;
    if (auto c = store_.commit(); !c) {
      diag_.error(opts_.db + ": " + c.error());
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
                 n(store_.commits()), n(counters_.backend_errors), n(counters_.flags),
                 n(diag_.warnings()));
  }

  const Options &opts_;
  Diagnostics diag_;
  OutputBuffer out_;
  BanStore store_;
  std::int64_t last_flag_id_ = 0;
  bool flags_read_ = false;
  BanPolicy policy_;
  BackendSet backends_;
  std::unique_ptr<NetTable> table_;
  StoredRecord record_;
  std::vector<BanEvent> events_, unannounced_, pending_;
  std::uint64_t announced_at_commit_ = 0;
  std::int64_t now_ = 0;
  Counters counters_;
};

} // namespace

int run_stream(const Options &o) {
  std::signal(SIGPIPE, SIG_IGN);
  auto store = BanStore::open(o.db, o.store);
  if (!store) {
    std::fprintf(stderr, "banwrite: %s\n", store.error().c_str());
    return kExCantCreat;
  }
  return Runner(o, std::move(*store)).run_all();
}

} // namespace spamflow::banwrite
