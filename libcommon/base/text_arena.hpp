// Copies of short texts that stay put until clear(): the rollup batch keeps
// its clients' addresses, names and networks here, so that a client costs
// no allocation of its own and the batch empties in one step.
#pragma once

#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

namespace spamflow {

class TextArena {
public:
  // A copy of text, valid until clear(). An empty text is "", never a
  // null view (SQLite binds a null pointer as NULL, not as '').
  std::string_view keep(std::string_view text) {
    if (text.empty()) return std::string_view("", 0);
    char *at = nullptr;
    if (text.size() > kLarge) {
      large_.push_back(std::make_unique<char[]>(text.size()));
      at = large_.back().get();
    } else {
      if (blocks_.empty()) blocks_.push_back(std::make_unique<char[]>(kBlock));
      if (used_ + text.size() > kBlock) {
        used_ = 0;
        if (++current_ == blocks_.size()) blocks_.push_back(std::make_unique<char[]>(kBlock));
      }
      at = blocks_[current_].get() + used_;
      used_ += text.size();
    }
    std::memcpy(at, text.data(), text.size());
    return {at, text.size()};
  }
  // Forgets every copy; the blocks are filled again from the first.
  void clear() {
    current_ = used_ = 0;
    large_.clear();
  }

private:
  static constexpr std::size_t kBlock = 64 * 1024, kLarge = 4 * 1024;

  std::vector<std::unique_ptr<char[]>> blocks_, large_;
  std::size_t current_ = 0, used_ = 0; // the block being filled, and its bytes used
};

} // namespace spamflow
