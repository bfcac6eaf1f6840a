// Line input and buffered output for filters that run both on files (full
// speed) and on live pipes (prompt): the reader tells when it has nothing
// ready, so the caller can flush output before it blocks. LineFramer here
// is the one place that cuts bytes into lines: the log reader below, the
// JSON lines reader (wire/) and the network file reader (netimport/) use it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace spamflow {

// Gives a pipe a 1 MiB buffer (a no-op for anything else, or where the
// kernel refuses). With the default 64 KiB the stages of
// logjoin | spamclass | banwrite took turns every hundred records or so;
// the readers and OutputBuffer call it on their descriptors.
void widen_pipe(int fd);

// Where a LineFramer gets its bytes: a descriptor, a gzip file, a pipe
// watched by a stop flag. Asked only when the buffer holds no whole line, so
// the virtual call is paid per read, not per line.
class ByteSource {
public:
  virtual ~ByteSource() = default;
  // Up to `room` bytes into dst: their count, 0 at the end of the input, or
  // -1 to pause without ending (an error or a signal; the source knows which).
  virtual long read_some(char *dst, std::size_t room) = 0;
};

// The one line framer of the library: cuts the bytes of a ByteSource into
// lines without their '\n' (a last line without one counts too), in a
// buffer that grows to hold the longest line allowed. A line over max_line
// bytes is handed out once as kLongLine, cut to its first max_line bytes
// (kCut: logs, where a part is worth reading) or empty (kSkip: JSON, where
// a part cannot parse); the rest of it is read past, never kept whole.
// A line's view is valid until the next call.
class LineFramer {
public:
  enum class LongLines { kCut, kSkip };
  enum class Next { kLine, kLongLine, kEnd, kPaused };
  // buffer: the bytes read at a time (the buffer grows past it only for a
  // line longer than it). padding: zeroed bytes kept readable past the
  // buffer's end, for parsers that read beyond a line (simdjson).
  LineFramer(std::size_t max_line, LongLines long_lines, std::size_t buffer = std::size_t{1} << 20,
             std::size_t padding = 0);

  // kPaused: the source returned -1; the call may be repeated.
  Next next(ByteSource &source, std::string_view &line);
  // True if a whole line is buffered (its newline is remembered, not
  // searched for again).
  bool has_line();
  bool at_end() const { return eof_; }
  std::uint64_t line_number() const { return line_no_; } // lines handed out
  std::size_t max_line() const { return max_line_; }

private:
  Next long_line(std::string_view &line);
  bool read_more(ByteSource &source);

  std::size_t max_line_;
  LongLines long_lines_;
  std::size_t padding_;
  std::unique_ptr<char[]> buf_; // capacity_ + padding_ bytes
  std::size_t capacity_ = 0;
  std::size_t begin_ = 0; // first byte not handed out
  std::size_t scan_ = 0;  // bytes from begin_ up to here hold no '\n'
  std::size_t end_ = 0;   // end of the bytes read
  bool eof_ = false;
  bool skipping_ = false; // reading past the rest of a long line
  std::uint64_t line_no_ = 0;
};

// Lines of a descriptor, for the log and query readers.
class LineReader : private ByteSource {
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
  std::uint64_t line_number() const { return framer_.line_number(); }
  int error_number() const { return errno_; }

private:
  long read_some(char *dst, std::size_t room) override;
  int fd_;
  LineFramer framer_;
  bool truncated_ = false;
  int errno_ = 0;
};

// An input file named on the command line, open for reading: "-" is the
// standard input, called "stdin" in messages. Closed with the object
// (standard input is left open).
class InputFile {
public:
  explicit InputFile(const std::string &name);
  ~InputFile();
  InputFile(const InputFile &) = delete;
  InputFile &operator=(const InputFile &) = delete;

  bool ok() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  const std::string &display_name() const { return display_; }
  int error_number() const { return errno_; } // why it did not open

private:
  int fd_;
  std::string display_;
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
  // The errno of the write that failed (EPIPE: the reader has gone).
  int error_number() const { return errno_; }

private:
  int fd_;
  std::size_t flush_at_;
  std::string buf_;
  bool ok_ = true;
  int errno_ = 0;
};

} // namespace spamflow
