#include <catch2/catch.hpp>

#include "base/result.hpp"

using spamflow::make_error;
using spamflow::Result;

TEST_CASE("Result holds a value or an error", "[result]") {
  Result<int> good = 42;
  REQUIRE(good.ok());
  REQUIRE(*good == 42);
  Result<int> bad = make_error("out of range");
  REQUIRE_FALSE(bad.ok());
  REQUIRE(bad.error() == "out of range");
}
