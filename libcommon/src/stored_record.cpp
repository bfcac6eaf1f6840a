#include "spamflow/stored_record.hpp"

#include "spamflow/log_time.hpp"

namespace spamflow {

namespace {

using simdjson::dom::element;

// Optional string field: absent or null is fine, another type is an error.
bool get_string(element obj, const char *key, std::string &out) {
  auto field = obj[key];
  if (field.error()) return true;
  if (field.is_null()) return true;
  std::string_view s;
  if (field.get(s)) return false;
  out.assign(s);
  return true;
}

bool get_int(element obj, const char *key, std::int64_t &out) {
  auto field = obj[key];
  if (field.error() || field.is_null()) return true;
  if (field.is_int64()) return !field.get(out);
  double d = 0;
  if (field.get(d)) return false;
  out = static_cast<std::int64_t>(d);
  return true;
}

Result<bool> read_times(element obj, StoredRecord &out) {
  std::string first, last;
  if (!get_string(obj, "first", first) || !get_string(obj, "last", last))
    return make_error("\"first\"/\"last\" is not a string");
  if (first.empty()) return true;
  auto f = parse_rfc3339(first);
  if (!f) return make_error("\"first\": " + f.error());
  out.has_time = true;
  out.first = out.last = f->epoch_s;
  out.utc_offset_s = f->utc_offset_s;
  if (!last.empty()) {
    auto l = parse_rfc3339(last);
    if (!l) return make_error("\"last\": " + l.error());
    out.last = l->epoch_s;
  }
  return true;
}

Result<bool> read_client(element obj, StoredRecord &out) {
  element client;
  if (obj["client"].get(client)) return true;
  std::string ip;
  if (!client.is_object() || !get_string(client, "ip", ip) ||
      !get_string(client, "name", out.client_name))
    return make_error("\"client\" is not an object of strings");
  if (ip.empty()) return true;
  auto addr = IpAddress::parse(ip);
  if (!addr) return make_error("\"client.ip\": " + addr.error());
  // One address, one key: ::ffff:a.b.c.d counts as a.b.c.d.
  out.client = addr->ipv4_mapped().value_or(*addr);
  return true;
}

Result<bool> read_class(element obj, StoredRecord &out) {
  element cls;
  if (obj["class"].get(cls)) return true;
  if (!cls.is_object() || !get_string(cls, "verdict", out.verdict))
    return make_error("\"class\" has no string verdict");
  auto score = cls["score"];
  if (!score.error() && score.get(out.score)) return make_error("\"class.score\" is not a number");
  auto reasons = cls["reasons"];
  if (!reasons.error()) out.reasons_json = simdjson::minify(reasons.value_unsafe());
  return true;
}

Result<bool> read_rcpts(element obj, StoredRecord &out) {
  simdjson::dom::array rcpts;
  auto field = obj["rcpts"];
  if (field.error()) return true;
  if (field.get(rcpts)) return make_error("\"rcpts\" is not an array");
  for (element r : rcpts) {
    StoredRecipient s;
    if (!r.is_object() || !get_string(r, "to", s.to) || !get_string(r, "status", s.status) ||
        !get_string(r, "dsn", s.dsn) || !get_string(r, "mailer", s.mailer))
      return make_error("\"rcpts\" holds a bad recipient");
    out.rcpts.push_back(std::move(s));
  }
  return true;
}

Result<bool> read_net(element obj, StoredRecord &out) {
  element net;
  if (obj["net"].get(net)) return true;
  std::string cidr;
  if (!net.is_object() || !get_string(net, "cidr", cidr))
    return make_error("\"net\" is not an object");
  if (cidr.empty()) return true;
  auto n = IpNetwork::parse(cidr, false);
  if (!n) return make_error("\"net.cidr\": " + n.error());
  out.net = *n;
  return true;
}

} // namespace

Result<bool> read_stored_record(element record, StoredRecord &out) {
  out = StoredRecord{};
  if (!record.is_object()) return make_error("not an object");
  if (!get_string(record, "kind", out.kind) || !get_string(record, "host", out.host) ||
      !get_string(record, "qid", out.qid) || !get_string(record, "from", out.from) ||
      !get_string(record, "msgid", out.msgid))
    return make_error("kind/host/qid/from/msgid is not a string");
  if (!get_int(record, "pid", out.pid) || !get_int(record, "size", out.size) ||
      !get_int(record, "nrcpts", out.nrcpts))
    return make_error("pid/size/nrcpts is not a number");
  for (auto step : {read_times, read_client, read_class, read_rcpts, read_net}) {
    auto r = step(record, out);
    if (!r) return r;
  }
  bool complete = true;
  if (!record["complete"].get(complete)) out.complete = complete;
  auto events = record["events"];
  if (!events.error()) out.events_json = simdjson::minify(events.value_unsafe());
  return true;
}

} // namespace spamflow
