#include "flag/spamflag_store.hpp"

namespace spamflow {

namespace {

void bind_text_or_null(Statement &st, int index, std::string_view text) {
  if (text.empty())
    st.bind_null(index);
  else
    st.bind(index, text);
}

} // namespace

const char *describe(FlagReport::Status status) {
  switch (status) {
  case FlagReport::Status::kFlagged:
    return "flagged";
  case FlagReport::Status::kDuplicate:
    return "duplicate";
  case FlagReport::Status::kUnmatched:
    break;
  }
  return "unmatched";
}

Result<SpamflagStore> SpamflagStore::open(const std::string &path, int busy_timeout_ms) {
  BanStoreOptions options;
  options.busy_timeout_ms = busy_timeout_ms;
  auto store = BanStore::open(path, options);
  if (!store) return make_error(store.error());
  return SpamflagStore(std::move(*store));
}

Result<bool> SpamflagStore::begin() {
  return db().begin();
}
Result<bool> SpamflagStore::commit() {
  return db().commit();
}
void SpamflagStore::rollback() {
  db().rollback();
}

Result<std::int64_t> SpamflagStore::reports_since(std::string_view user, std::int64_t since) {
  auto st = db().prepare(
      user.empty() ? "SELECT count(*) FROM spamflag_reports WHERE time >= ?1"
                   : "SELECT count(*) FROM spamflag_reports WHERE user = ?2 AND time >= ?1");
  if (!st) return make_error(st.error());
  st->bind(1, since);
  if (!user.empty()) st->bind(2, user);
  std::int64_t n = st->step() ? st->column_int(0) : 0;
  if (!st->error().empty()) return make_error(st->error());
  return n;
}

Result<std::vector<StoredMessage>>
SpamflagStore::query_messages(std::string_view sql, std::vector<std::string_view> args) {
  auto st = db().prepare(sql);
  if (!st) return make_error(st.error());
  for (std::size_t i = 0; i < args.size(); ++i)
    st->bind(static_cast<int>(i + 1), args[i]);
  std::vector<StoredMessage> out;
  while (st->step()) {
    StoredMessage m{st->column_text(0), st->column_text(1), st->column_text(2), std::nullopt,
                    st->column_int(4)};
    if (!st->column_is_null(3)) m.client = IpAddress::try_parse(st->column_text(3));
    out.push_back(std::move(m));
  }
  if (!st->error().empty()) return make_error(st->error());
  return out;
}

Result<std::optional<StoredMessage>> SpamflagStore::find_by_queue_id(std::string_view host,
                                                                     std::string_view qid) {
  auto rows = query_messages("SELECT host, qid, msgid, client_ip, first FROM messages"
                             " WHERE qid = ?2 AND host = ?1 AND kind = 'message'"
                             " ORDER BY client_ip IS NULL, first LIMIT 1",
                             {host, qid});
  if (!rows) return make_error(rows.error());
  if (rows->empty()) return std::optional<StoredMessage>{};
  return std::optional<StoredMessage>{std::move(rows->front())};
}

Result<std::vector<StoredMessage>> SpamflagStore::find_by_message_id(std::string_view msgid) {
  return query_messages("SELECT host, qid, msgid, client_ip, first FROM messages"
                        " WHERE msgid = ?1 AND kind = 'message' ORDER BY first LIMIT 100",
                        {msgid});
}

Result<bool> SpamflagStore::is_known_host(std::string_view host) {
  auto rows = query_messages("SELECT host, qid, msgid, client_ip, first FROM messages"
                             " WHERE host = ?1 LIMIT 1",
                             {host});
  if (!rows) return make_error(rows.error());
  return !rows->empty();
}

Result<bool> SpamflagStore::already_flagged(std::string_view user, std::string_view host,
                                            std::string_view qid) {
  auto st = db().prepare("SELECT count(*) FROM spamflag_reports WHERE qid = ?3 AND host = ?2"
                         " AND user = ?1 AND status = 'flagged'");
  if (!st) return make_error(st.error());
  st->bind(1, user).bind(2, host).bind(3, qid);
  std::int64_t n = st->step() ? st->column_int(0) : 0;
  if (!st->error().empty()) return make_error(st->error());
  return n > 0;
}

Result<bool> SpamflagStore::record(FlagReport &r) {
  std::string client = r.client ? r.client->to_string() : std::string();
  if (r.status == FlagReport::Status::kFlagged) {
    auto st = db().prepare("INSERT INTO flags(time,user,client_ip,client_family,client_key,host,"
                           "qid,msgid,note) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)");
    if (!st) return make_error(st.error());
    st->bind(1, r.time).bind(2, r.user);
    if (r.client) {
      std::string key = address_key(*r.client);
      st->bind(3, client).bind(4, r.client->version()).bind_blob(5, key.data(), key.size());
    }
    bind_text_or_null(*st, 6, r.host);
    bind_text_or_null(*st, 7, r.qid);
    bind_text_or_null(*st, 8, r.msgid);
    st->bind(9, r.matched_by);
    if (auto ok = st->run(); !ok) return ok;
    r.flag_id = db().last_insert_rowid();
  }
  auto st = db().prepare(
      "INSERT INTO spamflag_reports(time,user,status,matched_by,how,host,qid,client_ip,msgid,"
      "subject,flag_id,reason,claimed_host,claimed_qid,claimed_ip,message)"
      " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16)");
  if (!st) return make_error(st.error());
  st->bind(1, r.time).bind(2, r.user).bind(3, describe(r.status));
  const std::string_view texts[] = {r.matched_by, r.how, r.host, r.qid, client, r.msgid, r.subject};
  for (int i = 0; i < 7; ++i)
    bind_text_or_null(*st, 4 + i, texts[i]);
  if (r.flag_id != 0) st->bind(11, r.flag_id);
  const std::string_view more[] = {r.reason, r.claimed_host, r.claimed_qid, r.claimed_ip,
                                   r.message};
  for (int i = 0; i < 5; ++i)
    bind_text_or_null(*st, 12 + i, more[i]);
  return st->run();
}

} // namespace spamflow
