#include "spamflow/ban_backend.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace spamflow {

Result<bool> write_file_atomically(const std::string &path, std::string_view content) {
  std::string tmp = path + ".tmp.XXXXXX";
  int fd = ::mkstemp(tmp.data());
  if (fd < 0) return make_error(tmp + ": " + std::strerror(errno));
  auto fail = [&](const std::string &what) {
    int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return make_error(what + ": " + std::strerror(err));
  };
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(tmp);
    done += static_cast<std::size_t>(n);
  }
  // mkstemp makes 0600; a ban list is meant to be read by other daemons.
  if (::fchmod(fd, 0644) != 0 || ::fsync(fd) != 0) return fail(tmp);
  if (::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return make_error(tmp + ": " + std::strerror(errno));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return make_error(path + ": " + std::strerror(err));
  }
  return true;
}

Result<bool> CidrListBackend::apply(const std::vector<BanEvent> &,
                                    const std::vector<IpNetwork> &active) {
  std::vector<IpNetwork> sorted = active;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  std::string text;
  for (const IpNetwork &n : sorted) {
    n.append_to(text);
    text += '\n';
  }
  return write_file_atomically(path_, text);
}

} // namespace spamflow
