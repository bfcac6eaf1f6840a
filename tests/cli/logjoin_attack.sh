#!/usr/bin/env bash
# logjoin: attacker-controlled text (addresses, message ids, user names, reply
# texts, split and over-long lines) never yields a client address.
# Usage: logjoin_attack.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
source "$2/tests/cli_common.sh"
need_tool logjoin
need_python
exec /usr/bin/python3 "$src/tests/logjoin_attack.py" "$logjoin" \
  "$src/tests/data/logjoin/attack.log" "$src/tests/data/logjoin/attack.expect"
