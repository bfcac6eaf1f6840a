// Hash maps keyed by text that are searched with a std::string_view: a
// transparent hash and equality, so that a lookup builds its key in a
// scratch buffer and allocates nothing (logjoin looks up a key per line).
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>

namespace spamflow {

// A word-at-a-time multiplicative hash for short keys (a host, a tag and
// a queue id, pid or Message-ID). It is unseeded, like std::hash, so that
// a replay is deterministic; a sender could craft Message-IDs that collide,
// but a bucket holds at most the records in store (--max-pending), so the
// harm is a slower lookup, never a wrong one.
struct TextHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    constexpr std::uint64_t kMul = 0x9E3779B97F4A7C15ULL;
    std::uint64_t h = s.size() * kMul;
    const char *p = s.data();
    std::size_t n = s.size();
    for (; n >= 8; p += 8, n -= 8) {
      std::uint64_t w;
      std::memcpy(&w, p, 8);
      h = (h ^ w) * kMul;
      h ^= h >> 29;
    }
    std::uint64_t tail = 0;
    for (std::size_t i = 0; i < n; ++i)
      tail |= static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
    h = (h ^ tail) * kMul;
    return static_cast<std::size_t>(h ^ (h >> 32));
  }
};

struct TextEqual {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const noexcept { return a == b; }
};

template <class Value> using TextMap = std::unordered_map<std::string, Value, TextHash, TextEqual>;

// Builds a key (host + tag + id [+ id2]) in its own buffer and hands out a
// view of it, valid until the next make(): lookups allocate nothing. Keys
// longer than the buffer (a crafted Message-ID) go to a string.
class KeyText {
public:
  std::string_view make(std::string_view host, char tag, std::string_view id,
                        std::string_view id2 = {}) {
    const std::size_t n = host.size() + 1 + id.size() + id2.size();
    char *p = small_;
    if (n > sizeof small_) {
      large_.resize(n);
      p = large_.data();
    }
    // An empty view may have no data at all: memcpy must not see it.
    if (!host.empty()) std::memcpy(p, host.data(), host.size());
    p[host.size()] = tag;
    if (!id.empty()) std::memcpy(p + host.size() + 1, id.data(), id.size());
    if (!id2.empty()) std::memcpy(p + host.size() + 1 + id.size(), id2.data(), id2.size());
    return {p, n};
  }
  std::string_view make(std::string_view host, char tag, std::int64_t number) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, number).ptr;
    return make(host, tag, std::string_view(digits, static_cast<std::size_t>(end - digits)));
  }

private:
  char small_[120];
  std::string large_;
};

} // namespace spamflow
