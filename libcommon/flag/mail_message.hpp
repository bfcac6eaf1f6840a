// RFC 5322 messages as spamflag receives them: a user's report that carries
// the spam as message/rfc822 attachments or as inline-forwarded text.
// Everything here reads hostile input: nothing throws on bad bytes, every
// loop is bounded (header count, MIME depth and part count), and what cannot
// be parsed is skipped rather than guessed at.
//
//   MailMessage report = parse_message(text);
//   for (const ForwardedMessage &f : find_forwarded(report)) …
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace spamflow {

struct HeaderField {
  std::string name;  // as written, e.g. "Received"
  std::string value; // unfolded: each CRLF/LF before a space or tab removed
};

struct MessageLimits {
  std::size_t max_headers = 2000;          // fields kept per header section
  std::size_t max_field_bytes = 64 * 1024; // one unfolded value, longer is cut
  std::size_t max_mime_depth = 8;          // nested multiparts
  std::size_t max_parts = 500;             // MIME parts visited in all
  std::size_t max_forwarded = 20;          // forwarded messages collected
};

struct MailMessage {
  std::vector<HeaderField> headers; // top first, the order they were written
  std::string body;                 // after the empty line, line ends as given
  bool headers_truncated = false;   // max_headers or max_field_bytes was hit
  bool had_header_end = false;      // an empty line ended the header section

  // The first field of that name (case-insensitive), or empty.
  std::string_view header(std::string_view name) const;
  bool has_header(std::string_view name) const;
  // Every field of that name, top first.
  std::vector<std::string_view> all(std::string_view name) const;
};

// Splits header section and body at the first empty line (CRLF or LF).
// A leading mbox "From " line is skipped; a line that is neither a field
// nor a continuation is dropped. Never fails: a message without a header
// section gives an empty header list.
MailMessage parse_message(std::string_view text, const MessageLimits &limits = {});

// RFC 2047 encoded words (=?charset?B|Q?text?=) decoded; UTF-8, US-ASCII
// and ISO-8859-1/Latin-1 come out as UTF-8, other charsets as their bytes.
// Whitespace between two adjacent encoded words is dropped, as the RFC says.
std::string decode_encoded_words(std::string_view value);

// "type/subtype" in lower case and one parameter (quoted or not) of a
// Content-Type-like value; defaults per RFC 2045 when absent.
std::string media_type(std::string_view content_type);
std::string header_parameter(std::string_view value, std::string_view parameter);

// Content-Transfer-Encoding decoders; bad input is skipped, not an error.
std::string decode_base64(std::string_view text);
std::string decode_quoted_printable(std::string_view text);

// The first address in an address header (From:), lower case, without
// display name, comments or angle brackets; empty if there is none.
std::string first_address(std::string_view value);

struct ForwardedMessage {
  enum class How { kAttachment, kInline };
  How how = How::kAttachment;
  std::string text; // the forwarded message itself, as RFC 5322 text
};

const char *describe(ForwardedMessage::How how);

// The messages forwarded inside `report`: every message/rfc822 part of its
// MIME tree (decoded if the sender encoded it anyway), and in text/plain
// parts without such attachments, blocks after a forwarding marker
// ("-------- Forwarded Message --------", "-----Original Message-----",
// "Begin forwarded message:") or pasted header blocks that start with
// "Received:". Attachments come first, in document order. Without
// `inline_forwards`, only attachments are looked for.
std::vector<ForwardedMessage> find_forwarded(const MailMessage &report,
                                             const MessageLimits &limits = {},
                                             bool inline_forwards = true);

} // namespace spamflow
