#!/usr/bin/env bash
# logjoin on a slow FIFO and pipe: records appear at once; SIGUSR1 prints
# counters; SIGTERM flushes pending records as incomplete "signal", exit 0.
# Usage: logjoin_fifo.sh BUILD_DIR SOURCE_DIR
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
exec /usr/bin/python3 "$src/tests/logjoin_fifo.py" "$logjoin"
