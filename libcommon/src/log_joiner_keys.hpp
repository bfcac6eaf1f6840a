// Internal to logjoin's joiner (log_joiner.cpp, log_joiner_spamd.cpp):
// the keys of the expiring stack and the tests both files share.
#pragma once

#include <cmath>
#include <string>
#include <string_view>

#include "spamflow/mail_record.hpp"

namespace spamflow::joiner {

using std::string_view;

// Keys are host + tag + id; the tag keeps the kinds apart.
inline constexpr char kMessageTag = '\x01', kSessionTag = '\x02', kSpamdTag = '\x03',
                      kWaitingTag = '\x04', kDsnLinkTag = '\x05';

inline void make_key(std::string &key, string_view host, char tag, string_view id) {
  key.assign(host);
  key += tag;
  key += id;
}

inline std::string pid_text(std::int64_t pid) {
  return std::to_string(pid);
}

// A local submission and the MTA's copy of it share a Message-ID; only the
// copy an MTA daemon received from a client went through milter and spamd.
inline bool went_through_milter(const MailRecord &r) {
  return !r.daemon.empty() || r.client.ip;
}

inline bool msgid_added_by_sendmail(const MailRecord &r) {
  return r.msgid.empty() || r.msgid.find(r.qid) != std::string::npos;
}

inline std::string score_key(string_view host, const SpamdInfo &s) {
  std::string k(host);
  k += kWaitingTag;
  k += std::to_string(std::llround(s.score * 10));
  k += '|';
  k += s.tests;
  return k;
}

} // namespace spamflow::joiner
