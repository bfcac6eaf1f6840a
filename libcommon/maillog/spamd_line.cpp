// spamd (SpamAssassin) log lines, as spamd 3.x/4.x writes them.
#include <charconv>

#include "maillog/sendmail_line.hpp"
#include "base/text_scan.hpp"

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

// "result: Y 15 - TESTS scantime=0.1,size=1237,...,mid=<x>,autolearn=no"
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
  // mid= may itself contain commas: it is followed by ",autolearn=".
  std::size_t mid = kv.find("mid=");
  while (mid != string_view::npos && mid > 0 && kv[mid - 1] != ',')
    mid = kv.find("mid=", mid + 1);
  if (mid != string_view::npos) {
    string_view m = kv.substr(mid + 4);
    std::size_t end = m.rfind(",autolearn=");
    l.mid = m.substr(0, end);
  }
  std::size_t size = kv.find("size=");
  if (size != string_view::npos) {
    string_view s = kv.substr(size + 5);
    s = s.substr(0, s.find(','));
    std::int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc()) l.size = v;
    (void)p;
  }
  std::size_t req = kv.find("required_score=");
  if (req != string_view::npos) {
    string_view s = kv.substr(req + 15);
    parse_double(s.substr(0, s.find(',')), l.required);
  }
}
} // namespace

SpamdLine parse_spamd_message(string_view message) {
  SpamdLine l;
  if (message.substr(0, 7) != "spamd: ") return l; // prefork:, logger: and the like
  string_view text = message.substr(7);
  if (has_prefix(text, "connection from ")) {
    l.kind = SpamdKind::kConnection;
  } else if (has_prefix(text, "processing message ")) {
    l.kind = SpamdKind::kProcessing;
    string_view rest = text.substr(19);
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
