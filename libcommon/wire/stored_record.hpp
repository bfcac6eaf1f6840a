// One logjoin/spamclass record as banwrite stores it: the fields report
// needs, taken out of the JSON once. Missing fields stay empty / -1; a field
// of the wrong type makes the record bad (the caller counts it).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <simdjson.h>

#include "base/result.hpp"
#include "ip/cidr.hpp"
#include "ip/ip_address.hpp"

namespace spamflow {

struct StoredRecipient {
  std::string to, status, dsn, mailer;
};

struct StoredRecord {
  std::string kind; // "message" or "session"
  std::string host, qid;
  std::int64_t pid = -1;
  bool has_time = false;
  std::int64_t first = 0, last = 0; // epoch seconds
  std::int32_t utc_offset_s = 0;    // of "first", as the log wrote it
  std::optional<IpAddress> client;
  std::string client_name;
  std::string from, msgid;
  std::int64_t size = -1, nrcpts = -1;
  std::string verdict; // "" when the record was not classified
  double score = 0;
  std::string reasons_json;     // the class's reasons array as JSON text
  std::string events_json;      // a session's events array as JSON text
  std::optional<IpNetwork> net; // netlookup's "net":{"cidr":…}
  bool complete = true;
  std::vector<StoredRecipient> rcpts;
  // Reused text buffers of the reader (times, address, cidr), not fields.
  std::string scratch_first, scratch_last;
};

// Fills `out` (cleared first) from one parsed record. The error names the
// field that was present but unusable.
Result<bool> read_stored_record(simdjson::dom::element record, StoredRecord &out);

} // namespace spamflow
