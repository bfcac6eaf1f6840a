#!/usr/bin/env bash
# banwrite with the real nft and ipset, inside a network namespace this test
# creates (and always deletes): manual bans carved around an allowlisted
# address, a network ban decided from a record stream, unban, and restore
# after the ruleset was flushed. Skipped (77) when the kernel refuses.
# Usage: banwrite_netns.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
bw=$build/tools/banwrite/banwrite
[ -x "$bw" ] || { echo "SKIP: banwrite is not built in $build"; exit 77; }
for tool in ip nft ipset; do
  command -v "$tool" > /dev/null || { echo "SKIP: $tool is not installed (scripts/bootstrap)"; exit 77; }
done
ns=spamflow-test-$$
tmp=$(mktemp -d)
cleanup() { ip netns delete "$ns" 2> /dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
if ! err=$(ip netns add "$ns" 2>&1); then
  echo "SKIP: cannot create a network namespace: $err"
  exit 77
fi
in_ns() { ip netns exec "$ns" "$@"; }
if ! err=$(in_ns nft add table inet spamflow_probe 2>&1 && in_ns nft delete table inet spamflow_probe 2>&1); then
  echo "SKIP: nftables refused in the namespace: $err"
  exit 77
fi
if ! err=$(in_ns ipset create spamflow_probe hash:net 2>&1 && in_ns ipset destroy spamflow_probe 2>&1); then
  echo "SKIP: ipset refused in the namespace: $err"
  exit 77
fi
fail() { echo "FAIL: $*" >&2; exit 1; }
opts=(--db "$tmp/x.db" --allow 198.51.100.5/32 --apply nft,ipset)
banned4() { in_ns nft get element inet spamflow banned_v4 "{ $1 }" > /dev/null 2>&1; }
banned6() { in_ns nft get element inet spamflow banned_v6 "{ $1 }" > /dev/null 2>&1; }
in_ipset() { in_ns ipset test "$1" "$2" > /dev/null 2>&1; }
expect_banned() {
  banned4 "$1" || fail "nft: $1 is not in banned_v4: $(in_ns nft list set inet spamflow banned_v4)"
  in_ipset spamflow_v4 "$1" || fail "ipset: $1 is not in spamflow_v4"
}
expect_free() {
  banned4 "$1" && fail "nft: $1 is in banned_v4"
  in_ipset spamflow_v4 "$1" && fail "ipset: $1 is in spamflow_v4"
  true
}

in_ns "$bw" "${opts[@]}" ban 198.51.100.0/24 --for 2h > /dev/null
in_ns "$bw" "${opts[@]}" ban 2001:db8:7::/48 --for 1h > /dev/null
expect_banned 198.51.100.4
expect_banned 198.51.100.200
expect_free 198.51.100.5
banned6 2001:db8:7::1 || fail "nft: 2001:db8:7::1 is not in banned_v6"
in_ipset spamflow_v6 2001:db8:7::1 || fail "ipset: 2001:db8:7::1 is not in spamflow_v6"

# A stream with the clock's time: three spamming hosts ban their /24.
now=$(date -u +%Y-%m-%dT%H:%M:%S+00:00)
for host in 10 20 30; do
  printf '{"kind":"message","host":"mx1","qid":"q%s","pid":%s,"first":"%s","last":"%s","client":{"ip":"203.0.113.%s"},"complete":true,"class":{"verdict":"spam","score":15,"reasons":[]}}\n' \
    "$host" "$host" "$now" "$now" "$host"
done > "$tmp/records.jsonl"
in_ns "$bw" "${opts[@]}" "$tmp/records.jsonl" > "$tmp/events.jsonl"
grep -q '"target":"203.0.113.0/24"' "$tmp/events.jsonl" || fail "no network ban: $(cat "$tmp/events.jsonl")"
expect_banned 203.0.113.77
expect_banned 198.51.100.4 # the stream's resync kept the earlier bans

in_ns "$bw" "${opts[@]}" unban 198.51.100.0/24 > /dev/null
expect_free 198.51.100.4
expect_banned 203.0.113.77

# As at boot: the ruleset and the sets are gone; restore puts everything back.
in_ns nft flush ruleset
in_ns ipset destroy
in_ns "$bw" "${opts[@]}" restore
expect_banned 203.0.113.77
banned6 2001:db8:7::1 || fail "restore: 2001:db8:7::1 is not in banned_v6"
# Not "nft … | grep -q": grep quits at the match, nft dies of SIGPIPE and
# pipefail fails the test at random.
set_listing=$(in_ns nft list set inet spamflow banned_v4)
grep -q 'flags interval,timeout' <<< "$set_listing" || fail "set flags: $set_listing"
echo "banwrite_netns.sh: ok"
