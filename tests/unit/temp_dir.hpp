// A fresh directory under the system's temporary directory, removed with
// everything in it when the test's TempDir goes out of scope.
#pragma once
#include <cstdlib>
#include <filesystem>
#include <string>

namespace spamflow::testing {

struct TempDir {
  std::filesystem::path path;
  // prefix: names the directory after the test ("banstore" -> banstore.XXXXXX).
  explicit TempDir(const char *prefix) {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / (std::string(prefix) + ".XXXXXX")).string();
    path = ::mkdtemp(tmpl.data());
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;
  std::string file(const char *name) const { return (path / name).string(); }
};

} // namespace spamflow::testing
