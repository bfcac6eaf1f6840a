#include "netimport/net_input.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <zlib.h>

#include "ip/cidr.hpp"
#include "ip/ip_address.hpp"

namespace spamflow {

Result<NetLineReader> NetLineReader::open(const std::string &path) {
  gzFile gz = ::gzopen(path.c_str(), "rb");
  if (!gz) return make_error(path + ": " + (errno ? std::strerror(errno) : "cannot open"));
  ::gzbuffer(gz, 256 * 1024);
  NetLineReader r;
  r.gz_ = gz;
  r.path_ = path;
  return r;
}

NetLineReader::NetLineReader(NetLineReader &&o) noexcept
    : gz_(o.gz_), path_(std::move(o.path_)), framer_(std::move(o.framer_)),
      error_(std::move(o.error_)) {
  o.gz_ = nullptr;
}

NetLineReader::~NetLineReader() {
  if (gz_) ::gzclose(static_cast<gzFile>(gz_));
}

long NetLineReader::read_some(char *dst, std::size_t room) {
  const int n = ::gzread(static_cast<gzFile>(gz_), dst, static_cast<unsigned>(room));
  if (n >= 0) return n;
  int errnum = 0;
  const char *msg = ::gzerror(static_cast<gzFile>(gz_), &errnum);
  error_ = path_ + ": read error: " + (msg ? msg : "?");
  return -1;
}

bool NetLineReader::next(std::string_view &line) {
  const LineFramer::Next got = framer_.next(*this, line);
  if (got != LineFramer::Next::kLine && got != LineFramer::Next::kLongLine) return false;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return true;
}

bool parse_raw_address(std::string_view text, bool &v6, uint128 &value) {
  std::optional<IpAddress> addr = IpAddress::try_parse(text);
  if (!addr) return false;
  v6 = !addr->is_v4();
  value = addr->value();
  return true;
}

bool parse_bounded(std::string_view text, std::uint64_t max, std::uint64_t &value) {
  if (text.empty() || text.size() > 20) return false;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && p == text.data() + text.size() && value <= max;
}

bool parse_raw_prefix(std::string_view text, bool &v6, uint128 &net, std::uint8_t &len) {
  if (text.find('/') == std::string_view::npos)
    return false; // a bare address is not a prefix in these files
  Result<IpNetwork> parsed = IpNetwork::parse(text, true);
  if (!parsed) return false;
  v6 = !parsed->is_v4();
  net = parsed->network_address().value();
  len = std::uint8_t(parsed->prefix_len());
  return true;
}

std::size_t split_fields(std::string_view line, char sep, std::string_view *fields,
                         std::size_t max_fields) {
  std::size_t n = 0;
  while (n < max_fields) {
    std::size_t at = line.find(sep);
    fields[n++] = line.substr(0, at);
    if (at == std::string_view::npos) return n;
    line.remove_prefix(at + 1);
  }
  return n + 1; // more fields than asked for
}

} // namespace spamflow
