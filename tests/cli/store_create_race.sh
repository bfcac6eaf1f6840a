#!/usr/bin/env bash
# Two tools creating one new database at the same moment (issue 21): two
# banwrite, and banwrite with spamflag, 10 times each; every run must get
# the exit code it gets alone (banwrite 0, spamflag 65 for an unmatched
# report), never 73/75 from the schema setup, and the database must pass
# integrity_check at schema version 8 with spamflag's report kept.
# Usage: store_create_race.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
source "$2/tests/cli_common.sh"
need_tool banwrite spamflag
need_command sqlite3
make_tmp
report=$src/tests/data/spamflag/attachment.eml

check_db() {
  [ "$(sqlite3 "$1" 'PRAGMA integrity_check')" = ok ] || fail "$1: integrity_check failed"
  [ "$(sqlite3 "$1" 'PRAGMA user_version')" = 8 ] || fail "$1: user_version $(sqlite3 "$1" 'PRAGMA user_version')"
}

for i in $(seq 1 10); do
  db=$tmp/bw$i.db
  "$banwrite" --db "$db" --dry-run </dev/null 2>"$tmp/a.err" & a=$!
  "$banwrite" --db "$db" --dry-run </dev/null 2>"$tmp/b.err" & b=$!
  rc=0; wait $a || rc=$?
  [ "$rc" -eq 0 ] || fail "run $i: first banwrite exit $rc: $(cat "$tmp/a.err")"
  rc=0; wait $b || rc=$?
  [ "$rc" -eq 0 ] || fail "run $i: second banwrite exit $rc: $(cat "$tmp/b.err")"
  check_db "$db"
done

for i in $(seq 1 10); do
  db=$tmp/sf$i.db
  "$banwrite" --db "$db" --dry-run </dev/null 2>"$tmp/a.err" & a=$!
  "$spamflag" --db "$db" <"$report" >/dev/null 2>"$tmp/b.err" & b=$!
  rc=0; wait $a || rc=$?
  [ "$rc" -eq 0 ] || fail "run $i: banwrite beside spamflag exit $rc: $(cat "$tmp/a.err")"
  rc=0; wait $b || rc=$?
  [ "$rc" -eq 65 ] || fail "run $i: spamflag beside banwrite exit $rc, not 65 (unmatched): $(cat "$tmp/b.err")"
  check_db "$db"
  [ "$(sqlite3 "$db" 'SELECT count(*) FROM spamflag_reports')" = 1 ] || fail "run $i: the report was not kept"
done
echo "ok: 20 races on a new database, every run as alone"
