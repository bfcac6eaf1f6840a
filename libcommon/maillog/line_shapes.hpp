// The shapes of mail lines logjoin did not recognise, for --stats: each
// message with its queue id, addresses, host names and numbers masked, so
// that lines of one kind count as one shape that a user can report
// ("QID: quarantine: <ADDR>... N days" rather than a thousand variants).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace spamflow {

// The message with its leading queue id as QID, <...> as <ADDR>, [...] as
// [ADDR], dotted host names as HOST and digit runs as N; at most kMaxShape
// bytes of it.
std::string line_shape(std::string_view message);

class LineShapes {
public:
  static constexpr std::size_t kMaxShape = 120;
  // Distinct shapes kept; lines of further shapes count as `untracked`.
  static constexpr std::size_t kMaxShapes = 1000;

  void note(std::string_view message);
  // The `n` most frequent shapes, ties in first-seen order.
  std::vector<std::pair<std::string, std::uint64_t>> top(std::size_t n) const;
  std::uint64_t total() const { return total_; }
  std::uint64_t untracked() const { return untracked_; }

private:
  struct Count {
    std::uint64_t lines = 0;
    std::size_t first_seen = 0;
  };
  std::unordered_map<std::string, Count> shapes_;
  std::uint64_t total_ = 0, untracked_ = 0;
};

} // namespace spamflow
