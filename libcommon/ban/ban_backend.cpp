// The backend machinery: running a planned command with its input on stdin,
// the dirty-flag set, the CIDR list writer and the helpers the other writers
// share. Files are replaced through base/atomic_file.
#include "ban/ban_backend.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/atomic_file.hpp"

extern char **environ;

namespace spamflow {

namespace {

// The first lines a failed command wrote on stderr, as one line.
std::string first_lines(std::FILE *err) {
  std::string out;
  std::rewind(err);
  char buf[512];
  for (int lines = 0; lines < 3 && std::fgets(buf, sizeof buf, err);) {
    std::string line(buf);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
      line.pop_back();
    if (line.empty()) continue;
    if (!out.empty()) out += " | ";
    out += line;
    ++lines;
  }
  if (out.size() > 400) out.resize(400);
  return out;
}

bool write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

struct SpawnResult {
  int spawn_errno = 0; // posix_spawnp failed (ENOENT: no such command)
  int status = 0;
  std::string stderr_text;
};

// True if `name` (a path, or a program found along PATH) is executable.
bool command_exists(const std::string &name) {
  if (name.find('/') != std::string::npos) return ::access(name.c_str(), X_OK) == 0;
  const char *path = std::getenv("PATH");
  std::string_view dirs = path ? path : "/usr/bin:/bin";
  while (true) {
    std::size_t colon = dirs.find(':');
    std::string dir(dirs.substr(0, colon));
    std::string full = (dir.empty() ? "." : dir) + "/" + name;
    if (::access(full.c_str(), X_OK) == 0) return true;
    if (colon == std::string_view::npos) return false;
    dirs.remove_prefix(colon + 1);
  }
}

SpawnResult spawn_with_input(const std::vector<std::string> &argv, std::string_view input) {
  SpawnResult r;
  // Look the command up first: posix_spawnp reports a missing program only
  // on some C libraries (and not under sanitizers, which fork and exec).
  if (!command_exists(argv[0])) {
    r.spawn_errno = ENOENT;
    return r;
  }
  std::FILE *err = std::tmpfile();
  int pipe_fds[2];
  if (!err || ::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    r.spawn_errno = errno;
    if (err) std::fclose(err);
    return r;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, fileno(err), STDERR_FILENO);
  std::vector<char *> args;
  for (const std::string &a : argv)
    args.push_back(const_cast<char *>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  r.spawn_errno = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[0]);
  if (r.spawn_errno == 0) {
    // A command that exits early must not kill us with SIGPIPE.
    auto old = std::signal(SIGPIPE, SIG_IGN);
    write_all(pipe_fds[1], input);
    ::close(pipe_fds[1]);
    std::signal(SIGPIPE, old);
    while (::waitpid(pid, &r.status, 0) < 0 && errno == EINTR) {
    }
    r.stderr_text = first_lines(err);
  } else {
    ::close(pipe_fds[1]);
  }
  std::fclose(err);
  return r;
}

std::string join(const std::vector<std::string> &argv) {
  std::string out;
  for (const std::string &a : argv)
    out += (out.empty() ? "" : " ") + a;
  return out;
}

} // namespace

Result<bool> run_backend_steps(const std::vector<BackendStep> &steps,
                               std::vector<std::string> &notes) {
  for (const BackendStep &s : steps) {
    if (!s.file.empty()) {
      if (auto ok = write_file_atomically(s.file, s.input); !ok) return ok;
      continue;
    }
    SpawnResult r = spawn_with_input(s.argv, s.input);
    if (r.spawn_errno == ENOENT && s.optional) {
      notes.push_back(s.argv[0] + " is not installed; skipped '" + join(s.argv) + "'");
      continue;
    }
    if (r.spawn_errno == ENOENT)
      return make_error(s.argv[0] + ": command not found (not installed, or not in PATH)");
    if (r.spawn_errno != 0)
      return make_error(s.argv[0] + ": cannot run: " + std::strerror(r.spawn_errno));
    if (WIFEXITED(r.status) && WEXITSTATUS(r.status) == 0) continue;
    std::string message = "'";
    message.append(join(s.argv)).append("' failed (");
    if (WIFEXITED(r.status))
      message.append("exit ").append(std::to_string(WEXITSTATUS(r.status)));
    else
      message.append("killed by signal ").append(std::to_string(WTERMSIG(r.status)));
    message.append(")");
    if (!r.stderr_text.empty()) message.append(": ").append(r.stderr_text);
    return make_error(message);
  }
  return true;
}

std::string describe_backend_steps(std::string_view backend,
                                   const std::vector<BackendStep> &steps) {
  std::string out;
  for (const BackendStep &s : steps) {
    out += "# ";
    out += backend;
    if (!s.file.empty()) {
      out += ": would write " + s.file + ":\n" + s.input;
    } else {
      out += ": would run '" + join(s.argv) + "'" + (s.optional ? " (if installed)" : "") +
             " with input:\n" + s.input;
    }
    if (!s.input.empty() && s.input.back() != '\n') out += '\n';
  }
  return out;
}

std::int64_t element_timeout(std::int64_t until, std::int64_t now, std::int64_t cap) {
  return std::clamp<std::int64_t>(until - now, 1, cap);
}

std::vector<IpNetwork> holes_of(const IpNetwork &network, std::vector<IpNetwork> pieces) {
  std::sort(pieces.begin(), pieces.end());
  auto make = [&](unsigned __int128 v) {
    return network.is_v4() ? IpAddress::v4(static_cast<std::uint32_t>(v)) : IpAddress::v6(v);
  };
  unsigned __int128 cursor = network.network_address().value();
  unsigned __int128 last = network.broadcast_address().value();
  std::vector<IpNetwork> holes;
  for (const IpNetwork &p : pieces) {
    if (!network.supernet_of(p)) continue;
    unsigned __int128 start = p.network_address().value();
    unsigned __int128 end = p.broadcast_address().value();
    if (start > cursor)
      for (const IpNetwork &h : summarize_range(make(cursor), make(start - 1)))
        holes.push_back(h);
    if (end >= last) return holes;
    cursor = std::max(cursor, end + 1);
  }
  for (const IpNetwork &h : summarize_range(make(cursor), make(last)))
    holes.push_back(h);
  return holes;
}

std::vector<BackendStep> CidrListBackend::plan(const BanUpdate &u, bool) const {
  std::vector<IpNetwork> sorted;
  sorted.reserve(u.active.size());
  for (const BanEntry &e : u.active)
    sorted.push_back(e.target);
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  BackendStep step;
  step.file = path_;
  for (const IpNetwork &n : sorted) {
    n.append_to(step.input);
    step.input += '\n';
  }
  return {std::move(step)};
}

BackendSet::BackendSet(std::vector<std::unique_ptr<BanBackend>> backends, bool dry_run,
                       Report report, Report dry_run_output)
    : dry_run_(dry_run), report_(std::move(report)), dry_run_output_(std::move(dry_run_output)) {
  for (auto &b : backends)
    slots_.push_back(Slot{std::move(b)});
}

bool BackendSet::any_dirty() const {
  return std::any_of(slots_.begin(), slots_.end(), [](const Slot &s) { return s.dirty; });
}

Result<bool> BackendSet::apply_one(Slot &s, const BanUpdate &u) {
  std::vector<std::string> notes;
  bool full = s.dirty;
  std::vector<BackendStep> steps = s.backend->plan(u, full);
  if (dry_run_) {
    dry_run_output_(s.backend->name(), describe_backend_steps(s.backend->name(), steps));
    return true;
  }
  auto ok = run_backend_steps(steps, notes);
  if (!ok && !full) // e.g. an element that is no longer there: resync all
    ok = run_backend_steps(s.backend->plan(u, true), notes);
  for (const std::string &n : notes)
    if (notes_seen_.insert(n).second) report_(s.backend->name(), "note: " + n);
  return ok;
}

int BackendSet::apply(const std::vector<BanEvent> &changes, const std::vector<BanEntry> &active,
                      std::int64_t now) {
  const std::int64_t wall = std::chrono::duration_cast<std::chrono::seconds>(
                                std::chrono::steady_clock::now().time_since_epoch())
                                .count();
  BanUpdate u{changes, active, now};
  int failed = 0;
  for (Slot &s : slots_) {
    if (!s.dirty && changes.empty()) continue;
    if (s.failing && changes.empty() && wall - s.last_attempt < retry_s) {
      ++failed;
      continue;
    }
    s.last_attempt = wall;
    if (auto ok = apply_one(s, u); !ok) {
      // The bans stay in the database; the next apply resyncs everything.
      if (!s.failing) report_(s.backend->name(), ok.error() + " (bans kept; will retry)");
      s.failing = s.dirty = true;
      ++failed;
      continue;
    }
    if (s.failing) report_(s.backend->name(), "recovered; all active bans applied");
    s.failing = s.dirty = false;
  }
  return failed;
}

} // namespace spamflow
