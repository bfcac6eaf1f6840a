#!/usr/bin/env bash
# banwrite counts user flags (spamflag's rows in the flags table) as spam
# evidence against the client they name; --flag-hits 0 ignores them, and a
# flag never bans an allowlisted address.
# Usage: banwrite_flags.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
source "$2/tests/cli_common.sh"
need_tool banwrite
need_python
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db=$tmp/spam.db
"$banwrite" --db "$db" --dry-run < /dev/null > /dev/null # creates the schema
/usr/bin/python3 - "$db" <<'PY'
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1])
now = int(time.time())
for ip in ("198.51.100.77", "127.0.0.1"):
    con.execute("INSERT INTO flags(time, user, client_ip, host, qid, note) "
                "VALUES (?, 'carol@example.com', ?, 'mx1', 'AAA1234567890', 'qid')", (now, ip))
con.commit()
PY
fail=0
"$banwrite" --db "$db" --dry-run --flag-hits 0 < /dev/null > "$tmp/none.jsonl"
if [ -s "$tmp/none.jsonl" ]; then
  echo "FAIL: --flag-hits 0 still banned:"; cat "$tmp/none.jsonl"; fail=1
fi
"$banwrite" --db "$db" --dry-run --stats < /dev/null > "$tmp/bans.jsonl" 2> "$tmp/err"
if ! grep -q '"action":"add","target":"198.51.100.77/32"' "$tmp/bans.jsonl"; then
  echo "FAIL: the flagged address was not banned:"; cat "$tmp/bans.jsonl" "$tmp/err"; fail=1
fi
if grep -q '127.0.0' "$tmp/bans.jsonl"; then
  echo "FAIL: a flag banned an allowlisted address"; fail=1
fi
grep -q 'flags=2' "$tmp/err" || { echo "FAIL: --stats does not count 2 flags"; cat "$tmp/err"; fail=1; }
# A second run reads the flags of the window again (evidence is in memory),
# but the ban already stands: no new add event for it.
"$banwrite" --db "$db" --dry-run < /dev/null > "$tmp/again.jsonl"
if grep -q '"action":"add","target":"198.51.100.77/32"' "$tmp/again.jsonl"; then
  echo "FAIL: the standing ban was announced again"; fail=1
fi
[ $fail -eq 0 ] && echo "ok: flags ban the flagged address, only once, never an allowlisted one"
exit $fail
