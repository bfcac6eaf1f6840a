#include "ban/ban_event.hpp"

#include "base/log_time.hpp"
#include "wire/json_writer.hpp"
#include "wire/wire_keys.hpp"

namespace spamflow {

namespace {

// A time of the event in UTC, RFC 3339 with "+00:00".
std::string utc_time(std::int64_t epoch) {
  std::string out;
  append_rfc3339(out, LogTime{epoch, -1, 0});
  return out;
}

} // namespace

void append_ban_event_json(std::string &out, const BanEvent &e) {
  namespace k = wire::ban;
  JsonWriter w(out);
  w.begin_object().field(k::kKind, "ban");
  w.field(k::kAction, e.action == BanEvent::Action::kAdd ? "add" : "remove");
  w.field(k::kTarget, e.target.to_string());
  if (e.network != e.target) w.field(k::kNetwork, e.network.to_string());
  w.field(k::kReason, e.reason).field(k::kStart, utc_time(e.start));
  w.field(k::kUntil, utc_time(e.until));
  w.field(k::kHits, e.hits).field(k::kOffence, e.offence);
  if (e.manual) w.field(k::kManual, true);
  w.end_object();
}

} // namespace spamflow
