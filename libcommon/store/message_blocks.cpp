#include "store/message_blocks.hpp"

#include <algorithm>

namespace spamflow {

Result<bool> MessageBlocks::add(Db &db, std::int64_t first_id, std::int64_t last_id, bool any_time,
                                std::int64_t min_first, std::int64_t max_first) {
  bool follows = last_id_ >= first_id_ && first_id == last_id_ + 1;
  if (!follows || last_id - first_id_ + 1 > kRows) {
    if (auto ok = flush(db); !ok) return ok;
    first_id_ = first_id;
    any_time_ = false;
  }
  last_id_ = last_id;
  if (any_time) {
    min_first_ = any_time_ ? std::min(min_first_, min_first) : min_first;
    max_first_ = any_time_ ? std::max(max_first_, max_first) : max_first;
    any_time_ = true;
  }
  dirty_ = true;
  return true;
}

Result<bool> MessageBlocks::flush(Db &db) {
  if (!dirty_) return true;
  auto st = db.cached("INSERT OR REPLACE INTO message_blocks(first_id, last_id, min_first,"
                      " max_first) VALUES(?1, ?2, ?3, ?4)");
  if (!st) return make_error(st.error());
  Statement &s = **st;
  s.bind(1, first_id_).bind(2, last_id_);
  if (any_time_)
    s.bind(3, min_first_).bind(4, max_first_);
  else
    s.bind_null(3).bind_null(4);
  if (auto ok = s.run_rebound(); !ok) return ok;
  dirty_ = false;
  return true;
}

namespace {

Result<bool> has_blocks(Db &db) {
  auto n = db.query_int("SELECT count(*) FROM sqlite_master WHERE name='message_blocks'");
  if (!n) return make_error(n.error());
  return *n > 0;
}

// Rows no block covers: after the last one.
constexpr const char *kAfterBlocks = "id > (SELECT coalesce(max(last_id), 0) FROM message_blocks)";

} // namespace

Result<std::optional<MessageTimeSpan>> message_time_span(Db &db) {
  auto blocks = has_blocks(db);
  if (!blocks) return make_error(blocks.error());
  std::string sql = *blocks ? std::string("SELECT min(lo), max(hi) FROM (SELECT min(min_first) lo,"
                                          " max(max_first) hi FROM message_blocks UNION ALL"
                                          " SELECT min(first), max(first) FROM messages WHERE ") +
                                  kAfterBlocks + ")"
                            : "SELECT min(first), max(first) FROM messages";
  auto st = db.prepare(sql);
  if (!st) return make_error(st.error());
  std::optional<MessageTimeSpan> span;
  if (st->step() && !st->column_is_null(0))
    span = MessageTimeSpan{st->column_int(0), st->column_int(1)};
  if (!st->error().empty()) return make_error(st->error());
  return span;
}

Result<std::string> messages_in_period_sql(Db &db, std::string_view columns) {
  auto blocks = has_blocks(db);
  if (!blocks) return make_error(blocks.error());
  std::string cols(columns);
  if (!*blocks) return "SELECT " + cols + " FROM messages WHERE first >= ?1 AND first < ?2";
  // CROSS JOIN: blocks outside, each block's rows by rowid range inside.
  return "SELECT " + cols +
         " FROM message_blocks CROSS JOIN messages ON id BETWEEN first_id AND last_id"
         " WHERE max_first >= ?1 AND min_first < ?2 AND first >= ?1 AND first < ?2"
         " UNION ALL SELECT " +
         cols + " FROM messages WHERE " + kAfterBlocks + " AND first >= ?1 AND first < ?2";
}

} // namespace spamflow
