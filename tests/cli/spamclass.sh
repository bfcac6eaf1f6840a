#!/usr/bin/env bash
# spamclass behaviour on small inputs: byte-for-byte pass-through with
# "class" spliced in (replaced if present), bad lines (diagnostic with the
# line number, verdict unknown or passed verbatim; --strict drops them and
# exits 65), config files (unknown keys and bad values are errors with
# file:line), --print-config round trip, --explain, --local-nets.
# Usage: spamclass.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
bin=$build/tools/spamclass/spamclass
[ -x "$bin" ] || { echo "SKIP: spamclass is not built"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
expect_eq() { [ "$1" = "$2" ] || fail "$3: expected [$2], got [$1]"; }

# 1. Unknown fields, odd spacing, escapes and key order pass through byte for
#    byte; "class" is appended, or replaced where it was.
cat > "$tmp/in.jsonl" <<'IN'
{"kind":"session","host":"mx1","client":{"ip":"203.0.113.9"},"events":["pregreeting"],"zz_future":{"a":[1,2.50,1e3,null],"b":"\u00e9\n"}}
{ "kind" : "message" , "client" : { "ip" : "127.0.0.1" } , "net":{"cc":"US"} }
{"class":{"verdict":"spam","old":true},"kind":"session","client":{"ip":"198.51.100.1","name":"mx.example.org"},"x":1}
IN
"$bin" < "$tmp/in.jsonl" > "$tmp/out.jsonl"
expect_eq "$(sed -n 1p "$tmp/out.jsonl")" \
  "$(sed -n 1p "$tmp/in.jsonl" | sed 's/}$//'),\"class\":{\"verdict\":\"spam\",\"score\":5.5,\"reasons\":[\"pregreeting\",\"no_client_name\"]}}" \
  "pass-through with unknown fields"
expect_eq "$(sed -n 2p "$tmp/out.jsonl")" \
  '{ "kind" : "message" , "client" : { "ip" : "127.0.0.1" } , "net":{"cc":"US"},"class":{"verdict":"local","score":0,"reasons":["local_net"]} }' \
  "spacing kept, loopback local by default"
expect_eq "$(sed -n 3p "$tmp/out.jsonl")" \
  '{"class":{"verdict":"ham","score":0,"reasons":[]},"kind":"session","client":{"ip":"198.51.100.1","name":"mx.example.org"},"x":1}' \
  "class replaced in place"

# 2. --local-nets replaces the default: loopback is no longer local.
out=$("$bin" --local-nets 10.0.0.0/8 < "$tmp/in.jsonl" | sed -n 2p)
case $out in *'"verdict":"ham"'*) ;; *) fail "--local-nets did not replace loopback: $out" ;; esac

# 3. Bad lines: not JSON (verbatim), not an object (verbatim), a field of the
#    wrong type (verdict unknown), all with a diagnostic naming the line.
cat > "$tmp/bad.jsonl" <<'IN'
{"kind":"session","client":{"ip":"203.0.113.9"}}
this is not json
[1,2,3]
{"kind":"message","client":"203.0.113.9"}
{"kind":"session","client":{"ip":"203.0.113.9"},"events":["no_mail"]}
IN
"$bin" --stats < "$tmp/bad.jsonl" > "$tmp/bad.out" 2> "$tmp/bad.err" || fail "bad lines: exit $?"
expect_eq "$(wc -l < "$tmp/bad.out" | tr -d ' ')" 5 "every line passes"
expect_eq "$(sed -n 2p "$tmp/bad.out")" "this is not json" "not JSON passes verbatim"
expect_eq "$(sed -n 3p "$tmp/bad.out")" "[1,2,3]" "not an object passes verbatim"
expect_eq "$(sed -n 4p "$tmp/bad.out")" \
  '{"kind":"message","client":"203.0.113.9","class":{"verdict":"unknown","score":0,"reasons":[]}}' \
  "wrong field type gives unknown"
grep -q 'stdin:2' "$tmp/bad.err" || fail "no diagnostic for line 2: $(cat "$tmp/bad.err")"
grep -q 'stdin:4.*client' "$tmp/bad.err" || fail "no diagnostic for line 4: $(cat "$tmp/bad.err")"
grep -q 'bad=3' "$tmp/bad.err" || fail "--stats does not count 3 bad lines"
rc=0
"$bin" --strict < "$tmp/bad.jsonl" > "$tmp/strict.out" 2> "$tmp/strict.err" || rc=$?
expect_eq "$rc" 65 "--strict exit code"
expect_eq "$(wc -l < "$tmp/strict.out" | tr -d ' ')" 2 "--strict keeps only the good lines"
grep -q '3 bad lines dropped' "$tmp/strict.err" || fail "--strict does not count: $(cat "$tmp/strict.err")"

# 4. Config files: the example works; unknown keys, bad values and bad
#    networks are errors with file:line, before any input is read.
"$bin" --config "$src/tests/data/spamclass/example.conf" --print-config > "$tmp/printed.conf"
grep -qx 'dictionary-min = 3' "$tmp/printed.conf" || fail "config value not applied"
grep -qx 'local-nets = "127.0.0.1/32,127.0.0.2/32,127.10.0.0/24,127.20.0.0/24"' "$tmp/printed.conf" ||
  fail "config local-nets not applied"
"$bin" --config "$tmp/printed.conf" --print-config > "$tmp/printed2.conf"
cmp -s "$tmp/printed.conf" "$tmp/printed2.conf" || fail "--print-config does not round-trip"
"$bin" --print-config > "$tmp/default.conf"
"$bin" --config "$tmp/default.conf" --print-config | cmp -s - "$tmp/default.conf" ||
  fail "default --print-config does not round-trip"
check_conf_error() { # body, expected message part
  printf '%b' "$1" > "$tmp/bad.conf"
  local rc=0 err
  err=$("$bin" --config "$tmp/bad.conf" < /dev/null 2>&1 > /dev/null) || rc=$?
  [ "$rc" = 78 ] || fail "config [$1]: exit $rc, want 78"
  case $err in *"$2"*) ;; *) fail "config [$1]: message [$err] lacks [$2]" ;; esac
}
check_conf_error '# comment\nspam-threshold = 6\nweight-no-such-rule = 1\n' "bad.conf:3: unknown key 'weight-no-such-rule'"
check_conf_error '\n\nweight-no-mail = lots\n' "bad.conf:3: weight-no-mail: 'lots' is not a number"
check_conf_error 'dictionary-min = 2.5\n' "bad.conf:1: dictionary-min: '2.5' is not a whole number"
check_conf_error 'local-nets = "10.0.0.0/8, 10.1.2.300/32"\n' "bad.conf:1: local-nets: '10.1.2.300/32'"
check_conf_error 'weight-pool-name = 1000\n' "bad.conf:1: weight-pool-name:"
check_conf_error '[weights]\nno-mail = 1\n' "bad.conf:1: unknown section"
check_conf_error 'print-config = true\n' "bad.conf:1: unknown key 'print-config'"

# 5. --explain puts each rule's weight in its reason; a weight from the
#    command line changes the score.
out=$(sed -n 1p "$tmp/in.jsonl" | "$bin" --explain --weight-pregreeting 7)
case $out in *'"score":7.5,"reasons":["pregreeting=+7","no_client_name=+0.5"]'*) ;;
  *) fail "--explain/--weight: $out" ;; esac

# 6. A bad option value on the command line is a usage error.
rc=0; "$bin" --local-nets 300.1.2.3/8 < /dev/null > /dev/null 2>&1 || rc=$?
expect_eq "$rc" 64 "bad --local-nets"

# Other tools' lines on the same pipe (spamflag's flags, banwrite's ban
# events) pass through untouched, without a warning.
printf '%s\n' '{"kind":"flag","qid":"A","host":"mx1","client_ip":"1.2.3.4","flag":true}' \
  '{"kind":"ban","action":"add","target":"1.2.3.0/24"}' > "$tmp/other.jsonl"
"$bin" < "$tmp/other.jsonl" > "$tmp/other.out" 2> "$tmp/other.err"
expect_eq "$(cat "$tmp/other.out")" "$(cat "$tmp/other.jsonl")" "flag and ban lines pass unchanged"
expect_eq "$(cat "$tmp/other.err")" "" "flag and ban lines give no warning"

if [ "$failures" -ne 0 ]; then
  echo "spamclass.sh: $failures failures" >&2
  exit 1
fi
echo "spamclass.sh: ok"
