#!/usr/bin/env bash
# report only reads (issue 21): a user who may not write the database or
# its directory gets the same report as its owner; report once opened it
# read-write and exited 66 ("attempt to write a readonly database"). The
# reader is `nobody` (setpriv), so the test needs root; the database is
# left exactly as it was.
# Usage: report_readonly.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
source "$2/tests/cli_common.sh"
need_tool logjoin spamclass banwrite report
need_command setpriv
if [ "$(id -u)" -ne 0 ]; then
  echo "skipped: needs root to read as another user (setpriv)"
  exit 77
fi
make_tmp
chmod 755 "$tmp"
mkdir "$tmp/ro"
"$logjoin" --year 2026 "$src/tests/data/sample/maillog" | "$spamclass" |
  "$banwrite" --db "$tmp/ro/spam.db" --dry-run >/dev/null
chmod 755 "$tmp/ro"
chmod 644 "$tmp/ro/spam.db"
sum_before=$(sha256sum <"$tmp/ro/spam.db")

(cd "$tmp/ro" && "$report" --db spam.db --table none --anchor last) >"$tmp/owner.txt"
for f in text csv json html; do
  rc=0
  (cd "$tmp/ro" && setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$report" --db spam.db --table none --anchor last --format "$f") >"$tmp/nobody.$f" 2>"$tmp/err" || rc=$?
  [ "$rc" -eq 0 ] || fail "--format $f as nobody: exit $rc: $(cat "$tmp/err")"
done
cmp -s "$tmp/owner.txt" "$tmp/nobody.text" || fail "nobody's report differs from the owner's"
[ "$(sha256sum <"$tmp/ro/spam.db")" = "$sum_before" ] || fail "report changed the database"
echo "ok: a reader without write access gets the owner's report"
