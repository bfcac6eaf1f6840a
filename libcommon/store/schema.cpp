#include "store/schema.hpp"

#include <iterator>
#include <string>

#include "store/ban_rollup.hpp"

namespace spamflow {

namespace {

// The current schema (version 8), what a new database is created with.
// Times are epoch seconds (UTC) with the offset the log was written in kept
// beside them; addresses as text and as a sortable key (address_key()).
// Column order matters: rows are inserted by position.
constexpr const char *kCurrentSchemaSql = R"sql(
CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,              -- message | session
  host TEXT, qid TEXT, pid INTEGER,
  first INTEGER, last INTEGER, utc_offset INTEGER,
  client_ip TEXT, client_family INTEGER, client_key BLOB, client_name TEXT,
  sender TEXT, msgid TEXT, size INTEGER, nrcpts INTEGER,
  verdict TEXT, score REAL, reasons TEXT, events TEXT, net TEXT,
  complete INTEGER NOT NULL DEFAULT 1,
  rcpts TEXT);                     -- JSON array of {to, status, dsn, mailer}
CREATE INDEX messages_spam_client ON messages(client_family, client_key, first)
  WHERE verdict = 'spam';
CREATE TABLE networks (
  cidr TEXT PRIMARY KEY, family INTEGER, first_key BLOB, last_key BLOB,
  asn INTEGER, as_name TEXT, cc TEXT, rir TEXT, source TEXT, updated INTEGER);
CREATE TABLE bans (
  id INTEGER PRIMARY KEY,
  target TEXT NOT NULL, network TEXT NOT NULL, family INTEGER,
  first_key BLOB, last_key BLOB,
  start INTEGER, until INTEGER, reason TEXT, hits REAL, offence INTEGER,
  manual INTEGER NOT NULL DEFAULT 0, active INTEGER NOT NULL DEFAULT 1);
CREATE UNIQUE INDEX bans_active_target ON bans(target) WHERE active = 1;
CREATE INDEX bans_until ON bans(active, until);
CREATE TABLE ban_history (
  id INTEGER PRIMARY KEY, time INTEGER, action TEXT, target TEXT, network TEXT,
  reason TEXT, until INTEGER, hits REAL, offence INTEGER, manual INTEGER);
CREATE INDEX ban_history_network ON ban_history(network, time);
CREATE TABLE flags (
  id INTEGER PRIMARY KEY, time INTEGER, user TEXT, client_ip TEXT,
  client_family INTEGER, client_key BLOB, host TEXT, qid TEXT, msgid TEXT, note TEXT);
CREATE INDEX flags_time ON flags(time);
CREATE TABLE rollup_hour (
  hour INTEGER NOT NULL, utc_offset INTEGER NOT NULL, host TEXT NOT NULL,
  kind TEXT NOT NULL, verdict TEXT NOT NULL,
  records INTEGER NOT NULL, rcpts INTEGER NOT NULL,
  PRIMARY KEY(hour, utc_offset, host, kind, verdict)) WITHOUT ROWID;
CREATE TABLE rollup_reason (
  hour INTEGER NOT NULL, reason TEXT NOT NULL, records INTEGER NOT NULL,
  PRIMARY KEY(hour, reason)) WITHOUT ROWID;
CREATE TABLE rollup_client (
  ip TEXT PRIMARY KEY, name TEXT, net TEXT, first INTEGER, records INTEGER, messages INTEGER,
  sessions INTEGER, rcpts INTEGER, spam INTEGER, suspect INTEGER, ham INTEGER, local INTEGER,
  unclassified INTEGER, spam_mon INTEGER, spam_tue INTEGER, spam_wed INTEGER, spam_thu INTEGER,
  spam_fri INTEGER, spam_sat INTEGER, spam_sun INTEGER, last INTEGER) WITHOUT ROWID;
CREATE TABLE message_blocks (
  first_id INTEGER PRIMARY KEY, last_id INTEGER NOT NULL,
  min_first INTEGER, max_first INTEGER);
CREATE TABLE spamflag_reports (
  id INTEGER PRIMARY KEY, time INTEGER NOT NULL, user TEXT NOT NULL,
  status TEXT NOT NULL, matched_by TEXT, how TEXT,
  host TEXT, qid TEXT, client_ip TEXT, msgid TEXT, subject TEXT,
  flag_id INTEGER, reason TEXT,
  claimed_host TEXT, claimed_qid TEXT, claimed_ip TEXT, message TEXT);
CREATE INDEX spamflag_reports_user ON spamflag_reports(user, time);
CREATE INDEX spamflag_reports_time ON spamflag_reports(time);
CREATE INDEX spamflag_reports_qid ON spamflag_reports(qid, host);
CREATE VIEW recipients(message_id, addr, status, dsn, mailer) AS
  SELECT m.id, json_extract(r.value, '$.to'), json_extract(r.value, '$.status'),
         json_extract(r.value, '$.dsn'), json_extract(r.value, '$.mailer')
  FROM messages m, json_each(m.rcpts) r WHERE m.rcpts IS NOT NULL;
CREATE VIEW clients(ip, family, name, first, last, records, spam, ham) AS
  SELECT ip, CASE WHEN instr(ip, ':') THEN 6 ELSE 4 END, nullif(name, ''), first, last,
         records, spam, ham FROM rollup_client;
)sql";

// The steps, oldest first. Each is the SQL its version ran, kept as it was:
// a database of that version has exactly what the step before it made.

// Version 2 adds the rollup tables (ban_rollup.hpp). They are filled from
// the messages already there once every later step has run (migrate_schema).
Result<bool> to_v2(Db &db) {
  return db.exec(R"sql(
CREATE TABLE rollup_hour (
  hour INTEGER NOT NULL, utc_offset INTEGER NOT NULL, host TEXT NOT NULL,
  kind TEXT NOT NULL, verdict TEXT NOT NULL,
  records INTEGER NOT NULL, rcpts INTEGER NOT NULL,
  PRIMARY KEY(hour, utc_offset, host, kind, verdict)) WITHOUT ROWID;
CREATE TABLE rollup_reason (
  hour INTEGER NOT NULL, reason TEXT NOT NULL, records INTEGER NOT NULL,
  PRIMARY KEY(hour, reason)) WITHOUT ROWID;
CREATE TABLE rollup_client (
  ip TEXT PRIMARY KEY, name TEXT NOT NULL, net TEXT NOT NULL, first INTEGER NOT NULL,
  records INTEGER NOT NULL, messages INTEGER NOT NULL, sessions INTEGER NOT NULL,
  rcpts INTEGER NOT NULL, spam INTEGER NOT NULL, suspect INTEGER NOT NULL,
  ham INTEGER NOT NULL, local INTEGER NOT NULL, unclassified INTEGER NOT NULL,
  spam_mon INTEGER NOT NULL, spam_tue INTEGER NOT NULL, spam_wed INTEGER NOT NULL,
  spam_thu INTEGER NOT NULL, spam_fri INTEGER NOT NULL, spam_sat INTEGER NOT NULL,
  spam_sun INTEGER NOT NULL) WITHOUT ROWID;
)sql");
}

// Version 3 drops the indexes no query uses: each cost index upkeep on
// every stored record (report, spamflag and banwrite filter messages by
// time, client key, qid or msgid, never by verdict; clients by ip only).
// clients becomes a WITHOUT ROWID table: one B-tree keyed by ip, not a
// rowid table plus an index on ip.
Result<bool> to_v3(Db &db) {
  return db.exec(R"sql(
DROP INDEX IF EXISTS messages_verdict;
CREATE TABLE clients_v3 (
  ip TEXT PRIMARY KEY NOT NULL, family INTEGER, key BLOB, name TEXT,
  first INTEGER, last INTEGER, records INTEGER, spam INTEGER, ham INTEGER) WITHOUT ROWID;
INSERT INTO clients_v3 SELECT ip, family, key, name, first, last, records, spam, ham
  FROM clients WHERE ip IS NOT NULL;
DROP TABLE clients;
ALTER TABLE clients_v3 RENAME TO clients;
)sql");
}

// The clients view over rollup_client (versions 4 and 6 create it).
constexpr const char *kClientsView = R"sql(
CREATE VIEW clients(ip, family, name, first, last, records, spam, ham) AS
  SELECT ip, CASE WHEN instr(ip, ':') THEN 6 ELSE 4 END, nullif(name, ''), first, last,
         records, spam, ham FROM rollup_client;
)sql";

// Version 4 stops writing two things per record that only cost time (the
// clients upsert was 9% of banwrite's instructions and a third of the
// pages each commit rewrote; the recipients rows and their index 8%):
// - clients becomes a view over rollup_client, which already counts every
//   address per batch; rollup_client gains the time of its latest record.
// - a message's recipients are a JSON array in messages.rcpts, one object
//   {"to","status","dsn","mailer"} each (empty fields left out); the
//   recipients view lists them as rows, as the table did.
// last comes from the clients table (the latest record it counted); the
// rollups of a version 1 database are still empty here, and
// migrate_schema()'s fill writes last with them.
Result<bool> to_v4(Db &db) {
  auto ok = db.exec(R"sql(
ALTER TABLE rollup_client ADD COLUMN last INTEGER NOT NULL DEFAULT 0;
UPDATE rollup_client SET last = max(first,
  coalesce((SELECT c.last FROM clients c WHERE c.ip = rollup_client.ip), first));
DROP TABLE clients;
ALTER TABLE messages ADD COLUMN rcpts TEXT;
UPDATE messages SET rcpts = (
  SELECT json_group_array(json(o)) FROM (
    SELECT json_object('to', addr, 'status', status, 'dsn', dsn, 'mailer', mailer) AS o
    FROM recipients r WHERE r.message_id = messages.id ORDER BY r.rowid))
  WHERE id IN (SELECT message_id FROM recipients);
DROP TABLE recipients;
CREATE VIEW recipients(message_id, addr, status, dsn, mailer) AS
  SELECT m.id, json_extract(r.value, '$.to'), json_extract(r.value, '$.status'),
         json_extract(r.value, '$.dsn'), json_extract(r.value, '$.mailer')
  FROM messages m, json_each(m.rcpts) r WHERE m.rcpts IS NOT NULL;
)sql");
  return ok ? db.exec(kClientsView) : ok;
}

// Version 5 keeps the index by client key for spam records only: its one
// reader, report's ban effect, counts spam from a network before and after
// a ban. Every record's random insert into it was a quarter of banwrite's
// time on 1.35M records; spam is about a third of them.
Result<bool> to_v5(Db &db) {
  return db.exec(R"sql(
DROP INDEX IF EXISTS messages_client;
CREATE INDEX messages_spam_client ON messages(client_family, client_key, first)
  WHERE verdict = 'spam';
)sql");
}

// Version 6 rebuilds rollup_client without NOT NULL on its columns (the
// key excepted), columns in the same order: banwrite upserts 64 clients a
// statement, and SQLite gives a multi-row upsert that may fail a NOT NULL
// check a statement journal, a copy of every page it changes (spilled to a
// temporary file: 10,000 page writes for 135k records, 0.2 s of system
// time on 1.35M). banwrite binds every column, so none is ever null.
Result<bool> to_v6(Db &db) {
  auto ok = db.exec(R"sql(
DROP VIEW clients;
CREATE TABLE rollup_client_v6 (
  ip TEXT PRIMARY KEY, name TEXT, net TEXT, first INTEGER, records INTEGER, messages INTEGER,
  sessions INTEGER, rcpts INTEGER, spam INTEGER, suspect INTEGER, ham INTEGER, local INTEGER,
  unclassified INTEGER, spam_mon INTEGER, spam_tue INTEGER, spam_wed INTEGER, spam_thu INTEGER,
  spam_fri INTEGER, spam_sat INTEGER, spam_sun INTEGER, last INTEGER) WITHOUT ROWID;
INSERT INTO rollup_client_v6 SELECT ip, name, net, first, records, messages, sessions, rcpts,
  spam, suspect, ham, local, unclassified, spam_mon, spam_tue, spam_wed, spam_thu, spam_fri,
  spam_sat, spam_sun, last FROM rollup_client;
DROP TABLE rollup_client;
ALTER TABLE rollup_client_v6 RENAME TO rollup_client;
)sql");
  return ok ? db.exec(kClientsView) : ok;
}

// Version 7: message_blocks (message_blocks.hpp) replaces the index on
// messages.first, filled from the rows already there in blocks of 4096 ids
// (MessageBlocks::kRows: GROUP BY id >> 12).
Result<bool> to_v7(Db &db) {
  return db.exec(R"sql(
CREATE TABLE message_blocks (
  first_id INTEGER PRIMARY KEY, last_id INTEGER NOT NULL,
  min_first INTEGER, max_first INTEGER);
INSERT INTO message_blocks(first_id, last_id, min_first, max_first)
  SELECT min(id), max(id), min(first), max(first) FROM messages GROUP BY id >> 12;
DROP INDEX IF EXISTS messages_time;
)sql");
}

// Version 8 brings spamflag's table under the version: spamflag created it
// at every open, outside user_version, so a database spamflag has opened
// has it already (IF NOT EXISTS), one it has not gets it here.
Result<bool> to_v8(Db &db) {
  return db.exec(R"sql(
CREATE TABLE IF NOT EXISTS spamflag_reports (
  id INTEGER PRIMARY KEY, time INTEGER NOT NULL, user TEXT NOT NULL,
  status TEXT NOT NULL, matched_by TEXT, how TEXT,
  host TEXT, qid TEXT, client_ip TEXT, msgid TEXT, subject TEXT,
  flag_id INTEGER, reason TEXT,
  claimed_host TEXT, claimed_qid TEXT, claimed_ip TEXT, message TEXT);
CREATE INDEX IF NOT EXISTS spamflag_reports_user ON spamflag_reports(user, time);
CREATE INDEX IF NOT EXISTS spamflag_reports_time ON spamflag_reports(time);
CREATE INDEX IF NOT EXISTS spamflag_reports_qid ON spamflag_reports(qid, host);
)sql");
}

using Step = Result<bool> (*)(Db &);

// kSteps[v - 1] takes version v to v + 1. Version 1 is the oldest there
// is (its schema: tests/data/schema/v1.sql); version 0 is a new database.
constexpr Step kSteps[] = {to_v2, to_v3, to_v4, to_v5, to_v6, to_v7, to_v8};
static_assert(std::size(kSteps) == kStoreSchemaVersion - 1,
              "one step per version: a new version needs its step in kSteps");

// Every step from `version` on, then the rollups' fill for a database that
// had none. Inside the caller's transaction.
Result<bool> run_steps(Db &db, int version) {
  if (version == 0) return db.exec(kCurrentSchemaSql);
  for (int v = version; v < kStoreSchemaVersion; ++v) {
    auto step = kSteps[v - 1](db);
    if (!step)
      return make_error("migration to version " + std::to_string(v + 1) + ": " + step.error());
  }
  // The fill writes the current rollup_client, so it runs after the last step.
  if (version == 1) return fill_rollups_from_messages(db);
  return true;
}

// The database's version, checked against this program's.
Result<int> checked_version(Db &db) {
  int version = db.user_version();
  if (version < 0) return make_error("cannot read PRAGMA user_version (not an SQLite database?)");
  if (version > kStoreSchemaVersion)
    return make_error("schema version " + std::to_string(version) +
                      " is newer than this program's " + std::to_string(kStoreSchemaVersion));
  return version;
}

} // namespace

// Every step, the rollups' fill and the new version number in one
// transaction: a crash or an error leaves the database as it was.
Result<bool> migrate_schema(Db &db) {
  auto seen = checked_version(db);
  if (!seen) return make_error(seen.error());
  if (*seen == kStoreSchemaVersion) return true; // no write lock on the common path
  if (auto b = db.begin(); !b) return b;         // BEGIN IMMEDIATE: the write lock
  // Read again under the lock: another process may have migrated meanwhile.
  auto version = checked_version(db);
  Result<bool> step = true;
  if (!version)
    step = make_error(version.error());
  else if (*version < kStoreSchemaVersion)
    step = run_steps(db, *version);
  if (step && *version < kStoreSchemaVersion)
    step = db.exec("PRAGMA user_version = " + std::to_string(kStoreSchemaVersion));
  if (step) step = db.commit();
  if (!step) db.rollback();
  return step;
}

} // namespace spamflow
