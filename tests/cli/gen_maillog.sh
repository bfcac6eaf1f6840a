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
# --profile busy: deterministic; real shapes of a busy site (queue runners'
# retries, STARTTLS=client, DSNs after 5 days, spamd with bayes=); logjoin
# reads it all, with no unrecognised shapes, and joins each deferred
# message into one record; far more records are open at once than in the
# clean profile, and the generator's note of its peak is what the log shows.
/usr/bin/python3 "$gen" --profile busy --lines 20000 --seed 7 >"$tmp/busy.log" 2>"$tmp/busy.note"
/usr/bin/python3 "$gen" --profile busy --lines 20000 --seed 7 2>/dev/null | cmp -s - "$tmp/busy.log" ||
  fail "busy: same seed, different output"
[ "$(wc -l <"$tmp/busy.log")" -eq 20000 ] || fail "busy: --lines 20000 wrote $(wc -l <"$tmp/busy.log") lines"
/usr/bin/python3 "$gen" --lines 20000 --seed 7 2>"$tmp/a.note" >/dev/null
note_peak() { sed -n 's/^gen-maillog: peak open queue ids \([0-9]*\)$/\1/p' "$1"; }
busy_note=$(note_peak "$tmp/busy.note")
clean_note=$(note_peak "$tmp/a.note")
[ -n "$busy_note" ] && [ -n "$clean_note" ] || fail "no peak note: $(cat "$tmp/busy.note" "$tmp/a.note")"
[ "$busy_note" -ge 100 ] && [ "$busy_note" -ge $((10 * clean_note)) ] ||
  fail "busy profile's peak of open queue ids $busy_note, clean $clean_note"
/usr/bin/python3 - "$tmp/busy.log" "$busy_note" <<'EOF'
import re, sys
line_re = re.compile(r"^[A-Z][a-z]{2} [ 123]\d \d\d:\d\d:\d\d (mx\d) (?:sm-mta|sendmail)\[\d+\]: "
                     r"(?:([0-9A-Za-x]{8}\d{6}): )?(.*)$")
kinds = dict.fromkeys(["STARTTLS=client", "DSN: Cannot send message for 5 days",
                       "sender notify: Warning", "sender notify: Cannot send", "class=-60",
                       "Deferred: Connection timed out", "Deferred: Connection refused",
                       "Greylisting"], 0)
first, last, bayes, cached = {}, {}, 0, 0
for n, line in enumerate(open(sys.argv[1], encoding="ascii")):
    if "spamd: result: " in line and ",bayes=" in line:
        bayes += re.search(r",mid=<[^>]*>,bayes=[01]\.\d{6},autolearn=", line) is not None
    m = line_re.match(line.rstrip("\n"))
    if not m:
        continue
    host, qid, text = m.groups()
    if qid:
        first.setdefault((host, qid), n)
        last[(host, qid)] = n
    for k in kinds:
        kinds[k] += k in text
    # A queue run's retry with the host status cached: relay= without an address.
    cached += re.search(r" relay=[^ ,\[]+\., dsn=4\.", text) is not None
missing = [k for k, v in kinds.items() if v == 0] + ["bayes="] * (bayes == 0) + ["cached"] * (cached == 0)
if missing:
    sys.exit(f"FAIL: the busy profile lacks {missing}")
# Open from first line to last, by line order (the hosts' clocks differ by
# seconds, so the note, kept by real time, may differ a little).
ev = [0] * (n + 2)
for k in first:
    ev[first[k]] += 1
    ev[last[k] + 1] -= 1
cur = peak = 0
for d in ev:
    cur += d
    peak = max(peak, cur)
note = int(sys.argv[2])
if abs(peak - note) > max(3, note // 20):
    sys.exit(f"FAIL: the log has at most {peak} queue ids open, the generator noted {note}")
print(f"busy shapes ok: peak open {peak} (noted {note}); bayes={bayes} cached_retries={cached} " +
      " ".join(f"{k.replace(' ', '_')}={v}" for k, v in kinds.items()))
EOF
week=(--ttl 604800 --max-pending 200000)
"$logjoin" --stats --year 2026 "${week[@]}" "$tmp/busy.log" >"$tmp/busy.jsonl" 2>"$tmp/busy.stats"
"$logjoin" --stats --year 2026 "${week[@]}" "$tmp/a.log" >/dev/null 2>"$tmp/a.week.stats"
cat "$tmp/busy.stats"
bstat() { grep -o " $1=[0-9]*" "$2" | tail -1 | cut -d= -f2; }
for k in bad_syslog unparsed truncated incomplete_max_pending; do
  [ "$(bstat "$k" "$tmp/busy.stats")" -eq 0 ] || fail "busy: $k=$(bstat "$k" "$tmp/busy.stats")"
done
if grep -q "unrecognised=" "$tmp/busy.stats"; then
  fail "busy: unrecognised shapes: $(cat "$tmp/busy.stats")"
fi
busy_peak=$(bstat peak_pending "$tmp/busy.stats")
clean_peak=$(bstat peak_pending "$tmp/a.week.stats")
[ "$busy_peak" -ge $((3 * clean_peak)) ] ||
  fail "busy peak_pending $busy_peak is not well above the clean profile's $clean_peak"
/usr/bin/python3 - "$tmp/busy.log" "$tmp/busy.jsonl" <<'EOF'
import collections, json, re, sys
deferred = set()
for line in open(sys.argv[1], encoding="ascii"):
    m = re.match(r"^.{15} (mx\d) \S+: ([0-9A-Za-x]{8}\d{6}): to=.*stat=Deferred", line)
    if m:
        deferred.add(m.groups())
recs = collections.Counter()
retried = returned = 0
for line in open(sys.argv[2]):
    r = json.loads(line)
    key = (r["host"], r.get("qid"))
    if key in deferred:
        recs[key] += 1
        retried += len(r.get("pids", [])) >= 5
        returned += "dsn_bounce" in r.get("events", []) and r["lines"] >= 10
split = [k for k in deferred if recs[k] != 1]
if split or retried == 0 or returned == 0:
    sys.exit(f"FAIL: deferred messages not one record each: {split[:5]}; "
             f"{retried} retried by queue runners, {returned} returned")
print(f"busy joined ok: {len(deferred)} deferred messages, one record each; "
      f"{retried} retried by 5+ processes, {returned} returned with a DSN")
EOF
echo "busy ok: peak_pending $busy_peak (clean $clean_peak), generator's peak $busy_note (clean $clean_note)"
echo "ok"
