// One-line diagnostics on stderr ("prog: file:line: what"), counted and
// rate-limited so a flood of garbage cannot flood the terminal or syslog.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace spamflow {

// sysexits(3) codes used by every tool.
enum ExitCode : int {
  kExOk = 0,
  kExUsage = 64,
  kExDataErr = 65,
  kExNoInput = 66,
  kExUnavailable = 69,
  kExSoftware = 70,
  kExOsErr = 71,
  kExCantCreat = 73,
  kExIoErr = 74,
  kExTempFail = 75,
  kExNoPerm = 77,
  kExConfig = 78,
};

class Diagnostics {
public:
  explicit Diagnostics(std::string program, std::uint64_t max_per_kind_printed = 20);

  const std::string &program() const { return program_; }
  // A problem with one input item: counted, printed until the limit is
  // reached, then summarised once.
  void warn(std::string_view where, std::string_view what);
  // A fatal start-up or I/O problem: printed always.
  void error(std::string_view what) const;

  std::uint64_t warnings() const { return warnings_; }

private:
  std::string program_;
  std::uint64_t max_printed_;
  std::uint64_t warnings_ = 0;
};

} // namespace spamflow
