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
      // A buffer of max_line_bytes + 1 at most: a small limit reads little.
      framer_(max_line_bytes, LineFramer::LongLines::kSkip,
              std::min(kInitialBuffer, std::max<std::size_t>(max_line_bytes, 1) + 1),
              simdjson::SIMDJSON_PADDING) {
  widen_pipe(fd);
}

JsonLineReader::~JsonLineReader() = default;

void JsonLineReader::report(std::uint64_t line_no, std::string_view what) {
  ++malformed_;
  diag_.warn(name_ + ":" + std::to_string(line_no), what);
}

long JsonLineReader::read_some(char *dst, std::size_t room) {
  if (stopped()) return 0;
  if (before_block_) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 0) == 0) before_block_();
  }
  for (;;) {
    if (stop_ != nullptr) {
      pollfd p{fd_, POLLIN, 0};
      while (!stopped() && ::poll(&p, 1, kStopPollMs) == 0) {
      }
      if (stopped()) return 0;
    }
    const ssize_t n = ::read(fd_, dst, room);
    if (n >= 0) return static_cast<long>(n);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) { // non-blocking fd: wait for it
      pollfd p{fd_, POLLIN, 0};
      ::poll(&p, 1, -1);
      continue;
    }
    if (!io_error_) diag_.error(name_ + ": read error: " + std::strerror(errno));
    io_error_ = true;
    return 0;
  }
}

bool JsonLineReader::next_raw(RawLine &line) {
  for (;;) {
    std::string_view text;
    const LineFramer::Next got = framer_.next(*this, text);
    if (got == LineFramer::Next::kEnd || got == LineFramer::Next::kPaused) return false;
    line.line_no = framer_.line_number();
    line.object = simdjson::dom::element();
    if (got == LineFramer::Next::kLongLine) {
      error_ = "line too long (over " + std::to_string(framer_.max_line()) + " bytes), skipped";
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
