#!/usr/bin/env bash
# logjoin: --max-pending bounds the store (oldest leave first) and --ttl
# expires by each host's own log clock.
# Usage: logjoin_expiry.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
source "$2/tests/cli_common.sh"
need_tool logjoin
need_python
exec /usr/bin/python3 "$src/tests/logjoin_expiry.py" "$logjoin"
