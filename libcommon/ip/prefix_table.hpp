// Longest-prefix-match building blocks on plain integers: turn nested
// intervals (prefixes, registry blocks) into disjoint segments, overlay
// segment layers, and the two lookup structures the compiled network table
// stores (a 16-8-8 stride trie for IPv4, indexed sorted starts for IPv6).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace spamflow {

using uint128 = unsigned __int128;

// A closed interval of addresses carrying an id (an index into a fact list).
struct AddrInterval {
  uint128 first;
  uint128 last;
  std::uint32_t id;
};

// A maximal run of addresses with one value; value 0 means "nothing here".
struct AddrSegment {
  uint128 first;
  uint128 last;
  std::uint32_t value;
};

// Disjoint segments covering [0, space_last]. Each address gets id+1 of the
// innermost interval that covers it (the one starting last; of equal starts
// the shortest; of identical intervals the one given last), or 0.
std::vector<AddrSegment> innermost_segments(std::vector<AddrInterval> intervals,
                                            uint128 space_last);

// The fewest prefixes exactly covering [first, last] in a space of `bits`
// bits (32 or 128), as (network, length) pairs in address order. The bulk
// importer works on integers; IpNetwork's summarize_range is the typed form.
struct RawPrefix {
  uint128 net;
  std::uint8_t len;
};
std::vector<RawPrefix> range_prefixes(uint128 first, uint128 last, unsigned bits);

// Inclusive last address of net/len in a space of `bits` bits.
inline uint128 prefix_last(uint128 net, unsigned len, unsigned bits) {
  unsigned host = bits - len;
  return host >= 128 ? ~uint128(0) : (net | ((uint128(1) << host) - 1));
}

// IPv4 16-8-8 stride trie. An entry is a value, or kTrieChild|chunk index;
// a chunk is 256 entries. Values must be below kTrieChild.
inline constexpr std::uint32_t kTrieChild = 0x80000000u;
inline constexpr std::uint32_t kTrieIndexMask = 0x7fffffffu;
inline constexpr std::size_t kV4TopEntries = 65536;

struct V4Trie {
  std::vector<std::uint32_t> top;    // kV4TopEntries entries
  std::vector<std::uint32_t> chunks; // n * 256 entries
};

// segments must be disjoint, sorted, and cover [0, 2^32-1].
V4Trie build_v4_trie(const std::vector<AddrSegment> &segments);

inline std::uint32_t v4_trie_lookup(const std::uint32_t *top, const std::uint32_t *chunks,
                                    std::uint32_t addr) {
  std::uint32_t e = top[addr >> 16];
  if (e & kTrieChild) {
    e = chunks[std::size_t(e & kTrieIndexMask) * 256 + ((addr >> 8) & 0xff)];
    if (e & kTrieChild) e = chunks[std::size_t(e & kTrieIndexMask) * 256 + (addr & 0xff)];
  }
  return e;
}

// IPv6: segment starts sorted, plus an index on the top kV6IndexBits bits:
// index[h] is the segment holding address h << (128 - bits); index has
// 2^bits + 1 entries, the last being the final segment.
inline constexpr unsigned kV6IndexBits = 16;

struct V6Ranges {
  std::vector<std::uint32_t> index;
  std::vector<uint128> starts;
  std::vector<std::uint32_t> values;
};

// segments must be disjoint, sorted, and cover [0, 2^128-1].
V6Ranges build_v6_ranges(const std::vector<AddrSegment> &segments);

// Position of the segment holding addr (branch-free binary search within
// the index bucket).
inline std::size_t v6_ranges_find(const std::uint32_t *index, const uint128 *starts, uint128 addr) {
  std::size_t bucket = std::size_t(addr >> (128 - kV6IndexBits));
  std::size_t lo = index[bucket];
  std::size_t n = index[bucket + 1] - lo + 1;
  const uint128 *base = starts + lo;
  while (n > 1) {
    std::size_t half = n / 2;
    base = (base[half] <= addr) ? base + half : base;
    n -= half;
  }
  return std::size_t(base - starts);
}

} // namespace spamflow
