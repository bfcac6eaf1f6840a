#!/usr/bin/env bash
# banwrite's database as the stream leaves it: every record stored and the
# WAL folded back into the file at exit (a copy of the file alone is
# complete), a locked database refused with a clear error and EX_IOERR, a
# writer that fails in mid-stream stops the reader with its error, an
# unwritable path gives EX_CANTCREAT; records spread over many commits
# arrive whole.
# Usage: banwrite_store.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
source "$2/tests/cli_common.sh"
need_tool banwrite logjoin spamclass
bw=$banwrite
need_command sqlite3
make_tmp

# The sample log's records, classified: about 4,000.
"$logjoin" --year 2026 "$src/tests/data/sample/maillog" | "$spamclass" > "$tmp/records.jsonl"
records=$(grep -c '"kind":"\(message\|session\)"' "$tmp/records.jsonl")
[ "$records" -gt 3000 ] || fail "only $records records from the sample log"

# 1. Small batches: many commits, each handed over by the reader thread.
"$bw" --db "$tmp/a.db" --batch 97 --stats "$tmp/records.jsonl" > "$tmp/events" 2> "$tmp/err" \
  || fail "banwrite: $(cat "$tmp/err")"
[ ! -e "$tmp/a.db-wal" ] || fail "the WAL is still there after exit"
cp "$tmp/a.db" "$tmp/copy.db"
stored=$(sqlite3 "$tmp/copy.db" "SELECT count(*) FROM messages")
[ "$stored" = "$records" ] || fail "a copy of the file holds $stored records, want $records"
commits=$(grep -o 'commits=[0-9]*' "$tmp/err" | cut -d= -f2)
[ "$commits" -ge $((records / 97)) ] || fail "$commits commits for batches of 97 records"
[ "$(sqlite3 "$tmp/copy.db" 'PRAGMA integrity_check')" = ok ] || fail "integrity_check"
# Every announced ban is in the database.
announced=$(grep -c '"action":"add"' "$tmp/events" || true)
history=$(sqlite3 "$tmp/copy.db" "SELECT count(*) FROM ban_history WHERE action='add'")
[ "$announced" = "$history" ] || fail "$announced bans announced, $history in ban_history"
# The same records in one batch give the same tables.
"$bw" --db "$tmp/b.db" "$tmp/records.jsonl" > /dev/null
for q in "SELECT count(*), sum(first), sum(length(rcpts)) FROM messages" \
  "SELECT sum(records), sum(spam), sum(last) FROM rollup_client" \
  "SELECT sum(records), sum(rcpts) FROM rollup_hour" "SELECT sum(records) FROM rollup_reason"; do
  [ "$(sqlite3 "$tmp/a.db" "$q")" = "$(sqlite3 "$tmp/b.db" "$q")" ] || fail "batches of 97 differ from one: $q"
done

# The rollups agree with the rows they sum, whichever thread summed them.
for d in a b; do
  q() { sqlite3 "$tmp/$d.db" "$1"; }
  [ "$(q 'SELECT sum(records) FROM rollup_hour')" = "$(q 'SELECT count(*) FROM messages WHERE first IS NOT NULL')" ] ||
    fail "$d.db: rollup_hour does not count every record with a time"
  [ "$(q 'SELECT sum(records), sum(spam), count(*) FROM rollup_client')" = \
    "$(q "SELECT count(*), sum(verdict = 'spam'), count(DISTINCT client_ip) FROM messages WHERE first IS NOT NULL AND client_ip IS NOT NULL")" ] ||
    fail "$d.db: rollup_client does not sum the records with a client"
done

# 2. A database another process holds the write lock of: a clear error
# after the busy timeout, EX_IOERR, nothing announced.
python3 - "$tmp/b.db" > "$tmp/holder" <<'EOF' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
c.execute("INSERT INTO flags(time) VALUES(1)")
print("locked", flush=True)
time.sleep(20)
EOF
holder=$!
for _ in $(seq 100); do grep -q locked "$tmp/holder" && break; sleep 0.1; done
rc=0
timeout 15 "$bw" --db "$tmp/b.db" "$tmp/records.jsonl" > "$tmp/out" 2> "$tmp/err" || rc=$?
kill "$holder" 2> /dev/null || true
wait "$holder" 2> /dev/null || true
[ "$rc" = 74 ] || fail "locked database: exit $rc, want 74: $(cat "$tmp/err")"
grep -q 'database is locked' "$tmp/err" || fail "locked database: $(cat "$tmp/err")"
[ "$(wc -l < "$tmp/err")" -le 2 ] || fail "locked database: more than a line or two: $(cat "$tmp/err")"
[ ! -s "$tmp/out" ] || fail "events announced without a commit: $(head -3 "$tmp/out")"

# 3. The writer thread fails in mid-stream (another process drops the
# messages table while the input pauses): the reader stops with the
# writer's error and EX_IOERR, and the records committed before stay.
rm -f "$tmp"/c.db*
{
  head -n 2000 "$tmp/records.jsonl"
  for _ in $(seq 100); do [ -e "$tmp/dropped" ] && break; sleep 0.1; done
  tail -n +2001 "$tmp/records.jsonl"
} | "$bw" --db "$tmp/c.db" > /dev/null 2> "$tmp/err" &
bw_pid=$!
for _ in $(seq 100); do
  [ "$(sqlite3 "$tmp/c.db" 'SELECT count(*) FROM messages' 2> /dev/null)" = 2000 ] && break
  sleep 0.1
done
sqlite3 "$tmp/c.db" "DROP VIEW recipients; DROP TABLE messages" || fail "could not drop the table"
touch "$tmp/dropped"
rc=0
wait "$bw_pid" || rc=$?
[ "$rc" = 74 ] || fail "failing writer: exit $rc, want 74: $(cat "$tmp/err")"
grep -q 'messages' "$tmp/err" || fail "failing writer: the error does not say what failed: $(cat "$tmp/err")"
[ "$(wc -l < "$tmp/err")" -le 2 ] || fail "failing writer: more than a line or two: $(cat "$tmp/err")"

# 4. A path that cannot be created.
rc=0
"$bw" --db "$tmp/no/such/dir/x.db" "$tmp/records.jsonl" > /dev/null 2> "$tmp/err" || rc=$?
[ "$rc" = 73 ] || fail "unwritable path: exit $rc, want 73"
grep -q 'x.db' "$tmp/err" || fail "unwritable path: the error does not name it: $(cat "$tmp/err")"
echo "banwrite_store.sh: ok"
