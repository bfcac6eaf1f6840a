#include "flag/received_header.hpp"

#include "base/text_scan.hpp"

namespace spamflow {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

class Tokens {
public:
  explicit Tokens(std::string_view text) : s_(text) {}

  bool at_end() {
    skip_space();
    return i_ >= s_.size();
  }
  char peek() {
    skip_space();
    return i_ < s_.size() ? s_[i_] : '\0';
  }
  // A run of non-blank characters, whatever they are (the HELO name).
  std::string_view raw_word() {
    skip_space();
    std::size_t start = i_;
    while (i_ < s_.size() && !is_space(s_[i_]))
      ++i_;
    return s_.substr(start, i_ - start);
  }
  // A word that stops at a comment, an angle address or a ';'.
  std::string_view word() {
    skip_space();
    std::size_t start = i_;
    while (i_ < s_.size() && !is_space(s_[i_]) && s_[i_] != '(' && s_[i_] != ';')
      ++i_;
    return s_.substr(start, i_ - start);
  }
  // The inside of a (possibly nested) comment; the cursor is on '('.
  std::string_view comment() {
    skip_space();
    std::size_t start = ++i_;
    int depth = 1;
    for (; i_ < s_.size(); ++i_) {
      if (s_[i_] == '\\') {
        ++i_;
      } else if (s_[i_] == '(') {
        ++depth;
      } else if (s_[i_] == ')' && --depth == 0) {
        return s_.substr(start, i_++ - start);
      }
    }
    return s_.substr(std::min(start, s_.size()));
  }
  std::string_view angle() {
    skip_space();
    std::size_t start = ++i_;
    std::size_t end = s_.find('>', start);
    i_ = end == std::string_view::npos ? s_.size() : end + 1;
    return s_.substr(start, (end == std::string_view::npos ? s_.size() : end) - start);
  }
  std::string_view rest() {
    skip_space();
    return s_.substr(i_);
  }
  void skip(std::size_t n) { i_ = std::min(s_.size(), i_ + n); }

private:
  void skip_space() {
    while (i_ < s_.size() && is_space(s_[i_]))
      ++i_;
  }
  std::string_view s_;
  std::size_t i_ = 0;
};

std::optional<IpAddress> parse_literal(std::string_view literal) {
  if (literal.size() < 2 || literal.front() != '[' || literal.back() != ']') return std::nullopt;
  literal = literal.substr(1, literal.size() - 2);
  if (starts_with_ci(literal, "IPv6:")) literal.remove_prefix(5);
  return IpAddress::try_parse(literal);
}

// sendmail's "name [addr]", "[addr]", "user@name [addr] (may be forged)".
// The address is the last bracketed literal at the comment's own level:
// the name before it comes from DNS and may hold anything.
void read_from_comment(std::string_view text, ReceivedHeader &h) {
  int depth = 0;
  std::size_t open = std::string_view::npos, last_open = open, last_close = open;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '(')
      ++depth;
    else if (c == ')' && depth > 0)
      --depth;
    else if (depth == 0 && c == '[')
      open = i;
    else if (depth == 0 && c == ']' && open != std::string_view::npos) {
      last_open = open;
      last_close = i;
      open = std::string_view::npos;
    }
  }
  h.may_be_forged = text.find("may be forged") != std::string_view::npos;
  if (last_open == std::string_view::npos) return;
  h.client_ip = parse_literal(text.substr(last_open, last_close - last_open + 1));
  std::string_view name = text.substr(0, last_open);
  while (!name.empty() && is_space(name.back()))
    name.remove_suffix(1);
  h.client_name = std::string(name);
}

void read_from_clause(Tokens &t, ReceivedHeader &h) {
  std::string_view first = t.raw_word();
  if (t.peek() == '(') {
    h.helo = std::string(first);
    read_from_comment(t.comment(), h);
    return;
  }
  // No HELO: sendmail wrote "from name [addr]" or "from [addr]".
  if (first.substr(0, 1) == "[") {
    h.client_ip = parse_literal(first);
    return;
  }
  h.client_name = std::string(first);
  if (t.peek() == '[') h.client_ip = parse_literal(t.word());
}

} // namespace

bool is_queue_id(std::string_view text) {
  if (text.size() < 8 || text.size() > 20) return false;
  for (char c : text)
    if (!is_alnum(c)) return false;
  return true;
}

Result<ReceivedHeader> parse_received(std::string_view value) {
  ReceivedHeader h;
  Tokens t(value);
  if (starts_with_ci(t.rest(), "from") && t.rest().size() > 4 && is_space(t.rest()[4])) {
    t.skip(4);
    read_from_clause(t, h);
  }
  bool have_by = false;
  while (!t.at_end()) {
    char c = t.peek();
    if (c == '(') {
      t.comment();
      continue;
    }
    if (c == ';') {
      t.skip(1);
      h.date = std::string(t.rest());
      break;
    }
    if (c == '<') {
      t.angle();
      continue;
    }
    std::string_view keyword = t.word();
    if (keyword.empty()) {
      t.skip(1);
      continue;
    }
    bool known = iequals(keyword, "by") || iequals(keyword, "with") || iequals(keyword, "id") ||
                 iequals(keyword, "for") || iequals(keyword, "via");
    if (!known) continue;
    std::string_view v = t.peek() == '<' ? t.angle() : t.word();
    if (iequals(keyword, "by") && !have_by) {
      h.by = std::string(v);
      have_by = !v.empty();
    } else if (iequals(keyword, "with") && h.with.empty()) {
      h.with = std::string(v);
    } else if (iequals(keyword, "id") && h.id.empty()) {
      h.id = std::string(v);
    } else if (iequals(keyword, "for") && h.for_address.empty()) {
      h.for_address = std::string(v);
    }
  }
  if (!have_by) return make_error("Received header without \"by\"");
  return h;
}

Result<EntryHop> find_entry_hop(const std::vector<std::string_view> &received,
                                const HopPolicy &policy) {
  auto ours = [&](std::size_t i) -> std::optional<std::pair<ReceivedHeader, std::string>> {
    auto h = parse_received(received[i]);
    if (!h || !policy.our_host) return std::nullopt;
    auto host = policy.our_host(h->by);
    if (!host) return std::nullopt;
    return std::make_pair(std::move(*h), std::move(*host));
  };
  std::optional<std::pair<ReceivedHeader, std::string>> hop;
  std::size_t index = 0;
  for (; index < received.size() && !hop; ++index)
    hop = ours(index);
  if (!hop) return make_error("no Received header by our servers");
  --index;
  // Internal hops (relay → our server) lead down to the hop before them.
  while (index + 1 < received.size() && hop->first.client_ip) {
    bool from_relay = false;
    for (const IpNetwork &n : policy.relays)
      from_relay = from_relay || n.contains(*hop->first.client_ip);
    if (!from_relay) break;
    auto below = ours(index + 1);
    if (!below) break;
    hop = std::move(below);
    ++index;
  }
  if (!is_queue_id(hop->first.id))
    return make_error("our Received header (by " + hop->first.by + ") has no queue id");
  return EntryHop{std::move(hop->first), std::move(hop->second), index};
}

} // namespace spamflow
