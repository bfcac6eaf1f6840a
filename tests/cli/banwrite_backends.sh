#!/usr/bin/env bash
# banwrite's file backends against golden files (access map, rbldnsd
# ip4set/ip6trie), --dry-run printing the nft batch without running it, and
# a backend that is down: one error line, exit 69, bans kept in the
# database, and restored in full once it works again.
# Usage: banwrite_backends.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
bw=$build/tools/banwrite/banwrite
golden=$src/tests/data/banwrite
[ -x "$bw" ] || { echo "SKIP: banwrite is not built in $build"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
opts=(--db "$tmp/x.db" --allow 198.51.100.5/32,2001:db8:1:2::/64
      --apply access,rbldnsd --access-file "$tmp/access" --rbldnsd-file "$tmp/bans")

for target in 198.51.100.0/24 203.0.112.0/20 100.64.0.0/12 192.0.2.77 2001:db8:1::/60 2001:db8:ff::/48; do
  "$bw" "${opts[@]}" ban "$target" --for 2h --reason golden > /dev/null 2> "$tmp/err" ||
    fail "ban $target: $(cat "$tmp/err")"
done
for f in access bans.ip4set bans.ip6trie; do
  diff -u "$golden/$f.golden" "$tmp/$f" || fail "$f differs from $golden/$f.golden"
done
grep -q '\.tmp\.' <<< "$(ls "$tmp")" && fail "a temporary file was left behind"

# --dry-run: the nft batch is printed on stderr, nothing is run (no nft in PATH).
PATH=/nonexistent "$bw" --db "$tmp/x.db" --dry-run --apply nft restore > /dev/null 2> "$tmp/plan" ||
  fail "dry-run restore failed: $(cat "$tmp/plan")"
grep -q "^# nft: would run 'nft -f -'" "$tmp/plan" || fail "dry-run shows no nft batch"
grep -q '^flush set inet spamflow banned_v4$' "$tmp/plan" || fail "resync does not flush"
grep -q '^add element inet spamflow banned_v4 { .*203.0.112.0/20 timeout [0-9]*s' "$tmp/plan" ||
  fail "dry-run batch lacks 203.0.112.0/20: $(cat "$tmp/plan")"

# A backend that is down: one clear line, exit 69, the ban is stored.
rc=0
PATH=/nonexistent "$bw" --db "$tmp/x.db" --apply nft ban 203.0.113.0/24 > /dev/null 2> "$tmp/err" || rc=$?
[ "$rc" -eq 69 ] || fail "ban with nft missing: exit $rc, want 69"
[ "$(wc -l < "$tmp/err")" -eq 1 ] || fail "want one error line: $(cat "$tmp/err")"
grep -q 'banwrite: nft: nft: command not found' "$tmp/err" || fail "unclear error: $(cat "$tmp/err")"
grep -q '^203.0.113.0/24' <<< "$("$bw" --db "$tmp/x.db" list)" || fail "the ban was lost with the backend"
# The file backends pick it up at the next run (restore re-applies all).
"$bw" "${opts[@]}" restore 2> /dev/null
grep -q '^Connect:203.0.113	REJECT$' "$tmp/access" || fail "restore did not write 203.0.113.0/24"
echo "banwrite_backends.sh: ok"
