#include "wire/json_lines.hpp"
#include "base/line_io.hpp"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace spamflow {

namespace {

constexpr std::size_t kInitialBuffer = std::size_t{1} << 20;

bool is_blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

// simdjson's own messages are long; these say the same in a diagnostic line.
std::string describe(simdjson::error_code code) {
  using namespace simdjson;
  switch (code) {
  case TAPE_ERROR:
    return "invalid JSON: bad structure (commas, colons, brackets)";
  case INCOMPLETE_ARRAY_OR_OBJECT:
    return "invalid JSON: truncated (unclosed object or array)";
  case UNCLOSED_STRING:
    return "invalid JSON: unclosed string";
  case UTF8_ERROR:
    return "invalid JSON: not valid UTF-8";
  case STRING_ERROR:
    return "invalid JSON: bad string (escape or control character)";
  case NUMBER_ERROR:
    return "invalid JSON: bad number";
  case T_ATOM_ERROR:
  case F_ATOM_ERROR:
  case N_ATOM_ERROR:
    return "invalid JSON: bad literal";
  case DEPTH_ERROR:
    return "invalid JSON: nested too deeply";
  default:
    return std::string("invalid JSON: ") + error_message(code);
  }
}

// simdjson calls a line cut short a structure error like any other; tell the
// user which it is: brackets or a string still open at the end of the line.
bool looks_truncated(std::string_view text) {
  long depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return in_string || depth > 0;
}

} // namespace

JsonLineReader::JsonLineReader(int fd, std::string name, Diagnostics &diag,
                               std::size_t max_line_bytes)
    : fd_(fd), name_(std::move(name)), diag_(diag),
      max_line_bytes_(std::max<std::size_t>(max_line_bytes, 1)) {
  capacity_ = std::min(kInitialBuffer, max_line_bytes_ + 1);
  widen_pipe(fd);
  // Zeroed, padding included: simdjson reads past the end of a line.
  buf_ = std::make_unique<char[]>(capacity_ + simdjson::SIMDJSON_PADDING);
}

JsonLineReader::~JsonLineReader() = default;

void JsonLineReader::report(std::uint64_t line_no, std::string_view what) {
  ++malformed_;
  diag_.warn(name_ + ":" + std::to_string(line_no), what);
}

JsonLineReader::Fill JsonLineReader::fill() {
  if (stopped()) return Fill::kEof;
  if (before_block_) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 0) == 0) before_block_();
  }
  for (;;) {
    if (stop_ != nullptr) {
      pollfd p{fd_, POLLIN, 0};
      while (!stopped() && ::poll(&p, 1, kStopPollMs) == 0) {
      }
      if (stopped()) return Fill::kEof;
    }
    const ssize_t n = ::read(fd_, buf_.get() + end_, capacity_ - end_);
    if (n > 0) {
      end_ += static_cast<std::size_t>(n);
      return Fill::kData;
    }
    if (n == 0) return Fill::kEof;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) { // non-blocking fd: wait for it
      pollfd p{fd_, POLLIN, 0};
      ::poll(&p, 1, -1);
      continue;
    }
    if (!io_error_) diag_.error(name_ + ": read error: " + std::strerror(errno));
    io_error_ = true;
    return Fill::kEof;
  }
}

// A line over the limit: drop what is buffered and read on to its newline.
bool JsonLineReader::skip_rest_of_long_line() {
  begin_ = scan_ = end_ = 0;
  for (;;) {
    if (fill() == Fill::kEof) {
      eof_ = true;
      return false;
    }
    const void *nl = std::memchr(buf_.get(), '\n', end_);
    if (nl != nullptr) {
      begin_ = scan_ = static_cast<std::size_t>(static_cast<const char *>(nl) - buf_.get()) + 1;
      return true;
    }
    end_ = 0;
  }
}

bool JsonLineReader::next_line(std::string_view &text, bool &too_long) {
  too_long = false;
  for (;;) {
    char *buf = buf_.get();
    const void *nl = std::memchr(buf + scan_, '\n', end_ - scan_);
    if (nl != nullptr) {
      const std::size_t pos = static_cast<std::size_t>(static_cast<const char *>(nl) - buf);
      text = std::string_view(buf + begin_, pos - begin_);
      begin_ = scan_ = pos + 1;
      ++line_no_;
      if (text.size() <= max_line_bytes_) return true;
      too_long = true; // whole line arrived in one read, still over the limit
      text = {};
      return true;
    }
    scan_ = end_;
    const std::size_t pending = end_ - begin_;
    if (pending > max_line_bytes_) {
      ++line_no_;
      too_long = true;
      text = {};
      skip_rest_of_long_line();
      return true;
    }
    if (eof_) {
      if (pending == 0) return false;
      text = std::string_view(buf + begin_, pending); // last line, no newline
      begin_ = scan_ = end_;
      ++line_no_;
      return true;
    }
    if (pending == 0) // all consumed: read into the whole buffer, not its tail
      begin_ = scan_ = end_ = 0;
    if (end_ == capacity_) { // full: move the partial line down, grow if need be
      if (begin_ > 0) {
        std::memmove(buf, buf + begin_, pending);
        begin_ = 0;
        end_ = scan_ = pending;
      } else {
        const std::size_t grown = std::min(capacity_ * 2, max_line_bytes_ + 1);
        auto bigger = std::make_unique<char[]>(grown + simdjson::SIMDJSON_PADDING);
        std::memcpy(bigger.get(), buf, end_);
        buf_ = std::move(bigger);
        capacity_ = grown;
      }
    }
    if (fill() == Fill::kEof) eof_ = true;
  }
}

bool JsonLineReader::next_raw(RawLine &line) {
  for (;;) {
    std::string_view text;
    bool too_long = false;
    if (!next_line(text, too_long)) return false;
    line.line_no = line_no_;
    line.object = simdjson::dom::element();
    if (too_long) {
      error_ = "line too long (over " + std::to_string(max_line_bytes_) + " bytes), skipped";
    } else {
      if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
      if (is_blank(text)) continue;
      auto parsed = parser_.parse(text.data(), text.size(), false);
      if (parsed.error()) {
        error_ = looks_truncated(text)
                     ? "invalid JSON: truncated (unclosed string, object or array)"
                     : describe(parsed.error());
      } else if (!parsed.value_unsafe().is_object()) {
        error_ = "not a JSON object";
      } else {
        line.text = text;
        line.error = {};
        line.object = parsed.value_unsafe();
        return true;
      }
    }
    line.text = text;
    line.error = error_;
    report(line.line_no, error_);
    return true;
  }
}

bool JsonLineReader::next(JsonLine &line) {
  RawLine raw;
  while (next_raw(raw)) {
    if (!raw.error.empty()) continue;
    line.text = raw.text;
    line.line_no = raw.line_no;
    line.object = raw.object;
    return true;
  }
  return false;
}

} // namespace spamflow
