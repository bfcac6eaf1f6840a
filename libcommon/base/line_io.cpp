#include "base/line_io.hpp"

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

LineReader::LineReader(int fd, std::size_t max_line) : fd_(fd), max_line_(max_line) {
  buf_.resize(std::max<std::size_t>(1 << 20, max_line * 2));
  widen_pipe(fd);
}

bool LineReader::fill() {
  if (begin_ > 0) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  for (;;) {
    ssize_t n = ::read(fd_, buf_.data() + end_, buf_.size() - end_);
    if (n > 0) {
      end_ += static_cast<std::size_t>(n);
      return true;
    }
    if (n == 0) {
      eof_ = true;
      return false;
    }
    if (errno == EINTR) {
      errno_ = EINTR;
      return false;
    }
    errno_ = errno;
    return false;
  }
}

LineReader::Status LineReader::next(std::string_view &line) {
  truncated_ = false;
  for (;;) {
    const char *start = buf_.data() + begin_;
    const void *nl = known_newline_ ? known_newline_ : std::memchr(start, '\n', end_ - begin_);
    known_newline_ = nullptr;
    if (nl) {
      std::size_t len = static_cast<const char *>(nl) - start;
      begin_ += len + 1;
      if (skipping_) { // the tail of an over-long line
        skipping_ = false;
        continue;
      }
      ++line_no_;
      if (len > max_line_) {
        len = max_line_;
        truncated_ = true;
      }
      line = std::string_view(start, len);
      return Status::kLine;
    }
    std::size_t pending = end_ - begin_;
    if (pending >= max_line_ && !skipping_) {
      // Over-long line: hand out its first max_line bytes, drop the rest.
      ++line_no_;
      line = std::string_view(start, max_line_);
      begin_ = end_;
      skipping_ = true;
      truncated_ = true;
      // The view stays valid: fill() only moves data when begin_ > 0 and
      // the caller consumes the line before calling next() again.
      return Status::kLine;
    }
    if (skipping_) {
      begin_ = end_;
    }
    if (eof_ || !fill()) {
      if (errno_ == EINTR) {
        errno_ = 0;
        return Status::kInterrupted;
      }
      if (errno_ != 0) return Status::kError;
      if (end_ > begin_ && !skipping_) { // last line without '\n'
        ++line_no_;
        std::size_t len = end_ - begin_;
        if (len > max_line_) {
          len = max_line_;
          truncated_ = true;
        }
        line = std::string_view(buf_.data() + begin_, len);
        begin_ = end_;
        return Status::kLine;
      }
      return Status::kEof;
    }
  }
}

bool LineReader::ready() {
  if (eof_) return true;
  known_newline_ =
      static_cast<const char *>(std::memchr(buf_.data() + begin_, '\n', end_ - begin_));
  if (known_newline_) return true;
  return wait(0);
}

bool LineReader::wait(int timeout_ms) {
  struct pollfd p {};
  p.fd = fd_;
  p.events = POLLIN;
  int n = ::poll(&p, 1, timeout_ms);
  return n != 0; // data, EOF/hangup, or an error that read() will report
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
      ok_ = false;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  buf_.clear();
}

} // namespace spamflow
