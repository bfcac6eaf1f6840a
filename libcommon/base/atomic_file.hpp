// Replacing a file so that its readers (a DNS daemon reading a zone, a
// netlookup mapping the table) see the old content or the new, never a part
// of either: the new content goes to a temporary file in the same directory,
// is flushed to disk, and is renamed over the old name.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace spamflow {

class AtomicFile {
public:
  AtomicFile() = default;
  AtomicFile(const AtomicFile &) = delete;
  AtomicFile &operator=(const AtomicFile &) = delete;
  // Not committed: the temporary file is removed, the old file stays.
  ~AtomicFile();

  // Creates path + ".tmp.XXXXXX" with mode 0644 (mkstemp's 0600 would hide
  // a ban list or table from the daemons that read it).
  bool open(const std::string &path);
  // All of it, through short writes and EINTR.
  bool write(const void *data, std::size_t bytes);
  bool write(std::string_view text) { return write(text.data(), text.size()); }
  // fsync, close, rename over the path: the new content is in place.
  bool commit();

  // After a false: the errno, and "name: strerror" with the file it is
  // about (the temporary file, or the path for the rename).
  int error_number() const { return errno_; }
  std::string error_text() const;

private:
  bool fail(const std::string &name);
  int fd_ = -1;
  std::string path_, tmp_;
  int errno_ = 0;
  std::string errno_name_;
};

// The whole content at once; the error says which file and why.
Result<bool> write_file_atomically(const std::string &path, std::string_view content);

} // namespace spamflow
