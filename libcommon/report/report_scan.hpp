// report's one pass over the records of a period: every count the reports
// need, aggregated in memory. Clients are looked up once each (network
// table, pool-name detector) however many records they sent.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/log_time.hpp"
#include "base/result.hpp"
#include "store/db.hpp"

namespace spamflow {

class NetTable;

// Records by verdict. "local" is spamclass's verdict for the site's own
// traffic; "unclassified" counts records that carry no verdict.
struct VerdictCounts {
  std::int64_t records = 0, messages = 0, sessions = 0, recipients = 0;
  std::int64_t spam = 0, suspect = 0, ham = 0, local = 0, unclassified = 0;
  void add(const VerdictCounts &other);
};

// Who a client is, for the "who sends it" report.
enum class SenderKind { kPool, kStatic, kHosting, kUnnamed, kCount };
const char *sender_kind_name(SenderKind kind); // pool, static, hosting, no-rdns

struct NetworkCounts {
  VerdictCounts counts;
  std::string cc, as_name;
  std::uint32_t asn = 0;
};

struct ScanData {
  VerdictCounts total;
  std::int64_t clients = 0;
  std::map<std::string, std::int64_t> rejects;     // reason -> records
  std::map<std::string, VerdictCounts> by_country; // "" = unknown
  std::map<std::string, NetworkCounts> by_prefix;  // BGP prefix (or stored "net")
  std::map<std::string, NetworkCounts> by_alloc;   // registry allocation range
  std::map<std::uint32_t, NetworkCounts> by_as;    // 0 = unknown
  std::map<std::string, VerdictCounts> by_host;    // mail server
  // Local day of week (0 = Monday) x hour.
  std::array<std::array<std::int64_t, 24>, 7> week_spam{}, week_all{};
  std::map<std::int64_t, VerdictCounts> series; // bucket start (epoch s) -> counts
  std::int64_t bucket_s = 3600;
  std::array<VerdictCounts, static_cast<int>(SenderKind::kCount)> by_sender{};
  std::array<std::array<std::int64_t, 7>, static_cast<int>(SenderKind::kCount)> sender_week_spam{};
  bool from_rollup = false; // counted from banwrite's rollup tables, not from messages
};

struct ScanOptions {
  std::int64_t since = 0, until = 0;
  // Zone for day/hour; nullptr = each record's own logged offset.
  const ZoneConverter *zone = nullptr;
  std::int64_t bucket_s = 3600;
  const NetTable *table = nullptr; // optional: country, AS, allocation per client
  // Called now and then with the records done so far (progress display).
  std::function<void(std::int64_t)> progress;
  // Read the rollup tables (ban_rollup.hpp) instead of every message when
  // they give the same answer: the period holds the whole database, times
  // in the logs' own offsets (whole hours), series by hour or day.
  bool use_rollup = true;
};

// Bucket length for a series over [since, until) when none is asked for:
// minutes up to 6 hours, hours up to 14 days, days beyond.
std::int64_t auto_bucket_seconds(std::int64_t since, std::int64_t until);

Result<ScanData> scan_records(Db &db, const ScanOptions &options);

} // namespace spamflow
