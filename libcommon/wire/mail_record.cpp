#include "wire/mail_record.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "wire/json_writer.hpp"
#include "wire/wire_keys.hpp"

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

using namespace wire; // the key table: record::kKind, rcpt::kDsn, …
using wire::json_piece;

constexpr JsonRaw kTrue{"true"};
constexpr JsonRaw kFalse{"false"};

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

// ,"key":"text" when the text is not empty (key: a json_piece).
template <std::size_t N>
void optional_string(JsonWriter &w, const char (&key)[N], const std::string &v) {
  if (!v.empty()) w.text(key).string_text(v);
}

void write_client(JsonWriter &w, const ClientInfo &c) {
  w.text(json_piece<',', record::kClient, '{'>);
  bool first = true;
  if (c.ip) {
    char ip[64];
    const std::size_t n = c.ip->format_to(ip);
    w.text(json_piece<client::kIp, '"'>).text(std::string_view(ip, n)).text("\"");
    first = false;
  } else if (!c.ip_text.empty()) {
    w.text(json_piece<client::kIpInvalid>).string_text(c.ip_text);
    first = false;
  }
  if (!c.name.empty()) {
    if (!first) w.text(",");
    w.text(json_piece<client::kName>).string_text(c.name);
    first = false;
  }
  if (c.forged)
    w.text(first ? json_piece<client::kForged, kTrue> : json_piece<',', client::kForged, kTrue>);
  w.text("}");
}

void write_rcpts(JsonWriter &w, const ReuseVector<Recipient> &rcpts) {
  w.text(json_piece<',', record::kRcpts, '['>);
  for (const Recipient &r : rcpts) {
    if (&r != rcpts.begin()) w.text(",");
    w.text(json_piece<'{', rcpt::kTo>).string_text(r.to);
    w.text(json_piece<',', rcpt::kStatus>).string_text(r.status);
    optional_string(w, json_piece<',', rcpt::kDsn>, r.dsn);
    optional_string(w, json_piece<',', rcpt::kMailer>, r.mailer);
    optional_string(w, json_piece<',', rcpt::kRelay>, r.relay);
    if (r.delay_s >= 0) w.text(json_piece<',', rcpt::kDelayS>).number_text(r.delay_s);
    optional_string(w, json_piece<',', rcpt::kText>, r.text);
    optional_string(w, json_piece<',', rcpt::kHandoffQid>, r.handoff_qid);
    w.text("}");
  }
  w.text("]");
}

void write_rejects(JsonWriter &w, const ReuseVector<RejectInfo> &rejects) {
  w.text(json_piece<',', record::kRejects, '['>);
  for (const RejectInfo &r : rejects) {
    if (&r != rejects.begin()) w.text(",");
    w.text(json_piece<'{', reject::kRuleset>).string_text(r.ruleset);
    optional_string(w, json_piece<',', reject::kArg>, r.arg);
    optional_string(w, json_piece<',', reject::kAction>, r.action);
    if (r.code) w.text(json_piece<',', reject::kCode>).number_text(std::int64_t{r.code});
    optional_string(w, json_piece<',', reject::kDsn>, r.dsn);
    w.text(json_piece<',', reject::kText>).string_text(r.text).text("}");
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
  w.text(json_piece<',', record::kSpamd, '{'>);
  if (s.has_score) {
    w.text(json_piece<spamd::kScore>);
    number_or_null(w, s.score);
    w.text(json_piece<',', spamd::kRequired>);
    number_or_null(w, s.required);
    w.text(",");
  }
  w.text(s.spam ? json_piece<spamd::kSpam, kTrue, ',', spamd::kTests, '['>
                : json_piece<spamd::kSpam, kFalse, ',', spamd::kTests, '['>);
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
  w.text(json_piece<']', ',', spamd::kSource>).string_text(s.source).text("}");
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
    w.text(json_piece<',', record::kFrom>).string_text(r.from);
    if (r.size >= 0) w.text(json_piece<',', record::kSize>).number_text(r.size);
    if (r.nrcpts >= 0) w.text(json_piece<',', record::kNrcpts>).number_text(r.nrcpts);
    optional_string(w, json_piece<',', record::kMsgid>, r.msgid);
    optional_string(w, json_piece<',', record::kProto>, r.proto);
    optional_string(w, json_piece<',', record::kDaemon>, r.daemon);
    optional_string(w, json_piece<',', record::kBodytype>, r.bodytype);
  }
  if (!r.auth_mech.empty() || !r.auth_id.empty()) {
    w.text(json_piece<',', record::kAuth, '{', auth::kMech>).string_text(r.auth_mech);
    w.text(json_piece<',', auth::kAuthid>).string_text(r.auth_id).text("}");
  }
  if (!r.tls_version.empty()) {
    w.text(json_piece<',', record::kTls, '{', tls::kVersion>).string_text(r.tls_version);
    w.text(json_piece<',', tls::kCipher>).string_text(r.tls_cipher);
    w.text(json_piece<',', tls::kVerify>).string_text(r.tls_verify).text("}");
  }
  if (!r.rcpts.empty()) write_rcpts(w, r.rcpts);
  if (!r.rejects.empty()) write_rejects(w, r.rejects);
  if (!r.events.empty()) string_array(w, json_piece<',', record::kEvents, '['>, r.events);
  if (r.spamd.present) write_spamd(w, r.spamd);
  if (!r.links.empty()) {
    w.text(json_piece<',', record::kLinks, '['>);
    for (std::size_t i = 0; i < r.links.size(); ++i) {
      const LinkInfo &l = r.links[i];
      if (i) w.text(",");
      w.text(json_piece<'{', link::kRel>).string_text(l.rel);
      w.text(json_piece<',', link::kQid>).string_text(l.qid);
      optional_string(w, json_piece<',', link::kHost>, l.host);
      w.text("}");
    }
    w.text("]");
  }
}

} // namespace

void append_record_json(std::string &out, const MailRecord &r) {
  JsonWriter w(out);
  w.text(json_piece<'{', record::kKind, '"'>).text(kind_text(r.kind));
  w.text(json_piece<'"', ',', record::kHost>).string_text(r.host);
  optional_string(w, json_piece<',', record::kQid>, r.qid);
  if (r.pid >= 0) w.text(json_piece<',', record::kPid>).number_text(r.pid);
  if (!r.other_pids.empty()) {
    w.text(json_piece<',', record::kPids, '['>);
    for (std::size_t i = 0; i < r.other_pids.size(); ++i) {
      if (i) w.text(",");
      w.number_text(r.other_pids[i]);
    }
    w.text("]");
  }
  if (r.has_time) {
    w.text(json_piece<',', record::kFirst>);
    write_time(w, r.first);
    w.text(json_piece<',', record::kLast>);
    write_time(w, r.last);
  }
  if (r.client.present) write_client(w, r.client);
  write_message_fields(w, r);
  w.text(r.complete ? json_piece<',', record::kComplete, kTrue>
                    : json_piece<',', record::kComplete, kFalse>);
  if (!r.complete) w.text(json_piece<',', record::kIncomplete>).string_text(r.incomplete);
  w.text(json_piece<',', record::kLines>).number_text(static_cast<std::int64_t>(r.lines));
  if (!r.raw.empty()) string_array(w, json_piece<',', record::kRaw, '['>, r.raw);
  w.text("}");
  w.flush();
}

} // namespace spamflow
