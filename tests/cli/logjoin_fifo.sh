#!/usr/bin/env bash
# logjoin on a slow FIFO and pipe: records appear at once; SIGUSR1 prints
# counters; SIGTERM flushes pending records as incomplete "signal", exit 0.
# Usage: logjoin_fifo.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
src=$2
source "$src/tests/cli_common.sh"
need_tool logjoin
need_python
exec /usr/bin/python3 "$src/tests/logjoin_fifo.py" "$logjoin"
