// Every key of the wire format (man/spamflow.7), defined once: the JSON
// lines between the tools. Writers and readers name a key by its constant
// (wire::rcpt::kDsn), never by spelling it, so a key cannot drift between
// the tool that writes it and the one that reads it, and kWireKeys lists
// them all for the test that holds the table to what the tools emit and to
// the manual page (tests/cli/wire_keys.sh).
//
// A key is a WireKey: its text in a char array fixed at compile time, so a
// writer on a hot path builds its literal pieces (,"dsn": …) at compile
// time with json_piece and copies the same bytes of the same length it
// would copy from a string literal.
#pragma once
#include <cstddef>
#include <string_view>

namespace spamflow {

// A key's text, usable as a template argument (json_piece) and as a
// std::string_view (readers).
template <std::size_t N> struct WireKey {
  char text[N]; // NUL-terminated
  consteval WireKey(const char (&s)[N]) : text{} {
    for (std::size_t i = 0; i < N; ++i)
      text[i] = s[i];
  }
  constexpr std::string_view view() const { return {text, N - 1}; }
  constexpr operator std::string_view() const { return view(); }
};

// The table: object, constant, key. The object is the namespace of the
// constant (wire::record::kKind); `class_` is the "class" object.
// clang-format off
#define SPAMFLOW_WIRE_KEYS(X)                                                  \
  /* logjoin's record, top level (message, session, spamd) */                  \
  X(record, kKind, "kind")             X(record, kHost, "host")                \
  X(record, kQid, "qid")               X(record, kPid, "pid")                  \
  X(record, kPids, "pids")             X(record, kFirst, "first")              \
  X(record, kLast, "last")             X(record, kClient, "client")            \
  X(record, kFrom, "from")             X(record, kSize, "size")                \
  X(record, kNrcpts, "nrcpts")         X(record, kMsgid, "msgid")              \
  X(record, kProto, "proto")           X(record, kDaemon, "daemon")            \
  X(record, kBodytype, "bodytype")     X(record, kAuth, "auth")                \
  X(record, kTls, "tls")               X(record, kRcpts, "rcpts")              \
  X(record, kRejects, "rejects")       X(record, kEvents, "events")            \
  X(record, kSpamd, "spamd")           X(record, kLinks, "links")              \
  X(record, kComplete, "complete")     X(record, kIncomplete, "incomplete")    \
  X(record, kLines, "lines")           X(record, kRaw, "raw")                  \
  /* added by spamclass and netlookup */                                       \
  X(record, kClass, "class")           X(record, kNet, "net")                  \
  /* record.client */                                                          \
  X(client, kIp, "ip")                 X(client, kIpInvalid, "ip_invalid")     \
  X(client, kName, "name")             X(client, kForged, "forged")            \
  /* record.auth, record.tls */                                                \
  X(auth, kMech, "mech")               X(auth, kAuthid, "authid")              \
  X(tls, kVersion, "version")          X(tls, kCipher, "cipher")               \
  X(tls, kVerify, "verify")                                                    \
  /* an item of record.rcpts */                                                \
  X(rcpt, kTo, "to")                   X(rcpt, kStatus, "status")              \
  X(rcpt, kDsn, "dsn")                 X(rcpt, kMailer, "mailer")              \
  X(rcpt, kRelay, "relay")             X(rcpt, kDelayS, "delay_s")             \
  X(rcpt, kText, "text")               X(rcpt, kHandoffQid, "handoff_qid")     \
  /* an item of record.rejects */                                              \
  X(reject, kRuleset, "ruleset")       X(reject, kArg, "arg")                  \
  X(reject, kAction, "action")         X(reject, kCode, "code")                \
  X(reject, kDsn, "dsn")               X(reject, kText, "text")                \
  /* record.spamd */                                                           \
  X(spamd, kScore, "score")            X(spamd, kRequired, "required")         \
  X(spamd, kSpam, "spam")              X(spamd, kTests, "tests")               \
  X(spamd, kSource, "source")                                                  \
  /* an item of record.links */                                                \
  X(link, kRel, "rel")                 X(link, kQid, "qid")                    \
  X(link, kHost, "host")                                                       \
  /* record.class (spamclass) */                                               \
  X(class_, kVerdict, "verdict")       X(class_, kScore, "score")              \
  X(class_, kReasons, "reasons")                                               \
  /* record.net (netlookup), also in netlookup --json answers */               \
  X(net, kCidr, "cidr")                X(net, kRange, "range")                 \
  X(net, kAsn, "asn")                  X(net, kAsName, "as_name")              \
  X(net, kCc, "cc")                    X(net, kRir, "rir")                     \
  X(net, kStatus, "status")            X(net, kOrgId, "org_id")                \
  X(net, kDrop, "drop")                X(net, kSource, "source")               \
  /* a netlookup --json answer: these and the net keys */                      \
  X(answer, kIp, "ip")                 X(answer, kError, "error")              \
  /* banwrite's ban event */                                                   \
  X(ban, kKind, "kind")                X(ban, kAction, "action")               \
  X(ban, kTarget, "target")            X(ban, kNetwork, "network")             \
  X(ban, kReason, "reason")            X(ban, kStart, "start")                 \
  X(ban, kUntil, "until")              X(ban, kHits, "hits")                   \
  X(ban, kOffence, "offence")          X(ban, kManual, "manual")               \
  /* spamflag's flag event */                                                  \
  X(flag, kKind, "kind")               X(flag, kStatus, "status")              \
  X(flag, kQid, "qid")                 X(flag, kHost, "host")                  \
  X(flag, kClientIp, "client_ip")      X(flag, kMatchedBy, "matched_by")       \
  X(flag, kUser, "user")               X(flag, kTime, "time")                  \
  X(flag, kHow, "how")                 X(flag, kMsgid, "msgid")                \
  X(flag, kReason, "reason")           X(flag, kFlag, "flag")
// clang-format on

namespace wire {

#define SPAMFLOW_WIRE_KEY_CONSTANT(object, constant, key)                                          \
  namespace object {                                                                               \
  inline constexpr WireKey constant{key};                                                          \
  }
SPAMFLOW_WIRE_KEYS(SPAMFLOW_WIRE_KEY_CONSTANT)
#undef SPAMFLOW_WIRE_KEY_CONSTANT

// The object's name as man/spamflow.7 has it: the namespace without the
// underscore that keeps `class_` from being a keyword.
constexpr std::string_view object_name(std::string_view ns) {
  return ns.ends_with('_') ? ns.substr(0, ns.size() - 1) : ns;
}

struct KeyEntry {
  std::string_view object, key;
};

// Every key of the table, in its order.
inline constexpr KeyEntry kWireKeys[] = {
#define SPAMFLOW_WIRE_KEY_ENTRY(object, constant, key) {object_name(#object), object::constant},
    SPAMFLOW_WIRE_KEYS(SPAMFLOW_WIRE_KEY_ENTRY)
#undef SPAMFLOW_WIRE_KEY_ENTRY
};

// A verbatim piece of JSON text for json_piece ("true", "[").
template <std::size_t N> struct JsonRaw {
  char text[N]; // NUL-terminated
  consteval JsonRaw(const char (&s)[N]) : text{} {
    for (std::size_t i = 0; i < N; ++i)
      text[i] = s[i];
  }
};

namespace detail {

constexpr std::size_t piece_size(char) {
  return 1;
}
template <std::size_t N> constexpr std::size_t piece_size(const WireKey<N> &) {
  return N - 1 + 3; // "key":
}
template <std::size_t N> constexpr std::size_t piece_size(const JsonRaw<N> &) {
  return N - 1;
}

constexpr char *put_piece(char *p, char c) {
  *p = c;
  return p + 1;
}
template <std::size_t N> constexpr char *put_piece(char *p, const WireKey<N> &k) {
  *p++ = '"';
  for (std::size_t i = 0; i + 1 < N; ++i)
    *p++ = k.text[i];
  *p++ = '"';
  *p++ = ':';
  return p;
}
template <std::size_t N> constexpr char *put_piece(char *p, const JsonRaw<N> &r) {
  for (std::size_t i = 0; i + 1 < N; ++i)
    *p++ = r.text[i];
  return p;
}

template <std::size_t N> struct PieceText { char text[N]; };

template <auto... Pieces> consteval auto build_piece() {
  PieceText<(piece_size(Pieces) + ... + 1)> out{};
  char *p = out.text;
  ((p = put_piece(p, Pieces)), ...);
  *p = '\0';
  return out;
}

template <auto... Pieces> inline constexpr auto kPiece = build_piece<Pieces...>();

} // namespace detail

// A string literal, made at compile time, of pieces: a char as itself, a
// key as "key": and a JsonRaw as its text. json_piece<',', rcpt::kDsn> is
// the literal ",\"dsn\":", a const char[8] for JsonWriter::text.
template <auto... Pieces> inline constexpr const auto &json_piece = detail::kPiece<Pieces...>.text;

// The same piece as a std::string_view, for appending to a std::string:
// `out += json_piece<…>` would measure the array with strlen at run time.
template <auto... Pieces>
inline constexpr std::string_view json_piece_view{json_piece<Pieces...>,
                                                  sizeof(json_piece<Pieces...>) - 1};

} // namespace wire
} // namespace spamflow
