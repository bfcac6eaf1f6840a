#include "base/line_io.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

namespace spamflow {

void widen_pipe(int fd) {
#ifdef F_SETPIPE_SZ
  constexpr int kPipeBytes = 1 << 20; // Linux's default pipe-max-size
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode)) (void)::fcntl(fd, F_SETPIPE_SZ, kPipeBytes);
#else
  (void)fd;
#endif
}

LineFramer::LineFramer(std::size_t max_line, LongLines long_lines, std::size_t buffer,
                       std::size_t padding)
    : max_line_(std::max<std::size_t>(max_line, 1)), long_lines_(long_lines), padding_(padding),
      buf_(std::make_unique<char[]>(std::max<std::size_t>(buffer, 1) + padding)),
      capacity_(std::max<std::size_t>(buffer, 1)) {}

LineFramer::Next LineFramer::next(ByteSource &source, std::string_view &line) {
  for (;;) {
    char *buf = buf_.get();
    // has_line() left scan_ at the newline it found: no second search.
    const char *from = buf + scan_;
    const void *nl = scan_ < end_ && *from == '\n' ? from : std::memchr(from, '\n', end_ - scan_);
    if (nl != nullptr) {
      const std::size_t start = begin_;
      const std::size_t pos = static_cast<std::size_t>(static_cast<const char *>(nl) - buf);
      begin_ = scan_ = pos + 1;
      if (skipping_) { // the tail of a long line
        skipping_ = false;
        continue;
      }
      ++line_no_;
      line = std::string_view(buf + start, pos - start);
      return line.size() <= max_line_ ? Next::kLine : long_line(line);
    }
    scan_ = end_;
    if (skipping_) begin_ = end_; // more of a long line: drop it
    if (end_ - begin_ > max_line_) {
      ++line_no_;
      line = std::string_view(buf + begin_, end_ - begin_);
      begin_ = end_; // the view stays valid: nothing moves before the next call
      skipping_ = true;
      return long_line(line);
    }
    if (eof_) {
      if (begin_ == end_) return Next::kEnd;
      ++line_no_;
      line = std::string_view(buf + begin_, end_ - begin_);
      begin_ = scan_ = end_;
      return Next::kLine;
    }
    if (!read_more(source)) return Next::kPaused;
  }
}

LineFramer::Next LineFramer::long_line(std::string_view &line) {
  line = long_lines_ == LongLines::kCut ? line.substr(0, max_line_) : std::string_view{};
  return Next::kLongLine;
}

bool LineFramer::has_line() {
  const void *nl = std::memchr(buf_.get() + scan_, '\n', end_ - scan_);
  scan_ = nl ? static_cast<std::size_t>(static_cast<const char *>(nl) - buf_.get()) : end_;
  return nl != nullptr;
}

// Reads at the end of the buffered bytes; when the buffer is full, moves the
// partial line down or, if it fills the buffer, doubles the buffer.
bool LineFramer::read_more(ByteSource &source) {
  if (begin_ == end_) begin_ = scan_ = end_ = 0; // all handed out: read into the whole buffer
  if (end_ == capacity_) {
    if (begin_ > 0) {
      std::memmove(buf_.get(), buf_.get() + begin_, end_ - begin_);
      scan_ -= begin_;
      end_ -= begin_;
      begin_ = 0;
    } else { // a line of more than capacity_ bytes, at most max_line_
      const std::size_t grown = std::min(capacity_ * 2, max_line_ + 1);
      auto bigger = std::make_unique<char[]>(grown + padding_);
      std::memcpy(bigger.get(), buf_.get(), end_);
      buf_ = std::move(bigger);
      capacity_ = grown;
    }
  }
  const long n = source.read_some(buf_.get() + end_, capacity_ - end_);
  if (n < 0) return false;
  if (n == 0) eof_ = true;
  end_ += static_cast<std::size_t>(n);
  return true;
}

LineReader::LineReader(int fd, std::size_t max_line)
    : fd_(fd), framer_(max_line, LineFramer::LongLines::kCut) {
  widen_pipe(fd);
}

long LineReader::read_some(char *dst, std::size_t room) {
  const ssize_t n = ::read(fd_, dst, room);
  if (n >= 0) return static_cast<long>(n);
  errno_ = errno;
  return -1;
}

LineReader::Status LineReader::next(std::string_view &line) {
  truncated_ = false;
  switch (framer_.next(*this, line)) {
  case LineFramer::Next::kLine:
    return Status::kLine;
  case LineFramer::Next::kLongLine:
    truncated_ = true;
    return Status::kLine;
  case LineFramer::Next::kEnd:
    return Status::kEof;
  case LineFramer::Next::kPaused:
    break;
  }
  if (errno_ != EINTR) return Status::kError;
  errno_ = 0;
  return Status::kInterrupted;
}

bool LineReader::ready() {
  return framer_.at_end() || framer_.has_line() || wait(0);
}

bool LineReader::wait(int timeout_ms) {
  struct pollfd p {};
  p.fd = fd_;
  p.events = POLLIN;
  int n = ::poll(&p, 1, timeout_ms);
  return n != 0; // data, EOF/hangup, or an error that read() will report
}

InputFile::InputFile(const std::string &name)
    : fd_(STDIN_FILENO), display_(name == "-" ? "stdin" : name) {
  if (name == "-") return;
  fd_ = ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) errno_ = errno;
}

InputFile::~InputFile() {
  if (fd_ >= 0 && fd_ != STDIN_FILENO) ::close(fd_);
}

OutputBuffer::OutputBuffer(int fd, std::size_t flush_at) : fd_(fd), flush_at_(flush_at) {
  buf_.reserve(flush_at + 64 * 1024);
  widen_pipe(fd);
}

OutputBuffer::~OutputBuffer() {
  flush();
}

void OutputBuffer::flush() {
  std::size_t done = 0;
  while (ok_ && done < buf_.size()) {
    ssize_t n = ::write(fd_, buf_.data() + done, buf_.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      errno_ = errno;
      ok_ = false;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  buf_.clear();
}

} // namespace spamflow
