#include <catch2/catch.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

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

namespace {

// Hands out a string in pieces of the given size, then the end; pauses
// once before every piece when asked to (as a signal would).
class PieceSource : public ByteSource {
public:
  PieceSource(std::string text, std::size_t piece, bool pause)
      : text_(std::move(text)), piece_(piece), pause_(pause) {}
  long read_some(char *dst, std::size_t room) override {
    if (pause_ && (paused_ = !paused_)) return -1;
    const std::size_t n = std::min({room, piece_, text_.size() - at_});
    std::memcpy(dst, text_.data() + at_, n);
    at_ += n;
    return static_cast<long>(n);
  }

private:
  std::string text_;
  std::size_t piece_, at_ = 0;
  bool pause_, paused_ = false;
};

struct Framed {
  std::string text;
  bool long_line;
  bool operator==(const Framed &o) const { return text == o.text && long_line == o.long_line; }
};

// The plain way: split at every '\n', a last line without one counted,
// then cut or empty what is over the limit.
std::vector<Framed> plain_lines(const std::string &text, std::size_t max_line, bool cut) {
  std::vector<Framed> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    const std::string line = text.substr(start, nl - start);
    if (line.size() <= max_line)
      out.push_back({line, false});
    else
      out.push_back({cut ? line.substr(0, max_line) : "", true});
    start = nl + 1;
  }
  return out;
}

std::vector<Framed> framed_lines(LineFramer &framer, ByteSource &source) {
  std::vector<Framed> out;
  std::string_view line;
  for (;;) {
    const LineFramer::Next got = framer.next(source, line);
    if (got == LineFramer::Next::kEnd) return out;
    if (got == LineFramer::Next::kPaused) continue;
    out.push_back({std::string(line), got == LineFramer::Next::kLongLine});
    REQUIRE(framer.line_number() == out.size());
  }
}

} // namespace

TEST_CASE("LineFramer agrees with a plain split for any read size", "[io]") {
  const std::vector<std::string> inputs = {
      "",
      "\n",
      "\n\n\n",
      "one",
      "one\ntwo\n",
      "one\ntwo",
      "exactly8\nexactly8",
      "a much longer line than the limit\nshort\n\nanother very long line at the end",
      std::string(40, 'x') + "\n" + std::string(9, 'y') + "\n" + std::string(8, 'z'),
      std::string("crlf\r\nlines\r\n\xff\xfe bytes") + '\0' + "inside\n",
  };
  for (const std::string &input : inputs)
    for (std::size_t max_line : {1, 3, 8, 9, 64})
      for (std::size_t buffer : {1, 2, 5, 9, 1024})
        for (std::size_t piece : {1, 3, 7, 4096})
          for (bool cut : {true, false})
            for (bool pause : {false, true}) {
              INFO("input \"" << input << "\" max " << max_line << " buffer " << buffer << " piece "
                              << piece << (cut ? " cut" : " skip") << (pause ? " paused" : ""));
              PieceSource source(input, piece, pause);
              LineFramer framer(max_line,
                                cut ? LineFramer::LongLines::kCut : LineFramer::LongLines::kSkip,
                                buffer);
              REQUIRE(framed_lines(framer, source) == plain_lines(input, max_line, cut));
              CHECK(framer.at_end());
            }
}

TEST_CASE("LineFramer::has_line finds a buffered line without reading", "[io]") {
  PieceSource source("first\nsecond", 4096, false);
  LineFramer framer(64, LineFramer::LongLines::kCut, 1024);
  CHECK_FALSE(framer.has_line()); // nothing read yet
  std::string_view line;
  REQUIRE(framer.next(source, line) == LineFramer::Next::kLine);
  CHECK(line == "first");
  CHECK_FALSE(framer.has_line()); // "second" has no newline
  REQUIRE(framer.next(source, line) == LineFramer::Next::kLine);
  CHECK(line == "second");
  CHECK(framer.next(source, line) == LineFramer::Next::kEnd);
}

TEST_CASE("InputFile: \"-\" is standard input, a file is opened and closed", "[io]") {
  if (::fcntl(STDIN_FILENO, F_GETFD) == -1) // a closed stdin: give the test one
    REQUIRE(::open("/dev/null", O_RDONLY) == STDIN_FILENO);
  {
    const InputFile in("-");
    CHECK(in.ok());
    CHECK(in.fd() == STDIN_FILENO);
    CHECK(in.display_name() == "stdin");
  }
  CHECK(::fcntl(STDIN_FILENO, F_GETFD) != -1); // left open
  int fd = -1;
  {
    const InputFile in(SPAMFLOW_SOURCE_DIR "/tests/data/sample/maillog");
    REQUIRE(in.ok());
    fd = in.fd();
    CHECK(fd != STDIN_FILENO);
    CHECK(in.display_name() == SPAMFLOW_SOURCE_DIR "/tests/data/sample/maillog");
  }
  CHECK(::fcntl(fd, F_GETFD) == -1); // closed with the object
  const InputFile missing("/nonexistent/input");
  CHECK_FALSE(missing.ok());
  CHECK(missing.error_number() == ENOENT);
}
