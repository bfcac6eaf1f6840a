// Spamhaus DROP lists, which tag the networks they name.
//   text (DROP, EDROP, DROPv6):  1.10.16.0/20 ; SBL256894   (';' comments;
//                                the header names the list)
//   JSON lines (drop_v4.json, drop_v6.json): {"cidr":"…","sblid":"SBL…",…}
//   ASN-DROP JSON lines:         {"asn":932,"rir":"arin",…,"asname":"XNNET"}
// Tags are "<list>:<id>": drop:SBL256894, edrop:SBL402809,
// dropv6:SBL626637, asn-drop:AS932.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "netimport/net_table_builder.hpp"

namespace spamflow {

enum class DropLine { kPrefix, kAsn, kSkipped };

class DropListParser {
public:
  // The list name used until a header names it ("drop").
  explicit DropListParser(std::string default_list = "drop") : list_(std::move(default_list)) {}

  // kPrefix fills `prefix`; kAsn fills `asn` and `tag`.
  Result<DropLine> parse(std::string_view line, DropEntry &prefix, std::uint32_t &asn,
                         std::string &tag);
  const std::string &list() const { return list_; }
  const std::string &date() const { return date_; } // Last-Modified header

private:
  void read_comment(std::string_view comment);
  Result<DropLine> parse_json(std::string_view line, DropEntry &prefix, std::uint32_t &asn,
                              std::string &tag);

  std::string list_;
  std::string date_;
};

} // namespace spamflow
