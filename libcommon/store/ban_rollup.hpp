// Rollup tables of banwrite's database (schema version 2): what report's
// default report needs, aggregated as records are stored, so that a report
// over the whole database reads thousands of rows instead of every message.
//
//   rollup_hour    (hour, utc_offset, host, kind, verdict) -> records, rcpts
//   rollup_reason  (hour, reason) -> records
//   rollup_client  (ip) -> the name and net of its earliest record, counts
//                  by verdict and spam by local day of week, the time of
//                  its latest record (column last, schema version 4)
//
// Only records with a time are rolled up (report's periods are times).
// RollupBatch aggregates one batch in memory; flush() upserts it inside the
// batch's transaction, so the rollups never disagree with `messages`.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/dense_map.hpp"
#include "base/key_hash.hpp"
#include "base/text_arena.hpp"
#include "store/db.hpp"
#include "wire/stored_record.hpp"

namespace spamflow {

// Calls f(name) for each reason of spamclass's "reasons" JSON array: each
// string up to its first ':' or '='.
template <class F> void each_reason_name(std::string_view json, F &&f) {
  // One pass over the bytes (a find per string and per name was 0.9% of
  // banwrite). An escaped quote does not end a string; a string cut short
  // ends with the text.
  const std::size_t n = json.size();
  std::size_t i = 0;
  while (i < n) {
    if (json[i++] != '"') continue;
    const std::size_t start = i;
    std::size_t cut = std::string_view::npos;
    for (bool escaped = false; i < n; ++i) {
      const char c = json[i];
      if (c == '"' && !escaped) break;
      if (cut == std::string_view::npos && (c == ':' || c == '=')) cut = i;
      escaped = !escaped && c == '\\';
    }
    f(json.substr(start, std::min(cut, i) - start));
    ++i; // the closing quote
  }
}

// A record's fields that the rollups read (as stored in `messages`).
struct RollupInput {
  std::string_view kind, host, verdict, ip, name, net, reasons_json;
  std::int64_t first = 0, utc_offset = 0, nrcpts = 0;
};

class RollupBatch {
public:
  void add(const RollupInput &in);
  void add(const StoredRecord &r);
  bool empty() const { return hours_.empty(); }
  // Upserts the batch into the rollup tables and clears it.
  Result<bool> flush(Db &db);
  // flush() in two: upserts (BanStore::store_rollups)…
  Result<bool> write(Db &db);
  // … and empties the batch.
  void clear();

  // Puts the clients in key order, so that each upsert finds its B-tree
  // path next to the last one's, in pages already in the cache. write()
  // does it if need be; banwrite's reader does it before the hand-over.
  void sort_clients();

private:
  struct Client {
    std::string_view name, net; // in text_
    std::int64_t first = 0, last = 0;
    // records messages sessions rcpts spam suspect ham local unclassified
    std::array<std::int64_t, 9> counts{};
    std::array<std::int64_t, 7> spam_dow{};
  };
  // Hash maps looked up by views of the record's strings: a key's strings
  // are copied only when it is new to the batch (ordered maps of copied
  // keys were 5% of banwrite).
  struct HourView {
    std::int64_t hour = 0, utc_offset = 0;
    std::string_view host, kind, verdict;
    bool operator==(const HourView &) const = default;
  };
  struct HourKey {
    std::int64_t hour = 0, utc_offset = 0;
    std::string host, kind, verdict;
    operator HourView() const { return {hour, utc_offset, host, kind, verdict}; }
  };
  struct ReasonView {
    std::int64_t hour = 0;
    std::string_view name;
    bool operator==(const ReasonView &) const = default;
  };
  struct ReasonKey {
    std::int64_t hour = 0;
    std::string name;
    operator ReasonView() const { return {hour, name}; }
  };
  struct ViewHash {
    using is_transparent = void;
    std::size_t operator()(const HourView &k) const;
    std::size_t operator()(const ReasonView &k) const;
    std::size_t operator()(std::string_view s) const { return TextHash{}(s); }
  };
  struct ViewEq {
    using is_transparent = void;
    bool operator()(const HourView &a, const HourView &b) const { return a == b; }
    bool operator()(const ReasonView &a, const ReasonView &b) const { return a == b; }
    bool operator()(std::string_view a, std::string_view b) const { return a == b; }
  };
  std::unordered_map<HourKey, std::pair<std::int64_t, std::int64_t>, ViewHash, ViewEq> hours_;
  std::unordered_map<ReasonKey, std::int64_t, ViewHash, ViewEq> reasons_;
  // Clients by address; their texts (the keys too) live in text_, so a
  // batch of 100,000 clients allocates nothing once the first has run.
  DenseMap<std::string_view, Client, TextHash> clients_;
  TextArena text_;
  using ClientEntry = std::pair<std::string_view, Client>;
  std::vector<std::pair<std::uint64_t, const ClientEntry *>> client_order_; // sort_clients()
};

// Rebuilds the rollups from every row of `messages` (migration to v2).
Result<bool> fill_rollups_from_messages(Db &db);

} // namespace spamflow
