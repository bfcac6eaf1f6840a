// The library's folders depend on each other one way (ARCHITECTURE.md):
//   base <- ip <- wire <- {maillog, classify, netinfo, ban};
//   netimport -> netinfo; store -> ban; flag -> store;
//   report -> {classify, netinfo, store};
// and a tool includes the library and its own folder, never another tool.
// This test reads every #include "…" of libcommon/, tools/ and bench/ and
// fails on one that breaks the rule, naming the file, line and include.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

// What each folder includes directly; the rule allows the transitive closure.
const std::map<std::string, std::vector<std::string>> kDirectDeps = {
    {"base", {}},
    {"ip", {"base"}},
    {"wire", {"ip"}},
    {"maillog", {"wire"}},
    {"classify", {"wire"}},
    {"netinfo", {"wire"}},
    {"ban", {"wire"}},
    {"netimport", {"netinfo"}},
    {"store", {"ban"}},
    {"flag", {"store"}},
    {"report", {"classify", "netinfo", "store"}},
};

std::set<std::string> allowed_domains(const std::string &domain) {
  std::set<std::string> seen{domain};
  std::vector<std::string> todo{domain};
  while (!todo.empty()) {
    std::string d = todo.back();
    todo.pop_back();
    for (const std::string &dep : kDirectDeps.at(d))
      if (seen.insert(dep).second) todo.push_back(dep);
  }
  return seen;
}

// The folder an include names ("ip/cidr.hpp" -> "ip"), or "" for a bare name.
std::string included_domain(const std::string &include) {
  std::size_t slash = include.find('/');
  return slash == std::string::npos ? std::string() : include.substr(0, slash);
}

// Why a library file of `domain` may not include `include`, or "" if it may.
std::string library_violation(const std::string &domain, const std::string &include) {
  std::string target = included_domain(include);
  if (target.empty()) return "a library include names its folder (\"ip/cidr.hpp\")";
  if (!kDirectDeps.count(target)) return "no library folder '" + target + "'";
  if (!allowed_domains(domain).count(target)) return domain + " must not depend on " + target;
  return {};
}

// Why a file of tools/<tool>/ (or bench/) may not include `include`: it may
// name a library folder or a file of its own folder.
std::string tool_violation(const fs::path &dir, const std::string &include) {
  std::string target = included_domain(include);
  if (target.empty()) return fs::exists(dir / include) ? "" : "not a file of this tool's folder";
  if (kDirectDeps.count(target)) return {};
  return "a tool includes the library and its own folder only";
}

struct Include {
  fs::path file;
  int line;
  std::string name;
};

std::vector<Include> quoted_includes(const fs::path &file) {
  std::vector<Include> out;
  std::ifstream in(file);
  std::string text;
  for (int n = 1; std::getline(in, text); ++n) {
    std::size_t at = text.find_first_not_of(" \t");
    if (at == std::string::npos || text.compare(at, 8, "#include") != 0) continue;
    std::size_t open = text.find('"', at);
    std::size_t close = open == std::string::npos ? open : text.find('"', open + 1);
    if (close != std::string::npos)
      out.push_back({file, n, text.substr(open + 1, close - open - 1)});
  }
  return out;
}

std::vector<fs::path> sources_under(const fs::path &dir) {
  std::vector<fs::path> out;
  for (const auto &e : fs::recursive_directory_iterator(dir)) {
    auto ext = e.path().extension();
    if (e.is_regular_file() && (ext == ".cpp" || ext == ".hpp" || ext == ".in"))
      out.push_back(e.path());
  }
  return out;
}

std::string where(const Include &inc) {
  return inc.file.string() + ":" + std::to_string(inc.line) + ": #include \"" + inc.name + "\"";
}

} // namespace

TEST_CASE("the layering rule itself", "[layering]") {
  CHECK(library_violation("store", "ban/ban_policy.hpp").empty());
  CHECK(library_violation("store", "ip/cidr.hpp").empty()); // transitively below
  CHECK(library_violation("report", "classify/pool_name.hpp").empty());
  CHECK(library_violation("netimport", "netinfo/net_table_format.hpp").empty());
  CHECK_FALSE(library_violation("store", "report/report_period.hpp").empty());
  CHECK_FALSE(library_violation("base", "ip/ip_address.hpp").empty());
  CHECK_FALSE(library_violation("maillog", "classify/classify.hpp").empty()); // siblings
  CHECK_FALSE(library_violation("netinfo", "netimport/net_input.hpp").empty());
  CHECK_FALSE(library_violation("wire", "cidr.hpp").empty());
  CHECK_FALSE(library_violation("ban", "tools/x.hpp").empty());
  CHECK(tool_violation("/nonexistent", "store/db.hpp").empty());
  CHECK_FALSE(tool_violation("/nonexistent", "../banwrite/banwrite_run.hpp").empty());
  CHECK_FALSE(tool_violation("/nonexistent", "banwrite_run.hpp").empty());
}

TEST_CASE("library folders depend on each other one way", "[layering]") {
  const fs::path lib = fs::path(SPAMFLOW_SOURCE_DIR) / "libcommon";
  std::set<std::string> folders;
  for (const auto &e : fs::directory_iterator(lib))
    if (e.is_directory()) folders.insert(e.path().filename().string());
  for (const std::string &folder : folders) {
    INFO("libcommon/" << folder << " is a folder of the layering rule");
    CHECK(kDirectDeps.count(folder) == 1);
  }
  int checked = 0;
  for (const auto &[domain, deps] : kDirectDeps) {
    for (const fs::path &file : sources_under(lib / domain)) {
      for (const Include &inc : quoted_includes(file)) {
        ++checked;
        std::string why = library_violation(domain, inc.name);
        INFO(where(inc) << ": " << why);
        CHECK(why.empty());
        if (why.empty()) {
          INFO(where(inc) << ": no such file");
          CHECK((fs::exists(lib / inc.name) || inc.name == "base/version.hpp"));
        }
      }
    }
  }
  CHECK(checked > 100);
}

TEST_CASE("tools include the library and their own folder only", "[layering]") {
  const fs::path top = fs::path(SPAMFLOW_SOURCE_DIR);
  std::vector<fs::path> dirs{top / "bench"};
  for (const auto &e : fs::directory_iterator(top / "tools"))
    if (e.is_directory()) dirs.push_back(e.path());
  int checked = 0;
  for (const fs::path &dir : dirs) {
    for (const fs::path &file : sources_under(dir)) {
      for (const Include &inc : quoted_includes(file)) {
        ++checked;
        std::string why = tool_violation(file.parent_path(), inc.name);
        INFO(where(inc) << ": " << why);
        CHECK(why.empty());
      }
    }
  }
  CHECK(checked > 20);
}
