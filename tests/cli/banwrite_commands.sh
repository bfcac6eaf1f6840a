#!/usr/bin/env bash
# banwrite's manual commands and list backend: ban (carved around the
# allowlist), list, unban, exit codes, restart keeps the bans.
# Usage: banwrite_commands.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
bw=$build/tools/banwrite/banwrite
[ -x "$bw" ] || { echo "SKIP: banwrite is not built in $build"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
db=(--db "$tmp/x.db" --allow 198.51.100.5/32 --list-file "$tmp/bans.txt")

out=$("$bw" "${db[@]}" ban 198.51.100.0/24 --for 2h --reason "test ban")
[ "$(wc -l <<< "$out")" -eq 8 ] || fail "a /24 minus one address should be 8 targets: $out"
grep -q '"network":"198.51.100.0/24"' <<< "$out" || fail "carved targets name their network"
grep -q '198.51.100.5' "$tmp/bans.txt" && fail "the allowlisted address is in the list file"
[ "$(wc -l < "$tmp/bans.txt")" -eq 8 ] || fail "list file: $(cat "$tmp/bans.txt")"
[ "$("$bw" "${db[@]}" list | wc -l)" -eq 8 ] || fail "list should show 8 targets"
"$bw" "${db[@]}" list --json | python3 -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin]
assert all(r["manual"] and r["reason"] == "test ban" for r in rows), rows'

rc=0; "$bw" "${db[@]}" unban 203.0.113.0/24 2> /dev/null || rc=$?
[ "$rc" -eq 65 ] || fail "unban of a network that is not banned: exit $rc, want 65"
rc=0; "$bw" --db "$tmp/x.db" ban 10.1.0.0/16 2> /dev/null || rc=$?
[ "$rc" -eq 65 ] || fail "ban inside the default allowlist: exit $rc, want 65"
rc=0; "$bw" --db "$tmp/x.db" ban 10.1.0.0/33 2> /dev/null || rc=$?
[ "$rc" -eq 64 ] || fail "bad CIDR: exit $rc, want 64"

# Names and values that would add lines or commands to a backend's input
# are refused before anything is written (issue 21).
for bad in "--access-value=REJECT"$'\n'"Connect:0.0.0.0 RELAY" "--nft-set=x; flush ruleset" \
  "--nft-table=t"$'\n'"flush ruleset" "--ipset-name=a b"; do
  rc=0; "$bw" --db "$tmp/bad.db" --dry-run --apply access,nft,ipset --access-file "$tmp/acc" "$bad" \
    < /dev/null > /dev/null 2> "$tmp/err" || rc=$?
  [ "$rc" -eq 64 ] || fail "'$bad': exit $rc, want 64"
  [ "$(wc -l < "$tmp/err")" -eq 1 ] || fail "'$bad': not one line: $(cat "$tmp/err")"
  [ -e "$tmp/acc" ] && fail "'$bad': the access map was written"
done

# A list that cannot be written is a failure, not exit 0 (issue 21).
if [ -w /dev/full ]; then
  rc=0; "$bw" "${db[@]}" list > /dev/full 2> "$tmp/err" || rc=$?
  [ "$rc" -eq 74 ] || fail "list > /dev/full: exit $rc, want 74 (EX_IOERR)"
  grep -q "standard output" "$tmp/err" || fail "list > /dev/full: no message: $(cat "$tmp/err")"
fi
rc=0; "$bw" "${db[@]}" list >&- 2> /dev/null || rc=$?
[ "$rc" -eq 74 ] || fail "list with standard output closed: exit $rc, want 74"

out=$("$bw" "${db[@]}" unban 198.51.100.0/24)
[ "$(grep -c '"action":"remove"' <<< "$out")" -eq 8 ] || fail "unban: $out"
[ -s "$tmp/bans.txt" ] && fail "list file not emptied: $(cat "$tmp/bans.txt")"
[ -z "$("$bw" "${db[@]}" list)" ] || fail "list not empty after unban"
echo "banwrite_commands.sh: ok"
