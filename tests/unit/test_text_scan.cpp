#include <catch2/catch.hpp>

#include <charconv>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "base/text_scan.hpp"

using namespace spamflow;

// The short cut must agree with std::from_chars on the value, the end and
// the error, for scores as spamd writes them and for everything else.
TEST_CASE("parse_double_prefix agrees with std::from_chars", "[textscan]") {
  std::vector<std::string> inputs = {"0",
                                     "-0",
                                     "5.0",
                                     "-0.5",
                                     "10.3",
                                     "1.",
                                     "1.e5",
                                     "1e5",
                                     ".5",
                                     "-",
                                     "",
                                     "abc",
                                     "12x",
                                     "3.14159265358979",
                                     "123456789012345",
                                     "1234567890123456",
                                     "0.000000000000001",
                                     "99999999999999.9",
                                     "inf",
                                     "nan",
                                     "-inf",
                                     "+1",
                                     "1.5/5.0)",
                                     "007.50",
                                     "1E3",
                                     "9007199254740993",
                                     "0.1 required=5.0",
                                     "-12.25e-3"};
  std::mt19937_64 rng(9);
  for (int i = 0; i < 300000; ++i) {
    std::string s = rng() % 4 == 0 ? "-" : "";
    const int whole = 1 + static_cast<int>(rng() % 17);
    for (int d = 0; d < whole; ++d)
      s += static_cast<char>('0' + rng() % 10);
    if (rng() % 3 != 0) {
      s += '.';
      const int frac = static_cast<int>(rng() % 17);
      for (int d = 0; d < frac; ++d)
        s += static_cast<char>('0' + rng() % 10);
    }
    if (rng() % 5 == 0) s += " required=5.0";
    inputs.push_back(s);
  }
  for (const std::string &s : inputs) {
    double expect = -1234.5, got = -1234.5;
    const auto a = std::from_chars(s.data(), s.data() + s.size(), expect);
    const auto b = parse_double_prefix(s.data(), s.data() + s.size(), got);
    INFO("'" << s << "'");
    REQUIRE(a.ec == b.ec);
    REQUIRE(a.ptr == b.ptr);
    REQUIRE(std::memcmp(&expect, &got, sizeof got) == 0); // the same bits, -0.0 included
  }
}
