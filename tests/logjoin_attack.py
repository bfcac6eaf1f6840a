"""Attacker-controlled text must never give logjoin a client address.

usage: logjoin_attack.py LOGJOIN ATTACK_LOG ATTACK_EXPECT

ATTACK_LOG holds crafted lines of every kind (from=, ruleset check_rcpt /
check_mail / check_relay, AUTH failure, did not issue MAIL, lost input,
timeout, pre-greeting, collect, VRFY, milter, split "QID[N]:" lines) whose
senders, recipients, message ids, user names and reply texts contain
"relay=[6.6.6.6]", "arg2=6.6.6.6", "did not issue MAIL" and the like; see
tests/data/logjoin/README.md. ATTACK_EXPECT names, per record, the client
that sendmail's own trusted field gives. Two more cases are generated here:
a line that logjoin itself cuts at 64 KiB right after a fake relay, alone
and followed by the same message's genuine from= line.

Asserts: no record anywhere has client.ip 6.6.6.6; each record named in
ATTACK_EXPECT has the expected client (or none); counters add up.
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import logjoin_common as lj  # noqa: E402

EVIL = "6.6.6.6"
CUT_AT = 64 * 1024  # LineReader's default line limit


def long_cut_lines():
    """A from= line whose first 64 KiB end with ", relay=[6.6.6.6]"."""
    head = ("Nov 28 22:01:00 mx1 sm-mta[20100]: 7ASM100a020100: from=<a@evil.test>, "
            "size=1, class=0, nrcpts=0, msgid=<")
    tail = ">, relay=[6.6.6.6]"
    pad = "x" * (CUT_AT - len(head) - len(tail))
    cut = head + pad + tail
    assert len(cut) == CUT_AT
    real = cut + ", proto=ESMTP, daemon=MTA, relay=[203.0.113.100]"
    # The same shape for a second message, then its genuine short from= line.
    real2 = real.replace("7ASM100a020100", "7ASM101a020101").replace(".100]", ".101]")
    genuine2 = ("Nov 28 22:01:00 mx1 sm-mta[20101]: 7ASM101a020101: from=<a@evil.test>, "
                "size=1, class=0, nrcpts=0, proto=ESMTP, daemon=MTA, relay=[203.0.113.101]")
    return [real, real2, genuine2], {"7ASM100a020100": {"none", "203.0.113.100"},
                                     "7ASM101a020101": {"203.0.113.101"}}


def read_expect(path):
    expect = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            key, want = line.split()
            expect[key] = set(want.split("|"))
    return expect


def client_ip(record):
    return record.get("client", {}).get("ip", "none")


def find_record(records, key):
    if key.isdigit():
        found = [r for r in records if "qid" not in r and r.get("pid") == int(key)]
    else:
        found = [r for r in records if r.get("qid") == key]
    return found


def main(argv):
    binary, log_path, expect_path = argv[1:4]
    started = time.time()
    with open(log_path, "rb") as f:
        data = f.read()
    expect = read_expect(expect_path)
    extra_lines, extra_expect = long_cut_lines()
    data += "".join(l + "\n" for l in extra_lines).encode()
    expect.update(extra_expect)

    records, stats, _ = lj.run_logjoin(binary, data, ["--stats", "--raw"])
    lj.check_counters(stats, records, "attack")
    failures = []
    for r in records:
        if client_ip(r) == EVIL:
            failures.append("record %s has client.ip %s; its lines:\n    %s" % (
                r.get("qid", r.get("pid")), EVIL,
                "\n    ".join(x[:300] for x in r.get("raw", []))))
    for key, want in expect.items():
        found = find_record(records, key)
        if len(found) != 1:
            failures.append("%s: expected one record, found %d" % (key, len(found)))
            continue
        got = client_ip(found[0])
        if got not in want:
            failures.append("%s: client.ip %s, expected %s" % (key, got, "|".join(sorted(want))))
    if stats["truncated"] != 2:
        failures.append("expected 2 truncated lines, counted %d" % stats["truncated"])
    for f in failures:
        print("FAIL: " + f, file=sys.stderr)
    print("%d records, %d checked, %d failures, %.1f s" %
          (len(records), len(expect), len(failures), time.time() - started))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
