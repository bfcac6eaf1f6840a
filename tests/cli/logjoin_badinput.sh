#!/usr/bin/env bash
# logjoin on garbage, NUL bytes, huge and cut lines, invalid UTF-8, skewed and
# duplicated lines: exit 0, valid JSON, counted, rate-limited diagnostics;
# --strict exits 65. Also runs an ASan build found in BUILD_DIR-asan or
# $LOGJOIN_ASAN when present.
# Usage: logjoin_badinput.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
src=$2
logjoin=$build/tools/logjoin/logjoin
if [ ! -x "$logjoin" ]; then
  echo "skipped: $logjoin not built"
  exit 77
fi
if [ ! -x /usr/bin/python3 ]; then
  echo "skipped: /usr/bin/python3 not found"
  exit 77
fi
maillog=$src/../shared/data/sendmail-real/maillog
if [ ! -f "$maillog" ]; then
  echo "skipped: $maillog not found"
  exit 77
fi
rc=0
/usr/bin/python3 "$src/tests/logjoin_badinput.py" "$logjoin" "$maillog" || rc=1
asan=${LOGJOIN_ASAN:-${build%/}-asan/tools/logjoin/logjoin}
if [ -x "$asan" ] && [ "$asan" != "$logjoin" ]; then
  echo "also under $asan"
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=99} \
    /usr/bin/python3 "$src/tests/logjoin_badinput.py" "$asan" "$maillog" || rc=1
fi
exit $rc
