#!/usr/bin/env bash
# logjoin --stats: the shapes of sendmail lines no rule knows, masked and
# most frequent first, so a user can report what logjoin does not know yet.
# The shared real log has none; lines of forms it lacks are added to it.
# Usage: logjoin_unrecognised.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
source "$2/tests/cli_common.sh"
need_tool logjoin
need_real_log
make_tmp

"$logjoin" --year 2026 --stats "$real" >/dev/null 2>"$tmp/stats"
if grep -q "unrecognised=" "$tmp/stats"; then
  fail "the real log has unrecognised lines: $(cat "$tmp/stats")"
fi

{
  cat "$real"
  for i in 1 2 3; do
    echo "Nov 28 23:59:5$i mx1 sm-mta[3000$i]: 6ASNxq0${i}00000${i}: frobnicated by relay$i.example.org [192.0.2.$i] after ${i}0 s"
  done
  echo "Nov 28 23:59:59 mx1 sm-mta[30009]: 6ASNxq0900000X: odd <u@x.example> $(printf '\001')"
} >"$tmp/log"
"$logjoin" --year 2026 --stats "$tmp/log" >"$tmp/records" 2>"$tmp/stats"
grep -q "^logjoin: unrecognised=4 lines, by shape:$" "$tmp/stats" || fail "no count: $(cat "$tmp/stats")"
first=$(grep -A1 "by shape" "$tmp/stats" | tail -1)
[ "$first" = "logjoin:          3  QID: frobnicated by HOST [ADDR] after N s" ] || fail "first shape: '$first'"
grep -q "QID: odd <ADDR> ?$" "$tmp/stats" || fail "control byte not masked: $(cat "$tmp/stats")"
# The lines still belong to records: none is lost.
[ "$(wc -l <"$tmp/records")" -eq "$(($("$logjoin" --year 2026 "$real" | wc -l) + 4))" ] ||
  fail "the unrecognised lines did not make their own records"
echo "ok: unrecognised shapes counted and masked"
