#!/usr/bin/env bash
# netlookup end to end on the data excerpts in tests/data/net: import (gz,
# all formats, malformed lines, --strict, atomic replace), answers for
# arguments, plain stdin lines, JSON records, bad input, table from env.
set -euo pipefail
build=$1 src=$2
nl=$build/tools/netlookup/netlookup
d=$src/tests/data/net
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # description expected actual
  if [[ "$3" == *"$2"* ]]; then echo "ok - $1"; else echo "FAIL - $1: expected '$2' in: $3"; fail=1; fi
}
"$nl" import --table "$tmp/t" --rir "$d/apnic-excerpt.txt" --rir "$d/arin-extended-excerpt.txt" \
  --rir "$d/ripencc-extended-excerpt.txt" --pfx2as "$d/ipasn6-excerpt.dat.gz" \
  --ip2asn "$d/ip2asn-excerpt.tsv" --drop "$d/drop-excerpt.txt" --drop "$d/dropv6-excerpt.txt" \
  --drop "$d/asn-drop-excerpt.json" --stats 2>"$tmp/import.err"
check "import stats" "imported 8 files" "$(cat "$tmp/import.err")"
check "import: no malformed lines" " 0 malformed" "$(cat "$tmp/import.err")"
[ -z "$(ls "$tmp" | grep -v '^t$' | grep -v import.err)" ] && echo "ok - no temporary file left" \
  || { echo "FAIL - leftovers: $(ls "$tmp")"; fail=1; }

out=$("$nl" --table "$tmp/t" 1.0.4.77 2001:200:136::9)
check "text answer, BGP + RIR" $'1.0.4.77\t1.0.4.0/24\t1.0.4.0-1.0.7.255\t56203\t-\tAU\tapnic\tallocated\t-\t-\tbgp' "$out"
check "IPv6 answer" $'2001:200:136::9\t2001:200:136::/48' "$out"
out=$("$nl" --table "$tmp/t" --json 1.10.16.5 1.1.1.1)
check "drop tag" '"drop":["drop:SBL256894"]' "$out"
check "ip2asn name" '"as_name":"CSTNET-AS-AP Computer Network Information Center"' "$out"
out=$(printf '3.1.2.3\n  10.0.0.0/8  \n\n# comment\nnot-an-ip\n1.0.4.1/22\n' |
  "$nl" --table "$tmp/t" --json 2>/dev/null) && rc=0 || rc=$?
check "stdin: ARIN opaque id" '"org_id":"4a8a91b5b89d3f900098ebf73ca0b118"' "$out"
check "stdin: unknown network" '{"ip":"10.0.0.0/8","cidr":null' "$out"
check "stdin: error answer and goes on" '{"ip":"not-an-ip","error":' "$out"
check "stdin: CIDR query normalized" '{"ip":"1.0.4.0/22","cidr":"1.0.4.0/24"' "$out"
[ "$(wc -l <<<"$out")" = 4 ] && echo "ok - one answer per query line" || { echo "FAIL - answers: $out"; fail=1; }
[ "$rc" = 65 ] && echo "ok - exit 65 after a bad line" || { echo "FAIL - exit $rc"; fail=1; }
rec='{"kind":"message","client":{"ip":"1.0.4.77","name":"x"},"z":[1,{"a":"b"}]}'
out=$(printf '%s\n{"kind":"session","pid":7}\n{"client":{"ip":"240.0.0.1"}}\n{broken\n' "$rec" |
  SPAMFLOW_NETTABLE=$tmp/t "$nl" 2>"$tmp/err") || true
line1=$(sed -n 1p <<<"$out")
check "record: net added, rest kept" '{"kind":"message","client":{"ip":"1.0.4.77","name":"x"},"z":[1,{"a":"b"}],"net":{"cidr":"1.0.4.0/24"' "$line1"
check "record without client.ip unchanged" '{"kind":"session","pid":7}' "$(sed -n 2p <<<"$out")"
check "record with unknown address: net null" '"net":null}' "$(sed -n 3p <<<"$out")"
check "broken JSON passed through" '{broken' "$(sed -n 4p <<<"$out")"
check "broken JSON reported with line" 'stdin:4' "$(cat "$tmp/err")"
printf 'apnic|AU|ipv4|1.0.0.0|256|20110811|assigned\napnic|CN|ipv4|1.0.1.x|256|20110414|allocated\n' >"$tmp/bad.txt"
cp "$tmp/t" "$tmp/t.before"
"$nl" import --table "$tmp/t" --rir "$tmp/bad.txt" --strict 2>"$tmp/err" && rc=0 || rc=$?
[ "$rc" = 65 ] && echo "ok - strict import exit 65" || { echo "FAIL - strict import exit $rc"; fail=1; }
check "strict import names file:line" "bad.txt:2" "$(cat "$tmp/err")"
cmp -s "$tmp/t" "$tmp/t.before" && echo "ok - failed import kept the old table" || { echo "FAIL - table changed"; fail=1; }
"$nl" import --table "$tmp/t" --rir "$tmp/bad.txt" 2>"$tmp/err"
check "lenient import warns" "bad.txt:2: bad start address" "$(cat "$tmp/err")"
out=$("$nl" --table "$tmp/t" 1.0.0.9)
check "re-import replaced the table" $'1.0.0.9\t1.0.0.0/24\t1.0.0.0-1.0.0.255\t-\t-\tAU\tapnic\tassigned' "$out"
"$nl" --table "$tmp/missing" 1.2.3.4 2>"$tmp/err" && rc=0 || rc=$?
[ "$rc" = 66 ] && echo "ok - missing table exit 66" || { echo "FAIL - missing table exit $rc"; fail=1; }
exit $fail
