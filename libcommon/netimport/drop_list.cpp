#include "netimport/drop_list.hpp"

#include <simdjson.h>

#include "netimport/net_input.hpp"

namespace spamflow {

namespace {

bool valid_tag_id(std::string_view id) {
  if (id.empty() || id.size() > 32) return false;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return false;
  return true;
}

} // namespace

void DropListParser::read_comment(std::string_view comment) {
  comment = trim_space(comment);
  if (comment.rfind("Spamhaus ", 0) == 0) {
    if (comment.find("IPv6 DROP") != std::string_view::npos)
      list_ = "dropv6";
    else if (comment.find("EDROP") != std::string_view::npos)
      list_ = "edrop";
    else if (comment.find("ASN-DROP") != std::string_view::npos)
      list_ = "asn-drop";
    else if (comment.find("DROP") != std::string_view::npos)
      list_ = "drop";
  } else if (comment.rfind("Last-Modified:", 0) == 0) {
    date_ = std::string(trim_space(comment.substr(14)).substr(0, 64));
  }
}

Result<DropLine> DropListParser::parse(std::string_view line, DropEntry &prefix, std::uint32_t &asn,
                                       std::string &tag) {
  line = trim_space(line);
  if (line.empty()) return DropLine::kSkipped;
  if (line.front() == ';' || line.front() == '#') {
    read_comment(line.substr(1));
    return DropLine::kSkipped;
  }
  if (line.front() == '{') return parse_json(line, prefix, asn, tag);
  std::size_t semi = line.find(';');
  std::string_view cidr = trim_space(line.substr(0, semi));
  std::string_view id =
      semi == std::string_view::npos ? std::string_view() : trim_space(line.substr(semi + 1));
  DropEntry e;
  if (!parse_raw_prefix(cidr, e.v6, e.net, e.len))
    return make_error("bad network '" + std::string(cidr) + "'");
  if (!id.empty() && !valid_tag_id(id)) return make_error("bad list id '" + std::string(id) + "'");
  e.tag = list_;
  if (!id.empty()) e.tag.append(":").append(id);
  prefix = std::move(e);
  return DropLine::kPrefix;
}

Result<DropLine> DropListParser::parse_json(std::string_view line, DropEntry &prefix,
                                            std::uint32_t &asn, std::string &tag) {
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  if (parser.parse(simdjson::padded_string(line)).get(obj)) return make_error("not a JSON object");
  std::string_view text;
  if (!obj["type"].get(text) && text == "metadata") return DropLine::kSkipped;
  std::uint64_t number = 0;
  if (!obj["asn"].get(number)) {
    if (number == 0 || number > 0xffffffffu) return make_error("bad asn");
    asn = std::uint32_t(number);
    tag = "asn-drop:AS";
    tag.append(std::to_string(number));
    return DropLine::kAsn;
  }
  if (obj["cidr"].get(text)) return make_error("JSON line without \"cidr\" or \"asn\"");
  DropEntry e;
  if (!parse_raw_prefix(text, e.v6, e.net, e.len))
    return make_error("bad network '" + std::string(text) + "'");
  std::string_view id;
  std::string list = e.v6 && list_ == "drop" ? "dropv6" : list_;
  e.tag = list;
  if (!obj["sblid"].get(id)) {
    if (!valid_tag_id(id)) return make_error("bad list id");
    e.tag.append(":").append(id);
  }
  prefix = std::move(e);
  return DropLine::kPrefix;
}

} // namespace spamflow
