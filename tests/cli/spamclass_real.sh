#!/usr/bin/env bash
# spamclass on the shared real sendmail log (logjoin | spamclass):
# - the verdicts match the reviewed golden summary
#   tests/data/golden/spamclass-real.tsv (one line per record: host, queue id
#   or pid, client address, verdict, score, reasons); UPDATE_GOLDEN=1
#   rewrites it (review the diff by eye before committing);
# - precision and recall of spam+suspect against the client's ground truth
#   (truth.jsonl, see tests/data/spamclass/truth_eval.py) are at least 0.95.
# Usage: spamclass_real.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
data=$src/../shared/data/sendmail-real
[ -f "$data/maillog" ] || { echo "SKIP: $data/maillog is not there"; exit 77; }
for t in logjoin spamclass; do
  [ -x "$build/tools/$t/$t" ] || { echo "SKIP: $t is not built"; exit 77; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
nets=127.0.0.1/32,127.0.0.2/32,127.10.0.0/24,127.20.0.0/24

"$build/tools/logjoin/logjoin" "$data/maillog" > "$tmp/joined.jsonl"
"$build/tools/spamclass/spamclass" --local-nets "$nets" --stats < "$tmp/joined.jsonl" \
  > "$tmp/classified.jsonl"

python3 - "$tmp/joined.jsonl" "$tmp/classified.jsonl" > "$tmp/summary.tsv" <<'PY'
import json, sys
joined = open(sys.argv[1], encoding="utf-8").read().splitlines()
out = open(sys.argv[2], encoding="utf-8").read().splitlines()
assert len(joined) == len(out), f"{len(joined)} records in, {len(out)} out"
for a, b in zip(joined, out):
    ra, rb = json.loads(a), json.loads(b)
    cls = rb.pop("class")
    assert ra == rb, f"record changed: {a}"
    assert "class" not in ra
    # Pass-through is byte for byte: the input line, then ,"class":{...}}
    assert b.startswith(a[:-1] + ',"class":'), f"not spliced at the end: {b}"
    key = ra.get("qid") or f"pid{ra.get('pid')}"
    ip = ra.get("client", {}).get("ip") or ra.get("client", {}).get("name", "-")
    print(f"{ra['host']}\t{key}\t{ip}\t{cls['verdict']}\t{cls['score']}\t{','.join(cls['reasons'])}")
PY

golden=$src/tests/data/golden/spamclass-real.tsv
if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
  cp "$tmp/summary.tsv" "$golden"
  echo "updated $golden"
fi
if ! diff -u "$golden" "$tmp/summary.tsv" > "$tmp/diff"; then
  head -40 "$tmp/diff" >&2
  echo "FAIL: verdicts differ from $golden (UPDATE_GOLDEN=1 after review)" >&2
  exit 1
fi
echo "ok: $(wc -l < "$tmp/summary.tsv") records match the golden summary, records unchanged"
cut -f4 "$tmp/summary.tsv" | sort | uniq -c

python3 "$src/tests/data/spamclass/truth_eval.py" "$tmp/classified.jsonl" "$data/truth.jsonl" \
  --min-precision 0.95 --min-recall 0.95 | tail -2
