// Sendmail's syslog idents and lines of idents that look like sendmail's.
#include "maillog/mail_programs.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>

#include "maillog/sendmail_line.hpp"

namespace spamflow {

Result<ProgramSet> ProgramSet::parse(std::string_view list) {
  ProgramSet set;
  for (;;) {
    std::size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    bool prefix = !item.empty() && item.back() == '*';
    std::string_view name = prefix ? item.substr(0, item.size() - 1) : item;
    if (name.empty() || name.find_first_of(" \t*[]:") != std::string_view::npos)
      return make_error("bad program name '" + std::string(item) +
                        "' (syslog idents, NAME or NAME*, comma-separated)");
    (prefix ? set.prefixes_ : set.exact_).emplace_back(name);
    if (comma == std::string_view::npos) return set;
    list = list.substr(comma + 1);
  }
}

ProgramSet ProgramSet::defaults() {
  return *parse(kDefault);
}

bool ProgramSet::match_lists(std::string_view program) const {
  for (const std::string &e : exact_)
    if (program == e) return true;
  for (const std::string &p : prefixes_)
    if (program.substr(0, p.size()) == p) return true;
  return false;
}

bool looks_like_sendmail_message(std::string_view message) {
  // Cheap test first: most other daemons' lines do not start with a queue
  // id (8-20 letters and digits) and a colon.
  std::size_t n = 0;
  while (n < message.size() && n <= 20 && std::isalnum(static_cast<unsigned char>(message[n])))
    ++n;
  if (n < 8 || n > 20 || n >= message.size() || message[n] != ':') return false;
  SendmailParse p = parse_sendmail_message(message);
  return p.ok && !p.line.qid.empty() && p.line.kind != SendmailKind::kOther &&
         p.line.kind != SendmailKind::kDaemon;
}

void SendmailLookalikes::note(std::string_view program, std::string_view message) {
  if (!looks_like_sendmail_message(message)) return;
  ++total_;
  for (auto &[name, count] : idents_) {
    if (name == program) {
      ++count;
      return;
    }
  }
  if (idents_.size() < kMaxIdents) idents_.emplace_back(program, 1);
}

std::vector<std::pair<std::string, std::uint64_t>> SendmailLookalikes::by_ident() const {
  auto out = idents_;
  std::stable_sort(out.begin(), out.end(),
                   [](const auto &a, const auto &b) { return a.second > b.second; });
  return out;
}

} // namespace spamflow
