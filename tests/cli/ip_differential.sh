#!/usr/bin/env bash
# Differential test of libcommon's IP address/network code against Python's
# ipaddress module: 100,000 cases per operation (tests/ip_differential.py).
# Usage: ip_differential.sh BUILD_DIR SOURCE_DIR [CASES_PER_OP]
set -euo pipefail
build=$1
src=$2
cases=${3:-100000}
ipcheck=$build/tests/tools/ipcheck
python=/usr/bin/python3
if [ ! -x "$python" ]; then
  echo "skipped: $python not found" >&2
  exit 77
fi
if [ ! -x "$ipcheck" ]; then
  echo "ip_differential: $ipcheck not built (tests/tools missing from the build?)" >&2
  exit 1
fi
exec "$python" "$src/tests/ip_differential.py" "$ipcheck" "$cases"
