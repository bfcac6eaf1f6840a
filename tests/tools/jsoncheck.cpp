// Test driver for the JSON layer, run by tests/cli/json_roundtrip.sh.
//   jsoncheck string           stdin: hex bytes per line; stdout: each as a JSON string
//   jsoncheck splice           stdin: "HEXOBJECT HEXKEY HEXVALUE" per line;
//                              stdout: the spliced object in hex, or "ERROR what"
//   jsoncheck lines [MAX] [-q] stdin: JSON lines; stdout: "LINE<TAB>TEXT" per good line
//                              (nothing with -q); stderr: counts and timing
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "wire/json_lines.hpp"
#include "wire/json_splice.hpp"
#include "wire/json_writer.hpp"

using namespace spamflow;

namespace {

bool from_hex(std::string_view hex, std::string &out) {
  auto nibble = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  out.clear();
  if (hex.size() % 2 != 0) return false;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out += static_cast<char>(hi * 16 + lo);
  }
  return true;
}

std::vector<std::string> split_fields(const std::string &line) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  for (;;) {
    const std::size_t sp = line.find(' ', start);
    fields.push_back(line.substr(start, sp - start));
    if (sp == std::string::npos) return fields;
    start = sp + 1;
  }
}

int run_string() {
  std::string line, bytes, out;
  while (std::getline(std::cin, line)) {
    if (!from_hex(line, bytes)) {
      std::cerr << "jsoncheck: bad hex\n";
      return kExDataErr;
    }
    out.clear();
    append_json_string(out, bytes);
    out += '\n';
    std::fwrite(out.data(), 1, out.size(), stdout);
  }
  return kExOk;
}

int run_splice() {
  std::string line, object, key, value;
  while (std::getline(std::cin, line)) {
    const auto f = split_fields(line);
    if (f.size() != 3 || !from_hex(f[0], object) || !from_hex(f[1], key) ||
        !from_hex(f[2], value)) {
      std::cerr << "jsoncheck: bad splice input\n";
      return kExDataErr;
    }
    auto r = splice_json_key(object, key, value);
    if (!r) {
      std::printf("ERROR %s\n", r.error().c_str());
      continue;
    }
    for (unsigned char c : *r) // hex: the result may hold newlines
      std::printf("%02x", c);
    std::fputc('\n', stdout);
  }
  return kExOk;
}

int run_lines(std::size_t max_line, bool quiet) {
  Diagnostics diag("jsoncheck");
  JsonLineReader reader(0, "stdin", diag, max_line);
  const auto t0 = std::chrono::steady_clock::now();
  JsonLine line;
  std::uint64_t good = 0;
  while (reader.next(line)) {
    ++good;
    if (!quiet)
      std::printf("%llu\t%.*s\n", static_cast<unsigned long long>(line.line_no),
                  static_cast<int>(line.text.size()), line.text.data());
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::fprintf(stderr, "lines=%llu good=%llu malformed=%llu seconds=%.3f\n",
               static_cast<unsigned long long>(reader.lines()),
               static_cast<unsigned long long>(good),
               static_cast<unsigned long long>(reader.malformed()), secs);
  return reader.io_error() ? kExIoErr : kExOk;
}

} // namespace

int main(int argc, char **argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "string") return run_string();
  if (mode == "splice") return run_splice();
  if (mode == "lines") {
    std::size_t max_line = std::size_t{16} << 20;
    bool quiet = false;
    for (int i = 2; i < argc; ++i) {
      const std::string arg = argv[i];
      if (arg == "-q")
        quiet = true;
      else
        max_line = std::stoull(arg);
    }
    return run_lines(max_line, quiet);
  }
  std::cerr << "usage: jsoncheck string|splice|lines [MAX] [-q]\n";
  return kExUsage;
}
