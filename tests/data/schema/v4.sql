-- Schema version 4: a new database as banwrite created it at commit
-- 31322fc1de7db330f310ff21e8673be3bbdf009f
-- ("banwrite: schema 4 stores a message's recipients as a JSON column
-- (recipients is a view) and makes clients a view over rollup_client (which
-- gains ..."),
-- its migration steps from version 0 run in order: sqlite_master's text
-- in creation order. Frozen: never edit. tests/unit/test_schema.cpp
-- migrates it to the current version and compares it with a new one.

CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,              -- message | session
  host TEXT, qid TEXT, pid INTEGER,
  first INTEGER, last INTEGER, utc_offset INTEGER,
  client_ip TEXT, client_family INTEGER, client_key BLOB, client_name TEXT,
  sender TEXT, msgid TEXT, size INTEGER, nrcpts INTEGER,
  verdict TEXT, score REAL, reasons TEXT, events TEXT, net TEXT,
  complete INTEGER NOT NULL DEFAULT 1, rcpts TEXT);
CREATE INDEX messages_time ON messages(first);
CREATE INDEX messages_client ON messages(client_family, client_key, first);
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
  ip TEXT PRIMARY KEY, name TEXT NOT NULL, net TEXT NOT NULL, first INTEGER NOT NULL,
  records INTEGER NOT NULL, messages INTEGER NOT NULL, sessions INTEGER NOT NULL,
  rcpts INTEGER NOT NULL, spam INTEGER NOT NULL, suspect INTEGER NOT NULL,
  ham INTEGER NOT NULL, local INTEGER NOT NULL, unclassified INTEGER NOT NULL,
  spam_mon INTEGER NOT NULL, spam_tue INTEGER NOT NULL, spam_wed INTEGER NOT NULL,
  spam_thu INTEGER NOT NULL, spam_fri INTEGER NOT NULL, spam_sat INTEGER NOT NULL,
  spam_sun INTEGER NOT NULL, last INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
CREATE VIEW clients(ip, family, name, first, last, records, spam, ham) AS
  SELECT ip, CASE WHEN instr(ip, ':') THEN 6 ELSE 4 END, nullif(name, ''), first, last,
         records, spam, ham FROM rollup_client;
CREATE VIEW recipients(message_id, addr, status, dsn, mailer) AS
  SELECT m.id, json_extract(r.value, '$.to'), json_extract(r.value, '$.status'),
         json_extract(r.value, '$.dsn'), json_extract(r.value, '$.mailer')
  FROM messages m, json_each(m.rcpts) r WHERE m.rcpts IS NOT NULL;
PRAGMA user_version = 4;
