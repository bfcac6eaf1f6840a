#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "base/small_vector.hpp"

using spamflow::SmallVector;

namespace {

struct Item {
  std::uint64_t key;
  std::int64_t time;
  bool operator==(const Item &o) const { return key == o.key && time == o.time; }
};

template <std::size_t N>
void require_same(const SmallVector<Item, N> &small, const std::vector<Item> &model) {
  REQUIRE(small.size() == model.size());
  REQUIRE(std::equal(small.begin(), small.end(), model.begin(), model.end()));
  if (model.size() > N) REQUIRE(small.on_heap());
}

// Random inserts, erases, range erases, erase_if, copies and moves, with
// std::vector as the model; sizes cross the in-place capacity both ways.
template <std::size_t N> void random_walk(std::uint32_t seed) {
  std::mt19937 rng(seed);
  SmallVector<Item, N> small;
  std::vector<Item> model;
  for (int step = 0; step < 4000; ++step) {
    auto pick = [&](std::size_t n) {
      return std::uniform_int_distribution<std::size_t>(0, n)(rng);
    };
    Item item{rng() % 50, static_cast<std::int64_t>(step)};
    switch (rng() % 8) {
    case 0:
    case 1:
      small.push_back(item);
      model.push_back(item);
      break;
    case 2: {
      std::size_t at = pick(model.size());
      REQUIRE(*small.insert(small.begin() + at, item) == item);
      model.insert(model.begin() + static_cast<std::ptrdiff_t>(at), item);
      break;
    }
    case 3:
      if (!model.empty()) {
        std::size_t at = pick(model.size() - 1);
        small.erase(small.begin() + at);
        model.erase(model.begin() + static_cast<std::ptrdiff_t>(at));
      }
      break;
    case 4: {
      std::size_t a = pick(model.size()), b = pick(model.size());
      if (a > b) std::swap(a, b);
      small.erase(small.begin() + a, small.begin() + b);
      model.erase(model.begin() + static_cast<std::ptrdiff_t>(a),
                  model.begin() + static_cast<std::ptrdiff_t>(b));
      break;
    }
    case 5: {
      std::uint64_t cut = rng() % 50;
      auto odd = [cut](const Item &x) { return x.key < cut && x.key % 2 == 1; };
      std::size_t before = model.size();
      std::erase_if(model, odd);
      REQUIRE(small.erase_if(odd) == before - model.size());
      break;
    }
    case 6: {
      SmallVector<Item, N> copy(small);
      require_same(copy, model);
      small = std::move(copy);
      break;
    }
    default: {
      SmallVector<Item, N> other;
      other.push_back(item);
      other = small;
      small.clear();
      model.clear();
      REQUIRE(small.empty());
      small = std::move(other);
      model.assign(small.begin(), small.end());
      break;
    }
    }
    require_same(small, model);
  }
}

} // namespace

TEST_CASE("SmallVector behaves as std::vector across its in-place capacity", "[small_vector]") {
  for (std::uint32_t seed = 1; seed <= 5; ++seed) {
    random_walk<1>(seed);
    random_walk<3>(seed);
  }
}

TEST_CASE("SmallVector keeps its first values in place", "[small_vector]") {
  SmallVector<Item, 2> v;
  v.push_back({1, 1});
  v.push_back({2, 2});
  CHECK_FALSE(v.on_heap());
  v.push_back({3, 3});
  CHECK(v.on_heap());
  CHECK(v[2] == Item{3, 3});
  SmallVector<Item, 2> moved(std::move(v));
  CHECK(moved.size() == 3);
  // A moved-from SmallVector is empty and in place, ready for reuse.
  CHECK(v.empty());         // NOLINT(bugprone-use-after-move,clang-analyzer-cplusplus.Move)
  CHECK_FALSE(v.on_heap()); // NOLINT(bugprone-use-after-move,clang-analyzer-cplusplus.Move)
}
