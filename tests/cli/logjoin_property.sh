#!/usr/bin/env bash
# logjoin: no line lost, and the same records whatever the host interleaving
# or the order of one host's lines within one second (see tests/logjoin_property.py).
# Usage: logjoin_property.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
source "$2/tests/cli_common.sh"
need_tool logjoin
need_python
maillog=$src/../shared/data/sendmail-real/maillog
logs=()
[ -f "$maillog" ] && logs+=("$maillog")
[ -f "$src/tests/data/sample/maillog" ] && logs+=("$src/tests/data/sample/maillog")
if [ ${#logs[@]} -eq 0 ]; then
  echo "skipped: no real log ($maillog) and no tests/data/sample/maillog"
  exit 77
fi
exec /usr/bin/python3 "$src/tests/logjoin_property.py" "$logjoin" "${logs[@]}" \
  --variants "${LOGJOIN_PROPERTY_VARIANTS:-8}"
