// SQLite cache of final whois answers, keyed by the network they describe,
// so that one query answers for every address of that network until the
// entry is older than the TTL.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "base/result.hpp"
#include "ip/ip_address.hpp"

struct sqlite3;

namespace spamflow {

struct CachedWhois {
  std::string server;
  std::string answer;
  std::int64_t fetched_unix = 0;
};

class WhoisCache {
public:
  static Result<WhoisCache> open(const std::string &path);
  WhoisCache(WhoisCache &&other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  WhoisCache(const WhoisCache &) = delete;
  ~WhoisCache();

  // The most specific fresh entry whose network holds addr.
  std::optional<CachedWhois> find(const IpAddress &addr, std::int64_t not_before_unix);
  Result<bool> store(const IpAddress &first, const IpAddress &last, const CachedWhois &entry);

private:
  explicit WhoisCache(sqlite3 *db) : db_(db) {}
  sqlite3 *db_;
};

} // namespace spamflow
