#!/usr/bin/env bash
# spamflag end to end: the database is built by logjoin | spamclass |
# banwrite from the shared real log; the reports in tests/data/spamflag
# (built from that log's sessions by make_reports.py) give the exit code,
# match and client in expected.txt; hostile input never crashes; limits,
# duplicates and a locked database give their documented codes.
# Usage: spamflag.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
data=$src/../shared/data/sendmail-real
cases=$src/tests/data/spamflag
for tool in logjoin spamclass banwrite spamflag; do
  [ -x "$build/tools/$tool/$tool" ] || { echo "SKIP: $tool is not built in $build"; exit 77; }
done
[ -f "$data/maillog" ] || { echo "SKIP: no shared data at $data"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
local_nets=127.0.0.1/32,127.0.0.2/32,127.10.0.0/24,127.20.0.0/24
spamflag=$build/tools/spamflag/spamflag
"$build/tools/logjoin/logjoin" "$data/maillog" \
  | "$build/tools/spamclass/spamclass" --local-nets "$local_nets" \
  | "$build/tools/banwrite/banwrite" --dry-run --allow "$local_nets" --db "$tmp/base.db" > /dev/null

# run NAME DB [options…] < input: sets $code, output in $tmp/out, $tmp/err.
run() {
  local db=$1
  shift
  code=0
  timeout 60 "$spamflag" --db "$db" --relay 127.0.0.1/32,127.0.0.2/32 --json "$@" \
    > "$tmp/out" 2> "$tmp/err" || code=$?
  [ "$code" -lt 128 ] || fail "spamflag died with status $code: $(cat "$tmp/err")"
}

# 1. The reports built from the real log.
while read -r name want how qid host client; do
  case $name in '#'* | '') continue ;; esac
  cp "$tmp/base.db" "$tmp/t.db"
  run "$tmp/t.db" < "$cases/$name.eml"
  [ "$code" = "$want" ] || { fail "$name: exit $code, want $want: $(cat "$tmp/err")"; continue; }
  first=$(grep -m1 '"status":"flagged"' "$tmp/out" || true)
  if [ "$want" = 0 ]; then
    for field in "\"matched_by\":\"$how\"" "\"qid\":\"$qid\"" "\"host\":\"$host\"" \
                 "\"client_ip\":\"$client\"" '"kind":"flag"' '"flag":true'; do
      grep -qF "$field" <<< "$first" || fail "$name: no $field in: $first"
    done
    rows=$(sqlite3 "$tmp/t.db" "SELECT count(*) FROM flags WHERE qid='$qid' AND client_ip='$client'")
    [ "$rows" = 1 ] || fail "$name: $rows flags rows for $qid"
  else
    [ -z "$first" ] || fail "$name: flagged: $first"
    grep -q '"status":"unmatched"' "$tmp/out" || fail "$name: no unmatched line"
    [ -s "$tmp/err" ] || fail "$name: no explanation on stderr"
    kept=$(sqlite3 "$tmp/t.db" "SELECT count(*) FROM spamflag_reports WHERE status='unmatched' AND length(message) > 0")
    [ "$kept" -ge 1 ] || fail "$name: the unmatched report was not stored"
    flags=$(sqlite3 "$tmp/t.db" "SELECT count(*) FROM flags")
    [ "$flags" = 0 ] || fail "$name: $flags flags for an unmatched report"
  fi
  if grep -q '127.31.7.8' "$tmp/out" "$tmp/err"; then fail "$name: the forged address was reported"; fi
  echo "ok: $name exit $code"
done < "$cases/expected.txt"

# 2. Two attachments give two flags; a repeat by the same user adds none.
cp "$tmp/base.db" "$tmp/d.db"
run "$tmp/d.db" < "$cases/two_attachments.eml"
[ "$(grep -c '"status":"flagged"' "$tmp/out")" = 2 ] || fail "two_attachments: not two flags"
run "$tmp/d.db" < "$cases/two_attachments.eml"
[ "$code" = 0 ] && [ "$(grep -c '"status":"duplicate"' "$tmp/out")" = 2 ] \
  || fail "repeat report: exit $code, $(cat "$tmp/out")"
[ "$(sqlite3 "$tmp/d.db" 'SELECT count(*) FROM flags')" = 2 ] || fail "repeat report added flags"
echo "ok: duplicates"

# 3. Rate limit per user: the 4th report within the hour waits (EX_TEMPFAIL).
cp "$tmp/base.db" "$tmp/r.db"
for i in 1 2 3; do run "$tmp/r.db" --user-rate 3 < "$cases/no_forward.eml"; done
run "$tmp/r.db" --user-rate 3 < "$cases/no_forward.eml"
[ "$code" = 75 ] && grep -q 'too many reports' "$tmp/err" || fail "rate limit: exit $code"
run "$tmp/r.db" --user-rate 3 --reporter other@example.com < "$cases/attachment.eml"
[ "$code" = 0 ] || fail "rate limit hit another user: exit $code"
run "$tmp/r.db" --user-rate 9 --total-rate 4 --reporter third@example.com < "$cases/attachment.eml"
[ "$code" = 75 ] || fail "total rate limit: exit $code"
[ "$(sqlite3 "$tmp/r.db" 'SELECT count(*) FROM spamflag_reports')" = 4 ] || fail "rate-limited reports were stored"
echo "ok: rate limits"

# 4. Size limit: EX_DATAERR with an explanation, nothing stored.
cp "$tmp/base.db" "$tmp/s.db"
head -c 5000 /dev/zero | tr '\0' 'x' | cat "$cases/attachment.eml" - > "$tmp/big.eml"
run "$tmp/s.db" --max-size 4096 < "$tmp/big.eml"
[ "$code" = 65 ] && grep -q 'larger than 4096' "$tmp/err" || fail "size limit: exit $code"
echo "ok: size limit"

# 5. A locked database: EX_TEMPFAIL, so sendmail retries.
cp "$tmp/base.db" "$tmp/l.db"
python3 - "$tmp/l.db" "$tmp/locked" <<'PY' &
import os, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
open(sys.argv[2], "w").close()
time.sleep(4)
db.execute("ROLLBACK")
PY
locker=$!
for _ in $(seq 50); do [ -e "$tmp/locked" ] && break; sleep 0.1; done
run "$tmp/l.db" --busy-timeout 200 < "$cases/attachment.eml"
wait "$locker"
[ "$code" = 75 ] && grep -q 'busy' "$tmp/err" || fail "locked database: exit $code: $(cat "$tmp/err")"
echo "ok: locked database"

# 6. Hostile input: never a crash, EX_DATAERR (nothing to match).
python3 - "$tmp" <<'PY'
import os, random, sys
d = sys.argv[1]
random.seed(7)
hostile = {
  "empty": b"",
  "garbage": bytes(random.randrange(256) for _ in range(200000)),
  "one_huge_header": b"Subject: " + b"a" * 3000000 + b"\n\nx\n",
  "many_headers": b"".join(b"X-H%d: v\n" % i for i in range(200000)) + b"\nbody\n",
  "deep_folding": b"Received: from x\n" + b" (\n" * 100000 + b"\n\n",
  "deep_mime": b"From: a@b\nContent-Type: multipart/mixed; boundary=b0\n\n" +
      b"".join(b"--b%d\nContent-Type: multipart/mixed; boundary=b%d\n\n" % (i, i + 1)
               for i in range(3000)),
  "nul_bytes": b"From: a@b\x00\nContent-Type: message/rfc822\n\nReceived: from \x00 ([1.2.3.4]) by mx1.example.com id\x00\n\n",
  "marker_flood": b"From: a@b\n\n" + b"-- Forwarded message --\nx y\n" * 300000,
  "received_flood": b"From: a@b\n\n" + b"Received: x\n\n" * 500000,
  "bad_received": b"From: a@b\nContent-Type: message/rfc822\n\n" +
      b"".join(b"Received: from ((((([ by mx1.example.com id ;;; (\n" for _ in range(1000)) + b"\n",
}
for name, body in hostile.items():
    open(os.path.join(d, name + ".hostile"), "wb").write(body)
PY
cp "$tmp/base.db" "$tmp/h.db"
for f in "$tmp"/*.hostile; do
  run "$tmp/h.db" --user-rate 100 < "$f"
  [ "$code" = 65 ] || fail "${f##*/}: exit $code, want 65: $(head -c 300 "$tmp/err")"
done
echo "ok: hostile input"

grep -qx ok <<< "$(sqlite3 "$tmp/h.db" 'PRAGMA integrity_check')" || fail "integrity_check"
if [ "$failures" -ne 0 ]; then
  echo "spamflag.sh: $failures failures" >&2
  exit 1
fi
echo "spamflag.sh: ok"
