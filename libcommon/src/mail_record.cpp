#include "spamflow/mail_record.hpp"

#include <algorithm>
#include <cstring>

#include "spamflow/json_writer.hpp"

namespace spamflow {

void MailRecord::reset() {
  kind = RecordKind::kMessage;
  for (std::string *text : {&host, &qid, &from, &msgid, &proto, &daemon, &bodytype, &auth_mech,
                            &auth_id, &tls_version, &tls_cipher, &tls_verify, &incomplete,
                            &client.name, &client.ip_text, &spamd.tests, &spamd.source})
    text->clear();
  pid = -1;
  other_pids.clear();
  first = last = LogTime{};
  has_time = false;
  client.ip.reset();
  client.forged = client.present = false;
  saw_from = false;
  size = nrcpts = -1;
  rcpts.clear();
  rejects.clear();
  events.clear();
  spamd.present = spamd.spam = spamd.has_score = false;
  spamd.score = spamd.required = 0;
  links.clear();
  complete = false;
  lines = 0;
  raw.clear();
}

void MailRecord::add_event(std::string_view name) {
  if (!has_event(name)) events.emplace_back(name);
}

bool MailRecord::has_event(std::string_view name) const {
  return std::find(events.begin(), events.end(), name) != events.end();
}

namespace {

const char *kind_text(RecordKind k) {
  switch (k) {
  case RecordKind::kMessage:
    return "message";
  case RecordKind::kSession:
    return "session";
  case RecordKind::kSpamd:
    return "spamd";
  }
  return "message";
}

// A timestamp needs no escaping: it is written as a raw value. Records
// that follow each other share their day and offset, so the date and zone
// texts of the last one are kept and only the time of day is formatted.
template <std::size_t N> void write_time(JsonWriter &w, const char (&key)[N], const LogTime &t) {
  struct DayText {
    std::int64_t day = INT64_MIN;
    std::int32_t offset_s = 0;
    char date[11]; // "2026-09-07T"
    char zone[6];  // "+00:00"
  };
  thread_local DayText cached;
  char text[kRfc3339Max + 2];
  text[0] = '"';
  char *end;
  const std::int64_t local = t.epoch_s + t.utc_offset_s;
  const std::int64_t day = local / 86400 - (local % 86400 < 0);
  if (t.usec >= 0) { // fractions (ISO logs): the general formatter
    end = format_rfc3339(text + 1, t);
  } else {
    if (day != cached.day || t.utc_offset_s != cached.offset_s) {
      char full[kRfc3339Max];
      const char *full_end = format_rfc3339(full, t);
      std::memcpy(cached.date, full, sizeof cached.date);
      std::memcpy(cached.zone, full_end - sizeof cached.zone, sizeof cached.zone);
      cached.day = day;
      cached.offset_s = t.utc_offset_s;
    }
    const int sod = static_cast<int>(local - day * 86400);
    char *p = text + 1;
    std::memcpy(p, cached.date, sizeof cached.date);
    p += sizeof cached.date;
    const int fields[3] = {sod / 3600, sod / 60 % 60, sod % 60};
    for (int i = 0; i < 3; ++i) {
      p[0] = static_cast<char>('0' + fields[i] / 10);
      p[1] = static_cast<char>('0' + fields[i] % 10);
      p[2] = ':';
      p += 3;
    }
    --p; // no colon after the seconds
    std::memcpy(p, cached.zone, sizeof cached.zone);
    end = p + sizeof cached.zone;
  }
  *end++ = '"';
  w.name(key).raw(std::string_view(text, static_cast<std::size_t>(end - text)));
}

void write_client(JsonWriter &w, const ClientInfo &c) {
  w.name("client").begin_object();
  if (c.ip) {
    std::string ip;
    c.ip->append_to(ip);
    w.field("ip", ip);
  } else if (!c.ip_text.empty()) {
    w.field("ip_invalid", c.ip_text);
  }
  if (!c.name.empty()) w.field("name", c.name);
  if (c.forged) w.field("forged", true);
  w.end_object();
}

void write_rcpts(JsonWriter &w, const ReuseVector<Recipient> &rcpts) {
  w.name("rcpts").begin_array();
  for (const Recipient &r : rcpts) {
    w.begin_object().field("to", r.to).field("status", r.status);
    if (!r.dsn.empty()) w.field("dsn", r.dsn);
    if (!r.mailer.empty()) w.field("mailer", r.mailer);
    if (!r.relay.empty()) w.field("relay", r.relay);
    if (r.delay_s >= 0) w.field("delay_s", r.delay_s);
    if (!r.text.empty()) w.field("text", r.text);
    if (!r.handoff_qid.empty()) w.field("handoff_qid", r.handoff_qid);
    w.end_object();
  }
  w.end_array();
}

void write_rejects(JsonWriter &w, const ReuseVector<RejectInfo> &rejects) {
  w.name("rejects").begin_array();
  for (const RejectInfo &r : rejects) {
    w.begin_object().field("ruleset", r.ruleset);
    if (!r.arg.empty()) w.field("arg", r.arg);
    if (!r.action.empty()) w.field("action", r.action);
    if (r.code) w.field("code", r.code);
    if (!r.dsn.empty()) w.field("dsn", r.dsn);
    w.field("text", r.text).end_object();
  }
  w.end_array();
}

void write_spamd(JsonWriter &w, const SpamdInfo &s) {
  w.name("spamd").begin_object();
  if (s.has_score) w.field("score", s.score).field("required", s.required);
  w.field("spam", s.spam);
  w.name("tests").begin_array();
  std::string_view tests = s.tests;
  while (!tests.empty()) {
    std::size_t comma = tests.find(',');
    std::string_view t = tests.substr(0, comma);
    if (!t.empty()) w.value(t);
    tests = comma == std::string_view::npos ? std::string_view{} : tests.substr(comma + 1);
  }
  w.end_array().field("source", s.source).end_object();
}

void write_message_fields(JsonWriter &w, const MailRecord &r) {
  if (r.saw_from) {
    w.field("from", r.from);
    if (r.size >= 0) w.field("size", r.size);
    if (r.nrcpts >= 0) w.field("nrcpts", r.nrcpts);
    if (!r.msgid.empty()) w.field("msgid", r.msgid);
    if (!r.proto.empty()) w.field("proto", r.proto);
    if (!r.daemon.empty()) w.field("daemon", r.daemon);
    if (!r.bodytype.empty()) w.field("bodytype", r.bodytype);
  }
  if (!r.auth_mech.empty() || !r.auth_id.empty())
    w.name("auth")
        .begin_object()
        .field("mech", r.auth_mech)
        .field("authid", r.auth_id)
        .end_object();
  if (!r.tls_version.empty())
    w.name("tls")
        .begin_object()
        .field("version", r.tls_version)
        .field("cipher", r.tls_cipher)
        .field("verify", r.tls_verify)
        .end_object();
  if (!r.rcpts.empty()) write_rcpts(w, r.rcpts);
  if (!r.rejects.empty()) write_rejects(w, r.rejects);
  if (!r.events.empty()) {
    w.name("events").begin_array();
    for (const auto &e : r.events)
      w.value(e);
    w.end_array();
  }
  if (r.spamd.present) write_spamd(w, r.spamd);
  if (!r.links.empty()) {
    w.name("links").begin_array();
    for (const auto &l : r.links) {
      w.begin_object().field("rel", l.rel).field("qid", l.qid);
      if (!l.host.empty()) w.field("host", l.host);
      w.end_object();
    }
    w.end_array();
  }
}

} // namespace

void append_record_json(std::string &out, const MailRecord &r) {
  JsonWriter w(out);
  w.begin_object().field("kind", kind_text(r.kind)).field("host", r.host);
  if (!r.qid.empty()) w.field("qid", r.qid);
  if (r.pid >= 0) w.field("pid", r.pid);
  if (!r.other_pids.empty()) {
    w.name("pids").begin_array();
    for (auto p : r.other_pids)
      w.value(p);
    w.end_array();
  }
  if (r.has_time) {
    write_time(w, "first", r.first);
    write_time(w, "last", r.last);
  }
  if (r.client.present) write_client(w, r.client);
  write_message_fields(w, r);
  w.field("complete", r.complete);
  if (!r.complete) w.field("incomplete", r.incomplete);
  w.field("lines", static_cast<std::int64_t>(r.lines));
  if (!r.raw.empty()) {
    w.name("raw").begin_array();
    for (const auto &line : r.raw)
      w.value(line);
    w.end_array();
  }
  w.end_object();
}

} // namespace spamflow
