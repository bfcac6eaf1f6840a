#include <catch2/catch.hpp>

#include <cctype>
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

// trim against the plain loop with isspace() (the "C" locale: spamflow
// never calls setlocale), for every byte at either end.
TEST_CASE("trim strips ASCII blanks like isspace", "[textscan]") {
  auto plain = [](std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
      s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
      s.remove_suffix(1);
    return s;
  };
  const std::vector<std::string> cases = {
      "", " ", "\t\r\n", "a", " a ", "\v\fa b\f\v", "a\r\n", "  two  words  ", "\xa0x\xa0", "\x85"};
  for (const std::string &c : cases) {
    INFO('"' << c << '"');
    CHECK(trim(c) == plain(c));
  }
  for (int b = 0; b < 256; ++b) {
    const std::string s = std::string(1, static_cast<char>(b)) + "x" + static_cast<char>(b);
    INFO("byte " << b);
    CHECK(trim(s) == plain(s));
  }
}

TEST_CASE("trim with a chosen set of bytes", "[textscan]") {
  struct Case {
    const char *text, *bytes, *want;
  };
  const Case cases[] = {
      {" \tkey\r", " \t\r", "key"},
      {"\vkey\f", " \t\r", "\vkey\f"},
      {"\r\n", " \t\r\n", ""},
      {"x", "", "x"},
      {"", " ", ""},
      {"--a-b--", "-", "a-b"},
  };
  for (const Case &c : cases) {
    INFO('"' << c.text << "\" without \"" << c.bytes << '"');
    CHECK(trim(c.text, c.bytes) == c.want);
  }
}

// iequals against the plain comparison with tolower(), over all byte
// pairs: only A-Z and a-z fold, bytes from 0x80 up match only themselves.
TEST_CASE("iequals folds ASCII letters only", "[textscan]") {
  for (int a = 0; a < 256; ++a)
    for (int b = 0; b < 256; ++b) {
      const std::string x(1, static_cast<char>(a)), y(1, static_cast<char>(b));
      const bool plain = std::tolower(a) == std::tolower(b);
      if (iequals(x, y) != plain) FAIL("bytes " << a << " and " << b);
    }
  struct Case {
    const char *a, *b;
    bool equal;
  };
  const Case cases[] = {
      {"", "", true},
      {"", "a", false},
      {"Received", "RECEIVED", true},
      {"NetRange", "netrange", true},
      {"by", "byx", false},
      {"\xc3\xa9", "\xc3\x89", false},
      {"\xc3\xa9", "\xc3\xa9", true},
  };
  for (const Case &c : cases) {
    INFO(c.a << " vs " << c.b);
    CHECK(iequals(c.a, c.b) == c.equal);
  }
  CHECK(ends_with_ci("mail.Example.COM", ".example.com"));
  CHECK(ends_with_ci("x", ""));
  CHECK_FALSE(ends_with_ci("com", ".com"));
  CHECK(ascii_lowercase("Mixed-Case \xc3\x89 ID") == "mixed-case \xc3\x89 id");
  CHECK(ascii_lowercase("").empty());
}
