#include <catch2/catch.hpp>

#include <unistd.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "wire/json_lines.hpp"
#include "wire/json_splice.hpp"
#include "wire/json_writer.hpp"

using namespace spamflow;

namespace {

std::string json_string(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

const std::string R = "\xEF\xBF\xBD"; // U+FFFD

std::string quoted(const std::string &body) {
  return "\"" + body + "\"";
}

// A temp file holding `content`, positioned at its start.
struct TempInput {
  explicit TempInput(const std::string &content) : file(std::tmpfile()) {
    REQUIRE(file != nullptr);
    REQUIRE(std::fwrite(content.data(), 1, content.size(), file) == content.size());
    std::fflush(file);
    std::rewind(file);
  }
  ~TempInput() { std::fclose(file); }
  int fd() const { return fileno(file); }
  std::FILE *file;
};

} // namespace

TEST_CASE("append_json_string escapes every control character", "[json]") {
  const char *expected[32] = {
      "\\u0000", "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005", "\\u0006", "\\u0007",
      "\\b",     "\\t",     "\\n",     "\\u000b", "\\f",     "\\r",     "\\u000e", "\\u000f",
      "\\u0010", "\\u0011", "\\u0012", "\\u0013", "\\u0014", "\\u0015", "\\u0016", "\\u0017",
      "\\u0018", "\\u0019", "\\u001a", "\\u001b", "\\u001c", "\\u001d", "\\u001e", "\\u001f"};
  for (int c = 0; c < 32; ++c) {
    INFO("control " << c);
    std::string in = "a";
    in.push_back(static_cast<char>(c));
    in.push_back('b');
    std::string want = "\"a";
    want.append(expected[c]).append("b\"");
    CHECK(json_string(in) == want);
  }
}

TEST_CASE("append_json_string escapes quote and backslash, keeps the rest", "[json]") {
  CHECK(json_string("") == "\"\"");
  CHECK(json_string("say \"hi\"") == R"("say \"hi\"")");
  CHECK(json_string("C:\\dir\\") == R"("C:\\dir\\")");
  CHECK(json_string("a/b\x7f<>&'") == "\"a/b\x7f<>&'\""); // DEL and '/' as is
  std::string out = "prefix:";
  append_json_string(out, "x");
  CHECK(out == "prefix:\"x\"");
}

TEST_CASE("append_json_string keeps valid multibyte UTF-8", "[json]") {
  const std::vector<std::string> valid = {
      "\xC2\x80",         "\xC3\xA9t\xC3\xA9", "\xDF\xBF",         // 2 bytes
      "\xE0\xA0\x80",     "\xE2\x82\xAC",      "\xED\x9F\xBF",     // 3 bytes, up to U+D7FF
      "\xEE\x80\x80",     "\xEF\xBF\xBF",      "\xE2\x80\xA8",     // U+E000, U+FFFF, U+2028
      "\xF0\x90\x80\x80", "\xF0\x9F\x98\x80",  "\xF4\x8F\xBF\xBF", // 4 bytes, up to U+10FFFF
  };
  for (const auto &s : valid) {
    INFO(s);
    CHECK(json_string(s) == quoted(s));
    CHECK(valid_utf8_prefix(s) == s.size());
  }
}

TEST_CASE("append_json_string replaces invalid UTF-8 by maximal subparts", "[json]") {
  struct Case {
    const char *name;
    std::string in;
    std::string out;
  };
  const std::vector<Case> cases = {
      {"stray continuation", "a\x80z", "a" + R + "z"},
      {"two stray continuations", "\x80\xBF", R + R},
      {"C0/C1 lead (overlong 2-byte)", "\xC0\xAF\xC1\xBF", R + R + R + R},
      {"overlong 3-byte", "\xE0\x80\xAF", R + R + R},
      {"overlong 4-byte", "\xF0\x80\x80\xAF", R + R + R + R},
      {"surrogate high", "\xED\xA0\x80", R + R + R},
      {"surrogate low", "\xED\xBF\xBF", R + R + R},
      {"above U+10FFFF via F4", "\xF4\x90\x80\x80", R + R + R + R},
      {"F5 lead", "\xF5\x80\x80\x80", R + R + R + R},
      {"FE FF", "\xFE\xFF", R + R},
      {"5-byte form", "\xF8\x88\x80\x80\x80", R + R + R + R + R},
      {"truncated 2-byte at end", "ab\xC3", "ab" + R},
      {"truncated 2-byte mid", "a\xC3z", "a" + R + "z"},
      {"truncated 3-byte at end", "\xE2\x82", R},
      {"truncated 3-byte then ASCII",
       "\xE2\x82"
       "A",
       R + "A"},
      {"truncated 4-byte at end", "\xF0\x9F\x98", R},
      {"truncated 4-byte then lead", "\xF0\x9F\x98\xC3\xA9", R + "\xC3\xA9"},
      {"truncated then quote", "\xE2\"", R + "\\\""},
      {"truncated then control", "\xF0\x90\n", R + "\\n"},
  };
  for (const auto &c : cases) {
    INFO(c.name);
    CHECK(json_string(c.in) == quoted(c.out));
    CHECK(valid_utf8_prefix(c.in) < c.in.size());
  }
}

TEST_CASE("JsonWriter places commas and colons", "[json]") {
  std::string out;
  JsonWriter w(out);
  w.begin_object().field("kind", "message").field("pid", 12345).field("ok", true);
  w.key("client").begin_object().field("ip", std::string("203.0.113.7")).end_object();
  w.key("rcpts").begin_array();
  w.begin_object().field("to", "<u@dom>").end_object();
  w.begin_object().end_object();
  w.end_array();
  w.key("empty").begin_array().end_array();
  w.key("nothing").null().raw_field("raw", R"({"x":[1,2]})");
  w.end_object();
  CHECK(out == R"({"kind":"message","pid":12345,"ok":true,"client":{"ip":"203.0.113.7"},)"
               R"("rcpts":[{"to":"<u@dom>"},{}],"empty":[],"nothing":null,"raw":{"x":[1,2]}})");
  CHECK(w.depth() == 0);
  simdjson::dom::parser parser;
  CHECK(parser.parse(out).error() == simdjson::SUCCESS);
}

TEST_CASE("JsonWriter numbers", "[json]") {
  std::string out;
  JsonWriter w(out);
  w.begin_array();
  w.value(std::numeric_limits<std::int64_t>::min())
      .value(std::numeric_limits<std::uint64_t>::max());
  w.value(-1).value(7u).value(static_cast<short>(-3)).value(42LL);
  w.value(5.0).value(15.2).value(0.1).value(-0.5).value(1e300);
  w.value(std::nan("")).value(std::numeric_limits<double>::infinity()).value(false);
  w.end_array();
  CHECK(out == "[-9223372036854775808,18446744073709551615,-1,7,-3,42,5,15.2,0.1,-0.5,1e+300,"
               "null,null,false]");
}

// The writer escapes into its own buffer with a word-at-a-time scan; it
// must give exactly what append_json_string gives, for any bytes, at every
// length around the buffer's limits, and in records longer than the buffer.
TEST_CASE("JsonWriter strings, in its buffer or past it, equal append_json_string", "[json]") {
  std::mt19937 rng(7);
  const std::string alphabet =
      std::string("ab\"\\\n\t\x01\x1f\x7f \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80") +
      "\xed\xa0\x80\xc0\xff\x80\xf4\x90";
  for (int round = 0; round < 3000; ++round) {
    const std::size_t len = round < 400 ? static_cast<std::size_t>(round) : rng() % 3000;
    std::string text;
    for (std::size_t i = 0; i < len; ++i)
      text += (rng() % 4 == 0) ? alphabet[rng() % alphabet.size()] : static_cast<char>(rng() % 256);
    if (round % 3 == 0) // mostly plain text, as logs are
      for (char &c : text)
        if (rng() % 8 != 0) c = static_cast<char>('a' + rng() % 26);
    std::string expect = "[";
    append_json_string(expect, text);
    expect += ',';
    append_json_string(expect, text);
    expect += ']';
    std::string out;
    JsonWriter w(out);
    w.begin_array().value(text).value(text).end_array();
    REQUIRE(out == expect);
  }
}

// Scores take a short cut; every double must still come out as to_chars
// writes it.
TEST_CASE("JsonWriter doubles equal std::to_chars", "[json]") {
  std::mt19937_64 rng(3);
  std::vector<double> values = {
      0.0,  -0.0,  0.1,   -0.1,   5.0, 9999.9, 10000.0, 100000.0, -99999.9, 1e15, 123456789012345.6,
      0.05, 2.675, -1e-7, 1.0 / 3};
  for (int i = 0; i < 200000; ++i) {
    const std::int64_t k = static_cast<std::int64_t>(rng() % 4000000) - 2000000;
    values.push_back(static_cast<double>(k) / 10); // scores, in and beyond the short cut
    values.push_back(static_cast<double>(k) / 100);
    double any;
    const std::uint64_t bits = rng();
    std::memcpy(&any, &bits, sizeof any);
    if (std::isfinite(any)) values.push_back(any);
  }
  for (double d : values) {
    char expect[64];
    const auto end = std::to_chars(expect, expect + sizeof expect, d).ptr;
    std::string out;
    JsonWriter(out).value(d);
    REQUIRE(out == std::string(expect, end));
  }
}

TEST_CASE("JsonWriter handles nesting deeper than 64 levels", "[json]") {
  std::string out;
  JsonWriter w(out);
  for (int i = 0; i < 100; ++i)
    w.begin_array().value(i);
  for (int i = 0; i < 100; ++i)
    w.value("x").end_array();
  simdjson::dom::parser parser;
  auto doc = parser.parse(out);
  REQUIRE(doc.error() == simdjson::SUCCESS);
  CHECK(out.substr(0, 12) == "[0,[1,[2,[3,");
  CHECK(out.find("[99,\"x\"],\"x\"]") != std::string::npos);
}

namespace {
std::string splice(std::string_view obj, std::string_view key, std::string_view value) {
  auto r = splice_json_key(obj, key, value);
  if (!r) return "ERROR: " + r.error();
  return *r;
}
} // namespace

TEST_CASE("splice_json_key adds a missing key", "[json]") {
  CHECK(splice(R"({"a":1})", "k", "2") == R"({"a":1,"k":2})");
  CHECK(splice("{}", "k", "[true]") == R"({"k":[true]})");
  CHECK(splice("{ }", "k", "2") == R"({"k":2 })");
  CHECK(splice("  {\"a\" : 1 }\t", "k", "2") == "  {\"a\" : 1,\"k\":2 }\t");
  CHECK(splice(R"({"a":{"k":1},"b":[{"k":2}]})", "k", "3") ==
        R"({"a":{"k":1},"b":[{"k":2}],"k":3})");
  CHECK(splice(R"({"a":"}\"k\":{[","b":"\\"})", "k", "0") == R"({"a":"}\"k\":{[","b":"\\","k":0})");
  CHECK(splice(R"({"a":1})", "we\"ird\n", "null") == R"({"a":1,"we\"ird\n":null})");
}

TEST_CASE("splice_json_key replaces an existing key and drops duplicates", "[json]") {
  CHECK(splice(R"({"k":1,"a":2})", "k", "9") == R"({"k":9,"a":2})");
  CHECK(splice(R"({ "k" : [1, {"k":2}] , "a":2})", "k", "9") == R"({ "k" : 9 , "a":2})");
  CHECK(splice(R"({"a":2,"k":"x}"})", "k", R"({"v":1})") == R"({"a":2,"k":{"v":1}})");
  CHECK(splice(R"({"k":1,"a":2, "k":3})", "k", "9") == R"({"k":9,"a":2})");
  CHECK(splice(R"({"k":1,"k":2,"a":{"k":0},"k":3 })", "k", "9") == R"({"k":9,"a":{"k":0} })");
  CHECK(splice(R"({"\u006b":1})", "k", "9") == R"({"\u006b":9})");
  CHECK(splice(R"({"caf\u00e9":1})", "caf\xC3\xA9", "9") == R"({"caf\u00e9":9})");
  CHECK(splice(R"({"\ud83d\ude00":1})", "\xF0\x9F\x98\x80", "9") == R"({"\ud83d\ude00":9})");
  CHECK(splice(R"({"kk":1,"k2":2})", "k", "9") == R"({"kk":1,"k2":2,"k":9})");
}

TEST_CASE("splice_json_key_into appends and leaves out alone on error", "[json]") {
  std::string out = "head ";
  auto r = splice_json_key_into(out, R"({"a":1})", "b", "2");
  REQUIRE(r);
  CHECK(*r == 13);
  CHECK(out == R"(head {"a":1,"b":2})");
  auto bad = splice_json_key_into(out, "[1]", "b", "2");
  CHECK_FALSE(bad);
  CHECK(out == R"(head {"a":1,"b":2})");
}

TEST_CASE("splice_json_key rejects text that is not one JSON object", "[json]") {
  for (const char *bad :
       {"", "   ", "[1]", "\"x\"", "42", R"({"a":1)", R"({"a":1}})", R"({"a" 1})", R"({"a":1,})",
        R"({"a":"x})", R"({"a":[1})", R"({"a":1} x)", R"({"a":tru})", R"({a:1})", R"({"a":})",
        R"({"a":"\q"})", "{\"a\":\"\x01\"}", R"({"a":{"b":1]})", R"({"a":1}{"b":2})"}) {
    INFO(bad);
    auto r = splice_json_key(bad, "k", "1");
    CHECK_FALSE(r);
    if (!r) CHECK_FALSE(r.error().empty());
  }
}

TEST_CASE("JsonLineReader reports bad lines and goes on", "[json]") {
  const std::size_t limit = 2 << 20;
  const std::string big_value(1 << 20, 'x');  // a 1 MiB line: over the first buffer
  const std::string huge_value(3 << 20, 'y'); // over the limit
  std::string input;
  input += "{\"n\":1}\n";                         // 1
  input += "\n";                                  // 2: empty, silent
  input += "{\"n\":\n";                           // 3: truncated
  input += "[1,2]\n";                             // 4: not an object
  input += "not json\n";                          // 5
  input += "{\"big\":\"" + big_value + "\"}\n";   // 6
  input += "{\"huge\":\"" + huge_value + "\"}\n"; // 7: too long
  input += "  \r\n";                              // 8: blank
  input += "{\"n\":8}\r\n";                       // 9: CRLF
  input += "{\"bad\":\"\xC3\"}\n";                // 10: invalid UTF-8
  input += "{\"n\":10}";                          // 11: last line, no newline
  TempInput file(input);
  Diagnostics diag("test", 0); // count, do not print
  JsonLineReader reader(file.fd(), "in.json", diag, limit);

  std::vector<std::uint64_t> good_lines;
  std::vector<std::string_view> texts;
  JsonLine line;
  while (reader.next(line)) {
    good_lines.push_back(line.line_no);
    if (line.text.size() < 100) CHECK(line.text.back() == '}');
    REQUIRE(line.object.is_object());
    if (line.line_no == 6) {
      std::string_view big;
      REQUIRE(line.object["big"].get(big) == simdjson::SUCCESS);
      CHECK(big.size() == big_value.size());
    } else {
      std::int64_t n = 0;
      REQUIRE(line.object["n"].get(n) == simdjson::SUCCESS);
      CHECK((n == 1 || n == 8 || n == 10));
    }
  }
  CHECK(good_lines == std::vector<std::uint64_t>{1, 6, 9, 11});
  CHECK(reader.lines() == 11);
  CHECK(reader.malformed() == 5);
  CHECK(diag.warnings() == 5);
  CHECK_FALSE(reader.io_error());
}

TEST_CASE("JsonLineReader::next_raw returns bad lines with their error", "[json]") {
  TempInput file("{\"a\":1}\n{\"a\":\n\n[]\n" + std::string(100, 'z') + "\n{}\n");
  Diagnostics diag("test", 0);
  JsonLineReader reader(file.fd(), "stdin", diag, 50);
  struct Seen {
    std::uint64_t line_no;
    std::string text;
    std::string error;
  };
  std::vector<Seen> seen;
  JsonLineReader::RawLine raw;
  while (reader.next_raw(raw))
    seen.push_back({raw.line_no, std::string(raw.text), std::string(raw.error)});
  REQUIRE(seen.size() == 5);
  CHECK((seen[0].line_no == 1 && seen[0].error.empty() && seen[0].text == "{\"a\":1}"));
  CHECK((seen[1].line_no == 2 && seen[1].text == "{\"a\":"));
  CHECK(seen[1].error.find("truncated") != std::string::npos);
  CHECK((seen[2].line_no == 4 && seen[2].text == "[]" && seen[2].error == "not a JSON object"));
  CHECK((seen[3].line_no == 5 && seen[3].text.empty()));
  CHECK(seen[3].error.find("too long") != std::string::npos);
  CHECK((seen[4].line_no == 6 && seen[4].error.empty() && seen[4].text == "{}"));
  CHECK(reader.malformed() == 3);
}

TEST_CASE("JsonLineReader with a tiny buffer keeps every line boundary", "[json]") {
  // Lines of every length around the limit exercise compaction and growth.
  const std::size_t limit = 20;
  std::string input;
  std::vector<std::uint64_t> expected_good;
  std::uint64_t line_no = 0;
  for (int round = 0; round < 50; ++round) {
    for (std::size_t len = 0; len <= 30; ++len) {
      ++line_no;
      std::string body = "{\"n\":" + std::to_string(line_no) + "}";
      if (len >= body.size()) {
        input += body + std::string(len - body.size(), ' ') + "\n";
        if (len <= limit) expected_good.push_back(line_no);
      } else {
        input += std::string(len, len == 0 ? ' ' : '[') + "\n"; // empty or malformed
      }
    }
  }
  TempInput file(input);
  Diagnostics diag("test", 0);
  JsonLineReader reader(file.fd(), "in", diag, limit);
  std::vector<std::uint64_t> good;
  JsonLine line;
  while (reader.next(line)) {
    std::int64_t n = 0;
    REQUIRE(line.object["n"].get(n) == simdjson::SUCCESS);
    CHECK(static_cast<std::uint64_t>(n) == line.line_no);
    good.push_back(line.line_no);
  }
  CHECK(good == expected_good);
  CHECK(reader.lines() == line_no);
}

TEST_CASE("JsonLineReader calls the before-block hook when the pipe is empty", "[json]") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  REQUIRE(::write(fds[1], "{\"n\":1}\n", 8) == 8);
  Diagnostics diag("test", 0);
  JsonLineReader reader(fds[0], "pipe", diag);
  int hook_calls = 0;
  reader.set_before_block([&] {
    // Would block now: this is where a stage flushes. Feed the rest and close.
    ++hook_calls;
    if (hook_calls == 1) {
      REQUIRE(::write(fds[1], "{\"n\":2}\n", 8) == 8);
      ::close(fds[1]);
    }
  });
  JsonLine line;
  REQUIRE(reader.next(line));
  CHECK(hook_calls == 0); // data was ready
  REQUIRE(reader.next(line));
  CHECK(line.line_no == 2);
  CHECK(hook_calls == 1);
  CHECK_FALSE(reader.next(line));
  ::close(fds[0]);
}
