#include "wire/stored_record.hpp"

#include <array>

#include "base/log_time.hpp"
#include "wire/json_fields.hpp"
#include "wire/json_writer.hpp"
#include "wire/wire_keys.hpp"

namespace spamflow {

namespace {

using simdjson::dom::element;

// The top-level fields read, each found in one pass over the record (a
// lookup per field walked the object each time: 15 walks a record).
enum Field : std::size_t {
  kKind,
  kHost,
  kQid,
  kFrom,
  kMsgid,
  kPid,
  kSize,
  kNrcpts,
  kFirst,
  kLast,
  kClient,
  kClass,
  kRcpts,
  kNet,
  kComplete,
  kEvents,
  kFieldCount
};
namespace rk = wire::record;
constexpr std::string_view kFieldNames[kFieldCount] = {
    rk::kKind,  rk::kHost,   rk::kQid,      rk::kFrom,  rk::kMsgid,  rk::kPid,
    rk::kSize,  rk::kNrcpts, rk::kFirst,    rk::kLast,  rk::kClient, rk::kClass,
    rk::kRcpts, rk::kNet,    rk::kComplete, rk::kEvents};

struct Fields : JsonFields<kFieldCount> {
  explicit Fields(simdjson::dom::object obj) : JsonFields(obj, kFieldNames) {}
  // Present and not null.
  bool has(Field f) const { return present[f] && !value[f].is_null(); }
};

// Optional string field: absent or null is fine, another type is an error.
bool get_string(const Fields &in, Field f, std::string &out) {
  if (!in.has(f)) return true;
  std::string_view s;
  if (in.value[f].get(s)) return false;
  out.assign(s);
  return true;
}

bool get_string(element obj, std::string_view key, std::string &out) {
  auto field = obj[key];
  if (field.error()) return true;
  if (field.is_null()) return true;
  std::string_view s;
  if (field.get(s)) return false;
  out.assign(s);
  return true;
}

bool get_int(const Fields &in, Field f, std::int64_t &out) {
  if (!in.has(f)) return true;
  element v = in.value[f];
  if (v.is_int64()) return !v.get(out);
  double d = 0;
  if (v.get(d)) return false;
  out = static_cast<std::int64_t>(d);
  return true;
}

// Compact JSON text of an element into out (its buffer reused). Reasons
// and events are arrays of strings, written directly: simdjson::minify's
// formatter and fresh string cost twice as much.
void compact_json(element e, std::string &out) {
  out.clear();
  simdjson::dom::array items;
  if (e.get(items)) {
    out = simdjson::minify(e);
    return;
  }
  out += '[';
  for (element item : items) {
    std::string_view text;
    if (item.get(text)) {
      out = simdjson::minify(e);
      return;
    }
    if (out.size() > 1) out += ',';
    append_json_string(out, text);
  }
  out += ']';
}

Result<bool> read_times(const Fields &in, StoredRecord &out) {
  std::string &first = out.scratch_first, &last = out.scratch_last;
  first.clear();
  last.clear();
  if (!get_string(in, kFirst, first) || !get_string(in, kLast, last))
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

Result<bool> read_client(const Fields &in, StoredRecord &out) {
  if (!in.present[kClient]) return true;
  element client = in.value[kClient];
  std::string &ip = out.scratch_first;
  ip.clear();
  if (!client.is_object() || !get_string(client, wire::client::kIp, ip) ||
      !get_string(client, wire::client::kName, out.client_name))
    return make_error("\"client\" is not an object of strings");
  if (ip.empty()) return true;
  auto addr = IpAddress::parse(ip);
  if (!addr) return make_error("\"client.ip\": " + addr.error());
  // One address, one key: ::ffff:a.b.c.d counts as a.b.c.d.
  out.client = addr->ipv4_mapped().value_or(*addr);
  return true;
}

Result<bool> read_class(const Fields &in, StoredRecord &out) {
  if (!in.present[kClass]) return true;
  element cls = in.value[kClass];
  if (!cls.is_object() || !get_string(cls, wire::class_::kVerdict, out.verdict))
    return make_error("\"class\" has no string verdict");
  auto score = cls[wire::class_::kScore];
  if (!score.error() && score.get(out.score)) return make_error("\"class.score\" is not a number");
  auto reasons = cls[wire::class_::kReasons];
  if (!reasons.error()) compact_json(reasons.value_unsafe(), out.reasons_json);
  return true;
}

Result<bool> read_rcpts(const Fields &in, StoredRecord &out) {
  if (!in.present[kRcpts]) return true;
  simdjson::dom::array rcpts;
  if (in.value[kRcpts].get(rcpts)) return make_error("\"rcpts\" is not an array");
  for (element r : rcpts) {
    StoredRecipient s;
    if (!r.is_object() || !get_string(r, wire::rcpt::kTo, s.to) ||
        !get_string(r, wire::rcpt::kStatus, s.status) || !get_string(r, wire::rcpt::kDsn, s.dsn) ||
        !get_string(r, wire::rcpt::kMailer, s.mailer))
      return make_error("\"rcpts\" holds a bad recipient");
    out.rcpts.push_back(std::move(s));
  }
  return true;
}

Result<bool> read_net(const Fields &in, StoredRecord &out) {
  if (!in.present[kNet]) return true;
  element net = in.value[kNet];
  // netlookup's answer for an address its table does not know
  // (spamflow.7): no network here; banwrite may still find one itself.
  if (net.is_null()) return true;
  std::string &cidr = out.scratch_first;
  cidr.clear();
  if (!net.is_object() || !get_string(net, wire::net::kCidr, cidr))
    return make_error("\"net\" is not an object");
  if (cidr.empty()) return true;
  auto n = IpNetwork::parse(cidr, false);
  if (!n) return make_error("\"net.cidr\": " + n.error());
  out.net = *n;
  return true;
}

// Empties every field, keeping the strings' buffers for the next record.
void clear_record(StoredRecord &r) {
  for (std::string *s : {&r.kind, &r.host, &r.qid, &r.client_name, &r.from, &r.msgid, &r.verdict,
                         &r.reasons_json, &r.events_json})
    s->clear();
  r.pid = r.size = r.nrcpts = -1;
  r.has_time = false;
  r.first = r.last = 0;
  r.utc_offset_s = 0;
  r.client.reset();
  r.score = 0;
  r.net.reset();
  r.complete = true;
  r.rcpts.clear();
}

} // namespace

Result<bool> read_stored_record(element record, StoredRecord &out) {
  clear_record(out);
  simdjson::dom::object obj;
  if (record.get(obj)) return make_error("not an object");
  Fields in(obj);
  if (!get_string(in, kKind, out.kind) || !get_string(in, kHost, out.host) ||
      !get_string(in, kQid, out.qid) || !get_string(in, kFrom, out.from) ||
      !get_string(in, kMsgid, out.msgid))
    return make_error("kind/host/qid/from/msgid is not a string");
  if (!get_int(in, kPid, out.pid) || !get_int(in, kSize, out.size) ||
      !get_int(in, kNrcpts, out.nrcpts))
    return make_error("pid/size/nrcpts is not a number");
  for (auto step : {read_times, read_client, read_class, read_rcpts, read_net}) {
    auto r = step(in, out);
    if (!r) return r;
  }
  bool complete = true;
  if (in.present[kComplete] && !in.value[kComplete].get(complete)) out.complete = complete;
  if (in.present[kEvents]) compact_json(in.value[kEvents], out.events_json);
  return true;
}

} // namespace spamflow
