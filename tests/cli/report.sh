#!/usr/bin/env bash
# report end to end: golden text/CSV/JSON on the fixture records, empty
# input and empty period, bad options. Usage: report.sh BUILD_DIR SOURCE_DIR [--update]
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
update=${3:-}
report=$build/tools/report/report
netlookup=$build/tools/netlookup/netlookup
data=$src/tests/data/report
[ -x "$report" ] || { echo "SKIP: report is not built"; exit 77; }
[ -x "$netlookup" ] || { echo "SKIP: netlookup is not built"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

"$netlookup" import --table "$tmp/net.table" --rir "$src"/tests/data/net-excerpt/delegated-* 2>/dev/null
cp "$data/records.jsonl" "$tmp/records.jsonl"
cd "$tmp"
for format in text csv json; do
  out=$tmp/out.$format
  NO_COLOR=1 "$report" --input records.jsonl --anchor last --table net.table --format "$format" > "$out"
  expect=$data/expected.${format/text/txt}
  if [ "$update" = --update ]; then
    cp "$out" "$expect"
  elif diff -u "$expect" "$out" > "$tmp/diff"; then
    echo "ok: $format matches $(basename "$expect")"
  else
    fail "$format differs from $(basename "$expect"):"$'\n'"$(head -40 "$tmp/diff")"
  fi
done

# Text fits 80 columns and has no escape sequences when stdout is no terminal.
if awk 'length($0) > 80 { exit 1 }' "$tmp/out.text" && ! grep -q $'\x1b' "$tmp/out.text"; then
  echo "ok: text fits 80 columns, no colour into a file"
else
  fail "text is wider than 80 columns or has escape sequences"
fi
# CSV (RFC 4180): CRLF on every line; with several tables each row names its
# table in the first field, and blocks are separated by one empty line.
python3 - "$tmp/out.csv" <<'PY' && echo "ok: CSV lines end in CRLF, every row names its table" || fail "CSV form"
import csv, io, sys
raw = open(sys.argv[1], "rb").read()
assert raw.endswith(b"\r\n") and raw.count(b"\n") == raw.count(b"\r\n"), "LF without CR"
blocks = raw.decode().split("\r\n\r\n")
names = set()
for block in blocks:
    rows = list(csv.reader(io.StringIO(block, newline="")))
    assert rows[0][0] == "table", rows[0]
    name = rows[1][0] if len(rows) > 1 else None
    assert all(r[0] == name for r in rows[1:]), "rows of two tables in one block"
    assert all(len(r) == len(rows[0]) for r in rows), "ragged block"
    names.add(name)
assert {"summary", "country", "servers"} <= names, names
PY

# The default table: $SPAMFLOW_NETTABLE as --table; none for no table.
a=$("$report" --input records.jsonl --anchor last --table net.table --report country --format csv)
b=$(SPAMFLOW_NETTABLE=net.table "$report" --input records.jsonl --anchor last --report country --format csv)
c=$(SPAMFLOW_NETTABLE=net.table "$report" --input records.jsonl --anchor last --table none --report country --format csv)
if [ "$a" = "$b" ] && [ "$a" != "$c" ] && grep -q "^1,??," <<< "$c"; then
  echo "ok: SPAMFLOW_NETTABLE is the default table, --table none turns it off"
else
  fail "default table:"$'\n'"$b"$'\n'"$c"
fi
set +e
SPAMFLOW_NETTABLE=$tmp/missing.table "$report" --input records.jsonl > /dev/null 2>&1; rc=$?
set -e
[ $rc -eq 66 ] && echo "ok: a missing \$SPAMFLOW_NETTABLE exits 66" || fail "missing table: exit $rc"

python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["records"] == 1387, d["records"]' \
  "$tmp/out.json" && echo "ok: JSON parses, 1387 records" || fail "JSON does not parse or miscounts"

# Empty input and empty period: short, clear, exit 0.
if out=$("$report" --input /dev/null) && grep -q "No records in this period." <<< "$out" &&
  [ "$(wc -l <<< "$out")" -le 3 ]; then
  echo "ok: empty input"
else
  fail "empty input: $out"
fi
if out=$("$report" --input records.jsonl --since 2030-01-01 --until 2030-01-02 --tz UTC) &&
  grep -q "^Period: 2030-01-01T00:00:00 to 2030-01-03T00:00:00" <<< "$out" &&
  grep -q "No records in this period." <<< "$out"; then
  echo "ok: empty period"
else
  fail "empty period: $out"
fi
for format in csv json; do
  "$report" --input /dev/null --format $format > /dev/null || fail "empty input, $format: exit $?"
done

# Errors: a missing database (66), bad options (64).
set +e
"$report" --db "$tmp/missing.db" 2> "$tmp/err"; rc=$?
[ $rc -eq 66 ] && grep -q "no such database" "$tmp/err" && echo "ok: missing database exits 66" ||
  fail "missing database: exit $rc, $(cat "$tmp/err")"
for bad in "--since 7x" "--until 2014-02-30" "--format xml" "--report nope" "--tz Nowhere/Land"; do
  # shellcheck disable=SC2086
  "$report" --input /dev/null $bad > /dev/null 2>&1; rc=$?
  [ $rc -eq 64 ] && echo "ok: $bad exits 64" || fail "$bad: exit $rc, expected 64"
done
set -e

if [ "$failures" -ne 0 ]; then
  echo "report.sh: $failures failures" >&2
  exit 1
fi
echo "report.sh: ok"
