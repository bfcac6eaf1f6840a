// Reading the network data files: lines from plain or gzip-compressed files
// (zlib reads both), and raw address/prefix text for the bulk importers.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/line_io.hpp"
#include "base/result.hpp"
#include "base/text_scan.hpp"
#include "ip/prefix_table.hpp"

namespace spamflow {

class NetLineReader : private ByteSource {
public:
  static Result<NetLineReader> open(const std::string &path);
  NetLineReader(NetLineReader &&other) noexcept;
  NetLineReader(const NetLineReader &) = delete;
  ~NetLineReader() override;

  // Next line without its end-of-line (LF or CRLF); false at the end or on a
  // read error (then error() is non-empty). Lines longer than kMaxLine are cut.
  bool next(std::string_view &line);
  std::uint64_t line_number() const { return framer_.line_number(); }
  const std::string &error() const { return error_; }

  static constexpr std::size_t kMaxLine = 64 * 1024;

private:
  NetLineReader() = default;
  long read_some(char *dst, std::size_t room) override;

  void *gz_ = nullptr; // gzFile
  std::string path_;
  LineFramer framer_{kMaxLine, LineFramer::LongLines::kCut, 4 * kMaxLine};
  std::string error_;
};

// An address in text (inet_pton forms: dotted quad, RFC 4291 IPv6).
bool parse_raw_address(std::string_view text, bool &v6, uint128 &value);
// "addr/len" with no host bits set beyond len.
bool parse_raw_prefix(std::string_view text, bool &v6, uint128 &net, std::uint8_t &len);
// A decimal number within [0, max].
bool parse_bounded(std::string_view text, std::uint64_t max, std::uint64_t &value);
// Splits on one separator character, keeping empty fields.
std::size_t split_fields(std::string_view line, char sep, std::string_view *fields,
                         std::size_t max_fields);
// A field without the blanks around it (and a CRLF file's CR): base's trim
// with the blanks these formats allow.
inline std::string_view trim_space(std::string_view text) {
  return trim(text, " \t\r");
}

} // namespace spamflow
