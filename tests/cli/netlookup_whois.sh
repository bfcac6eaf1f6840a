#!/usr/bin/env bash
# netlookup --whois against local whois servers (127.0.0.1 only) that serve
# the real registry answers in ../shared/data/net/whois: IANA referral,
# RIPE/APNIC/AFRINIC/LACNIC/ARIN parsing, ARIN referrals, SQLite cache,
# per-server rate limit, timeout, and a server that floods junk.
set -euo pipefail
build=$1 src=$2
data=$src/../shared/data/net/whois
netlookup=$build/tools/netlookup/netlookup
[ -d "$data" ] || { echo "skip: $data not found"; exit 77; }
tmp=$(mktemp -d)
server_pid=
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
/usr/bin/python3 "$src/tests/netlookup_whois_server.py" "$data" "$tmp/ports" "$tmp/log" &
server_pid=$!
for _ in $(seq 100); do [ -f "$tmp/ports" ] && break; sleep 0.1; done
[ -f "$tmp/ports" ] || { echo "FAIL: whois server did not start"; exit 1; }
connect=()
while read -r name port; do connect+=(--whois-connect "$name=127.0.0.1:$port"); done < "$tmp/ports"
fail=0
check() { # description, expected substring, actual
  if [[ "$3" == *"$2"* ]]; then echo "ok - $1"; else echo "FAIL - $1: expected '$2' in: $3"; fail=1; fi
}
# No table: whois only (a missing table is a warning in --whois mode).
nl() { "$netlookup" --table "$tmp/none" --whois --json --whois-interval 0 --whois-timeout "${timeout:-2000}" \
         --whois-cache "$tmp/cache.db" "${connect[@]}" "$@"; }

out=$(nl 62.239.237.1 2>/dev/null || true)
check "RIPE inetnum range" '"range":"62.239.237.0-62.239.237.255"' "$out"
check "RIPE country" '"cc":"GB"' "$out"
check "source whois" '"source":"whois"' "$out"
out=$(nl 210.107.73.73 2>/dev/null || true)
check "APNIC most specific inetnum" '"range":"210.107.0.0-210.107.127.255"' "$out"
out=$(nl 200.57.141.161 2>/dev/null || true)
check "LACNIC abbreviated inetnum" '"cidr":"200.57.128.0/19"' "$out"
check "LACNIC country" '"cc":"MX"' "$out"
out=$(nl 2001:43f8:7b0::1 2>/dev/null || true)
check "AFRINIC inet6num" '"cidr":"2001:43f8:7b0::/48"' "$out"
out=$(nl 74.125.225.229 2>/dev/null || true)
check "ARIN NetRange/CIDR" '"cidr":"74.125.0.0/16"' "$out"
check "ARIN OrgId" '"org_id":"GOGL"' "$out"
# ARIN refers 144.134.121.81 to APNIC, which has nothing: ARIN's own answer,
# with the CIDR (of several on one line) that holds the address.
out=$(nl 144.134.121.81 2>/dev/null || true)
check "ARIN multi-CIDR line" '"cidr":"144.132.0.0/14"' "$out"
grep -q "whois.apnic.net 144.134.121.81" "$tmp/log" && echo "ok - followed ReferralServer to APNIC" \
  || { echo "FAIL - ReferralServer not followed"; fail=1; }
# Cache: asking again sends nothing to any server.
before=$(wc -l < "$tmp/log")
out=$(nl 62.239.237.99 74.125.1.1 2>/dev/null || true)
check "cache answers the same network" '"range":"62.239.237.0-62.239.237.255"' "$out"
after=$(wc -l < "$tmp/log")
[ "$before" = "$after" ] && echo "ok - cached answers asked no server" \
  || { echo "FAIL - cache: $((after - before)) new queries"; fail=1; }
# Rate limit: two uncached queries to IANA at least --whois-interval apart.
rm -f "$tmp/cache.db"
"$netlookup" --table "$tmp/none" --whois --json --whois-interval 1 "${connect[@]}" \
  178.18.192.1 199.43.0.44 >/dev/null 2>&1 || true
times=$(grep '^whois.iana.org' "$tmp/log" | tail -2 | awk '{print $3}')
gap=$(echo "$times" | awk 'NR==1{a=$1} NR==2{print $1-a}')
awk -v g="$gap" 'BEGIN{exit !(g >= 0.95)}' && echo "ok - rate limit ($gap s between IANA queries)" \
  || { echo "FAIL - rate limit: gap $gap s"; fail=1; }
# Hostile servers: a timeout and a flood give an answer without data, and
# netlookup goes on to the next query.
start=$(date +%s.%N)
out=$(timeout=500 nl 192.0.2.1 198.51.100.1 62.239.237.1 2>"$tmp/err" || true)
took=$(echo "$(date +%s.%N) - $start" | bc)
check "timed-out server: no data" '{"ip":"192.0.2.1","cidr":null' "$out"
check "flooding server: no data" '{"ip":"198.51.100.1","cidr":null' "$out"
check "goes on after hostile servers" '"ip":"62.239.237.1","cidr":"62.239.237.0/24"' "$out"
check "timeout reported" 'timed out' "$(cat "$tmp/err")"
awk -v t="$took" 'BEGIN{exit !(t < 10)}' && echo "ok - hostile servers cost ${took}s" \
  || { echo "FAIL - hostile servers took ${took}s"; fail=1; }
exit $fail
