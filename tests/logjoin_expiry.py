"""logjoin's bounded memory: --max-pending and --ttl (per-host log clocks).

usage: logjoin_expiry.py LOGJOIN

1. 1,000 messages on one host that never complete (from= nrcpts=1, no to=),
   with --max-pending 100: peak_pending never exceeds 100; exactly the
   900 oldest leave as incomplete "max_pending", in the order they came;
   the last 100 leave at end of input as "eof"; counters add up.
2. --ttl 60, four hosts with different clocks:
     mx1: A at 10:00:00, then C two minutes later  -> A "ttl" before C
     mx2: B at 10:00:00, and no later line           -> B "eof" (mx1's clock
          must not expire it)
     mx3: D at 10:00:00, a line at 10:01:00 (60 s)    -> D not expired ("eof")
     mx4: E at 10:00:00, a line at 10:01:01 (61 s)    -> E "ttl"
     mx5: F at 11:00:00 (a host an hour ahead)        -> F "eof", and its clock
          expires nothing on mx2..mx4
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import logjoin_common as lj  # noqa: E402


def from_line(ts, host, qid, pid):
    return ("Nov 28 %s %s sm-mta[%d]: %s: from=<a@example.org>, size=100, class=0, "
            "nrcpts=1, msgid=<%s@example.org>, proto=ESMTP, daemon=MTA, "
            "relay=[192.0.2.%d]" % (ts, host, pid, qid, qid, pid % 250 + 1))


def qid_for(n):
    return "7ASX%04d%06d" % (n, n)


def check_max_pending(binary):
    lines = []
    for n in range(1000):
        ts = "10:%02d:%02d" % (n // 60 % 60, n % 60)  # 1 s apart, under --ttl
        lines.append(from_line(ts, "mx1", qid_for(n), 10000 + n))
    data = "".join(l + "\n" for l in lines).encode()
    records, stats, _ = lj.run_logjoin(binary, data,
                                       ["--max-pending", "100", "--stats", "--ttl", "86400"])
    lj.check_counters(stats, records, "max-pending")
    if stats["peak_pending"] > 100:
        raise AssertionError("peak_pending=%d exceeds --max-pending 100" % stats["peak_pending"])
    evicted = [r["qid"] for r in records if r.get("incomplete") == "max_pending"]
    at_eof = [r["qid"] for r in records if r.get("incomplete") == "eof"]
    if evicted != [qid_for(n) for n in range(900)]:
        raise AssertionError("expected the 900 oldest evicted in order, got %d: %s..." %
                             (len(evicted), evicted[:5]))
    if sorted(at_eof) != [qid_for(n) for n in range(900, 1000)]:
        raise AssertionError("expected the 100 newest at eof, got %d" % len(at_eof))
    if any(r.get("complete") is not False for r in records):
        raise AssertionError("a never-completed message came out complete")
    if stats["incomplete_max_pending"] != 900:
        raise AssertionError("incomplete_max_pending=%d, expected 900" %
                             stats["incomplete_max_pending"])
    print("max-pending: peak %d, %d evicted" % (stats["peak_pending"], len(evicted)))


def check_ttl(binary):
    lines = [
        from_line("10:00:00", "mx1", "7ASA00000001", 101),  # A
        from_line("10:00:00", "mx2", "7ASB00000002", 102),  # B
        from_line("10:00:00", "mx3", "7ASD00000004", 104),  # D
        from_line("10:00:00", "mx4", "7ASE00000005", 105),  # E
        from_line("11:00:00", "mx5", "7ASF00000006", 106),  # F, an hour ahead
        from_line("10:02:00", "mx1", "7ASC00000003", 103),  # C, 2 min after A
        from_line("10:01:00", "mx3", "7ASG00000007", 107),  # 60 s after D
        from_line("10:01:01", "mx4", "7ASH00000008", 108),  # 61 s after E
    ]
    data = "".join(l + "\n" for l in lines).encode()
    records, stats, _ = lj.run_logjoin(binary, data, ["--ttl", "60", "--stats"])
    lj.check_counters(stats, records, "ttl")
    why = {r["qid"]: r.get("incomplete") for r in records}
    order = [r["qid"] for r in records]
    want = {"7ASA00000001": "ttl", "7ASB00000002": "eof", "7ASC00000003": "eof",
            "7ASD00000004": "eof", "7ASE00000005": "ttl", "7ASF00000006": "eof",
            "7ASG00000007": "eof", "7ASH00000008": "eof"}
    wrong = {q: (why.get(q), w) for q, w in want.items() if why.get(q) != w}
    if wrong:
        raise AssertionError("incomplete reasons (got, want): %s" % wrong)
    if order.index("7ASA00000001") > order.index("7ASC00000003"):
        raise AssertionError("A expired after C was emitted: %s" % order)
    if stats["incomplete_ttl"] != 2:
        raise AssertionError("incomplete_ttl=%d, expected 2" % stats["incomplete_ttl"])
    print("ttl: %s" % ", ".join("%s=%s" % (q[3], why[q]) for q in order))


def main(argv):
    started = time.time()
    check_max_pending(argv[1])
    check_ttl(argv[1])
    print("ok, %.1f s" % (time.time() - started))
    return 0


if __name__ == "__main__":
    lj.run_main(main)
