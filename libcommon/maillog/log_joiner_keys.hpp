// Internal to logjoin's joiner (log_joiner.cpp, log_joiner_spamd.cpp):
// the keys of the expiring stack and the tests both files share.
#pragma once

#include <charconv>
#include <cmath>
#include <string>
#include <string_view>

#include "base/key_hash.hpp"
#include "wire/mail_record.hpp"

namespace spamflow::joiner {

using std::string_view;

// Keys are host + tag + id; the tag keeps the kinds apart.
inline constexpr char kMessageTag = '\x01', kSessionTag = '\x02', kSpamdTag = '\x03',
                      kWaitingTag = '\x04', kDsnLinkTag = '\x05';

// host + kWaitingTag + score in tenths + '|' + tests: a milter header and
// a spamd check without Message-ID that agree on these are one message.
inline string_view score_key(KeyText &key, string_view host, const SpamdInfo &s) {
  char score[32];
  char *end = std::to_chars(score, score + 24, std::llround(s.score * 10)).ptr;
  *end++ = '|';
  return key.make(host, kWaitingTag, string_view(score, static_cast<std::size_t>(end - score)),
                  s.tests);
}

// A local submission and the MTA's copy of it share a Message-ID; only the
// copy an MTA daemon received from a client went through milter and spamd.
inline bool went_through_milter(const MailRecord &r) {
  return !r.daemon.empty() || r.client.ip;
}

inline bool msgid_added_by_sendmail(const MailRecord &r) {
  return r.msgid.empty() || r.msgid.find(r.qid) != std::string::npos;
}

} // namespace spamflow::joiner
