#!/usr/bin/env bash
# The four-stage pipeline the man pages show, on the shared real log:
#   logjoin | spamclass | netlookup | banwrite
# stores every record and bans what the pipeline without netlookup bans.
# netlookup writes "net": null for an address its table does not know
# (every 127.x address of the lab); banwrite once rejected such records
# (issue 21: 1,234 of 1,412 records lost, no bans).
# Usage: pipeline_netlookup.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
source "$2/tests/cli_common.sh"
need_tool logjoin spamclass netlookup banwrite
need_command sqlite3
need_real_log
make_tmp
local_nets=127.0.0.1/32,127.0.0.2/32,127.10.0.0/24,127.20.0.0/24

"$netlookup" import --table "$tmp/net.table" --rir "$src"/tests/data/net-excerpt/delegated-* 2>/dev/null
"$logjoin" --year 2026 "$real" | "$spamclass" --local-nets "$local_nets" >"$tmp/classified.jsonl"
records=$(wc -l <"$tmp/classified.jsonl")

"$banwrite" --dry-run --allow "$local_nets" --db "$tmp/plain.db" \
  <"$tmp/classified.jsonl" >"$tmp/plain.bans"
"$netlookup" --table "$tmp/net.table" <"$tmp/classified.jsonl" >"$tmp/with-net.jsonl"
nulls=$(grep -c '"net":null' "$tmp/with-net.jsonl" || true)
[ "$nulls" -gt 1000 ] || fail "expected the lab's addresses to be unknown to the table ($nulls nulls)"
rc=0
"$banwrite" --dry-run --allow "$local_nets" --db "$tmp/net.db" --stats \
  <"$tmp/with-net.jsonl" >"$tmp/net.bans" 2>"$tmp/stderr" || rc=$?
[ "$rc" -eq 0 ] || fail "banwrite exit $rc: $(head -3 "$tmp/stderr")"
grep -q "not an object" "$tmp/stderr" && fail "banwrite rejected records: $(grep -m1 'not an object' "$tmp/stderr")"

# Every record but spamd checks that found no message (nothing to store).
unjoined=$(grep -c '"kind":"spamd"' "$tmp/classified.jsonl" || true)
stored=$(sqlite3 "$tmp/net.db" "SELECT count(*) FROM messages")
[ "$stored" -eq "$((records - unjoined))" ] ||
  fail "$stored of $records records ($unjoined unjoined spamd checks) stored with netlookup in the pipeline"
[ "$(sqlite3 "$tmp/plain.db" "SELECT count(*) FROM messages")" -eq "$stored" ] || fail "plain pipeline stored another count"
[ -s "$tmp/plain.bans" ] || fail "the pipeline without netlookup banned nothing"
cmp -s "$tmp/plain.bans" "$tmp/net.bans" ||
  fail "bans differ with netlookup in the pipeline: $(diff "$tmp/plain.bans" "$tmp/net.bans" | head -5)"
echo "ok: $stored of $records records stored, $(wc -l <"$tmp/net.bans") ban events, with and without netlookup"
