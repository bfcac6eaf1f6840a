#include <catch2/catch.hpp>

#include <cstdio>
#include <fcntl.h>
#include <fstream>
#include <unistd.h>

#include "base/line_io.hpp"

using namespace spamflow;

namespace {

// The largest pipe an unprivileged process may ask for, or 0 if unknown.
long pipe_max_size() {
  std::ifstream in("/proc/sys/fs/pipe-max-size");
  long n = 0;
  return in >> n ? n : 0;
}

} // namespace

TEST_CASE("line_io: readers and writers widen a pipe to 1 MiB", "[io]") {
  if (pipe_max_size() < (1 << 20)) {
    WARN("pipe-max-size is below 1 MiB here: nothing to check");
    return;
  }
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  REQUIRE(::fcntl(fds[0], F_GETPIPE_SZ) < (1 << 20)); // the kernel's default
  {
    OutputBuffer out(fds[1]);
    CHECK(::fcntl(fds[1], F_GETPIPE_SZ) == (1 << 20));
    // Nearly a megabyte goes in without a reader: the pipe holds it (the
    // write end does not block, so a narrow pipe fails here, not hangs).
    REQUIRE(::fcntl(fds[1], F_SETFL, O_NONBLOCK) == 0);
    for (int i = 0; i < 1023; ++i) {
      out.buffer().append(1023, 'x');
      out.buffer() += '\n';
    }
    out.flush();
    CHECK(out.ok());
  }
  ::close(fds[1]);
  LineReader in(fds[0]);
  std::size_t lines = 0, bytes = 0;
  std::string_view line;
  for (;;) {
    auto st = in.next(line);
    if (st != LineReader::Status::kLine) break;
    ++lines;
    bytes += line.size();
  }
  CHECK(lines == 1023);
  CHECK(bytes == 1023 * 1023);
  ::close(fds[0]);
}

TEST_CASE("line_io: widen_pipe leaves other descriptors alone", "[io]") {
  std::FILE *f = std::tmpfile();
  REQUIRE(f);
  int fd = ::fileno(f);
  int flags = ::fcntl(fd, F_GETFL);
  widen_pipe(fd);
  CHECK(::fcntl(fd, F_GETFL) == flags);
  CHECK(::fcntl(fd, F_GETPIPE_SZ) == -1); // still not a pipe
  std::fclose(f);
}
