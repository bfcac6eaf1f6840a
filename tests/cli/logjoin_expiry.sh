#!/usr/bin/env bash
# logjoin: --max-pending bounds the store (oldest leave first) and --ttl
# expires by each host's own log clock.
# Usage: logjoin_expiry.sh BUILD_DIR SOURCE_DIR
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
exec /usr/bin/python3 "$src/tests/logjoin_expiry.py" "$logjoin"
