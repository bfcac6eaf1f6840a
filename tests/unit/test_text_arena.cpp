#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "base/text_arena.hpp"

using spamflow::TextArena;

TEST_CASE("TextArena: copies stay intact until clear, across blocks and large texts",
          "[text_arena]") {
  TextArena arena;
  std::mt19937 rng(7);
  for (int round = 0; round < 3; ++round) {
    std::vector<std::string> originals;
    std::vector<std::string_view> copies;
    for (int i = 0; i < 20000; ++i) {
      // Mostly short texts, now and then one longer than a block's share.
      std::size_t n = i % 997 == 0 ? 5000 + rng() % 70000 : rng() % 40;
      std::string s(n, '\0');
      for (char &c : s)
        c = static_cast<char>('a' + rng() % 26);
      copies.push_back(arena.keep(s));
      originals.push_back(std::move(s));
    }
    for (std::size_t i = 0; i < originals.size(); ++i) {
      REQUIRE(copies[i] == originals[i]);
      REQUIRE(copies[i].data() != nullptr); // "" is a text, not a null pointer
    }
    arena.clear();
  }
}
