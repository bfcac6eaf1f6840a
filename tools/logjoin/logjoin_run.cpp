#include "logjoin_run.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <unistd.h>

#include "base/diagnostics.hpp"
#include "base/line_io.hpp"
#include "base/signals.hpp"

namespace spamflow::logjoin {

namespace {

constexpr int kReadyGraceMs = 300;
volatile std::sig_atomic_t g_stop = 0;
volatile std::sig_atomic_t g_report = 0;

void on_signal(int sig) {
  if (sig == SIGUSR1)
    g_report = 1;
  else
    g_stop = 1;
}

void install_signals() {
  install_signal_handler(on_signal, {SIGTERM, SIGINT, SIGHUP, SIGUSR1});
}

struct Counters {
  std::uint64_t lines = 0, bad_lines = 0, truncated = 0, other_programs = 0;
};

class Runner {
public:
  explicit Runner(const Options &o)
      : opts_(o), diag_("logjoin"), out_(STDOUT_FILENO), syslog_(o.syslog),
        joiner_(o.join, [this](const MailRecord &r) {
          append_record_json(out_.buffer(), r);
          out_.buffer() += '\n';
          out_.maybe_flush();
        }) {
    if (o.stats) joiner_.count_unrecognised(&unrecognised_);
  }

  int run_all() {
    std::vector<std::string> files = opts_.files;
    if (files.empty()) files.push_back("-");
    int rc = kExOk;
    for (const std::string &f : files) {
      int code = run_one(f);
      if (code != kExOk) rc = code;
      if (g_stop || code == kExDataErr || !out_.ok()) break;
    }
    joiner_.flush(g_stop ? "signal" : "eof");
    out_.flush();
    if (opts_.stats) print_stats();
    if (!out_.ok()) {
      diag_.error(std::string("standard output: ") + std::strerror(out_.error_number()) +
                  " (records from here on were not written)");
      return rc == kExOk || rc == kExIoErr ? kExIoErr : rc;
    }
    return rc;
  }

private:
  int run_one(const std::string &name) {
    const InputFile in(name);
    if (!in.ok()) {
      diag_.error(in.display_name() + ": " + std::strerror(in.error_number()));
      return kExNoInput;
    }
    return read_loop(in.fd(), in.display_name());
  }

  int read_loop(int fd, const std::string &name) {
    LineReader reader(fd);
    std::string_view line;
    for (;;) {
      if (g_report) {
        g_report = 0;
        print_stats();
      }
      if (g_stop) return kExOk;
      // The reader has gone (EPIPE): nothing read from here on can reach
      // anyone, so stop at once (sysexits EX_IOERR) instead of reading on.
      if (!out_.ok()) return kExIoErr;
      if (!reader.ready()) {
        // Nothing to read: hand over what is written before blocking.
        out_.flush();
        wait_for_input(reader);
        continue;
      }
      auto status = reader.next(line);
      if (status == LineReader::Status::kEof) return kExOk;
      if (status == LineReader::Status::kInterrupted) continue;
      if (status == LineReader::Status::kError) {
        diag_.error(name + ": read error: " + std::strerror(reader.error_number()));
        return kExIoErr;
      }
      if (reader.last_was_truncated()) {
        ++counters_.truncated;
        diag_.warn(name + ":" + std::to_string(reader.line_number()),
                   "line longer than 64 KiB, cut");
      }
      if (!handle_line(line, name, reader.line_number()) && opts_.strict) return kExDataErr;
    }
  }

  // Waits for input; each --idle period without any moves the log clocks
  // on, so records still expire while a live log is quiet.
  void wait_for_input(LineReader &reader) {
    // A short grace lets the rest of a burst (the next line of the same
    // message) arrive before complete records leave.
    if (reader.wait(kReadyGraceMs)) return;
    joiner_.emit_ready();
    out_.flush();
    int waited = 0;
    while (!g_stop && !g_report) {
      if (reader.wait(1000)) return;
      if (++waited >= opts_.idle_s) {
        joiner_.advance_idle(1);
        out_.flush();
      }
    }
  }

  bool handle_line(std::string_view line, const std::string &name, std::uint64_t line_no) {
    ++counters_.lines;
    auto parsed = syslog_.parse(line);
    if (!parsed.ok()) {
      ++counters_.bad_lines;
      diag_.warn(name + ":" + std::to_string(line_no), parsed.error());
      return false;
    }
    const SyslogLine &s = *parsed;
    if (LogJoiner::is_spamd_program(s.program)) {
      joiner_.add_spamd(s, line);
    } else if (opts_.programs.matches(s.program)) {
      joiner_.add_sendmail(s, line);
    } else {
      ++counters_.other_programs;
      lookalikes_.note(s.program, s.message);
    }
    return true;
  }

  void print_stats() {
    const JoinStats &j = joiner_.stats();
    std::fprintf(stderr,
                 "logjoin: lines=%llu mail_lines=%llu other_programs=%llu sendmail_like_other=%llu "
                 "daemon_lines=%llu "
                 "unparsed=%llu bad_syslog=%llu truncated=%llu records=%llu messages=%llu "
                 "sessions=%llu spamd_unjoined=%llu incomplete_ttl=%llu "
                 "incomplete_max_pending=%llu incomplete_end=%llu pending=%zu peak_pending=%zu\n",
                 (unsigned long long)counters_.lines, (unsigned long long)j.mail_lines,
                 (unsigned long long)counters_.other_programs,
                 (unsigned long long)lookalikes_.total(), (unsigned long long)j.daemon_lines,
                 (unsigned long long)j.unparsed_lines, (unsigned long long)counters_.bad_lines,
                 (unsigned long long)counters_.truncated, (unsigned long long)j.records,
                 (unsigned long long)j.messages, (unsigned long long)j.sessions,
                 (unsigned long long)j.spamd_records, (unsigned long long)j.incomplete_ttl,
                 (unsigned long long)j.incomplete_max_pending,
                 (unsigned long long)j.incomplete_flush, joiner_.pending(), joiner_.peak_pending());
    print_lookalikes();
    print_unrecognised();
  }

  // What logjoin does not know yet, most frequent first, for a bug report.
  void print_unrecognised() {
    if (unrecognised_.total() == 0) return;
    std::fprintf(stderr, "logjoin: unrecognised=%llu lines, by shape:\n",
                 (unsigned long long)unrecognised_.total());
    for (const auto &[shape, count] : unrecognised_.top(kShapesShown))
      std::fprintf(stderr, "logjoin:   %8llu  %s\n", (unsigned long long)count, shape.c_str());
    if (unrecognised_.untracked() > 0)
      std::fprintf(stderr, "logjoin:   %8llu  (lines of further shapes)\n",
                   (unsigned long long)unrecognised_.untracked());
  }

  // Idents outside --programs whose lines look like sendmail's: most likely
  // a sendmail started with another -L name, whose lines are being skipped.
  void print_lookalikes() {
    if (lookalikes_.total() == 0) return;
    std::string idents;
    for (const auto &[name, count] : lookalikes_.by_ident())
      idents += (idents.empty() ? "" : ", ") + name + "=" + std::to_string(count);
    std::fprintf(stderr,
                 "logjoin: sendmail_like_other=%llu (%s): these idents log sendmail's lines but "
                 "are not in --programs, so their lines were skipped\n",
                 (unsigned long long)lookalikes_.total(), idents.c_str());
  }

  const Options &opts_;
  Diagnostics diag_;
  OutputBuffer out_;
  SyslogParser syslog_;
  LogJoiner joiner_;
  Counters counters_;
  SendmailLookalikes lookalikes_;
  LineShapes unrecognised_;
  static constexpr std::size_t kShapesShown = 10;
};

} // namespace

int run(const Options &opts) {
  install_signals();
  Runner runner(opts);
  return runner.run_all();
}

} // namespace spamflow::logjoin
