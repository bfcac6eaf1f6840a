// find_forwarded(): the MIME walk and the inline-forward scan.
#include "base/text_scan.hpp"
#include "flag/mail_message.hpp"

namespace spamflow {

namespace {

bool contains_ci(std::string_view text, std::string_view needle) {
  for (std::size_t i = 0; i + needle.size() <= text.size(); ++i)
    if (starts_with_ci(text.substr(i), needle)) return true;
  return false;
}

std::string_view strip_line_end(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
    line.remove_suffix(1);
  return line;
}

// The parts between "--boundary" lines. A body that never closes (broken
// MIME) still gives the parts seen so far, the last one running to the end.
std::vector<std::string_view> split_multipart(std::string_view body, std::string_view boundary) {
  std::string delimiter = "--" + std::string(boundary);
  std::vector<std::string_view> parts;
  std::size_t part_start = std::string_view::npos;
  std::size_t pos = 0;
  while (pos < body.size()) {
    std::size_t eol = body.find('\n', pos);
    std::size_t next = eol == std::string_view::npos ? body.size() : eol + 1;
    std::string_view line =
        strip_line_end(body.substr(pos, next - pos - (eol != std::string_view::npos)));
    if (line.substr(0, delimiter.size()) == delimiter) {
      std::string_view after = line.substr(delimiter.size());
      if (after.empty() || after == "--") {
        if (part_start != std::string_view::npos) {
          std::size_t end = pos; // the line end before the delimiter belongs to it
          if (end > part_start && body[end - 1] == '\n') --end;
          if (end > part_start && body[end - 1] == '\r') --end;
          parts.push_back(body.substr(part_start, end - part_start));
        }
        if (after == "--") return parts;
        part_start = next;
      }
    }
    pos = next;
  }
  if (part_start != std::string_view::npos && part_start < body.size())
    parts.push_back(body.substr(part_start));
  return parts;
}

std::string decode_body(const MailMessage &part) {
  std::string_view cte = part.header("Content-Transfer-Encoding");
  if (starts_with_ci(cte, "base64")) return decode_base64(part.body);
  if (starts_with_ci(cte, "quoted-printable")) return decode_quoted_printable(part.body);
  return part.body;
}

bool is_message_attachment(const MailMessage &part, const std::string &type) {
  if (type == "message/rfc822" || type == "message/global") return true;
  // Some clients attach a saved message as application/octet-stream x.eml.
  std::string name = header_parameter(part.header("Content-Disposition"), "filename");
  if (name.empty()) name = header_parameter(part.header("Content-Type"), "name");
  return ends_with_ci(name, ".eml") && type != "multipart/mixed";
}

struct Walker {
  const MessageLimits &limits;
  std::vector<ForwardedMessage> found;
  std::vector<std::string> texts; // text/plain bodies, for the inline scan
  std::size_t parts = 0;

  void walk(const MailMessage &part, std::size_t depth) {
    if (++parts > limits.max_parts || found.size() >= limits.max_forwarded) return;
    std::string_view content_type = part.header("Content-Type");
    std::string type = media_type(content_type);
    if (type.substr(0, 10) == "multipart/") {
      std::string boundary = header_parameter(content_type, "boundary");
      if (boundary.empty() || depth >= limits.max_mime_depth) return;
      for (std::string_view text : split_multipart(part.body, boundary))
        walk(parse_message(text, limits), depth + 1);
    } else if (is_message_attachment(part, type)) {
      found.push_back({ForwardedMessage::How::kAttachment, decode_body(part)});
    } else if (type == "text/plain" && texts.size() < limits.max_parts) {
      texts.push_back(decode_body(part));
    }
  }
};

bool is_forward_marker(std::string_view line) {
  if (line.size() > 200) return false;
  return contains_ci(line, "forwarded message") || contains_ci(line, "original message") ||
         starts_with_ci(line, "begin forwarded message");
}

// A block worth parsing has at least one field that can identify a message.
bool looks_like_forwarded_headers(const MailMessage &block) {
  return block.has_header("Received") || block.has_header("Message-ID") ||
         block.has_header("From") || block.has_header("Date");
}

// Copies lines from `start` on, without a "> " quote prefix if the first
// line has one.
std::string unquote_from(std::string_view text, std::size_t start) {
  std::string out;
  bool quoted = start < text.size() && text[start] == '>';
  std::string_view rest = text.substr(start);
  while (!rest.empty()) {
    std::size_t eol = rest.find('\n');
    std::string_view line = rest.substr(0, eol == std::string_view::npos ? rest.size() : eol + 1);
    rest.remove_prefix(line.size());
    if (quoted && !line.empty() && line.front() == '>') {
      line.remove_prefix(1);
      if (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    }
    out += line;
  }
  return out;
}

void scan_inline(std::string_view text, const MessageLimits &limits,
                 std::vector<ForwardedMessage> &found) {
  std::size_t pos = 0;
  bool after_marker = false;
  // Each attempt copies the rest of the text: bounded, so a flood of
  // marker lines stays linear.
  std::size_t attempts = 0;
  while (pos < text.size() && found.size() < limits.max_forwarded &&
         attempts < limits.max_forwarded * 4) {
    std::size_t eol = text.find('\n', pos);
    std::size_t next = eol == std::string_view::npos ? text.size() : eol + 1;
    std::string_view line = strip_line_end(text.substr(pos, next - pos));
    std::string_view unquoted = line;
    while (!unquoted.empty() && (unquoted.front() == '>' || unquoted.front() == ' '))
      unquoted.remove_prefix(1);
    bool starts_block =
        (after_marker && !unquoted.empty()) || starts_with_ci(unquoted, "Received:");
    if (starts_block) {
      ++attempts;
      // Judge the block by its start; copy all of it only when it is one.
      std::string_view head = text.substr(0, std::min(text.size(), pos + 65536));
      MailMessage parsed = parse_message(unquote_from(head, pos), limits);
      if (looks_like_forwarded_headers(parsed)) {
        found.push_back({ForwardedMessage::How::kInline, unquote_from(text, pos)});
        // Go on after this block's header section.
        std::size_t end = text.find("\n\n", pos);
        std::size_t end_crlf = text.find("\n\r\n", pos);
        end = std::min(end, end_crlf);
        if (end == std::string_view::npos) return;
        pos = end + 1;
        after_marker = false;
        continue;
      }
      after_marker = false;
    } else if (is_forward_marker(unquoted)) {
      after_marker = true;
    }
    pos = next;
  }
}

} // namespace

std::vector<ForwardedMessage> find_forwarded(const MailMessage &report, const MessageLimits &limits,
                                             bool inline_forwards) {
  Walker walker{limits, {}, {}, 0};
  walker.walk(report, 0);
  if (!walker.found.empty() || !inline_forwards) return walker.found;
  for (const std::string &text : walker.texts)
    scan_inline(text, limits, walker.found);
  return walker.found;
}

} // namespace spamflow
