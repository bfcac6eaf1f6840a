-- spamflag's table as spamflag added it to a database of any version, 1 to
-- 7, at every open (outside user_version), from commit
-- b9b7b543acc50608b2dae30ab6c93362b1607bf3 ("spamflag: read a
-- forwarded spam report ...") until version 8 brought it under the version.
-- Frozen: never edit. tests/unit/test_schema.cpp adds it to old versions.

CREATE TABLE IF NOT EXISTS spamflag_reports (
  id INTEGER PRIMARY KEY, time INTEGER NOT NULL, user TEXT NOT NULL,
  status TEXT NOT NULL, matched_by TEXT, how TEXT,
  host TEXT, qid TEXT, client_ip TEXT, msgid TEXT, subject TEXT,
  flag_id INTEGER, reason TEXT,
  claimed_host TEXT, claimed_qid TEXT, claimed_ip TEXT, message TEXT);
CREATE INDEX IF NOT EXISTS spamflag_reports_user ON spamflag_reports(user, time);
CREATE INDEX IF NOT EXISTS spamflag_reports_time ON spamflag_reports(time);
CREATE INDEX IF NOT EXISTS spamflag_reports_qid ON spamflag_reports(qid, host);
