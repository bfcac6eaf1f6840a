#include <catch2/catch.hpp>

#include <random>

#include "ip/prefix_table.hpp"

using namespace spamflow;

namespace {

// The innermost interval covering addr by the documented rule, found by a
// scan over all intervals: the reference the sweep must agree with.
std::uint32_t naive_innermost(const std::vector<AddrInterval> &ivs, uint128 addr) {
  const AddrInterval *best = nullptr;
  for (const AddrInterval &iv : ivs) {
    if (addr < iv.first || addr > iv.last) continue;
    if (!best || iv.first > best->first || (iv.first == best->first && iv.last <= best->last))
      best = &iv;
  }
  return best ? best->id + 1 : 0;
}

std::uint32_t segment_value(const std::vector<AddrSegment> &segs, uint128 addr) {
  for (const AddrSegment &s : segs)
    if (s.first <= addr && addr <= s.last) return s.value;
  return 0xffffffffu;
}

std::vector<AddrInterval> random_prefixes(std::mt19937_64 &rng, int count, unsigned bits,
                                          unsigned min_len, unsigned max_len) {
  std::vector<AddrInterval> ivs;
  for (int i = 0; i < count; ++i) {
    unsigned len = min_len + unsigned(rng() % (max_len - min_len + 1));
    uint128 addr = (uint128(rng()) << 64) | rng();
    if (bits == 32) addr &= 0xffffffffu;
    uint128 net = addr & ~prefix_last(0, len, bits);
    ivs.push_back({net, prefix_last(net, len, bits), std::uint32_t(i)});
  }
  return ivs;
}

} // namespace

TEST_CASE("innermost_segments picks the most specific covering interval", "[prefix_table]") {
  std::vector<AddrInterval> ivs = {{0, 255, 0}, {16, 31, 1}, {20, 23, 2}, {100, 100, 3}};
  auto segs = innermost_segments(ivs, 0xffffffffu);
  CHECK(segment_value(segs, 0) == 1);
  CHECK(segment_value(segs, 16) == 2);
  CHECK(segment_value(segs, 21) == 3);
  CHECK(segment_value(segs, 24) == 2);
  CHECK(segment_value(segs, 100) == 4);
  CHECK(segment_value(segs, 101) == 1);
  CHECK(segment_value(segs, 256) == 0);
  CHECK(segs.back().last == 0xffffffffu);
  for (std::size_t i = 1; i < segs.size(); ++i) {
    REQUIRE(segs[i].first == segs[i - 1].last + 1);
    REQUIRE(segs[i].value != segs[i - 1].value); // maximal runs
  }
}

TEST_CASE("innermost_segments: identical intervals, later wins; full IPv6 space",
          "[prefix_table]") {
  std::vector<AddrInterval> ivs = {{10, 20, 0}, {10, 20, 1}, {0, ~uint128(0), 2}};
  auto segs = innermost_segments(ivs, ~uint128(0));
  CHECK(segment_value(segs, 15) == 2);
  CHECK(segment_value(segs, ~uint128(0)) == 3);
  CHECK(segs.back().last == ~uint128(0));
}

TEST_CASE("innermost_segments agrees with a scan on random nested prefixes", "[prefix_table]") {
  std::mt19937_64 rng(12345);
  auto ivs = random_prefixes(rng, 300, 32, 4, 32);
  auto segs = innermost_segments(ivs, 0xffffffffu);
  for (int i = 0; i < 3000; ++i) {
    uint128 addr = rng() & 0xffffffffu;
    if (i % 2) addr = ivs[rng() % ivs.size()].first + (rng() % 3);
    INFO("addr " << std::uint64_t(addr));
    REQUIRE(segment_value(segs, addr) == naive_innermost(ivs, addr));
  }
}

TEST_CASE("range_prefixes splits a range into the fewest aligned prefixes", "[prefix_table]") {
  // 24.152.0.0 + 768 addresses = /23 + /24
  auto p = range_prefixes(0x18980000u, 0x18980000u + 767, 32);
  REQUIRE(p.size() == 2);
  CHECK((p[0].net == 0x18980000u && p[0].len == 23));
  CHECK((p[1].net == 0x18980200u && p[1].len == 24));
  auto all = range_prefixes(0, 0xffffffffu, 32);
  REQUIRE(all.size() == 1);
  CHECK(all[0].len == 0);
  auto v6all = range_prefixes(0, ~uint128(0), 128);
  REQUIRE(v6all.size() == 1);
  CHECK(v6all[0].len == 0);
  auto one = range_prefixes(5, 5, 32);
  REQUIRE(one.size() == 1);
  CHECK(one[0].len == 32);
  auto odd = range_prefixes(1, 6, 32); // 1/32, 2/31, 4/31, 6/32
  REQUIRE(odd.size() == 4);
  CHECK((odd[1].net == 2 && odd[1].len == 31 && odd[2].net == 4 && odd[3].len == 32));
}

TEST_CASE("IPv4 trie and IPv6 ranges answer like the segments", "[prefix_table]") {
  std::mt19937_64 rng(777);
  auto ivs = random_prefixes(rng, 2000, 32, 8, 32);
  auto segs = innermost_segments(ivs, 0xffffffffu);
  V4Trie trie = build_v4_trie(segs);
  for (int i = 0; i < 20000; ++i) {
    std::uint32_t addr = std::uint32_t(rng());
    if (i % 2) addr = std::uint32_t(ivs[rng() % ivs.size()].first) + std::uint32_t(rng() % 300);
    REQUIRE(v4_trie_lookup(trie.top.data(), trie.chunks.data(), addr) ==
            naive_innermost(ivs, addr));
  }
  auto ivs6 = random_prefixes(rng, 2000, 128, 16, 128);
  // Crowd one index bucket so the binary search has work to do.
  for (std::uint32_t i = 0; i < 500; ++i) {
    uint128 net = (uint128(0x2001) << 112) | (uint128(i) << 80);
    ivs6.push_back({net, prefix_last(net, 48, 128), 2000 + i});
  }
  auto segs6 = innermost_segments(ivs6, ~uint128(0));
  V6Ranges r = build_v6_ranges(segs6);
  for (int i = 0; i < 20000; ++i) {
    uint128 addr = (uint128(rng()) << 64) | rng();
    if (i % 2) addr = ivs6[rng() % ivs6.size()].first + (rng() % 5);
    std::size_t pos = v6_ranges_find(r.index.data(), r.starts.data(), addr);
    REQUIRE(r.values[pos] == naive_innermost(ivs6, addr));
  }
}
