// base/atomic_file: the new content in place after commit, the old content
// (and no temporary file) after a failure or an abandoned write.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <vector>

#include "base/atomic_file.hpp"
#include "temp_dir.hpp"

using namespace spamflow;
using spamflow::testing::TempDir;

namespace {

std::string slurp(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::size_t entries(const std::filesystem::path &dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto &e : std::filesystem::directory_iterator(dir))
    ++n;
  return n;
}

} // namespace

TEST_CASE("write_file_atomically replaces the file, mode 0644", "[atomic_file]") {
  TempDir dir("atomicfile");
  const std::string path = dir.file("list.txt");
  for (const std::string &content :
       std::vector<std::string>{"first\n", "", std::string(300000, 'x') + "\n"}) {
    REQUIRE(write_file_atomically(path, content).ok());
    CHECK(slurp(path) == content);
    CHECK(entries(dir.path) == 1); // no temporary file left beside it
  }
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0644);
}

TEST_CASE("AtomicFile written in pieces; abandoned, it leaves the old file", "[atomic_file]") {
  TempDir dir("atomicfile");
  const std::string path = dir.file("table");
  REQUIRE(write_file_atomically(path, "old").ok());
  {
    AtomicFile f;
    REQUIRE(f.open(path));
    REQUIRE(f.write("n"));
    REQUIRE(f.write("ew", 2));
    CHECK(entries(dir.path) == 2);
  } // never committed
  CHECK(slurp(path) == "old");
  CHECK(entries(dir.path) == 1);
  AtomicFile f;
  REQUIRE(f.open(path));
  REQUIRE(f.write("new"));
  REQUIRE(f.commit());
  CHECK(slurp(path) == "new");
  CHECK(entries(dir.path) == 1);
}

TEST_CASE("write_file_atomically says which file failed", "[atomic_file]") {
  TempDir dir("atomicfile");
  // No such directory: the temporary file cannot be made.
  const std::string missing = dir.file("none") + "/list.txt";
  auto r = write_file_atomically(missing, "x");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().rfind(missing + ".tmp.", 0) == 0);
  CHECK(r.error().find("No such file or directory") != std::string::npos);
  // A directory in the way: the rename fails, names the path, and the
  // temporary file is gone.
  const std::string busy = dir.file("busy");
  std::filesystem::create_directories(busy + "/inside");
  r = write_file_atomically(busy, "x");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().rfind(busy + ": ", 0) == 0);
  CHECK(entries(dir.path) == 1);
}
