#include "netimport/rir_stats.hpp"

#include "netimport/net_input.hpp"

namespace spamflow {

netfile::Rir rir_from_name(std::string_view name) {
  if (name == "afrinic") return netfile::Rir::kAfrinic;
  if (name == "apnic") return netfile::Rir::kApnic;
  if (name == "arin") return netfile::Rir::kArin;
  if (name == "iana") return netfile::Rir::kIana;
  if (name == "lacnic") return netfile::Rir::kLacnic;
  if (name == "ripencc" || name == "ripe") return netfile::Rir::kRipencc;
  return netfile::Rir::kNone;
}

namespace {

bool parse_status(std::string_view text, netfile::Status &status) {
  if (text == "allocated")
    status = netfile::Status::kAllocated;
  else if (text == "assigned")
    status = netfile::Status::kAssigned;
  else if (text == "available")
    status = netfile::Status::kAvailable;
  else if (text == "reserved")
    status = netfile::Status::kReserved;
  else
    return false;
  return true;
}

bool parse_date(std::string_view text, std::uint32_t &date) {
  std::uint64_t v = 0;
  if (text.empty() || text == "00000000") {
    date = 0;
    return true;
  }
  if (text.size() != 8 || !parse_bounded(text, 99991231, v)) return false;
  date = std::uint32_t(v);
  return true;
}

bool valid_cc(std::string_view cc) {
  if (cc.empty()) return true;
  return cc.size() == 2 && cc[0] >= 'A' && cc[0] <= 'Z' && cc[1] >= 'A' && cc[1] <= 'Z';
}

// Fills first/last of `out` from the start and value fields.
Result<bool> parse_span(std::string_view type, std::string_view start, std::string_view value,
                        RegistryEntry &out) {
  bool v6 = false;
  uint128 first = 0;
  std::uint64_t n = 0;
  if (!parse_raw_address(start, v6, first) || v6 != (type == "ipv6"))
    return make_error("bad start address '" + std::string(start) + "'");
  if (!v6) {
    if (!parse_bounded(value, 0x100000000ull, n) || n == 0 || first + n - 1 > 0xffffffffu)
      return make_error("bad IPv4 address count '" + std::string(value) + "'");
    out.last = first + n - 1;
  } else {
    if (!parse_bounded(value, 128, n) || (first & prefix_last(0, unsigned(n), 128)) != 0)
      return make_error("bad IPv6 prefix length '" + std::string(value) + "'");
    out.last = prefix_last(first, unsigned(n), 128);
  }
  out.v6 = v6;
  out.first = first;
  return true;
}

} // namespace

Result<RirLine> RirStatsParser::parse(std::string_view line, RegistryEntry &out) {
  if (line.empty() || line.front() == '#') return RirLine::kSkipped;
  std::string_view f[9];
  std::size_t n = split_fields(line, '|', f, 9);
  if (n >= 6 && !f[0].empty() && f[0].front() >= '0' && f[0].front() <= '9') {
    file_date_ = std::string(f[5]); // end date of the data
    return RirLine::kHeader;
  }
  if (n == 6 && f[5] == "summary") return RirLine::kSkipped;
  if (n < 7) return make_error("expected at least 7 '|'-separated fields");
  if (f[2] == "asn") return RirLine::kSkipped;
  if (f[2] != "ipv4" && f[2] != "ipv6")
    return make_error("unknown record type '" + std::string(f[2]) + "'");
  RegistryEntry e;
  e.rir = rir_from_name(f[0]);
  if (e.rir == netfile::Rir::kNone)
    return make_error("unknown registry '" + std::string(f[0]) + "'");
  if (!valid_cc(f[1])) return make_error("bad country code '" + std::string(f[1]) + "'");
  if (!parse_status(f[6], e.status))
    return make_error("unknown status '" + std::string(f[6]) + "'");
  if (!parse_date(f[5], e.date)) return make_error("bad date '" + std::string(f[5]) + "'");
  Result<bool> span = parse_span(f[2], f[3], f[4], e);
  if (!span) return make_error(span.error());
  if (!f[1].empty() && f[1] != "ZZ") {
    e.cc[0] = f[1][0];
    e.cc[1] = f[1][1];
  }
  if (n >= 8) e.org_id = std::string(f[7].substr(0, 64));
  out = std::move(e);
  return RirLine::kRecord;
}

} // namespace spamflow
