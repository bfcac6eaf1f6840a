// spamd (SpamAssassin) log lines, as spamd 3.x/4.x writes them.
#include <charconv>

#include "base/text_scan.hpp"
#include "maillog/sendmail_line.hpp"

namespace spamflow {

namespace {
using std::string_view;

bool parse_double(string_view s, double &out) {
  auto [p, ec] = parse_double_prefix(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

// "(1.2/5.0)" -> score, required
void parse_score_pair(string_view text, SpamdLine &l) {
  std::size_t open = text.find('(');
  std::size_t slash = text.find('/', open);
  std::size_t close = text.find(')', slash);
  if (open == string_view::npos || slash == string_view::npos || close == string_view::npos) return;
  l.has_score = parse_double(text.substr(open + 1, slash - open - 1), l.score) &&
                parse_double(text.substr(slash + 1, close - slash - 1), l.required);
}

// Where spamd's own mid= starts in the list: the first "mid=" at the
// list's start or after a comma (what comes before it is spamd's: scantime,
// size, user, uid, required_score, rhost, raddr, rport).
std::size_t mid_position(string_view kv) {
  std::size_t at = kv.find("mid=");
  while (at != string_view::npos && at > 0 && kv[at - 1] != ',')
    at = kv.find("mid=", at + 1);
  return at;
}

// mid= as spamd logs it: "<…>" (a Message-ID may hold commas, spaces and
// "key=" text: it ends at the first '>' that ends the list item), or a
// bare word such as "(unknown)". Keys after it (bayes=, shortcircuit=,
// autolearn=, autolearn_force=) vary with the SpamAssassin version.
string_view mid_value(string_view v) {
  if (v.empty() || v[0] != '<') return v.substr(0, v.find_first_of(", "));
  for (std::size_t close = v.find('>'); close != string_view::npos;
       close = v.find('>', close + 1)) {
    if (close + 1 == v.size() || v[close + 1] == ',' || v[close + 1] == ' ')
      return v.substr(0, close + 1);
  }
  return v; // unterminated: keep what there is
}

// "result: Y 15 - TESTS scantime=0.1,size=1237,...,mid=<x>,bayes=0.5,autolearn=no"
void parse_result(string_view text, SpamdLine &l) {
  l.kind = SpamdKind::kResult;
  if (!text.empty()) l.spam = text[0] == 'Y';
  std::size_t dash = text.find(" - ");
  if (dash == string_view::npos) return;
  string_view rest = text.substr(dash + 3);
  std::size_t sp = rest.find(' ');
  l.tests = rest.substr(0, sp);
  if (sp == string_view::npos) return;
  string_view kv = rest.substr(sp + 1);
  std::size_t mid = mid_position(kv);
  if (mid != string_view::npos) l.mid = mid_value(kv.substr(mid + 4));
  // size= and required_score= come before mid=, written by spamd itself:
  // one pass over those items.
  string_view before_mid = kv.substr(0, mid);
  while (!before_mid.empty()) {
    std::size_t comma = before_mid.find(',');
    string_view item = before_mid.substr(0, comma);
    before_mid = comma == string_view::npos ? string_view() : before_mid.substr(comma + 1);
    if (has_prefix(item, "size=")) {
      std::int64_t v = 0;
      string_view n = item.substr(5);
      auto [p, ec] = std::from_chars(n.data(), n.data() + n.size(), v);
      if (ec == std::errc() && p == n.data() + n.size() && !n.empty()) l.size = v;
    } else if (has_prefix(item, "required_score=")) {
      parse_double(item.substr(15), l.required);
    }
  }
}
} // namespace

SpamdLine parse_spamd_message(string_view message) {
  SpamdLine l;
  // spamd 3.1 and later write "spamd: " before a check's lines; 3.0 and
  // older wrote them bare ("checking message <id> for root:98."). What is
  // neither (prefork:, logger: and the like) is the daemon's own.
  string_view text = has_prefix(message, "spamd: ") ? message.substr(7) : message;
  if (has_prefix(text, "connection from ")) {
    l.kind = SpamdKind::kConnection;
  } else if (has_prefix(text, "processing message ") || has_prefix(text, "checking message ")) {
    l.kind = SpamdKind::kProcessing;
    string_view rest = text.substr(text[0] == 'p' ? 19 : 17);
    l.mid = rest.substr(0, rest.rfind(" for "));
  } else if (has_prefix(text, "clean message ") || has_prefix(text, "identified spam ")) {
    l.kind = SpamdKind::kVerdict;
    l.spam = text[0] == 'i';
    parse_score_pair(text, l);
  } else if (has_prefix(text, "result: ")) {
    parse_result(text.substr(8), l);
  }
  return l;
}

} // namespace spamflow
