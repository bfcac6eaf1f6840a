#include "netimport/pfx2as.hpp"

#include "netimport/net_input.hpp"

namespace spamflow {

bool parse_origin_asn(std::string_view text, std::uint32_t &asn) {
  if (!text.empty() && text.front() == '{') text.remove_prefix(1);
  if (text.size() > 2 && (text.substr(0, 2) == "AS" || text.substr(0, 2) == "as"))
    text.remove_prefix(2);
  std::size_t end = text.find_first_of("_,}");
  std::uint64_t v = 0;
  if (!parse_bounded(text.substr(0, end), 0xffffffffu, v)) return false;
  asn = std::uint32_t(v);
  return true;
}

namespace {

bool comment_or_blank(std::string_view line) {
  line = trim_space(line);
  return line.empty() || line.front() == ';' || line.front() == '#';
}

} // namespace

Result<bool> parse_pfx2as_line(std::string_view line, RouteEntry &out) {
  if (comment_or_blank(line)) return false;
  std::string_view f[4];
  std::size_t n = split_fields(line, '\t', f, 4);
  RouteEntry r;
  std::string_view asn_text;
  if (n == 2 && f[0].find('/') != std::string_view::npos) { // pyasn
    if (!parse_raw_prefix(f[0], r.v6, r.net, r.len))
      return make_error("bad prefix '" + std::string(f[0]) + "'");
    asn_text = f[1];
  } else if (n == 3) { // RouteViews
    std::uint64_t len = 0;
    if (!parse_raw_address(f[0], r.v6, r.net) || !parse_bounded(f[1], r.v6 ? 128 : 32, len) ||
        (r.net & prefix_last(0, unsigned(len), r.v6 ? 128 : 32)) != 0)
      return make_error("bad prefix '" + std::string(f[0]) + "/" + std::string(f[1]) + "'");
    r.len = std::uint8_t(len);
    asn_text = f[2];
  } else {
    return make_error("expected 'prefix/len<TAB>AS' or 'prefix<TAB>len<TAB>AS'");
  }
  if (!parse_origin_asn(trim_space(asn_text), r.asn))
    return make_error("bad origin AS '" + std::string(asn_text) + "'");
  r.kind = netfile::FactKind::kBgp;
  out = std::move(r);
  return true;
}

Result<bool> parse_ip2asn_line(std::string_view line, RangeRouteEntry &out) {
  if (comment_or_blank(line)) return false;
  std::string_view f[6];
  std::size_t n = split_fields(line, '\t', f, 6);
  if (n < 5) return make_error("expected 5 tab-separated fields: first last AS country name");
  RangeRouteEntry r;
  bool v6_last = false;
  if (!parse_raw_address(f[0], r.v6, r.first) || !parse_raw_address(f[1], v6_last, r.last) ||
      r.v6 != v6_last || r.last < r.first)
    return make_error("bad range '" + std::string(f[0]) + "'-'" + std::string(f[1]) + "'");
  if (!parse_origin_asn(f[2], r.asn)) return make_error("bad AS '" + std::string(f[2]) + "'");
  if (r.asn == 0) return false; // "Not routed"
  std::string_view cc = f[3];
  if (cc.size() == 2 && cc != "ZZ" && cc != "None") {
    r.cc[0] = cc[0];
    r.cc[1] = cc[1];
  }
  r.as_name = std::string(f[4].substr(0, 200));
  out = std::move(r);
  return true;
}

} // namespace spamflow
