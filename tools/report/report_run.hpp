// report's work behind main(): open the database (or load records from a
// file into a temporary one), build the report, write it.
#pragma once
#include <string>
#include <vector>

namespace spamflow::report {

struct Options {
  std::string db = "/var/lib/spamflow/spam.db";
  std::string input; // records file ("-" = stdin) instead of a database
  std::string since, until, tz;
  std::string period;         // day, week, month: the last whole one
  std::string anchor = "now"; // now, last: what relative times count back from
  std::vector<std::string> reports;
  std::string format = "text";
  std::string bucket = "auto";
  std::string table;  // netlookup table
  std::string output; // file instead of stdout
  int top = 10;
  int width = 80;
};

int run(const Options &options);

} // namespace spamflow::report
