// Prefix-to-AS tables.
//   RouteViews pfx2as:  1.0.0.0<TAB>24<TAB>15169     (AS may be "a_b_c" when
//                       several ASes originate it, or an AS set "{a,b}")
//   pyasn ipasn:        1.0.0.0/24<TAB>15169         (';' comment lines)
//   iptoasn ip2asn:     first<TAB>last<TAB>AS<TAB>CC<TAB>AS name (inclusive
//                       range; AS 0 "Not routed" rows are skipped)
// Of several origins the first is kept (the table has one AS per prefix).
#pragma once
#include <string_view>

#include "netimport/net_table_builder.hpp"

namespace spamflow {

// true: `out` is a route; false: a comment or blank line; error: malformed.
Result<bool> parse_pfx2as_line(std::string_view line, RouteEntry &out);
Result<bool> parse_ip2asn_line(std::string_view line, RangeRouteEntry &out);

// The first AS number of "15169", "AS15169", "a_b_c" or "{a,b}".
bool parse_origin_asn(std::string_view text, std::uint32_t &asn);

} // namespace spamflow
