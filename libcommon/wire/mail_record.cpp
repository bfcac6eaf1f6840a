#include "wire/mail_record.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "wire/json_writer.hpp"

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

std::string_view kind_text(RecordKind k) {
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

// The record is written in pieces whose commas and colons are placed here
// (JsonWriter::text and friends): the comma bookkeeping of JsonWriter's
// checked interface cost a third of logjoin's output time. The field order
// is the wire format's (man/spamflow.7); tests hold it to the checked form.

// A timestamp needs no escaping: it is written as text. Records that follow
// each other share their day and offset, so the date and zone texts of the
// last one are kept and only the time of day is formatted.
void write_time(JsonWriter &w, const LogTime &t) {
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
  w.text(std::string_view(text, static_cast<std::size_t>(end - text)));
}

// ,"key":"text" when the text is not empty.
template <std::size_t N>
void optional_string(JsonWriter &w, const char (&key)[N], const std::string &v) {
  if (!v.empty()) w.text(key).string_text(v);
}

void write_client(JsonWriter &w, const ClientInfo &c) {
  w.text(",\"client\":{");
  bool first = true;
  if (c.ip) {
    char ip[64];
    const std::size_t n = c.ip->format_to(ip);
    w.text("\"ip\":\"").text(std::string_view(ip, n)).text("\"");
    first = false;
  } else if (!c.ip_text.empty()) {
    w.text("\"ip_invalid\":").string_text(c.ip_text);
    first = false;
  }
  if (!c.name.empty()) {
    if (!first) w.text(",");
    w.text("\"name\":").string_text(c.name);
    first = false;
  }
  if (c.forged) w.text(first ? "\"forged\":true" : ",\"forged\":true");
  w.text("}");
}

void write_rcpts(JsonWriter &w, const ReuseVector<Recipient> &rcpts) {
  w.text(",\"rcpts\":[");
  for (const Recipient &r : rcpts) {
    if (&r != rcpts.begin()) w.text(",");
    w.text("{\"to\":").string_text(r.to).text(",\"status\":").string_text(r.status);
    optional_string(w, ",\"dsn\":", r.dsn);
    optional_string(w, ",\"mailer\":", r.mailer);
    optional_string(w, ",\"relay\":", r.relay);
    if (r.delay_s >= 0) w.text(",\"delay_s\":").number_text(r.delay_s);
    optional_string(w, ",\"text\":", r.text);
    optional_string(w, ",\"handoff_qid\":", r.handoff_qid);
    w.text("}");
  }
  w.text("]");
}

void write_rejects(JsonWriter &w, const ReuseVector<RejectInfo> &rejects) {
  w.text(",\"rejects\":[");
  for (const RejectInfo &r : rejects) {
    if (&r != rejects.begin()) w.text(",");
    w.text("{\"ruleset\":").string_text(r.ruleset);
    optional_string(w, ",\"arg\":", r.arg);
    optional_string(w, ",\"action\":", r.action);
    if (r.code) w.text(",\"code\":").number_text(std::int64_t{r.code});
    optional_string(w, ",\"dsn\":", r.dsn);
    w.text(",\"text\":").string_text(r.text).text("}");
  }
  w.text("]");
}

// A finite number, or null (as JsonWriter::value writes it).
void number_or_null(JsonWriter &w, double d) {
  if (std::isfinite(d))
    w.number_text(d);
  else
    w.text("null");
}

void write_spamd(JsonWriter &w, const SpamdInfo &s) {
  w.text(",\"spamd\":{");
  if (s.has_score) {
    w.text("\"score\":");
    number_or_null(w, s.score);
    w.text(",\"required\":");
    number_or_null(w, s.required);
    w.text(",");
  }
  w.text(s.spam ? "\"spam\":true,\"tests\":[" : "\"spam\":false,\"tests\":[");
  std::string_view tests = s.tests;
  bool first = true;
  while (!tests.empty()) {
    std::size_t comma = tests.find(',');
    std::string_view t = tests.substr(0, comma);
    if (!t.empty()) {
      if (!first) w.text(",");
      w.string_text(t);
      first = false;
    }
    tests = comma == std::string_view::npos ? std::string_view{} : tests.substr(comma + 1);
  }
  w.text("],\"source\":").string_text(s.source).text("}");
}

// A JSON array of strings after a literal that opens it.
template <std::size_t N>
void string_array(JsonWriter &w, const char (&opening)[N], const std::vector<std::string> &items) {
  w.text(opening);
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) w.text(",");
    w.string_text(items[i]);
  }
  w.text("]");
}

void write_message_fields(JsonWriter &w, const MailRecord &r) {
  if (r.saw_from) {
    w.text(",\"from\":").string_text(r.from);
    if (r.size >= 0) w.text(",\"size\":").number_text(r.size);
    if (r.nrcpts >= 0) w.text(",\"nrcpts\":").number_text(r.nrcpts);
    optional_string(w, ",\"msgid\":", r.msgid);
    optional_string(w, ",\"proto\":", r.proto);
    optional_string(w, ",\"daemon\":", r.daemon);
    optional_string(w, ",\"bodytype\":", r.bodytype);
  }
  if (!r.auth_mech.empty() || !r.auth_id.empty()) {
    w.text(",\"auth\":{\"mech\":").string_text(r.auth_mech);
    w.text(",\"authid\":").string_text(r.auth_id).text("}");
  }
  if (!r.tls_version.empty()) {
    w.text(",\"tls\":{\"version\":").string_text(r.tls_version);
    w.text(",\"cipher\":").string_text(r.tls_cipher);
    w.text(",\"verify\":").string_text(r.tls_verify).text("}");
  }
  if (!r.rcpts.empty()) write_rcpts(w, r.rcpts);
  if (!r.rejects.empty()) write_rejects(w, r.rejects);
  if (!r.events.empty()) string_array(w, ",\"events\":[", r.events);
  if (r.spamd.present) write_spamd(w, r.spamd);
  if (!r.links.empty()) {
    w.text(",\"links\":[");
    for (std::size_t i = 0; i < r.links.size(); ++i) {
      const LinkInfo &l = r.links[i];
      if (i) w.text(",");
      w.text("{\"rel\":").string_text(l.rel).text(",\"qid\":").string_text(l.qid);
      optional_string(w, ",\"host\":", l.host);
      w.text("}");
    }
    w.text("]");
  }
}

} // namespace

void append_record_json(std::string &out, const MailRecord &r) {
  JsonWriter w(out);
  w.text("{\"kind\":\"").text(kind_text(r.kind)).text("\",\"host\":").string_text(r.host);
  optional_string(w, ",\"qid\":", r.qid);
  if (r.pid >= 0) w.text(",\"pid\":").number_text(r.pid);
  if (!r.other_pids.empty()) {
    w.text(",\"pids\":[");
    for (std::size_t i = 0; i < r.other_pids.size(); ++i) {
      if (i) w.text(",");
      w.number_text(r.other_pids[i]);
    }
    w.text("]");
  }
  if (r.has_time) {
    w.text(",\"first\":");
    write_time(w, r.first);
    w.text(",\"last\":");
    write_time(w, r.last);
  }
  if (r.client.present) write_client(w, r.client);
  write_message_fields(w, r);
  w.text(r.complete ? ",\"complete\":true" : ",\"complete\":false");
  if (!r.complete) w.text(",\"incomplete\":").string_text(r.incomplete);
  w.text(",\"lines\":").number_text(static_cast<std::int64_t>(r.lines));
  if (!r.raw.empty()) string_array(w, ",\"raw\":[", r.raw);
  w.text("}");
  w.flush();
}

} // namespace spamflow
