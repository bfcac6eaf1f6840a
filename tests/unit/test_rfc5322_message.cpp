#include <catch2/catch.hpp>

#include <random>

#include "flag/mail_message.hpp"
#include "flag/received_header.hpp"

using namespace spamflow;

TEST_CASE("header fields: folding, CRLF, case, mbox line, junk lines", "[rfc5322]") {
  MailMessage m = parse_message("From sender Sat Nov 28 21:52:17 2026\r\n"
                                "Received: from a\r\n\tby b\r\n  id c\r\n"
                                "not a header line\r\n"
                                "SUBJECT: hello\r\n"
                                "Received: second\r\n"
                                "\r\nbody line\r\n");
  REQUIRE(m.headers.size() == 3);
  CHECK(m.header("received") == "from a\tby b  id c");
  CHECK(m.header("Subject") == "hello");
  CHECK(m.all("Received").size() == 2);
  CHECK(m.all("Received")[1] == "second");
  CHECK(m.body == "body line\r\n");
  CHECK(m.had_header_end);
  CHECK_FALSE(m.has_header("From"));
}

TEST_CASE("header limits cut, never fail", "[rfc5322]") {
  MessageLimits limits;
  limits.max_headers = 3;
  limits.max_field_bytes = 10;
  MailMessage m = parse_message("A: 1\nB: 2\nC: 0123456789abcdef\nD: 4\n\n", limits);
  CHECK(m.headers.size() == 3);
  CHECK(m.header("C") == "0123456789");
  CHECK(m.headers_truncated);
}

TEST_CASE("encoded words, B and Q, adjacent words joined", "[rfc5322]") {
  CHECK(decode_encoded_words("=?UTF-8?B?R8O8bnN0aWdl?= Uhren") == "G\xc3\xbcnstige Uhren");
  CHECK(decode_encoded_words("=?iso-8859-1?Q?G=FCnstig_und?= =?utf-8?q?_gut?=") ==
        "G\xc3\xbcnstig und gut");
  CHECK(decode_encoded_words("a =?bad?X?zz?= b") == "a =?bad?X?zz?= b");
  CHECK(decode_encoded_words("=?utf-8?q?unterminated") == "=?utf-8?q?unterminated");
  CHECK(decode_encoded_words("plain") == "plain");
}

TEST_CASE("content types, parameters, transfer encodings, addresses", "[rfc5322]") {
  CHECK(media_type("Multipart/Mixed; boundary=\"x y\"") == "multipart/mixed");
  CHECK(media_type("") == "text/plain");
  CHECK(header_parameter("multipart/mixed; charset=utf-8; boundary=\"x;\\\"y\"", "BOUNDARY") ==
        "x;\"y");
  CHECK(header_parameter("text/plain; name=a.eml", "name") == "a.eml");
  CHECK(decode_base64("aGVs\nbG8=") == "hello");
  CHECK(decode_quoted_printable("a=3Db=\r\nc=ZZ") == "a=bc=ZZ");
  CHECK(first_address("\"Doe, John\" <John@Example.COM>") == "john@example.com");
  CHECK(first_address("dave@example.com (Dave, the user)") == "dave@example.com");
  CHECK(first_address("undisclosed-recipients:;") == "undisclosed-recipients:;");
  CHECK(first_address("") == "");
}

TEST_CASE("forwarded as attachments, nested parts, base64 and .eml", "[rfc5322]") {
  std::string report = "From: u@example.com\nContent-Type: multipart/mixed; boundary=\"o\"\n\n"
                       "--o\nContent-Type: text/plain\n\nsee attached\n"
                       "--o\nContent-Type: multipart/alternative; boundary=i\n\n"
                       "--i\nContent-Type: message/rfc822\n\nMessage-ID: <one@x>\n\nbody\n--i--\n"
                       "--o\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n"
                       "TWVzc2FnZS1JRDogPHR3b0B4Pgo=\n"
                       "--o\nContent-Type: application/octet-stream; name=\"s.eml\"\n\n"
                       "Message-ID: <three@x>\n\n--o--\n";
  auto found = find_forwarded(parse_message(report));
  REQUIRE(found.size() == 3);
  CHECK(found[0].how == ForwardedMessage::How::kAttachment);
  CHECK(parse_message(found[0].text).header("Message-ID") == "<one@x>");
  CHECK(parse_message(found[1].text).header("Message-ID") == "<two@x>");
  CHECK(parse_message(found[2].text).header("Message-ID") == "<three@x>");
}

TEST_CASE("forwarded inline: marker blocks, quoted, pasted Received", "[rfc5322]") {
  auto thunderbird = find_forwarded(
      parse_message("From: u@x\n\nhi\n\n-------- Forwarded Message --------\nSubject: \tWin\n"
                    "Message-ID: \t<a@b>\n\nbody\n"));
  REQUIRE(thunderbird.size() == 1);
  CHECK(thunderbird[0].how == ForwardedMessage::How::kInline);
  CHECK(parse_message(thunderbird[0].text).header("Message-ID") == "<a@b>");
  auto quoted = find_forwarded(parse_message(
      "From: u@x\n\n-----Original Message-----\n> From: s@x\n> Message-ID: <q@b>\n>\n> hi\n"));
  REQUIRE(quoted.size() == 1);
  CHECK(parse_message(quoted[0].text).header("Message-ID") == "<q@b>");
  auto pasted = find_forwarded(parse_message(
      "From: u@x\n\nHeaders:\nReceived: from a by mx1 id 1234567890\nFrom: s@x\n\nbody\n"));
  REQUIRE(pasted.size() == 1);
  CHECK(parse_message(pasted[0].text).all("Received").size() == 1);
  CHECK(find_forwarded(parse_message("From: u@x\n\nno forward here\n")).empty());
}

TEST_CASE("broken MIME: no boundary, unclosed parts", "[rfc5322]") {
  CHECK(find_forwarded(parse_message("Content-Type: multipart/mixed\n\n--x\n\n")).empty());
  auto unclosed = find_forwarded(parse_message(
      "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: message/rfc822\n\n"
      "Message-ID: <u@x>\n"));
  REQUIRE(unclosed.size() == 1);
  CHECK(parse_message(unclosed[0].text).header("Message-ID") == "<u@x>");
}

TEST_CASE("fuzz: random and mutated messages never crash", "[rfc5322]") {
  std::mt19937 rng(12345);
  const std::string seed =
      "From: u@x\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n"
      "Content-Type: message/rfc822\r\n\r\nReceived: from h ([1.2.3.4]) by mx1 id 1234567890\r\n"
      "Subject: =?utf-8?B?w7w=?=\r\n\r\n-------- Forwarded Message --------\r\nFrom: "
      "a\r\n--b--\r\n";
  const std::string alphabet = "=?:;<>()[]\"\\-\r\n\t bB@.";
  std::size_t total = 0;
  for (int round = 0; round < 2000; ++round) {
    std::string text = seed;
    int edits = 1 + static_cast<int>(rng() % 20);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      std::size_t at = rng() % text.size();
      char c = (rng() % 2) ? alphabet[rng() % alphabet.size()] : static_cast<char>(rng() % 256);
      switch (rng() % 3) {
      case 0:
        text[at] = c;
        break;
      case 1:
        text.insert(at, 1, c);
        break;
      default:
        text.erase(at, 1 + rng() % 8);
        break;
      }
    }
    MailMessage m = parse_message(text);
    for (const ForwardedMessage &f : find_forwarded(m)) {
      MailMessage inner = parse_message(f.text);
      total += decode_encoded_words(inner.header("Subject")).size();
      total += find_forwarded(inner).size();
      for (std::string_view r : inner.all("Received"))
        if (auto h = parse_received(r)) total += h->id.size() + h->by.size();
    }
    total += first_address(m.header("From")).size();
  }
  CHECK(total > 0);
}
