// netlookup bench (used by scripts/bench): lookup rates on the real table.
#pragma once
#include <cstddef>
#include <string>

namespace spamflow::netlookup {

struct BenchOptions {
  std::string table;
  std::string mmdb;
  std::size_t count = 1000000;
  int rounds = 5;
};

int run_bench(const BenchOptions &options);

} // namespace spamflow::netlookup
