#include <catch2/catch.hpp>

#include <map>
#include <random>

#include "base/dense_map.hpp"

using spamflow::DenseMap;

namespace {

// A deliberately poor hash (many keys share one) so that probing, tags
// and the rebuild after erase_if are all exercised.
struct CoarseHash {
  std::size_t operator()(std::uint32_t k) const { return k / 8; }
};

using Map = DenseMap<std::uint32_t, std::uint64_t, CoarseHash>;

void check_same(Map &dense, const std::map<std::uint32_t, std::uint64_t> &model) {
  REQUIRE(dense.size() == model.size());
  std::map<std::uint32_t, std::uint64_t> seen;
  for (const auto &[k, v] : dense)
    seen[k] = v;
  REQUIRE(seen == model);
  for (const auto &[k, v] : model) {
    auto *found = dense.find(k);
    REQUIRE(found != nullptr);
    REQUIRE(*found == v);
  }
}

} // namespace

TEST_CASE("DenseMap agrees with std::map over random inserts, updates, erases and sweeps",
          "[dense_map]") {
  std::mt19937 rng(12345);
  Map dense;
  std::map<std::uint32_t, std::uint64_t> model;
  for (int round = 0; round < 40; ++round) {
    std::uniform_int_distribution<std::uint32_t> key(0, 5000);
    for (int i = 0; i < 2000; ++i) {
      std::uint32_t k = key(rng);
      dense[k] += k + 1;
      model[k] += k + 1;
      std::uint32_t gone = key(rng);
      REQUIRE(dense.erase(gone) == (model.erase(gone) == 1));
      REQUIRE_FALSE(dense.contains(gone));
      std::uint32_t absent = 10000 + key(rng);
      REQUIRE(dense.find(absent) == nullptr);
      REQUIRE_FALSE(dense.contains(absent));
    }
    check_same(dense, model);
    // Sweep a random share, as the policy's sweep of stale state does.
    std::uint32_t cut = key(rng);
    std::size_t erased = dense.erase_if([&](std::uint32_t k, std::uint64_t) { return k < cut; });
    std::size_t expected = std::erase_if(model, [&](const auto &kv) { return kv.first < cut; });
    REQUIRE(erased == expected);
    check_same(dense, model);
  }
  dense.erase_if([](std::uint32_t, std::uint64_t) { return true; });
  CHECK(dense.empty());
  CHECK(dense.find(1) == nullptr);
  dense[7] = 3;
  CHECK(*dense.find(7) == 3);
}

TEST_CASE("DenseMap: operator[] finds what it inserted; clear empties it", "[dense_map]") {
  Map dense;
  std::uint64_t &a = dense[1];
  a = 10;
  CHECK(dense[1] == 10);
  CHECK(dense.size() == 1);
  dense.clear();
  CHECK(dense.find(1) == nullptr);
}
