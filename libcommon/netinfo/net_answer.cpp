#include "netinfo/net_answer.hpp"

#include "wire/json_writer.hpp"
#include "wire/wire_keys.hpp"

namespace spamflow {

namespace {

namespace net = wire::net;

void string_or_null(JsonWriter &w, std::string_view key, std::string_view text) {
  w.name(key);
  if (text.empty())
    w.null();
  else
    w.value(text);
}

// One TAB-separated column: control characters (a TAB in an AS name would
// shift every column after it) become spaces, empty becomes "-".
void append_column(std::string &out, std::string_view text) {
  out += '\t';
  if (text.empty()) {
    out += '-';
    return;
  }
  for (char c : text)
    out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
}

} // namespace

void write_net_fields(JsonWriter &w, const std::optional<NetInfo> &info) {
  if (!info) {
    for (std::string_view k :
         {net::kCidr.view(), net::kRange.view(), net::kAsn.view(), net::kAsName.view(),
          net::kCc.view(), net::kRir.view(), net::kStatus.view(), net::kOrgId.view()})
      w.name(k).null();
    w.name(net::kDrop).begin_array().end_array();
    w.name(net::kSource).null();
    return;
  }
  w.field(net::kCidr, info->cidr_text());
  w.field(net::kRange, info->range_text());
  w.name(net::kAsn);
  if (info->asn)
    w.value(std::uint64_t(info->asn));
  else
    w.null();
  string_or_null(w, net::kAsName, info->as_name);
  string_or_null(w, net::kCc, info->cc);
  string_or_null(w, net::kRir, info->rir);
  string_or_null(w, net::kStatus, info->status);
  string_or_null(w, net::kOrgId, info->org_id);
  w.name(net::kDrop).begin_array();
  for (std::string_view tag : info->drop_tags())
    w.value(tag);
  w.end_array();
  string_or_null(w, net::kSource, info->source);
}

void append_net_object(std::string &out, const std::optional<NetInfo> &info) {
  if (!info) {
    out += "null";
    return;
  }
  JsonWriter w(out);
  w.begin_object();
  write_net_fields(w, info);
  w.end_object();
}

void append_json_answer(std::string &out, std::string_view ip, const std::optional<NetInfo> &info) {
  JsonWriter w(out);
  w.begin_object().field(wire::answer::kIp, ip);
  write_net_fields(w, info);
  w.end_object();
  out += '\n';
}

void append_json_error(std::string &out, std::string_view input, std::string_view error) {
  JsonWriter w(out);
  w.begin_object().field(wire::answer::kIp, input.substr(0, 200));
  w.field(wire::answer::kError, error).end_object();
  out += '\n';
}

void append_text_answer(std::string &out, std::string_view ip, const std::optional<NetInfo> &info) {
  out += ip;
  if (!info) {
    for (int i = 0; i < 10; ++i)
      append_column(out, "");
    out += '\n';
    return;
  }
  append_column(out, info->cidr_text());
  append_column(out, info->range_text());
  append_column(out, info->asn ? std::to_string(info->asn) : "");
  append_column(out, info->as_name);
  append_column(out, info->cc);
  append_column(out, info->rir);
  append_column(out, info->status);
  append_column(out, info->org_id);
  append_column(out, info->drop);
  append_column(out, info->source);
  out += '\n';
}

void append_text_error(std::string &out, std::string_view input, std::string_view error) {
  std::string clean;
  for (char c : input.substr(0, 200))
    clean += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
  out += clean;
  out += "\terror: ";
  out += error;
  out += '\n';
}

} // namespace spamflow
