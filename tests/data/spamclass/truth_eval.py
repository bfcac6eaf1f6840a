#!/usr/bin/env python3
"""Precision and recall of spamclass's spam+suspect against the client's
ground truth of ../shared/data/sendmail-real (truth.jsonl).

usage: truth_eval.py CLASSIFIED.jsonl TRUTH.jsonl [--min-precision P --min-recall R]

Records are joined to truth sessions by the queue id of the server's
"Message accepted" reply, else by server, client address and time (the
record's first line within the session's start..end, 2 s of slack: syslog
times have whole seconds). A session's predicted class is the worst verdict
among its records. Which sessions are spam or suspect is this file's
decision (the truth file names scenarios, not verdicts): the abusive
behaviours below, rate-limited connections (421), and any transaction whose
body is spammy or GTUBE. Mail to one or a few unknown users
(unknown_user_only, unknown_user_mx2, partial_unknown_user) counts as a
mistake, not abuse: a dictionary attack is many unknown users.
"""
import collections
import datetime
import json
import sys

ABUSIVE = {
    "access_reject_connect", "access_reject_delay_checks", "access_reject_host",
    "access_tempfail_connect", "auth_fail", "dictionary_attack", "pregreet",
    "relay_denied", "relay_denied_mx2", "sender_reject", "vrfy_expn_probe",
    "no_mail_quit", "no_mail_quit_mx2", "connect_close", "drop_after_rcpt",
}
RANK = {"spam": 3, "suspect": 2, "ham": 1, "local": 0, "unknown": 0}


def is_positive(session):
    if session["scenario"] in ABUSIVE:
        return True
    if session["scenario"] == "rate_limited" and 421 in session.get("reply_codes", []):
        return True
    return any(t.get("body_kind") in ("spammy", "gtube") for t in session.get("transactions", []))


def epoch(text):
    return datetime.datetime.fromisoformat(text).timestamp()


def main(argv):
    classified, truth_path = argv[1], argv[2]
    limits = dict(zip(argv[3::2], map(float, argv[4::2])))
    by_qid, by_client = {}, collections.defaultdict(list)
    for line in open(classified, encoding="utf-8"):
        rec = json.loads(line)
        if "qid" in rec:
            by_qid[(rec["host"], rec["qid"])] = rec
        ip = rec.get("client", {}).get("ip")
        if ip and "first" in rec:
            by_client[(rec["host"], ip)].append(rec)
    tp = fp = fn = tn = unjoined = 0
    table = collections.Counter()
    for line in open(truth_path, encoding="utf-8"):
        s = json.loads(line)
        if s["server"] not in ("mx1", "mx2"):
            continue  # local submissions: the records are local, not judged here
        qids = {s.get("queue_id_from_reply")}
        qids |= {t.get("queue_id_from_reply") for t in s.get("transactions", [])}
        recs = [by_qid[(s["server"], q)] for q in qids if q and (s["server"], q) in by_qid]
        # By address and time only when no queue id joined: a client that
        # reconnects within the slack would otherwise lend its verdict.
        lo, hi = epoch(s["start"]) - 2, epoch(s["end"]) + 2
        for rec in by_client.get((s["server"], s["client_ip"]), []) if not recs else []:
            if lo <= epoch(rec["first"]) <= hi and rec not in recs:
                recs.append(rec)
        if not recs:
            unjoined += 1
        verdict = max((r["class"]["verdict"] for r in recs), key=RANK.get, default="unknown")
        predicted = verdict in ("spam", "suspect")
        positive = is_positive(s)
        table[(s["scenario"], "positive" if positive else "negative", verdict)] += 1
        tp += predicted and positive
        fp += predicted and not positive
        fn += positive and not predicted
        tn += not positive and not predicted
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    for (scenario, truth, verdict), n in sorted(table.items()):
        print(f"{n:5d}  {scenario:30s} {truth:9s} -> {verdict}")
    print(f"sessions={tp + fp + fn + tn} unjoined={unjoined} tp={tp} fp={fp} fn={fn} tn={tn}")
    print(f"precision={precision:.3f} recall={recall:.3f}")
    ok = precision >= limits.get("--min-precision", 0) and recall >= limits.get("--min-recall", 0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
