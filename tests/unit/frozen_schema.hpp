// The old schema versions as they created a new database, frozen in
// tests/data/schema (vN.sql, and spamflag_reports.sql: spamflag's table,
// which any of them may have), for the migration tests.
#pragma once
#include <fstream>
#include <sstream>
#include <string>

namespace spamflow::testing {

inline std::string frozen_schema_file(const std::string &name) {
  std::ifstream in(std::string(SPAMFLOW_SOURCE_DIR) + "/tests/data/schema/" + name);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Version `version`'s DDL, ending in its PRAGMA user_version.
inline std::string frozen_schema(int version) {
  std::string name = "v"; // appended, not "v" + ...: GCC 12 warns (-Wrestrict) of the latter
  name += std::to_string(version);
  name += ".sql";
  return frozen_schema_file(name);
}

} // namespace spamflow::testing
