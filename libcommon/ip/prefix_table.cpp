#include "ip/prefix_table.hpp"

#include <algorithm>
#include <stdexcept>

namespace spamflow {

namespace {

// Appends [first, last] = value, merging with the previous segment when the
// value is the same.
void emit(std::vector<AddrSegment> &out, uint128 first, uint128 last, std::uint32_t value) {
  if (!out.empty() && out.back().value == value && out.back().last + 1 == first) {
    out.back().last = last;
    return;
  }
  out.push_back({first, last, value});
}

class InnermostSweep {
public:
  InnermostSweep(std::vector<AddrSegment> &out, uint128 space_last)
      : out_(out), space_last_(space_last) {}

  // Emits every address before `stop` (exclusive).
  void advance_to(uint128 stop) {
    while (!done_ && cursor_ < stop) {
      while (!stack_.empty() && stack_.back().last < cursor_)
        stack_.pop_back();
      uint128 end = stop - 1;
      std::uint32_t value = 0;
      if (!stack_.empty()) {
        end = std::min(end, stack_.back().last);
        value = stack_.back().id + 1;
      }
      emit(out_, cursor_, end, value);
      if (end == space_last_)
        done_ = true;
      else
        cursor_ = end + 1;
    }
  }
  // Emits everything up to the end of the space.
  void finish() {
    if (space_last_ != ~uint128(0)) {
      advance_to(space_last_ + 1);
      return;
    }
    advance_to(space_last_); // all but the very last address
    if (!done_) {
      while (!stack_.empty() && stack_.back().last < cursor_)
        stack_.pop_back();
      emit(out_, cursor_, cursor_, stack_.empty() ? 0 : stack_.back().id + 1);
      done_ = true;
    }
  }
  void push(const AddrInterval &iv) { stack_.push_back(iv); }

private:
  std::vector<AddrSegment> &out_;
  uint128 space_last_;
  uint128 cursor_ = 0;
  bool done_ = false;
  std::vector<AddrInterval> stack_;
};

} // namespace

std::vector<AddrSegment> innermost_segments(std::vector<AddrInterval> intervals,
                                            uint128 space_last) {
  // Wider intervals first so that nested ones land above them on the stack;
  // stable so that of identical intervals the later one wins.
  std::stable_sort(intervals.begin(), intervals.end(),
                   [](const AddrInterval &a, const AddrInterval &b) {
                     if (a.first != b.first) return a.first < b.first;
                     return a.last > b.last;
                   });
  std::vector<AddrSegment> out;
  out.reserve(intervals.size() * 2 + 1);
  InnermostSweep sweep(out, space_last);
  for (const AddrInterval &iv : intervals) {
    if (iv.first > iv.last || iv.last > space_last) continue;
    sweep.advance_to(iv.first);
    sweep.push(iv);
  }
  sweep.finish();
  return out;
}

namespace {

// Walks sorted segments with a cursor; addresses are visited in order.
class SegmentCursor {
public:
  explicit SegmentCursor(const std::vector<AddrSegment> &segments) : segs_(segments) {}
  // Value at addr if one segment covers [addr, last], else nullopt-like flag.
  bool uniform(uint128 addr, uint128 last, std::uint32_t &value) {
    while (segs_[pos_].last < addr)
      ++pos_;
    value = segs_[pos_].value;
    return segs_[pos_].last >= last;
  }

private:
  const std::vector<AddrSegment> &segs_;
  std::size_t pos_ = 0;
};

unsigned count_trailing(uint128 v) {
  std::uint64_t lo = std::uint64_t(v);
  if (lo) return unsigned(__builtin_ctzll(lo));
  return 64 + unsigned(__builtin_ctzll(std::uint64_t(v >> 64)));
}

std::uint32_t new_chunk(std::vector<std::uint32_t> &chunks) {
  std::size_t index = chunks.size() / 256;
  if (index >= kTrieChild) throw std::length_error("IPv4 trie too large");
  chunks.resize(chunks.size() + 256);
  return std::uint32_t(index);
}

void check_value(std::uint32_t value) {
  if (value & kTrieChild) throw std::length_error("IPv4 trie value out of range");
}

} // namespace

V4Trie build_v4_trie(const std::vector<AddrSegment> &segments) {
  V4Trie trie;
  trie.top.assign(kV4TopEntries, 0);
  SegmentCursor cursor(segments);
  std::uint32_t value = 0;
  for (std::uint32_t hi = 0; hi < kV4TopEntries; ++hi) {
    std::uint32_t base16 = hi << 16;
    if (cursor.uniform(base16, base16 + 0xffffu, value)) {
      check_value(value);
      trie.top[hi] = value;
      continue;
    }
    std::uint32_t mid_chunk = new_chunk(trie.chunks);
    trie.top[hi] = kTrieChild | mid_chunk;
    for (std::uint32_t mid = 0; mid < 256; ++mid) {
      std::uint32_t base8 = base16 | (mid << 8);
      std::size_t slot = std::size_t(mid_chunk) * 256 + mid;
      if (cursor.uniform(base8, base8 + 0xffu, value)) {
        check_value(value);
        trie.chunks[slot] = value;
        continue;
      }
      std::uint32_t low_chunk = new_chunk(trie.chunks);
      trie.chunks[slot] = kTrieChild | low_chunk;
      for (std::uint32_t low = 0; low < 256; ++low) {
        cursor.uniform(base8 | low, base8 | low, value);
        check_value(value);
        trie.chunks[std::size_t(low_chunk) * 256 + low] = value;
      }
    }
  }
  return trie;
}

std::vector<RawPrefix> range_prefixes(uint128 first, uint128 last, unsigned bits) {
  std::vector<RawPrefix> out;
  if (first > last) return out;
  for (;;) {
    // Largest aligned block starting at `first` that does not pass `last`.
    unsigned host = first == 0 ? bits : std::min(bits, count_trailing(first));
    while (host > 0 && prefix_last(first, bits - host, bits) > last)
      --host;
    out.push_back({first, std::uint8_t(bits - host)});
    uint128 block_last = prefix_last(first, bits - host, bits);
    if (block_last >= last) return out;
    first = block_last + 1;
  }
}

V6Ranges build_v6_ranges(const std::vector<AddrSegment> &segments) {
  V6Ranges r;
  r.starts.reserve(segments.size());
  r.values.reserve(segments.size());
  for (const AddrSegment &s : segments) {
    r.starts.push_back(s.first);
    r.values.push_back(s.value);
  }
  const std::size_t buckets = std::size_t(1) << kV6IndexBits;
  r.index.resize(buckets + 1);
  std::size_t pos = 0;
  for (std::size_t h = 0; h < buckets; ++h) {
    uint128 addr = uint128(h) << (128 - kV6IndexBits);
    while (segments[pos].last < addr)
      ++pos;
    r.index[h] = std::uint32_t(pos);
  }
  r.index[buckets] = std::uint32_t(segments.size() - 1);
  return r;
}

} // namespace spamflow
