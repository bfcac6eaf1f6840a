#!/usr/bin/env bash
# banwrite stopped by SIGTERM in mid-stream stores what it had read: the
# producer never goes quiet for the 100 ms that commits an idle batch, and
# the batch is longer than the run, so without the signal's handling the
# database would hold nothing (the process killed with its batch open).
# Usage: banwrite_signal.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
source "$2/tests/cli_common.sh"
need_tool banwrite logjoin spamclass
bw=$banwrite
need_command sqlite3
make_tmp

"$logjoin" --year 2026 "$src/tests/data/sample/maillog" | "$spamclass" > "$tmp/all.jsonl"
grep '"kind":"\(message\|session\)"' "$tmp/all.jsonl" > "$tmp/records.jsonl"

# One record every 10 ms, for up to 20 s: never 100 ms of quiet.
producer() {
  while IFS= read -r line; do
    printf '%s\n' "$line"
    sleep 0.01
  done < "$tmp/records.jsonl"
}
mkfifo "$tmp/fifo"
producer > "$tmp/fifo" &
producer_pid=$!
"$bw" --db "$tmp/s.db" --batch 1000000 --batch-ms 600000 --stats < "$tmp/fifo" \
  > "$tmp/events" 2> "$tmp/err" &
bw_pid=$!
sleep 2
kill -TERM "$bw_pid"
rc=0
wait "$bw_pid" || rc=$?
kill "$producer_pid" 2> /dev/null || true
wait "$producer_pid" 2> /dev/null || true

[ "$rc" = 0 ] || fail "banwrite exited $rc after SIGTERM: $(cat "$tmp/err")"
grep -q 'stopped by a signal' "$tmp/err" || fail "no word of the signal: $(cat "$tmp/err")"
stored=$(grep -o 'stored=[0-9]*' "$tmp/err" | cut -d= -f2)
[ -n "$stored" ] && [ "$stored" -gt 20 ] || fail "only '$stored' records read in 2 s"
in_db=$(sqlite3 "$tmp/s.db" "SELECT count(*) FROM messages")
[ "$in_db" = "$stored" ] || fail "$in_db records in the database, $stored read"
[ ! -e "$tmp/s.db-wal" ] || fail "the WAL is still there after the stop"
[ "$(sqlite3 "$tmp/s.db" 'PRAGMA integrity_check')" = ok ] || fail "integrity_check"
echo "ok: $stored records read before SIGTERM, all stored"
