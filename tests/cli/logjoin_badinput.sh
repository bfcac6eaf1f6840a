#!/usr/bin/env bash
# logjoin on garbage, NUL bytes, huge and cut lines, invalid UTF-8, skewed and
# duplicated lines: exit 0, valid JSON, counted, rate-limited diagnostics;
# --strict exits 65. Also runs an ASan build found in BUILD_DIR-asan or
# $LOGJOIN_ASAN when present.
# Usage: logjoin_badinput.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
source "$2/tests/cli_common.sh"
need_tool logjoin
need_python
maillog=$src/../shared/data/sendmail-real/maillog
need_file "$maillog"
rc=0
/usr/bin/python3 "$src/tests/logjoin_badinput.py" "$logjoin" "$maillog" || rc=1
asan=${LOGJOIN_ASAN:-${build%/}-asan/tools/logjoin/logjoin}
if [ -x "$asan" ] && [ "$asan" != "$logjoin" ]; then
  echo "also under $asan"
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=99} \
    /usr/bin/python3 "$src/tests/logjoin_badinput.py" "$asan" "$maillog" || rc=1
fi
exit $rc
