// Where in `messages` the records of a period are (schema version 7).
//
// banwrite inserts records in about the order of their times, but not
// exactly (logjoin emits a record when it is complete, and a long session
// started before many shorter ones). Instead of an index on messages.first,
// whose insert per record was a tenth of banwrite's writer, the table
//
//   message_blocks(first_id, last_id, min_first, max_first)
//
// gives, for each run of up to MessageBlocks::kRows consecutive rows, the
// earliest and latest time among them (NULL: none has a time). A period's
// records are in the blocks whose times overlap it; rows after the last
// block (written by something other than banwrite) are read as well.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/db.hpp"

namespace spamflow {

// The writer's side: the open block, extended as rows are inserted and
// written (INSERT OR REPLACE, inside the open transaction) by flush().
class MessageBlocks {
public:
  static constexpr std::int64_t kRows = 4096;

  // Rows first_id..last_id were inserted; min_first/max_first over those
  // with a time (any_time false: none). Rows that do not follow the open
  // block (another writer's in between) or would make it longer than kRows
  // start a new one; the closed one is written first.
  Result<bool> add(Db &db, std::int64_t first_id, std::int64_t last_id, bool any_time,
                   std::int64_t min_first, std::int64_t max_first);
  // Writes the open block if it changed since it was last written. Before
  // each commit: the block row then always covers the committed rows.
  Result<bool> flush(Db &db);

private:
  std::int64_t first_id_ = 0, last_id_ = -1;
  std::int64_t min_first_ = 0, max_first_ = 0;
  bool any_time_ = false, dirty_ = false;
};

// The earliest and latest messages.first, if any record has a time.
struct MessageTimeSpan {
  std::int64_t min_first = 0, max_first = 0;
};
Result<std::optional<MessageTimeSpan>> message_time_span(Db &db);

// A SELECT of `columns` (of messages, unqualified) for the records with
// ?1 <= first < ?2, in no particular order. Through message_blocks when the
// database has it, else through the index on first of older schemas.
Result<std::string> messages_in_period_sql(Db &db, std::string_view columns);

} // namespace spamflow
