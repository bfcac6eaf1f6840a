// Received headers as sendmail writes them, and the choice of the one hop
// that brought a message into our servers:
//
//   Received: from HELO (rdns.name [192.0.2.7])
//           by mx1.example.com (8.17.1.9/8.17.1.9) with ESMTP id 6ASLqUCA008736
//           for <dave@example.com>; Sat, 28 Nov 2026 21:52:30 GMT
//
// Only the hop into our servers can be believed: every Received header
// below it was written by machines we do not run, i.e. possibly by the
// spammer. In the hop itself the HELO name is the client's; the address is
// the one sendmail writes last, in brackets, inside its own comment.
#pragma once
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "ip/cidr.hpp"
#include "ip/ip_address.hpp"

namespace spamflow {

struct ReceivedHeader {
  std::string helo;        // the word after "from" (the client's; may be anything)
  std::string client_name; // the reverse-DNS name sendmail put in its comment
  std::optional<IpAddress> client_ip;
  bool may_be_forged = false; // sendmail's "(may be forged)"
  std::string by;             // the receiving host, as it named itself
  std::string with;           // ESMTP, ESMTPS, ESMTPSA, SMTP, LMTP …
  std::string id;             // queue id
  std::string for_address;    // without angle brackets
  std::string date;           // the text after the last ';'
};

// Parses one unfolded Received value. Fails only when there is no "by"
// host; other parts stay empty when absent or malformed.
Result<ReceivedHeader> parse_received(std::string_view value);

// A sendmail queue id: 8 to 20 letters and digits.
bool is_queue_id(std::string_view text);

struct HopPolicy {
  // Given a "by" name, the host name our database knows it by (e.g.
  // "mx1.example.com" → "mx1"), or nullopt if it is not one of ours.
  std::function<std::optional<std::string>(std::string_view by)> our_host;
  // Addresses of our own relays: a hop from one of them into another of our
  // servers is internal, so the walk goes on down to the hop before it.
  std::vector<IpNetwork> relays;
};

struct EntryHop {
  ReceivedHeader header;
  std::string host;      // from HopPolicy::our_host
  std::size_t index = 0; // of the Received field, 0 = topmost
};

// Walks the Received values (top first): skips those above our servers,
// then follows our own hops down while they come from our relays. The
// error says why there is none ("no Received header by our servers", "our
// Received header has no queue id").
Result<EntryHop> find_entry_hop(const std::vector<std::string_view> &received,
                                const HopPolicy &policy);

} // namespace spamflow
