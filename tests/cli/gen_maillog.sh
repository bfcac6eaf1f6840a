#!/usr/bin/env bash
# scripts/gen-maillog: deterministic (same seed, same bytes; the committed
# sample still reproduces), well-formed (every line RFC 3164, sendmail queue
# ids, per-host clocks monotonic, hosts slightly out of order), and logjoin
# reads all of it: no bad or unparsed lines, every line accounted for.
# Usage: gen_maillog.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
src=$2
gen=$src/scripts/gen-maillog
logjoin=$build/tools/logjoin/logjoin
if [ ! -x /usr/bin/python3 ]; then
  echo "skipped: /usr/bin/python3 not found"
  exit 77
fi
if [ ! -x "$logjoin" ]; then
  echo "skipped: $logjoin not built"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# Determinism: same arguments, same bytes; another seed, other bytes.
/usr/bin/python3 "$gen" --lines 20000 --seed 7 >"$tmp/a.log"
/usr/bin/python3 "$gen" --lines 20000 --seed 7 >"$tmp/b.log"
/usr/bin/python3 "$gen" --lines 20000 --seed 8 >"$tmp/c.log"
[ "$(md5sum <"$tmp/a.log")" = "$(md5sum <"$tmp/b.log")" ] || fail "same seed, different output"
[ "$(md5sum <"$tmp/a.log")" != "$(md5sum <"$tmp/c.log")" ] || fail "other seed, same output"
[ "$(wc -l <"$tmp/a.log")" -eq 20000 ] || fail "--lines 20000 wrote $(wc -l <"$tmp/a.log") lines"
/usr/bin/python3 "$gen" --lines 30000 --weeks 3 --seed 1 >"$tmp/sample.log"
cmp -s "$tmp/sample.log" "$src/tests/data/sample/maillog" ||
  fail "tests/data/sample/maillog no longer reproduces (see its README.md)"

# Line shapes, queue ids, clocks, hosts, and the weekly rhythm of the sample.
/usr/bin/python3 - "$tmp/a.log" "$src/tests/data/sample/maillog" <<'EOF'
import collections, datetime, re, sys
line_re = re.compile(r"^([A-Z][a-z]{2} [ 123]\d \d\d:\d\d:\d\d) (mx\d) ([a-z0-9-]+)(?:\[(\d+)\])?: (.*)$")
qid_re = re.compile(r"^[0-9A-Za-x]{8}\d{6}$")
def stamp(s):
    return datetime.datetime.strptime("2026 " + s, "%Y %b %d %H:%M:%S")
def fail(msg):
    sys.exit("FAIL: " + msg)
last, hosts, backwards, kinds = {}, set(), 0, collections.Counter()
prev = None
for n, line in enumerate(open(sys.argv[1], encoding="ascii"), 1):
    m = line_re.match(line.rstrip("\n"))
    if not m:
        fail(f"line {n} is not RFC 3164: {line!r}")
    t, host, prog, pid, text = m.groups()
    t = stamp(t)
    hosts.add(host)
    if host in last and t < last[host]:
        fail(f"line {n}: host {host}'s clock went backwards")
    last[host] = t
    if prev and t < prev:
        backwards += 1
        if (prev - t).total_seconds() > 12:
            fail(f"line {n}: {(prev - t).total_seconds()} s out of order, more than the skew")
    prev = t
    if prog in ("sm-mta", "sendmail"):
        head = text.split(": ", 1)[0]
        if not text.startswith(("ruleset=check_relay", "AUTH=server", "STARTTLS=server")):
            if not qid_re.match(head):
                fail(f"line {n}: bad queue id {head!r}")
        for k in ("from=", "to=", "User unknown", "did not issue MAIL", "check_rcpt", "check_mail",
                  "check_relay", "AUTH=server", "AUTH failure", "STARTTLS=server", "Deferred",
                  ": DSN: ", "sender notify", "Milter (spamassassin)", "Milter: data, reject"):
            if k in text:
                kinds[k] += 1
    elif prog == "spamd":
        kinds["spamd result" if "result:" in text else "spamd other"] += 1
    else:
        kinds["noise " + prog] += 1
if len(hosts) != 6:
    fail(f"expected 6 hosts, saw {sorted(hosts)}")
if backwards == 0:
    fail("no line out of order: the hosts' clocks are not skewed")
missing = [k for k in ("from=", "to=", "User unknown", "did not issue MAIL", "check_rcpt",
                       "check_mail", "check_relay", "AUTH=server", "AUTH failure",
                       "STARTTLS=server", "Deferred", ": DSN: ", "sender notify",
                       "Milter (spamassassin)", "Milter: data, reject", "spamd result",
                       "noise dovecot", "noise imapd", "noise pop3d") if kinds[k] == 0]
if missing:
    fail(f"no lines of kinds {missing}")
days = collections.Counter()
for line in open(sys.argv[2], encoding="ascii"):
    days[stamp(line[:15]).strftime("%a")] += 1
ratio = days["Sun"] / days["Mon"]
if not 0.04 <= ratio <= 0.25:
    fail(f"Sunday/Monday = {ratio:.2f}, want about 0.1 ({dict(days)})")
print(f"shapes ok: {backwards} lines out of order; Sun/Mon {ratio:.2f}; " +
      " ".join(f"{k}={v}" for k, v in sorted(kinds.items())))
EOF

# logjoin reads it all: no bad syslog, nothing unparsed, every line counted once.
"$logjoin" --stats --year 2026 "$tmp/a.log" >"$tmp/a.jsonl" 2>"$tmp/a.stats"
cat "$tmp/a.stats"
stat() { grep -o " $1=[0-9]*" "$tmp/a.stats" | tail -1 | cut -d= -f2; }
[ "$(stat lines)" -eq 20000 ] || fail "logjoin read $(stat lines) lines"
[ "$(stat bad_syslog)" -eq 0 ] || fail "bad_syslog=$(stat bad_syslog)"
[ "$(stat unparsed)" -eq 0 ] || fail "unparsed=$(stat unparsed)"
[ "$(stat truncated)" -eq 0 ] || fail "truncated=$(stat truncated)"
sum=$(($(stat mail_lines) + $(stat other_programs) + $(stat daemon_lines)))
[ "$sum" -eq 20000 ] || fail "mail_lines + other_programs + daemon_lines = $sum, not 20000"
records=$(stat records)
[ "$records" -eq "$(wc -l <"$tmp/a.jsonl")" ] || fail "records=$records but $(wc -l <"$tmp/a.jsonl") lines out"
[ "$records" -ge 1500 ] && [ "$records" -le 5000 ] || fail "implausible record count $records"
[ "$(stat messages)" -ge 500 ] && [ "$(stat sessions)" -ge 300 ] || fail "too few messages/sessions"
# The lines in records add up to the mail lines read.
in_records=$(/usr/bin/python3 -c 'import json,sys; print(sum(json.loads(l)["lines"] for l in sys.stdin))' <"$tmp/a.jsonl")
[ "$in_records" -eq "$(stat mail_lines)" ] || fail "records hold $in_records lines, mail_lines=$(stat mail_lines)"

# --never-complete: no record completes.
/usr/bin/python3 "$gen" --never-complete --weeks 0.1 --lines 3000 >"$tmp/n.log"
"$logjoin" --year 2026 "$tmp/n.log" >"$tmp/n.jsonl"
/usr/bin/python3 - "$tmp/n.jsonl" <<'EOF'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
done = [r["qid"] for r in recs if r.get("complete")]
if len(recs) < 1000 or done:
    sys.exit(f"FAIL: --never-complete gave {len(recs)} records, complete ones: {done[:5]}")
print(f"never-complete ok: {len(recs)} records, none complete")
EOF
echo "ok"
