#!/usr/bin/env bash
# netlookup against a Python reference (ipaddress, naive longest-prefix
# match) for 100,000 random IPv4 and IPv6 addresses over the real pfx2as and
# RIR files in ../shared/data/net.
set -euo pipefail
build=$1 src=$2
data=$src/../shared/data/net
netlookup=$build/tools/netlookup/netlookup
if [ ! -f "$data/pfx2as/pyasn/ipasn6_20151101.dat.gz" ]; then
  echo "skip: shared network data not found at $data"; exit 77
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
pfx=$data/pfx2as/pyasn/ipasn6_20151101.dat.gz
rirs=("$data/rir/delegated-afrinic-extended-20230324" "$data/rir/delegated-lacnic-extended-20230324"
      "$data/rir/delegated-apnic-20140701" "$data/rir/delegated-ripencc-20140630")
args=()
for r in "${rirs[@]}"; do args+=(--rir "$r"); done
"$netlookup" import --table "$tmp/t" --pfx2as "$pfx" "${args[@]}"
/usr/bin/python3 "$src/tests/netlookup_diff.py" "$netlookup" "$tmp/t" "${NETLOOKUP_DIFF_COUNT:-100000}" "$pfx" "${rirs[@]}"
