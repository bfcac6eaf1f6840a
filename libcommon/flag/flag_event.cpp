#include "flag/flag_event.hpp"

#include <ctime>

#include "wire/json_writer.hpp"
#include "wire/wire_keys.hpp"

namespace spamflow {

namespace {

std::string rfc3339_utc(std::int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
  return buf;
}

} // namespace

std::string flag_event_json(const FlagReport &r) {
  namespace k = wire::flag;
  std::string line;
  JsonWriter w(line);
  auto text_or_null = [&w](std::string_view key, const std::string &v) {
    w.name(key);
    if (v.empty())
      w.null();
    else
      w.value(v);
  };
  w.begin_object().field(k::kKind, "flag").field(k::kStatus, describe(r.status));
  text_or_null(k::kQid, r.qid);
  text_or_null(k::kHost, r.host);
  text_or_null(k::kClientIp, r.client ? r.client->to_string() : std::string());
  text_or_null(k::kMatchedBy, r.matched_by);
  w.field(k::kUser, r.user).field(k::kTime, rfc3339_utc(r.time)).field(k::kHow, r.how);
  text_or_null(k::kMsgid, r.msgid);
  if (r.status == FlagReport::Status::kUnmatched) w.field(k::kReason, r.reason);
  w.field(k::kFlag, r.status != FlagReport::Status::kUnmatched).end_object();
  line += '\n';
  return line;
}

} // namespace spamflow
