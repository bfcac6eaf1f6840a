#include <catch2/catch.hpp>

#include "flag/received_header.hpp"

using namespace spamflow;

namespace {

const char *kOurs = "from mail.freemail.test ([127.99.13.189])\r\n\tby mx1.example.com "
                    "(8.17.1.9/8.17.1.9/Debian-2+deb12u2) with ESMTP id 6ASLqUCA008736\r\n\tfor "
                    "<dave@example.com>; Sat, 28 Nov 2026 21:52:30 +0000";

HopPolicy policy() {
  HopPolicy p;
  p.our_host = [](std::string_view by) -> std::optional<std::string> {
    if (by == "mx1.example.com") return std::string("mx1");
    if (by == "mx2.example.net") return std::string("mx2");
    return std::nullopt;
  };
  p.relays.push_back(IpNetwork::parse("127.0.0.2/32").value());
  return p;
}

} // namespace

TEST_CASE("sendmail's Received header parts", "[received]") {
  auto h = parse_received(kOurs);
  REQUIRE(h);
  CHECK(h->helo == "mail.freemail.test");
  CHECK(h->client_name.empty());
  REQUIRE(h->client_ip);
  CHECK(h->client_ip->to_string() == "127.99.13.189");
  CHECK(h->by == "mx1.example.com");
  CHECK(h->with == "ESMTP");
  CHECK(h->id == "6ASLqUCA008736");
  CHECK(h->for_address == "dave@example.com");
  CHECK(h->date == "Sat, 28 Nov 2026 21:52:30 +0000");
}

TEST_CASE("the client address is sendmail's last literal, not the HELO's", "[received]") {
  auto h = parse_received("from [10.9.9.9] (evil[10.1.1.1] [198.51.100.7] (may be forged)) by "
                          "mx1.example.com (8.17.1.9/8.17.1.9) with ESMTP id 6ASLqUCA008736");
  REQUIRE(h);
  CHECK(h->helo == "[10.9.9.9]");
  CHECK(h->client_ip->to_string() == "198.51.100.7");
  CHECK(h->client_name == "evil[10.1.1.1]");
  CHECK(h->may_be_forged);
  auto v6 = parse_received("from x (h.example [IPv6:2001:db8::7]) by mx1.example.com id "
                           "6ASLqUCA008736");
  REQUIRE(v6);
  CHECK(v6->client_ip->to_string() == "2001:db8::7");
  auto no_helo = parse_received("from c.example [192.0.2.9] by mx1.example.com id 6ASLqUCA008736");
  REQUIRE(no_helo);
  CHECK(no_helo->helo.empty());
  CHECK(no_helo->client_name == "c.example");
  CHECK(no_helo->client_ip->to_string() == "192.0.2.9");
  CHECK_FALSE(parse_received("from x (y [1.2.3.4])"));
  CHECK_FALSE(is_queue_id("abc"));
  CHECK_FALSE(is_queue_id("6ASLqUCA-08736"));
  CHECK(is_queue_id("6ASLqUCA008736"));
}

TEST_CASE("entry hop: ours from the top, forged ones below are never read", "[received]") {
  std::string forged = "from partner (p.example [127.31.7.7]) by mx1.example.com "
                       "(8.17.1.9/8.17.1.9) with ESMTP id 6ASLqJr8008599";
  std::string above = "from mx1.example.com by imap.example.com with LMTP id 1234567890";
  std::vector<std::string_view> rcvd = {above, kOurs, forged};
  auto hop = find_entry_hop(rcvd, policy());
  REQUIRE(hop);
  CHECK(hop->index == 1);
  CHECK(hop->host == "mx1");
  CHECK(hop->header.id == "6ASLqUCA008736");
  CHECK(hop->header.client_ip->to_string() == "127.99.13.189");
}

TEST_CASE("entry hop: through our relay down to the hop into mx2", "[received]") {
  std::string top = "from mx2.example.net (localhost [127.0.0.2]) by mx1.example.com "
                    "(8.17.1.9/8.17.1.9) with ESMTP id 6ASLqOPQ008664";
  std::string entry = "from mail.partner-b.test ([127.211.123.144]) by mx2.example.net "
                      "(8.17.1.9/8.17.1.9) with ESMTP id 6ASLqOAD008661";
  std::string outside = "from a by b.example id 1234567890";
  auto hop = find_entry_hop({top, entry, outside}, policy());
  REQUIRE(hop);
  CHECK(hop->host == "mx2");
  CHECK(hop->header.id == "6ASLqOAD008661");
  HopPolicy no_relays = policy();
  no_relays.relays.clear();
  auto first = find_entry_hop({top, entry}, no_relays);
  REQUIRE(first);
  CHECK(first->header.id == "6ASLqOPQ008664");
}

TEST_CASE("entry hop: none, or ours without a queue id", "[received]") {
  auto none = find_entry_hop({"from a ([1.2.3.4]) by elsewhere.example id 1234567890"}, policy());
  REQUIRE_FALSE(none);
  CHECK(none.error() == "no Received header by our servers");
  auto no_id = find_entry_hop({"from a ([1.2.3.4]) by mx1.example.com with ESMTP"}, policy());
  REQUIRE_FALSE(no_id);
  CHECK(no_id.error().find("no queue id") != std::string::npos);
  CHECK_FALSE(find_entry_hop({}, policy()));
}
