// Line input and buffered output for filters that run both on files (full
// speed) and on live pipes (prompt): the reader tells when it has nothing
// ready, so the caller can flush output before it blocks.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace spamflow {

// Gives a pipe a 1 MiB buffer (a no-op for anything else, or where the
// kernel refuses). With the default 64 KiB the stages of
// logjoin | spamclass | banwrite took turns every hundred records or so;
// the readers and OutputBuffer call it on their descriptors.
void widen_pipe(int fd);

class LineReader {
public:
  // fd is not closed by the reader. Lines longer than max_line are cut to
  // max_line bytes and flagged (the rest of the line is skipped).
  explicit LineReader(int fd, std::size_t max_line = 64 * 1024);

  enum class Status { kLine, kEof, kError, kInterrupted };
  // The next line without its '\n'; valid until the next call.
  Status next(std::string_view &line);
  // True if a next() would not block: a whole line is buffered, or the fd
  // has data (or EOF) ready.
  bool ready();
  // Waits up to timeout_ms for input; false on timeout.
  bool wait(int timeout_ms);

  bool last_was_truncated() const { return truncated_; }
  std::uint64_t line_number() const { return line_no_; }
  int error_number() const { return errno_; }

private:
  bool fill();
  int fd_;
  std::size_t max_line_;
  std::string buf_;
  std::size_t begin_ = 0, end_ = 0;
  const char *known_newline_ = nullptr; // found by ready(), used by next()
  bool eof_ = false, truncated_ = false, skipping_ = false;
  std::uint64_t line_no_ = 0;
  int errno_ = 0;
};

// Buffers output and writes it in large blocks. A closed reader (EPIPE) is
// reported by ok() turning false.
class OutputBuffer {
public:
  explicit OutputBuffer(int fd, std::size_t flush_at = 256 * 1024);
  ~OutputBuffer();
  std::string &buffer() { return buf_; }
  // Call after appending: writes when the buffer is large.
  void maybe_flush() {
    if (buf_.size() >= flush_at_) flush();
  }
  void flush();
  bool ok() const { return ok_; }

private:
  int fd_;
  std::size_t flush_at_;
  std::string buf_;
  bool ok_ = true;
};

} // namespace spamflow
