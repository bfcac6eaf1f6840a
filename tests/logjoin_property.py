"""Property test of logjoin: no line is lost, and the set of records does not
depend on how hosts interleave or on the order of one host's lines within
one second.

usage: logjoin_property.py LOGJOIN MAILLOG [MAILLOG...] [--variants N]

For each log: run `logjoin --raw --stats` on the original, then on N
variants of each of two kinds, every one from a fixed seed:
  interleave  each host's lines keep their order; lines of different
              hosts logged less than 1 s apart trade places at random
  window-keep-pid  each run of one host's lines with the same timestamp is
              shuffled so that each process's lines keep their order
              (syslog reorders only between processes)
  interleave-unbounded, window  a uniformly random merge of the hosts'
              streams, and a full shuffle of each same-second run: orders
              syslog does not produce; only "no line lost" is asserted
and assert for every run (record equality for the first two kinds only):
  - every output line is a JSON object; exit status 0;
  - lines == mail_lines + other_programs + daemon_lines + unparsed + bad_syslog,
    sum of "lines" over records == mail_lines, record count == records;
  - the multiset of raw lines over all records is the multiset of input lines
    of mail programs minus exactly daemon_lines + unparsed lines, and none
    of the lines left out carries a queue id;
  - the multiset of records, canonical (arrays rcpts, rejects, raw, events,
    links and pids sorted; nothing dropped), equals the original's.
"""

import collections
import json
import os
import random
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import logjoin_common as lj  # noqa: E402

SORTED_ARRAYS = ("rcpts", "rejects", "raw", "events", "links", "pids")
QID_LED = re.compile(rb"^[0-9A-Za-z]{8,20}(\[\d+\])?: ")


def canonical(record):
    """The record in a form that does not depend on the order of its arrays.
    spamd's own lines are left out of "raw": when two checks on one host in
    one second have the same score and tests and no Message-ID, which of the
    two messages got which check's four lines is not knowable from the log
    (the "lines" count and the spamd fields still take part). The multiset
    check of no_line_lost() still covers every spamd line."""
    r = dict(record)
    if "raw" in r:
        r["raw"] = [l for l in r["raw"] if " spamd[" not in l]
    for key in SORTED_ARRAYS:
        values = r.get(key)
        if not values:
            continue
        if all(isinstance(v, (str, int)) for v in values):
            r[key] = sorted(values, key=lambda v: (str(type(v)), v))
        else:
            r[key] = sorted(values, key=lambda v: json.dumps(v, sort_keys=True))
    return json.dumps(r, sort_keys=True)


def record_id(record):
    return "%s %s %s" % (record.get("kind"), record.get("host"),
                         record.get("qid", record.get("pid")))


def host_of(line):
    s = lj.split_syslog(line)
    return s[1] if s else b""


def interleave(lines, rng, jitter_s=1.0):
    """Merges the hosts' streams as a central syslog may: each host keeps its
    own order, and lines of different hosts trade places when they were
    logged less than jitter_s apart (network and queueing delays). Links
    between hosts (hand-offs) are joined within --linger, so a disorder of
    minutes is out of scope; no_line_lost() still runs on unbounded merges."""
    keyed = []
    last_key = {}
    for i, line in enumerate(lines):
        h = host_of(line)
        k = max(last_key.get(h, 0.0), ts_seconds(line) + rng.random() * jitter_s)
        last_key[h] = k
        keyed.append((k, i, line))
    keyed.sort()
    return [line for _, _, line in keyed]


def interleave_unbounded(lines, rng):
    streams = collections.OrderedDict()
    for line in lines:
        streams.setdefault(host_of(line), collections.deque()).append(line)
    # One draw per output line, weighted by what each host has left.
    bag = [h for h, s in streams.items() for _ in range(len(s))]
    rng.shuffle(bag)
    return [streams[h].popleft() for h in bag]


def ts_seconds(line):
    """Seconds since the start of the year of an RFC 3164 timestamp."""
    months = b"JanFebMarAprMayJunJulAugSepOctNovDec"
    try:
        mon = months.index(line[:3]) // 3
        day, hms = int(line[4:6]), line[7:15].decode("ascii")
        h, m, s = (int(x) for x in hms.split(":"))
    except ValueError:
        return 0.0
    return ((mon * 31 + day) * 24 + h) * 3600 + m * 60 + s


def pid_of(line):
    s = lj.split_syslog(line)
    return (s[2], s[3]) if s else line


def shuffle_run(moved, rng):
    rng.shuffle(moved)
    return moved


def shuffle_run_keep_pids(moved, rng):
    """A random interleaving of the run that keeps each process's own order
    (syslog reorders lines of different processes, never of one)."""
    streams = collections.OrderedDict()
    for line in moved:
        streams.setdefault(pid_of(line), collections.deque()).append(line)
    bag = [k for k, s in streams.items() for _ in range(len(s))]
    rng.shuffle(bag)
    return [streams[k].popleft() for k in bag]


def window_shuffle(lines, rng, shuffle=shuffle_run):
    slots = collections.defaultdict(list)  # host -> indexes of its lines
    for i, line in enumerate(lines):
        slots[host_of(line)].append(i)
    out = list(lines)
    for idx in slots.values():
        run = []
        for i in idx + [None]:
            ts = lines[i][:15] if i is not None else None
            if run and (i is None or lines[run[0]][:15] != ts):
                moved = shuffle([lines[j] for j in run], rng)
                for j, line in zip(run, moved):
                    out[j] = line
                run = []
            if i is not None:
                run.append(i)
    return out


def check_no_line_lost(lines, records, stats, where):
    mail = collections.Counter(l.decode("utf-8", "replace") for l in lines
                               if lj.is_mail_line(l))
    raw = collections.Counter(x for r in records for x in r.get("raw", []))
    extra = raw - mail
    if extra:
        raise AssertionError("%s: raw lines that are not input mail lines: %r" %
                             (where, list(extra.elements())[:5]))
    missing = mail - raw
    n_missing = sum(missing.values())
    expected = stats["daemon_lines"] + stats["unparsed"]
    if n_missing != expected:
        raise AssertionError("%s: %d mail lines in no record, daemon_lines+unparsed=%d; "
                             "e.g. %r" % (where, n_missing, expected,
                                          list(missing.elements())[:5]))
    for line in missing:
        msg = lj.split_syslog(line.encode())[4]
        if QID_LED.match(msg):
            raise AssertionError("%s: a line with a queue id is in no record: %r" %
                                 (where, line))
    for r in records:
        if len(r.get("raw", [])) != r["lines"]:
            raise AssertionError("%s: record %s has lines=%d but %d raw lines" % (
                where, record_id(r), r["lines"], len(r.get("raw", []))))


def describe_difference(b, o, limit=6):
    """b, o: Counters of canonical records of the original and the variant."""
    only_b, only_o = b - o, o - b
    by_id = collections.defaultdict(lambda: [[], []])
    for side, texts in ((0, only_b), (1, only_o)):
        for text in texts.elements():
            r = json.loads(text)
            by_id[record_id(r)][side].append(r)
    out = ["%d records only in the original, %d only in the variant" %
           (sum(only_b.values()), sum(only_o.values()))]
    for rid, (bs, vs) in list(by_id.items())[:limit]:
        if len(bs) == 1 and len(vs) == 1:  # one record changed: name the fields
            keys = sorted(k for k in set(bs[0]) | set(vs[0]) if bs[0].get(k) != vs[0].get(k))
            out.append("  %s: %s" % (rid, "; ".join(
                "%s: %s -> %s" % (k, json.dumps(bs[0].get(k))[:200],
                                  json.dumps(vs[0].get(k))[:200])
                for k in keys if k != "raw")))
            continue
        out.append("  %s: %d records became %d:" % (rid, len(bs), len(vs)))
        for tag, recs in (("original", bs), ("variant ", vs)):
            for r in recs:
                r = {k: v for k, v in r.items() if k != "raw"}
                out.append("    %s %s" % (tag, json.dumps(r, sort_keys=True)[:400]))
    return "\n".join(out)


def run_one(binary, lines, where):
    data = b"".join(l + b"\n" for l in lines)
    records, stats, _ = lj.run_logjoin(binary, data, ["--raw", "--stats"])
    lj.check_counters(stats, records, where)
    check_no_line_lost(lines, records, stats, where)
    return records


def check_log(binary, path, variants):
    with open(path, "rb") as f:
        lines = f.read().split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    base = run_one(binary, lines, path + " (original)")
    base_canon = collections.Counter(canonical(r) for r in base)
    failures = []
    # (kind, shuffle, whether the records must come out the same). Orders
    # syslog does not produce (one process's lines swapped, hosts drifting
    # apart by minutes) must still lose no line, but may join differently.
    kinds = (("interleave", interleave, True),
             ("window-keep-pid", lambda l, r: window_shuffle(l, r, shuffle_run_keep_pids), True),
             ("interleave-unbounded", interleave_unbounded, False),
             ("window", window_shuffle, False))
    for k, (kind, fn, same_records) in enumerate(kinds):
        for seed in range(variants):
            rng = random.Random(1000 * k + seed)
            variant = fn(lines, rng)
            assert sorted(variant) == sorted(lines)
            where = "%s (%s seed %d)" % (path, kind, seed)
            try:
                got = run_one(binary, variant, where)
            except AssertionError as e:
                failures.append(str(e))
                continue
            got_canon = collections.Counter(canonical(r) for r in got)
            if same_records and got_canon != base_canon:
                failures.append("%s: records differ from the original's: %s" %
                                (where, describe_difference(base_canon, got_canon)))
    print("%s: %d lines, %d records, %d variants" %
          (path, len(lines), len(base), len(kinds) * variants))
    return failures


def main(argv):
    variants = 20
    if "--variants" in argv:
        i = argv.index("--variants")
        variants = int(argv[i + 1])
        del argv[i:i + 2]
    binary, logs = argv[1], argv[2:]
    started = time.time()
    failures = []
    for path in logs:
        failures += check_log(binary, path, variants)
    for f in failures:
        print("FAIL: " + f, file=sys.stderr)
    print("%d failures, %.1f s" % (len(failures), time.time() - started))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
