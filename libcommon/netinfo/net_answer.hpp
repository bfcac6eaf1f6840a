// netlookup's answer formats, shared by the CLI and by tests:
//   JSON  {"ip":…,"cidr":…,"range":…,"asn":…,"as_name":…,"cc":…,"rir":…,
//          "status":…,"org_id":…,"drop":[…],"source":…}  (unknown: null)
//         {"ip":…,"error":…}
//   text  ip cidr range asn as_name cc rir status org_id drop source, TAB-
//         separated, "-" for unknown, drop tags comma-separated
//   "net" the JSON object without "ip", added to records
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "netinfo/net_table.hpp"

namespace spamflow {

class JsonWriter;

// Writes the answer fields (not "ip") as members of an open object.
void write_net_fields(JsonWriter &w, const std::optional<NetInfo> &info);
// The "net" object: the fields in braces, or null when nothing is known.
void append_net_object(std::string &out, const std::optional<NetInfo> &info);
void append_json_answer(std::string &out, std::string_view ip, const std::optional<NetInfo> &info);
void append_json_error(std::string &out, std::string_view input, std::string_view error);
void append_text_answer(std::string &out, std::string_view ip, const std::optional<NetInfo> &info);
void append_text_error(std::string &out, std::string_view input, std::string_view error);

} // namespace spamflow
