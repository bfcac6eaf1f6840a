#include "wire/json_splice.hpp"

#include <array>
#include <vector>

#include "wire/json_writer.hpp"

namespace spamflow {

namespace {

constexpr std::array<bool, 256> make_table(bool (*pred)(int)) {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c)
    t[c] = pred(c);
  return t;
}
// Bytes that end a run of plain characters inside a string.
constexpr auto kStringStop = make_table([](int c) { return c == '"' || c == '\\' || c < 0x20; });
constexpr auto kNumberChar = make_table([](int c) {
  return (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.' || c == 'e' || c == 'E';
});

bool is_ws(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string &out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::uint32_t read_hex4(std::string_view s) {
  std::uint32_t v = 0;
  for (char c : s.substr(0, 4))
    v = v * 16 + static_cast<std::uint32_t>(hex_value(c));
  return v;
}

// Decodes the body of a JSON string already checked by scan_string. Lone
// surrogates become U+FFFD (they cannot equal any UTF-8 key anyway).
std::string unescape(std::string_view body) {
  std::string out;
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (body[i] != '\\') {
      out += body[i];
      continue;
    }
    const char e = body[++i];
    switch (e) {
    case 'b':
      out += '\b';
      break;
    case 'f':
      out += '\f';
      break;
    case 'n':
      out += '\n';
      break;
    case 'r':
      out += '\r';
      break;
    case 't':
      out += '\t';
      break;
    case 'u': {
      std::uint32_t cp = read_hex4(body.substr(i + 1));
      i += 4;
      if (cp >= 0xD800 && cp < 0xDC00 && body.substr(i + 1, 2) == "\\u") {
        const std::uint32_t low = read_hex4(body.substr(i + 3));
        if (low >= 0xDC00 && low < 0xE000) {
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          i += 6;
        }
      }
      append_utf8(out, (cp >= 0xD800 && cp < 0xE000) ? 0xFFFD : cp);
      break;
    }
    default:
      out += e;
      break; // " \ /
    }
  }
  return out;
}

// One top-level member: where its key and value are in the text, and where
// the comma before it is (npos for the first member).
struct Member {
  std::size_t comma = std::string_view::npos;
  std::size_t key_begin = 0, key_end = 0; // the quoted key, quotes included
  std::size_t value_begin = 0, value_end = 0;
  bool key_escaped = false;
};

// A one-pass structural scanner over the text of one JSON object.
class ObjectScanner {
public:
  explicit ObjectScanner(std::string_view s) : s_(s) {}

  std::string_view error() const { return error_; }
  bool fail(const char *what) {
    if (error_.empty()) error_ = what;
    return false;
  }
  void skip_ws() {
    while (pos_ < s_.size() && is_ws(s_[pos_]))
      ++pos_;
  }
  bool at(char c) const { return pos_ < s_.size() && s_[pos_] == c; }
  std::size_t pos() const { return pos_; }
  void advance() { ++pos_; }
  bool at_end() const { return pos_ >= s_.size(); }

  // At '"': moves past the closing quote.
  bool scan_string(bool *escaped) {
    ++pos_;
    while (pos_ < s_.size()) {
      while (pos_ < s_.size() && !kStringStop[static_cast<unsigned char>(s_[pos_])])
        ++pos_; // the common case: plain characters
      if (pos_ >= s_.size()) break;
      const unsigned char c = static_cast<unsigned char>(s_[pos_]);
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c < 0x20) return fail("control character in string");
      if (c == '\\') {
        *escaped = true;
        if (!scan_escape()) return false;
        continue;
      }
      ++pos_;
    }
    return fail("unterminated string");
  }

  // Moves past one value of any kind; nested containers are matched with an
  // explicit stack so that deep nesting cannot overflow the call stack.
  bool skip_value() {
    std::string open; // brackets still open, innermost last
    do {
      skip_ws();
      if (at_end()) return fail("truncated value");
      const char c = s_[pos_];
      if (c == '{' || c == '[') {
        open += c == '{' ? '}' : ']';
        ++pos_;
        continue;
      }
      if (c == '}' || c == ']') {
        if (open.empty() || open.back() != c) return fail("mismatched bracket");
        open.pop_back();
        ++pos_;
        continue;
      }
      if (c == ',' || c == ':') {
        if (open.empty()) return fail("expected a value");
        ++pos_;
        continue;
      }
      bool escaped = false;
      if (c == '"' ? !scan_string(&escaped) : !scan_scalar()) return false;
    } while (!open.empty());
    return true;
  }

private:
  bool scan_escape() {
    if (pos_ + 1 >= s_.size()) return fail("unterminated string");
    const char e = s_[pos_ + 1];
    if (e == 'u') {
      for (std::size_t k = 2; k < 6; ++k)
        if (pos_ + k >= s_.size() || hex_value(s_[pos_ + k]) < 0) return fail("bad \\u escape");
      pos_ += 6;
      return true;
    }
    if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos)
      return fail("bad escape in string");
    pos_ += 2;
    return true;
  }

  bool scan_scalar() {
    const char c = s_[pos_];
    if (c == 't' || c == 'f' || c == 'n') {
      const std::string_view lit = c == 't' ? "true" : c == 'f' ? "false" : "null";
      if (s_.substr(pos_, lit.size()) != lit) return fail("unexpected character");
      pos_ += lit.size();
      return true;
    }
    if (c != '-' && !(c >= '0' && c <= '9')) return fail("unexpected character");
    while (pos_ < s_.size() && kNumberChar[static_cast<unsigned char>(s_[pos_])])
      ++pos_;
    return true;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  std::string error_;
};

// Scans the object's members, keeping those whose key equals `key`. Sets
// *insert_at to where a new member goes and *empty if there are no members.
bool scan_object(ObjectScanner &sc, std::string_view text, std::string_view key,
                 std::vector<Member> &matches, std::size_t *insert_at, bool *empty) {
  sc.skip_ws();
  if (!sc.at('{')) return sc.fail("not a JSON object");
  sc.advance();
  *insert_at = sc.pos();
  *empty = true;
  sc.skip_ws();
  if (sc.at('}')) {
    sc.advance();
  } else {
    std::size_t comma = std::string_view::npos;
    for (;;) {
      Member m;
      m.comma = comma;
      sc.skip_ws();
      if (!sc.at('"')) return sc.fail("expected a key");
      m.key_begin = sc.pos();
      if (!sc.scan_string(&m.key_escaped)) return false;
      m.key_end = sc.pos();
      sc.skip_ws();
      if (!sc.at(':')) return sc.fail("expected ':'");
      sc.advance();
      sc.skip_ws();
      m.value_begin = sc.pos();
      if (!sc.skip_value()) return false;
      m.value_end = sc.pos();
      *insert_at = m.value_end;
      *empty = false;
      const std::string_view body = text.substr(m.key_begin + 1, m.key_end - m.key_begin - 2);
      if (m.key_escaped ? unescape(body) == key : body == key) matches.push_back(m);
      sc.skip_ws();
      if (sc.at('}')) {
        sc.advance();
        break;
      }
      if (!sc.at(',')) return sc.fail("expected ',' or '}'");
      comma = sc.pos();
      sc.advance();
    }
  }
  sc.skip_ws();
  if (!sc.at_end()) return sc.fail("text after the object");
  return true;
}

} // namespace

Result<std::size_t> splice_json_key_into(std::string &out, std::string_view object_text,
                                         std::string_view key, std::string_view value_json) {
  ObjectScanner sc(object_text);
  std::vector<Member> matches;
  std::size_t insert_at = 0;
  bool empty = true;
  if (!scan_object(sc, object_text, key, matches, &insert_at, &empty))
    return make_error(std::string(sc.error()) + " at byte " + std::to_string(sc.pos()));

  const std::size_t start = out.size();
  if (matches.empty()) {
    out.reserve(start + object_text.size() + key.size() + value_json.size() + 4);
    out.append(object_text.substr(0, insert_at));
    if (!empty) out += ',';
    append_json_string(out, key);
    out += ':';
    out.append(value_json);
    out.append(object_text.substr(insert_at));
    return out.size() - start;
  }
  out.reserve(start + object_text.size() + value_json.size());
  out.append(object_text.substr(0, matches[0].value_begin));
  out.append(value_json);
  std::size_t copied = matches[0].value_end;
  for (std::size_t i = 1; i < matches.size(); ++i) { // drop later duplicates
    out.append(object_text.substr(copied, matches[i].comma - copied));
    copied = matches[i].value_end;
  }
  out.append(object_text.substr(copied));
  return out.size() - start;
}

Result<std::string> splice_json_key(std::string_view object_text, std::string_view key,
                                    std::string_view value_json) {
  std::string out;
  auto r = splice_json_key_into(out, object_text, key, value_json);
  if (!r) return make_error(r.error());
  return out;
}

} // namespace spamflow
