#!/usr/bin/env bash
# banwrite on the shared real sendmail log: the unblocked spam network
# 127.99.13.0/24 is banned; no partner relay and no address whose sessions
# only sent good mail (truth.jsonl) is covered by any ban; every announced
# ban is in the database, which passes integrity_check.
# Usage: banwrite_real.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
data=$src/../shared/data/sendmail-real
for tool in logjoin spamclass banwrite; do
  [ -x "$build/tools/$tool/$tool" ] || { echo "SKIP: $tool is not built in $build"; exit 77; }
done
[ -f "$data/maillog" ] || { echo "SKIP: no shared data at $data"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
local_nets=127.0.0.1/32,127.0.0.2/32,127.10.0.0/24,127.20.0.0/24

"$build/tools/logjoin/logjoin" "$data/maillog" > "$tmp/records.jsonl"
if ! "$build/tools/spamclass/spamclass" --local-nets "$local_nets" < "$tmp/records.jsonl" \
    > "$tmp/classified.jsonl" || ! grep -q '"class"' "$tmp/classified.jsonl"; then
  echo "SKIP: spamclass does not classify yet (failed or wrote no \"class\")"
  exit 77
fi
"$build/tools/banwrite/banwrite" --dry-run --allow "$local_nets" --db "$tmp/x.db" --stats \
  < "$tmp/classified.jsonl" > "$tmp/bans.jsonl" 2> "$tmp/stderr"
cat "$tmp/stderr"
echo "bans announced:"
cat "$tmp/bans.jsonl"

python3 - "$tmp/bans.jsonl" "$data/truth.jsonl" "$tmp/x.db" <<'PY'
import ipaddress, json, sqlite3, sys
bans_file, truth_file, db_file = sys.argv[1:4]
events = [json.loads(l) for l in open(bans_file)]
for e in events:
    assert e["kind"] == "ban" and e["action"] in ("add", "remove"), e
added = [ipaddress.ip_network(e["target"]) for e in events if e["action"] == "add"]
failures = []
if ipaddress.ip_network("127.99.13.0/24") not in added:
    failures.append("127.99.13.0/24 was not banned")

# Sessions that only delivered good mail, by the client's own record.
good_scenarios = {
    "deliver_single", "deliver_multi", "deliver_local_mx2", "backup_mx_forward",
    "multi_transaction", "helo_plain_no_quit", "alias_to_remote", "bounce_prog_fail",
    "prog_tempfail", "auth_ok_relay", "lan_relay_deferred", "lan_relay_deferred_mx2",
    "lan_to_example_net", "local_submission_msp"}
sessions = {}
for line in open(truth_file):
    t = json.loads(line)
    kinds = {x.get("body_kind") for x in t.get("transactions", [])} - {None}
    good = t["scenario"] in good_scenarios and kinds <= {"ham"}
    sessions.setdefault(t["client_ip"], []).append(good)
good_only = [ip for ip, g in sessions.items() if all(g)]
protected = set(good_only) | {"127.30.1.10", "127.30.1.11", "127.30.2.20", "127.31.7.7"}
for ip in sorted(protected):
    addr = ipaddress.ip_address(ip)
    for net in added:
        if addr in net:
            failures.append(f"{net} covers {ip}, which only sent good mail")

db = sqlite3.connect(db_file)
assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
history = {(a, t) for a, t in db.execute("SELECT action, target FROM ban_history")}
for e in events:
    if (e["action"], e["target"]) not in history:
        failures.append(f"announced {e['action']} {e['target']} is not in ban_history")
stored = db.execute("SELECT count(*) FROM messages").fetchone()[0]
if stored < 1000:
    failures.append(f"only {stored} records stored")
print(f"{len(added)} bans added, {len(good_only)} good-only addresses checked, {stored} records stored")
for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
PY
echo "banwrite_real.sh: ok"
