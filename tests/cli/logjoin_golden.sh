#!/usr/bin/env bash
# logjoin's output on the sample log, byte for byte: tests/data/golden/
# logjoin-sample.jsonl holds the reviewed output of
#   logjoin --year 2026 tests/data/sample/maillog
# A change that must not change output (a refactor) keeps this test green;
# one that changes it on purpose regenerates the file with that command and
# commits it with the change, after looking at the diff.
# Usage: logjoin_golden.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
bin=$build/tools/logjoin/logjoin
golden=$src/tests/data/golden/logjoin-sample.jsonl
[ -x "$bin" ] || { echo "SKIP: logjoin is not built in $build"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$bin" --year 2026 "$src/tests/data/sample/maillog" > "$tmp/out" 2> /dev/null
if ! cmp -s "$tmp/out" "$golden"; then
  echo "FAIL: logjoin's output on the sample log differs from $golden:" >&2
  diff "$golden" "$tmp/out" | head -20 >&2 || true
  cat >&2 << MSG
If the change is intended, review the whole diff and regenerate the file:
  $bin --year 2026 tests/data/sample/maillog > tests/data/golden/logjoin-sample.jsonl
(run in $src) and commit it with the change.
MSG
  exit 1
fi
echo "logjoin_golden.sh: ok ($(wc -l < "$golden") records)"
