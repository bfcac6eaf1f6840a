#include "flag/mail_message.hpp"

#include "base/text_scan.hpp"

namespace spamflow {

namespace {

// One line without its line end (LF or CRLF); `rest` moves past it.
std::string_view take_line(std::string_view &rest) {
  std::size_t eol = rest.find('\n');
  std::string_view line = rest.substr(0, eol);
  rest = eol == std::string_view::npos ? std::string_view{} : rest.substr(eol + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// What trimming strips from header text: RFC 5322's blanks (space, tab) and
// the line ends of folded or CRLF text; not \v or \f, which make a field
// name invalid.
constexpr std::string_view kFoldBlanks = " \t\r\n";

bool is_wsp(char c) {
  return c == ' ' || c == '\t';
}

// RFC 5322 field names: printable ASCII except the colon.
bool is_field_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name)
    if (c < 33 || c > 126) return false;
  return true;
}

int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  c = ascii_lower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

void append_latin1_as_utf8(std::string &out, std::string_view bytes) {
  for (char ch : bytes) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out += ch;
    } else {
      out += static_cast<char>(0xc0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3f));
    }
  }
}

// Decodes one encoded word's text; false if the word is malformed.
bool decode_word(std::string_view charset, char encoding, std::string_view text, std::string &out) {
  std::string bytes;
  if (encoding == 'b' || encoding == 'B') {
    bytes = decode_base64(text);
  } else if (encoding == 'q' || encoding == 'Q') {
    for (std::size_t i = 0; i < text.size(); ++i) {
      int hi = 0, lo = 0;
      if (text[i] == '_') {
        bytes += ' ';
      } else if (text[i] == '=' && i + 2 < text.size() && (hi = hex_value(text[i + 1])) >= 0 &&
                 (lo = hex_value(text[i + 2])) >= 0) {
        bytes += static_cast<char>(hi * 16 + lo);
        i += 2;
      } else {
        bytes += text[i];
      }
    }
  } else {
    return false;
  }
  std::string cs = ascii_lowercase(charset.substr(0, charset.find('*'))); // RFC 2231 language tag
  if (cs == "iso-8859-1" || cs == "latin1" || cs == "iso-8859-15" || cs == "windows-1252")
    append_latin1_as_utf8(out, bytes);
  else
    out += bytes;
  return true;
}

} // namespace

std::string_view MailMessage::header(std::string_view name) const {
  for (const HeaderField &f : headers)
    if (iequals(f.name, name)) return f.value;
  return {};
}

bool MailMessage::has_header(std::string_view name) const {
  for (const HeaderField &f : headers)
    if (iequals(f.name, name)) return true;
  return false;
}

std::vector<std::string_view> MailMessage::all(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const HeaderField &f : headers)
    if (iequals(f.name, name)) out.emplace_back(f.value);
  return out;
}

MailMessage parse_message(std::string_view text, const MessageLimits &limits) {
  MailMessage m;
  std::string_view rest = text;
  bool first_line = true;
  bool continuing = false; // the previous line was a kept field
  while (!rest.empty()) {
    std::string_view line = take_line(rest);
    if (line.empty()) {
      m.had_header_end = true;
      break;
    }
    if (first_line && line.substr(0, 5) == "From ") { // mbox separator
      first_line = false;
      continue;
    }
    first_line = false;
    if (is_wsp(line.front())) {
      if (!continuing) continue;
      std::string &value = m.headers.back().value;
      if (value.size() + line.size() > limits.max_field_bytes) {
        m.headers_truncated = true;
        continuing = false;
        continue;
      }
      value += line;
      continue;
    }
    std::size_t colon = line.find(':');
    continuing = false;
    if (colon == std::string_view::npos || !is_field_name(trim(line.substr(0, colon), kFoldBlanks)))
      continue;
    if (m.headers.size() >= limits.max_headers) {
      m.headers_truncated = true;
      continue;
    }
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && is_wsp(value.front()))
      value.remove_prefix(1);
    if (value.size() > limits.max_field_bytes) {
      value = value.substr(0, limits.max_field_bytes);
      m.headers_truncated = true;
    }
    m.headers.push_back(
        {std::string(trim(line.substr(0, colon), kFoldBlanks)), std::string(value)});
    continuing = true;
  }
  for (HeaderField &f : m.headers)
    f.value = std::string(trim(f.value, kFoldBlanks));
  m.body = std::string(rest);
  return m;
}

std::string decode_encoded_words(std::string_view value) {
  std::string out;
  std::size_t pos = 0;
  std::size_t pending_space = std::string::npos; // start of blanks after an encoded word
  while (pos < value.size()) {
    std::size_t start = value.find("=?", pos);
    if (start == std::string_view::npos) break;
    std::size_t q1 = value.find('?', start + 2);
    std::size_t q2 = q1 == std::string_view::npos ? q1 : value.find('?', q1 + 1);
    std::size_t end = q2 == std::string_view::npos ? q2 : value.find("?=", q2 + 1);
    bool ok = end != std::string_view::npos && q2 == q1 + 2 && q1 > start + 2;
    std::string_view word_text = ok ? value.substr(q2 + 1, end - q2 - 1) : std::string_view{};
    for (char c : word_text)
      if (is_wsp(c)) ok = false;
    std::string decoded;
    if (ok)
      ok = decode_word(value.substr(start + 2, q1 - start - 2), value[q1 + 1], word_text, decoded);
    if (!ok) {
      out.append(value.substr(pos, start + 2 - pos));
      pos = start + 2;
      pending_space = std::string::npos;
      continue;
    }
    std::string_view gap = value.substr(pos, start - pos);
    bool blank_gap = pending_space == pos && trim(gap, kFoldBlanks).empty();
    if (!blank_gap) out.append(gap);
    out += decoded;
    pos = end + 2;
    pending_space = pos;
  }
  out.append(value.substr(std::min(pos, value.size())));
  return out;
}

std::string media_type(std::string_view content_type) {
  std::string type =
      ascii_lowercase(trim(content_type.substr(0, content_type.find(';')), kFoldBlanks));
  if (type.find('/') == std::string::npos) return "text/plain";
  return type;
}

std::string header_parameter(std::string_view value, std::string_view parameter) {
  std::size_t pos = value.find(';');
  while (pos != std::string_view::npos && pos < value.size()) {
    std::size_t eq = value.find('=', pos + 1);
    if (eq == std::string_view::npos) return {};
    std::string_view name = trim(value.substr(pos + 1, eq - pos - 1), kFoldBlanks);
    std::string out;
    std::size_t i = eq + 1;
    while (i < value.size() && is_wsp(value[i]))
      ++i;
    if (i < value.size() && value[i] == '"') {
      for (++i; i < value.size() && value[i] != '"'; ++i) {
        if (value[i] == '\\' && i + 1 < value.size()) ++i;
        out += value[i];
      }
      pos = value.find(';', i);
    } else {
      std::size_t semi = value.find(';', i);
      out = std::string(
          trim(value.substr(i, semi == std::string_view::npos ? semi : semi - i), kFoldBlanks));
      pos = semi;
    }
    if (iequals(name, parameter)) return out;
  }
  return {};
}

std::string decode_base64(std::string_view text) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (is_digit(c))
      v = c - '0' + 52;
    else if (c == '+')
      v = 62;
    else if (c == '/')
      v = 63;
    else if (c == '=')
      break;
    else
      continue;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  return out;
}

std::string decode_quoted_printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '=') {
      out += text[i];
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '\n') { // soft line break
      i += 1;
    } else if (i + 2 < text.size() && text[i + 1] == '\r' && text[i + 2] == '\n') {
      i += 2;
    } else if (i + 2 < text.size() && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
      i += 2;
    } else {
      out += '=';
    }
  }
  return out;
}

std::string first_address(std::string_view value) {
  std::string plain; // the value without comments and quoted strings
  int depth = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (c == '\\' && (quoted || depth > 0)) {
      ++i;
    } else if (quoted) {
      quoted = c != '"';
    } else if (c == '(') {
      ++depth;
    } else if (c == ')' && depth > 0) {
      --depth;
    } else if (depth == 0 && c == '"') {
      quoted = true;
    } else if (depth == 0) {
      if (c == ',' && plain.find('@') != std::string::npos) break;
      plain += c;
    }
  }
  std::string_view addr = plain;
  if (std::size_t lt = addr.find('<'); lt != std::string_view::npos) {
    addr = addr.substr(lt + 1);
    addr = addr.substr(0, addr.find('>'));
  } else if (std::size_t comma = addr.find(','); comma != std::string_view::npos) {
    addr = addr.substr(0, comma);
  }
  addr = trim(addr, kFoldBlanks);
  if (addr.find_first_of(" \t<>") != std::string_view::npos) return {};
  return ascii_lowercase(addr);
}

const char *describe(ForwardedMessage::How how) {
  return how == ForwardedMessage::How::kAttachment ? "attachment" : "inline";
}

} // namespace spamflow
