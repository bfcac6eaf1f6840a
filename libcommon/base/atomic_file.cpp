#include "base/atomic_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace spamflow {

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(tmp_.c_str());
  }
}

bool AtomicFile::fail(const std::string &name) {
  errno_ = errno;
  errno_name_ = name;
  return false;
}

bool AtomicFile::open(const std::string &path) {
  path_ = path;
  tmp_ = path + ".tmp.XXXXXX";
  fd_ = ::mkstemp(tmp_.data());
  if (fd_ < 0) return fail(tmp_);
  if (::fchmod(fd_, 0644) != 0) return fail(tmp_);
  return true;
}

bool AtomicFile::write(const void *data, std::size_t bytes) {
  const char *p = static_cast<const char *>(data);
  while (bytes > 0) {
    const ssize_t n = ::write(fd_, p, bytes);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) errno = EIO; // no progress and no reason: do not spin
    if (n <= 0) return fail(tmp_);
    p += n;
    bytes -= static_cast<std::size_t>(n);
  }
  return true;
}

bool AtomicFile::commit() {
  if (::fsync(fd_) != 0) return fail(tmp_);
  const int fd = fd_;
  fd_ = -1; // closed below whatever happens; the destructor must not close it again
  if (::close(fd) != 0) {
    fail(tmp_);
    ::unlink(tmp_.c_str());
    return false;
  }
  if (::rename(tmp_.c_str(), path_.c_str()) != 0) {
    fail(path_);
    ::unlink(tmp_.c_str());
    return false;
  }
  return true;
}

std::string AtomicFile::error_text() const {
  return errno_name_ + ": " + std::strerror(errno_);
}

Result<bool> write_file_atomically(const std::string &path, std::string_view content) {
  AtomicFile file;
  if (!file.open(path) || !file.write(content) || !file.commit())
    return make_error(file.error_text());
  return true;
}

} // namespace spamflow
