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
  r.buf_.resize(kMaxLine * 4);
  return r;
}

NetLineReader::NetLineReader(NetLineReader &&o) noexcept
    : gz_(o.gz_), path_(std::move(o.path_)), buf_(std::move(o.buf_)), begin_(o.begin_),
      end_(o.end_), eof_(o.eof_), skip_rest_(o.skip_rest_), line_no_(o.line_no_),
      error_(std::move(o.error_)) {
  o.gz_ = nullptr;
}

NetLineReader::~NetLineReader() {
  if (gz_) ::gzclose(static_cast<gzFile>(gz_));
}

bool NetLineReader::fill() {
  if (eof_) return false;
  std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
  end_ -= begin_;
  begin_ = 0;
  int n = ::gzread(static_cast<gzFile>(gz_), buf_.data() + end_, unsigned(buf_.size() - end_));
  if (n < 0) {
    int errnum = 0;
    const char *msg = ::gzerror(static_cast<gzFile>(gz_), &errnum);
    error_ = path_ + ": read error: " + (msg ? msg : "?");
    eof_ = true;
    return false;
  }
  if (n == 0) eof_ = true;
  end_ += std::size_t(n);
  return n > 0;
}

bool NetLineReader::next(std::string_view &line) {
  for (;;) {
    const char *start = buf_.data() + begin_;
    const char *nl = static_cast<const char *>(std::memchr(start, '\n', end_ - begin_));
    if (skip_rest_) { // the tail of an overlong line
      if (nl) {
        begin_ = std::size_t(nl - buf_.data()) + 1;
        skip_rest_ = false;
        continue;
      }
      begin_ = end_;
      if (eof_ || !fill()) return false;
      continue;
    }
    std::size_t len = 0;
    if (nl) {
      len = std::size_t(nl - start);
      begin_ += len + 1;
    } else if (end_ - begin_ >= kMaxLine) {
      len = kMaxLine;
      begin_ += len;
      skip_rest_ = true;
    } else if (eof_) {
      if (end_ == begin_) return false;
      len = end_ - begin_;
      begin_ = end_;
    } else {
      fill();
      continue;
    }
    line = std::string_view(start, len);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++line_no_;
    return true;
  }
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
