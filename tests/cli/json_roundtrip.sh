#!/usr/bin/env bash
# JSON layer against Python's json module: string escaping with U+FFFD
# replacement, key splicing, and line reading over a pipe.
# Usage: json_roundtrip.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
src=$2
jsoncheck=$build/tests/tools/jsoncheck
if [ ! -x "$jsoncheck" ]; then
  echo "skipped: $jsoncheck not built"
  exit 77
fi
if [ ! -x /usr/bin/python3 ]; then
  echo "skipped: /usr/bin/python3 not found"
  exit 77
fi
exec /usr/bin/python3 "$src/tests/json_roundtrip.py" "$jsoncheck"
