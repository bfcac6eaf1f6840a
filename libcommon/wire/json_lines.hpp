// Reading the wire format: one JSON object per line from a file descriptor,
// parsed with simdjson's DOM parser straight out of a large read buffer.
#pragma once
#include <csignal>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "base/diagnostics.hpp"
#include "base/line_io.hpp"

namespace spamflow {

// One good line. `text` (without the newline and without a trailing '\r')
// and `object` point into the reader's buffer and parser: both are valid
// only until the next call to next()/next_raw().
struct JsonLine {
  std::string_view text;
  std::uint64_t line_no = 0;
  simdjson::dom::element object;
};

// Reads JSON lines from `fd` (not closed by the reader).
//
// A line that is not valid JSON (including invalid UTF-8), is truncated, is
// not an object, or is longer than max_line_bytes gets one diagnostic through
// `diag` ("name:LINE: what") and counts in malformed(); reading goes on with
// the next line. A line over the limit is never buffered whole: it is skipped
// up to its newline. Empty lines (nothing but blanks) are skipped silently
// but counted in lines(). A last line without a newline is read normally.
// A read error is reported through diag.error() and ends the input.
class JsonLineReader : private ByteSource {
public:
  JsonLineReader(int fd, std::string name, Diagnostics &diag,
                 std::size_t max_line_bytes = std::size_t{16} << 20);
  ~JsonLineReader();
  JsonLineReader(const JsonLineReader &) = delete;
  JsonLineReader &operator=(const JsonLineReader &) = delete;

  // Next good object; false at end of input. Bad lines are reported and
  // skipped.
  bool next(JsonLine &line);

  // Every non-empty line, good or bad, for tools that must pass bad lines
  // through. `error` is empty for a good object, else says what is wrong
  // (the diagnostic has been issued and counted already). For a line over the
  // limit, `text` is empty: it was not kept.
  struct RawLine {
    std::string_view text;
    std::uint64_t line_no = 0;
    std::string_view error;
    simdjson::dom::element object;
  };
  bool next_raw(RawLine &line);

  // Called right before a read(2) that would block (input not ready), so a
  // stage can flush its buffered output first and a live pipe sees records
  // at once while a file replay runs at full speed.
  void set_before_block(std::function<void()> hook) { before_block_ = std::move(hook); }
  // A flag a signal handler sets to stop the reading: the input then ends
  // at the next read, and a read that waits looks at the flag every
  // kStopPollMs (the signal may have gone to another thread, or come just
  // before the wait began). What was read is still handed out, a line the
  // stop cut short as the last one (which then fails to parse, counted).
  void set_stop_flag(const volatile std::sig_atomic_t *flag) { stop_ = flag; }
  bool stopped() const { return stop_ != nullptr && *stop_ != 0; }
  static constexpr int kStopPollMs = 100;

  std::uint64_t lines() const { return framer_.line_number(); } // lines read, all kinds
  std::uint64_t malformed() const { return malformed_; }
  bool io_error() const { return io_error_; }
  const std::string &name() const { return name_; }

private:
  // The input for framer_: reads with the hook, the stop flag and EAGAIN
  // handled; 0 at the end, an error (reported) or a stop.
  long read_some(char *dst, std::size_t room) override;
  void report(std::uint64_t line_no, std::string_view what);

  int fd_;
  std::string name_;
  Diagnostics &diag_;
  LineFramer framer_; // skips long lines; its buffer is padded for simdjson
  bool io_error_ = false;
  std::uint64_t malformed_ = 0;
  std::string error_; // text of the last error, for RawLine::error
  simdjson::dom::parser parser_;
  std::function<void()> before_block_;
  const volatile std::sig_atomic_t *stop_ = nullptr;
};

} // namespace spamflow
