#!/usr/bin/env bash
# logjoin stops at once when its reader has gone (issue 21): with an
# endless input and `| head -c 100`, it must exit with EX_IOERR (74) and one
# line on stderr, not read on for ever. The input never ends, so a logjoin
# that reads on is caught by the timeout, whatever the machine's speed.
# Usage: logjoin_reader_gone.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
source "$2/tests/cli_common.sh"
need_tool logjoin
need_python
make_tmp

endless() {
  /usr/bin/python3 - "$src/tests/data/sample/maillog" <<'PY'
import sys
lines = open(sys.argv[1], "rb").read()
try:
    while True:
        sys.stdout.buffer.write(lines)
except (BrokenPipeError, OSError):
    pass
PY
}

set +o pipefail
endless | timeout 300 "$logjoin" --year 2026 2>"$tmp/err" | head -c 100 >/dev/null
rc=${PIPESTATUS[1]}
set -o pipefail
[ "$rc" -ne 124 ] || fail "logjoin still reading 300 s after its reader had gone"
[ "$rc" -eq 74 ] || fail "exit $rc, not 74 (EX_IOERR): $(cat "$tmp/err")"
[ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "not one line on stderr: $(cat "$tmp/err")"
grep -q "^logjoin: standard output: Broken pipe" "$tmp/err" || fail "stderr: $(cat "$tmp/err")"
echo "ok: exit 74 with: $(cat "$tmp/err")"
