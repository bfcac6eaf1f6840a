#!/usr/bin/env bash
# The wire format defined once: every key that logjoin (with and without
# --raw), spamclass, netlookup (records and --json answers), banwrite (ban
# events, --dry-run; a manual ban carved around the allowlist too) and
# spamflag (flag events, flagged and unmatched) write on the sample log and
# the shared real log is (a) in the key table, libcommon/wire/wire_keys.hpp
# as tests/tools/wirekeys prints it, under the same object, and (b)
# documented in man/spamflow.7; and every key of the table is documented.
# A key is documented when it is an `.It Li key` item of a list that a
# `.\" wire-keys: OBJECT` comment line opens in man/spamflow.7.
# Usage: wire_keys.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
real=$src/../shared/data/sendmail-real/maillog
bin=$build/tools
wirekeys=$build/tests/tools/wirekeys
for tool in logjoin/logjoin spamclass/spamclass netlookup/netlookup banwrite/banwrite \
            spamflag/spamflag; do
  [ -x "$bin/$tool" ] || { echo "SKIP: $tool is not built in $build"; exit 77; }
done
[ -x "$wirekeys" ] || { echo "SKIP: tests/tools/wirekeys is not built in $build"; exit 77; }
[ -f "$real" ] || { echo "SKIP: no shared data at $real"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# The keys the man page documents, "OBJECT KEY" per line: the first word
# after `.It Li` in a list (depth one) under a wire-keys comment.
documented() {
  awk '
    /^\.\\" wire-keys: / { object = $3; next }
    /^\.Bl/ { depth++; next }
    /^\.El/ { if (--depth == 0) object = ""; next }
    /^\.It Li / && depth == 1 && object != "" { print object, $3 }
  ' "$src/man/spamflow.7" | LC_ALL=C sort -u
}

"$bin/netlookup/netlookup" import --table "$tmp/net.table" \
  --rir "$src"/tests/data/net-excerpt/delegated-* > /dev/null 2>&1
local_nets=127.0.0.1/32,127.0.0.2/32,127.10.0.0/24,127.20.0.0/24

# Every line each tool writes for one log, into $tmp/emitted.jsonl.
one_log() {
  local name=$1 log=$2 d=$tmp/$1
  mkdir -p "$d"
  "$bin/logjoin/logjoin" --year 2026 "$log" > "$d/records" 2> /dev/null
  "$bin/logjoin/logjoin" --year 2026 --raw "$log" 2> /dev/null >> "$tmp/emitted.jsonl"
  "$bin/spamclass/spamclass" --local-nets "$local_nets" < "$d/records" > "$d/classified" 2> /dev/null
  "$bin/netlookup/netlookup" --table "$tmp/net.table" < "$d/classified" 2> /dev/null \
    >> "$tmp/emitted.jsonl"
  "$bin/banwrite/banwrite" --db "$d/spam.db" --dry-run --allow "$local_nets" \
    --net-table "$tmp/net.table" < "$d/classified" 2> /dev/null >> "$tmp/emitted.jsonl"
  cat "$d/records" "$d/classified" >> "$tmp/emitted.jsonl"
  [ -s "$d/records" ] || fail "$name: logjoin wrote nothing"
}
one_log sample "$src/tests/data/sample/maillog"
one_log real "$real"

# A manual ban carved around an allowlisted address (network, manual).
"$bin/banwrite/banwrite" --db "$tmp/manual.db" --dry-run --allow 198.51.100.5/32 \
  ban 198.51.100.0/24 --for 2h --reason "wire keys" 2> /dev/null >> "$tmp/emitted.jsonl"
# netlookup --json answers: found, not found, not an address.
addr=$(grep -m1 -o '"cidr":"[0-9.]*' "$tmp/emitted.jsonl" | sed -n 1p | cut -d'"' -f4)
[ -n "$addr" ] || fail "netlookup found no client's network"
"$bin/netlookup/netlookup" --table "$tmp/net.table" --json "$addr" 192.0.2.1 not-an-ip \
  2> /dev/null >> "$tmp/emitted.jsonl" || true
# spamflag: a flagged report and an unmatched one, against the real log's
# database (as tests/cli/spamflag.sh builds it).
for eml in attachment broken_mime; do
  cp "$tmp/real/spam.db" "$tmp/flag.db"
  "$bin/spamflag/spamflag" --db "$tmp/flag.db" --relay 127.0.0.1/32,127.0.0.2/32 --json \
    < "$src/tests/data/spamflag/$eml.eml" 2> /dev/null >> "$tmp/emitted.jsonl" || true
done

"$wirekeys" table | LC_ALL=C sort -u > "$tmp/table"
"$wirekeys" emitted < "$tmp/emitted.jsonl" | LC_ALL=C sort -u > "$tmp/emitted" ||
  fail "wirekeys emitted failed"
documented > "$tmp/documented"

for object in record client rcpt reject spamd class net answer ban flag; do
  grep -q "^$object " "$tmp/emitted" || fail "no $object key was emitted: the test lost its input"
done
not_in_table=$(LC_ALL=C comm -23 "$tmp/emitted" "$tmp/table")
[ -z "$not_in_table" ] ||
  fail "emitted keys missing from the key table (libcommon/wire/wire_keys.hpp):"$'\n'"$not_in_table"
not_documented=$(LC_ALL=C comm -23 "$tmp/emitted" "$tmp/documented")
[ -z "$not_documented" ] ||
  fail "emitted keys not documented in man/spamflow.7:"$'\n'"$not_documented"
table_not_documented=$(LC_ALL=C comm -23 "$tmp/table" "$tmp/documented")
[ -z "$table_not_documented" ] ||
  fail "keys of the table not documented in man/spamflow.7:"$'\n'"$table_not_documented"
documented_not_in_table=$(LC_ALL=C comm -13 "$tmp/table" "$tmp/documented")
[ -z "$documented_not_in_table" ] ||
  fail "man/spamflow.7 documents keys the table does not have:"$'\n'"$documented_not_in_table"

if [ "$failures" -ne 0 ]; then
  echo "wire_keys.sh: $failures failures" >&2
  exit 1
fi
echo "wire_keys.sh: ok ($(wc -l < "$tmp/emitted") emitted keys, $(wc -l < "$tmp/table") in the table)"
