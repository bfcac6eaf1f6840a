#!/usr/bin/env bash
# report's periods mean what they say (issue 22): --since counts back from
# now, and --anchor last from the database's last record, with a hint when a
# period is empty; flags recorded after the last message are in the default
# period; a ban with only minutes of records around it gets no before/after
# rates. Usage: report_period.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
tools=$build/tools
for t in report banwrite; do
  [ -x "$tools/$t/$t" ] || { echo "SKIP: $t is not built"; exit 77; }
done
report=$tools/report/report
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
export SPAMFLOW_NETTABLE=none

# records START_SECONDS_AGO COUNT STEP_SECONDS: spam from 192.0.2.x, some ham.
records() {
  python3 - "$@" <<'PY'
import json, sys, time
ago, n, step = (int(a) for a in sys.argv[1:4])
t0 = int(time.time()) - ago
for i in range(n):
    t = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(t0 + i * step))
    spam = i % 4 != 3
    print(json.dumps({"kind": "message", "host": "mx1", "first": t, "nrcpts": 1,
                      "client": {"ip": "192.0.2.%d" % (i % 200 + 1) if spam else "198.51.100.7",
                                 "name": ""},
                      "class": {"verdict": "spam" if spam else "ham", "reasons": ["dnsbl:x"]}}))
PY
}
sql() { python3 -c 'import sqlite3,sys; d=sqlite3.connect(sys.argv[1]); d.execute(sys.argv[2]); d.commit()' "$@"; }

# A week-old database: records from 10 to 8 days ago.
records $((10 * 86400)) 200 864 > "$tmp/old.jsonl"
out=$("$report" --input "$tmp/old.jsonl" --since 7d 2>&1) || true
if grep -q "No records in this period" <<< "$out" && grep -q -- "--anchor last" <<< "$out" &&
  grep -q "The database holds records from" <<< "$out"; then
  echo "ok: --since 7d on a week-old database says where the records are"
else
  fail "--since 7d on a week-old database: $out"
fi
out=$("$report" --input "$tmp/old.jsonl" --since 7d --anchor last --report summary --format csv 2>&1) || true
if grep -q $'^summary,records,200\r$' <<< "$out"; then
  echo "ok: --anchor last counts 7d back from the last record"
else
  fail "--anchor last --since 7d: $out"
fi
out=$("$report" --input "$tmp/old.jsonl" --period day --anchor last --report summary --format csv 2>&1) || true
grep -q $'^summary,records,[1-9][0-9]*\r$' <<< "$out" && echo "ok: --period day --anchor last" ||
  fail "--period day --anchor last: $out"
set +e
"$report" --input "$tmp/old.jsonl" --period day --since 1d > /dev/null 2>&1; rc=$?
set -e
[ $rc -eq 64 ] && echo "ok: --period with --since exits 64" || fail "--period with --since: exit $rc"

# A flag recorded after the last message is in the default period.
"$tools/banwrite/banwrite" --db "$tmp/old.db" --dry-run < "$tmp/old.jsonl" > /dev/null
sql "$tmp/old.db" "INSERT INTO flags(time,user,client_ip,host,qid,msgid,note) VALUES(
  strftime('%s','now') - 86400, 'alice', '192.0.2.9', 'mx1', 'q1', NULL, '')"
out=$("$report" --db "$tmp/old.db" --report slipped 2>&1) || true
if grep -q alice <<< "$out" && ! grep -q "not in use" <<< "$out"; then
  echo "ok: a flag after the last message is in the default period"
else
  fail "flag after the last message: $out"
fi
out=$("$report" --db "$tmp/old.db" --report slipped --since 9d --until 8d 2>&1) || true
if grep -q "spamflag has recorded 1 in all" <<< "$out" && ! grep -q "not in use" <<< "$out"; then
  echo "ok: a period without flags says flags exist elsewhere"
else
  fail "period without flags: $out"
fi

# An 8-minute log with a ban in its middle: no "change 5200%".
records 600 160 3 > "$tmp/short.jsonl"
"$tools/banwrite/banwrite" --db "$tmp/short.db" --dry-run < "$tmp/short.jsonl" > /dev/null
sql "$tmp/short.db" "DELETE FROM ban_history"
sql "$tmp/short.db" "INSERT INTO ban_history(time,action,target,network,reason,until,hits,offence,manual)
  VALUES(strftime('%s','now') - 360,'add','192.0.2.0/24','192.0.2.0/24','network',
  strftime('%s','now') + 86400,9,1,0)"
csv=$("$report" --db "$tmp/short.db" --report bans --format csv 2>&1) || true
text=$("$report" --db "$tmp/short.db" --report bans 2>&1) || true
if grep -q $'^192.0.2.0/24,,,,,' <<< "$csv" && grep -q "too little" <<< "$text" &&
  ! grep -q "%" <<< "$(grep "^192.0.2.0/24" <<< "$text")"; then
  echo "ok: a ban with minutes of records around it has no before/after rates"
else
  fail "8-minute log:"$'\n'"$csv"$'\n'"$text"
fi

# Text at 80 columns never cuts the key column (it cut "127.99.13.0~").
sql "$tmp/short.db" "INSERT INTO ban_history(time,action,target,network,reason,until,hits,offence,manual)
  VALUES(strftime('%s','now') - 300,'add','127.99.13.0/24','127.99.13.0/24',
  'network: many spam sources in one allocation',strftime('%s','now') + 86400,5,1,0)"
text=$("$report" --db "$tmp/short.db" --report bans --width 80 2>&1) || true
if awk 'length($0) > 80 { bad = 1 } END { exit bad }' <<< "$text" &&
  grep -q "^127.99.13.0/24 " <<< "$text"; then
  echo "ok: the ban target is whole at 80 columns"
else
  fail "ban target cut at 80 columns:"$'\n'"$text"
fi

if [ "$failures" -ne 0 ]; then
  echo "report_period.sh: $failures failures" >&2
  exit 1
fi
echo "report_period.sh: ok"
