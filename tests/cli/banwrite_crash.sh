#!/usr/bin/env bash
# banwrite killed with SIGKILL at random points (fixed seed), 15 times, on a
# long stream (the sample log's classified records repeated, shifted by 20
# days per copy), fed in bursts from a different offset each time, into one
# database. After each kill: PRAGMA integrity_check
# is ok, and every ban event announced on stdout before the kill is in the
# database (ban_history, and the bans table for adds). Under ~60 s.
# Usage: banwrite_crash.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
for tool in logjoin spamclass banwrite; do
  [ -x "$build/tools/$tool/$tool" ] || { echo "SKIP: $tool is not built in $build"; exit 77; }
done
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill -9 "$pid" 2> /dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$build/tools/logjoin/logjoin" "$src/tests/data/sample/maillog" |
  "$build/tools/spamclass/spamclass" > "$tmp/classified.jsonl"
[ -s "$tmp/classified.jsonl" ] || fail "no classified records"
python3 - "$tmp/classified.jsonl" "${BANWRITE_CRASH_COPIES:-40}" > "$tmp/stream.jsonl" <<'PY'
import re, sys
from datetime import datetime, timedelta
lines = open(sys.argv[1]).read().splitlines()
stamp = re.compile(r'"(first|last)":"([^"]+)"')
for copy in range(int(sys.argv[2])):
    shift = timedelta(days=20 * copy)
    def moved(m):
        t = datetime.fromisoformat(m.group(2)) + shift
        return '"%s":"%s"' % (m.group(1), t.isoformat())
    for line in lines:
        print(stamp.sub(moved, line))
PY
echo "stream: $(wc -l < "$tmp/stream.jsonl") records"

cat > "$tmp/feed.py" <<'PY'
import itertools, sys, time
start = int(sys.argv[2])
lines = list(itertools.islice(open(sys.argv[1]), start, start + 60000))
try:
    for i in range(0, len(lines), 500):
        sys.stdout.write("".join(lines[i:i + 500]))
        sys.stdout.flush()
        time.sleep(0.002)
except BrokenPipeError:
    pass
PY

RANDOM=20261128
db=$tmp/spam.db
for round in $(seq 1 15); do
  delay=$(awk -v r=$RANDOM 'BEGIN { printf "%.2f", 0.3 + (r % 1000) / 800 }')
  # Fed like a live tail (bursts with pauses), so banwrite goes idle, and
  # commits and prints, many times before the kill.
  python3 "$tmp/feed.py" "$tmp/stream.jsonl" $((round * 7919 % 150000)) |
    "$build/tools/banwrite/banwrite" --db "$db" --batch 500 \
      > "$tmp/events.$round" 2> "$tmp/stderr.$round" &
  pid=$!
  sleep "$delay"
  kill -9 "$pid" 2> /dev/null || true
  wait "$pid" 2> /dev/null || true
  pid=
  python3 - "$db" "$tmp/events.$round" "$round" "$delay" <<'PY' || fail "round $round (see above)"
import json, sqlite3, sys
db, events_file, rnd, delay = sys.argv[1:5]
con = sqlite3.connect(db)
check = con.execute("PRAGMA integrity_check").fetchall()
assert check == [("ok",)], f"integrity_check: {check}"
text = open(events_file).read()
complete = text[: text.rfind("\n") + 1]  # a line cut by the kill was not announced
events = [json.loads(l) for l in complete.splitlines()]
history = set(con.execute("SELECT action, target FROM ban_history"))
active = set(r[0] for r in con.execute("SELECT target FROM bans"))
missing = [e for e in events if (e["action"], e["target"]) not in history
           or (e["action"] == "add" and e["target"] not in active)]
assert not missing, f"{len(missing)} announced events not stored, first: {missing[0]}"
records = con.execute("SELECT count(*) FROM messages").fetchone()[0]
open(events_file + ".count", "w").write(f"{len(events)}\n")
print(f"round {rnd}: killed after {delay}s, {len(events)} events announced and stored, "
      f"{records} records in the database, integrity ok")
PY
done
total=$(cat "$tmp"/events.*.count | awk '{ n += $1 } END { print n + 0 }')
[ "$total" -gt 0 ] || fail "no ban was announced before any kill; the test checked nothing"
echo "banwrite_crash.sh: ok ($total announced events checked)"
