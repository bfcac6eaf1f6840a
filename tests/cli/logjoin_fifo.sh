#!/usr/bin/env bash
# logjoin on a slow FIFO and pipe: records appear at once; SIGUSR1 prints
# counters; SIGTERM flushes pending records as incomplete "signal", exit 0.
# Usage: logjoin_fifo.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
source "$2/tests/cli_common.sh"
need_tool logjoin
need_python
exec /usr/bin/python3 "$src/tests/logjoin_fifo.py" "$logjoin"
