"""logjoin on the compatibility corpus: sendmail and spamd lines that other
projects publish (tests/data/compat, see SOURCES.md there).

usage: logjoin_compat.py LOGJOIN COMPAT_DIR

For every NAME.log listed in FILES, run `logjoin --raw --stats` (with
--year, since RFC 3164 lines carry none) and assert:
  - exit status 0, every output line a JSON object, and the --stats
    counters add up (lines = mail_lines + other_programs + daemon_lines +
    unparsed + bad_syslog; the records carry mail_lines lines);
  - each line of a sendmail ident (logjoin's default --programs) or of
    spamd is in the raw of exactly one record, or is one of the
    daemon_lines + unparsed lines left out, and none of those left out
    carries a queue id; no other line is in any record;
  - every expectation of NAME.expect holds for the record holding its
    line: client=ADDR (client.ip, compared as addresses; "none" for no
    client.ip), ip_invalid=TEXT (client.ip_invalid), qid=QID, spam=yes|no
    (spamd.spam).
An expectation that fails because of a known logjoin bug is listed in
KNOWN_FAILURES with the reason: it is reported but does not fail the test;
once it holds, the test fails until it is taken off the list, so the list
stays true. Prints a table of the counts per file at the end.
"""

import collections
import fnmatch
import ipaddress
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import logjoin_common as lj  # noqa: E402

# Per file: the year of its RFC 3164 timestamps (the year the source's
# expectations or notification dates give; otherwise the year its queue
# ids encode) and, where the source's ident is not in logjoin's default
# --programs, the list to pass. Every ident in the corpus (sendmail,
# sm-mta, sm-acceptingconnections, sm-msp-queue, spamd) is covered by the
# default, so no file needs --programs.
FILES = {
    "fail2ban-sendmail-auth": {"year": 2005},
    "fail2ban-sendmail-reject": {"year": 2005},
    "fail2ban-testcase-multiline": {"year": 2005},
    "fluent-plugin-sendmail": {"year": 2016},
    "ossec-spamd": {"year": 2006},
    "ossec-mail-alerts": {"year": 2006},
    "ossec-log-entries-unkown": {"year": 2006},
    "ossec-decoder-examples": {"year": 2006},
    "wazuh-sendmail-decoders": {"year": 2017},
    "awstats-maillogconvert": {"year": 2003},
    "spamassassin-doc": {"year": 2006},
    "splunk-sc4s-proofpoint": {"year": 2018},
}

# (file, line number): why the expectation fails today. Each entry is a
# case to fix in logjoin or a conflict within the source's own data.
KNOWN_FAILURES = {
    ("fail2ban-sendmail-auth", 12):
        "conflict in the source's data, not a parser bug: lines 11 and 12 share "
        "host, pid 5976 and queue id 09DJDgOM005976 but name relays 192.0.2.7 and "
        "192.0.2.8 (fail2ban tests each line alone); logjoin joins them into one "
        "record, whose first trusted address (192.0.2.7) stays by design",
}

# logjoin's default --programs, and spamd.
DEFAULT_PROGRAMS = ("sendmail", "sendmail-*", "sm-mta*", "sm-msp-queue",
                    "sm-acceptingconnections", "sm-msp", "mail")

# "[<PRI>]Mon DD HH:MM:SS [<fac.pri>] host [<fac.pri>] ident[pid]: message"
SYSLOG = re.compile(
    r"^(?:<\d+>)?[A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d (?:<[a-z0-9.]+> )?\S+ "
    r"(?:<[a-z0-9.]+> )?(?P<ident>[^\[: ]+)(?:\[\d+\])?: (?P<msg>.*)$")
# A queue id at the start of the message (after an optional Solaris tag).
QID_LED = re.compile(r"^(?:\[ID \d+ [a-z0-9.]+\] )?[0-9A-Za-z]{8,20}(\[\d+\])?: ")
UNRECOGNISED = re.compile(r"^logjoin: unrecognised=(\d+) lines", re.M)


def is_joined_ident(ident, programs):
    return ident == "spamd" or any(fnmatch.fnmatchcase(ident, p) for p in programs)


def run_logjoin(logjoin, path, opts):
    """(records, stats dict, unrecognised count, stderr) of one file; the
    run's exit status, JSON and counters checked."""
    args = ["--raw", "--stats", "--year", str(opts["year"])]
    if opts.get("programs"):
        args += ["--programs", opts["programs"]]
    with open(path, "rb") as f:
        records, stats, err = lj.run_logjoin(logjoin, f.read(), args)
    lj.check_counters(stats, records)
    m = UNRECOGNISED.search(err)
    return records, stats, int(m.group(1)) if m else 0, err


def check_every_line_once(lines, records, stats, programs):
    """Each line of a joined ident in exactly one record or left out as a
    daemon/unparsed line without a queue id; no other line in a record."""
    wanted = collections.Counter()
    for line in lines:
        m = SYSLOG.match(line)
        if m and is_joined_ident(m.group("ident"), programs):
            wanted[line] += 1
    got = collections.Counter(l for r in records for l in r.get("raw", []))
    extra = got - wanted
    if extra:
        raise AssertionError("lines in records that are not input lines of a joined ident "
                      "(or are in more than one record): %r" % list(extra)[:3])
    left_out = wanted - got
    if sum(left_out.values()) != stats["daemon_lines"] + stats["unparsed"]:
        raise AssertionError("%d lines in no record, but daemon_lines + unparsed = %d: %r" % (
            sum(left_out.values()), stats["daemon_lines"] + stats["unparsed"],
            list(left_out)[:3]))
    for line in left_out:
        if QID_LED.match(SYSLOG.match(line).group("msg")):
            raise AssertionError("a line with a queue id is in no record: %r" % line)


def read_expectations(path, lines):
    """[(line number, {key: value}, comment)] of NAME.expect. A selector is
    a line number of NAME.log or a substring matching exactly one line."""
    out = []
    if not os.path.exists(path):
        return out
    for n, text in enumerate(open(path, encoding="utf-8"), 1):
        body, _, comment = text.rstrip("\n").partition("#")
        fields = body.split("\t")
        if not body.strip():
            continue
        sel = fields[0].strip()
        if sel.isdigit():
            lineno = int(sel)
        else:
            hits = [i for i, l in enumerate(lines, 1) if sel in l]
            if len(hits) != 1:
                raise AssertionError("%s:%d: selector matches %d lines" % (path, n, len(hits)))
            lineno = hits[0]
        if not 1 <= lineno <= len(lines):
            raise AssertionError("%s:%d: no line %d" % (path, n, lineno))
        want = dict(f.strip().split("=", 1) for f in fields[1:] if f.strip())
        out.append((lineno, want, comment.strip()))
    return out


def same_address(a, b):
    try:
        return ipaddress.ip_address(a) == ipaddress.ip_address(b)
    except ValueError:
        return a == b


def expectation_problem(line, want, records):
    """None when every key of want holds for the record holding line."""
    holding = [r for r in records if line in r.get("raw", [])]
    if len(holding) != 1:
        return "the line is in %d records" % len(holding)
    rec = holding[0]
    client = rec.get("client", {})
    problems = []
    for key, value in want.items():
        if key == "client":
            ip = client.get("ip")
            ok = ip is None if value == "none" else ip is not None and same_address(ip, value)
            if not ok:
                problems.append("client.ip %s, expected %s" % (ip, value))
        elif key == "ip_invalid":
            if client.get("ip_invalid") != value or "ip" in client:
                problems.append("client %s, expected ip_invalid %s" % (json.dumps(client), value))
        elif key == "spam":
            verdict = rec.get("spamd", {}).get("spam")
            if verdict is not (value == "yes"):
                problems.append("spamd.spam %s, expected %s" % (verdict, value))
        elif key == "qid":
            if rec.get("qid") != value:
                problems.append("qid %s, expected %s" % (rec.get("qid"), value))
        else:
            problems.append("unknown expectation key %s" % key)
    return "; ".join(problems) or None


def check_file(logjoin, compat_dir, name, opts):
    """One row of the table; raises AssertionError on a broken rule."""
    path = os.path.join(compat_dir, name + ".log")
    lines = open(path, encoding="utf-8").read().splitlines()
    records, stats, unrecognised, err = run_logjoin(logjoin, path, opts)
    programs = opts["programs"].split(",") if opts.get("programs") else DEFAULT_PROGRAMS
    check_every_line_once(lines, records, stats, programs)
    met, known, total = 0, [], 0
    for lineno, want, comment in read_expectations(os.path.join(compat_dir, name + ".expect"), lines):
        total += 1
        problem = expectation_problem(lines[lineno - 1], want, records)
        reason = KNOWN_FAILURES.get((name, lineno))
        if problem is None:
            if reason:
                raise AssertionError("line %d now holds (%s): take it off KNOWN_FAILURES" % (lineno, reason))
            met += 1
        elif reason:
            known.append("%s.log:%d: %s [known: %s]" % (name, lineno, problem, reason))
        else:
            raise AssertionError("line %d%s: %s\n  %s" % (lineno, " (%s)" % comment if comment else "",
                                                problem, lines[lineno - 1]))
    shapes = [l for l in err.splitlines() if l.startswith("logjoin:  ")]
    row = (name + ".log", len(lines), stats["records"], stats["daemon_lines"],
           unrecognised, "%d/%d" % (met, total))
    return row, known, shapes


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 64
    logjoin, compat_dir = argv[1], argv[2]
    listed = {f[:-4] for f in os.listdir(compat_dir) if f.endswith(".log")}
    if listed != set(FILES):
        print("FAIL: files in %s and FILES differ: %s" % (compat_dir, sorted(listed ^ set(FILES))),
              file=sys.stderr)
        return 1
    rows, known_all, failed = [], [], False
    for name, opts in FILES.items():
        try:
            row, known, shapes = check_file(logjoin, compat_dir, name, opts)
        except AssertionError as e:
            print("FAIL: %s.log: %s" % (name, e), file=sys.stderr)
            failed = True
            continue
        rows.append(row)
        known_all += known
        for s in shapes:
            print("%s.log unrecognised shape: %s" % (name, s.strip()))
    head = ("file", "lines", "records", "daemon lines", "unrecognised", "expectations met")
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    for r in [head] + rows:
        print("  ".join(str(v).ljust(w) if i == 0 else str(v).rjust(w)
                        for i, (v, w) in enumerate(zip(r, widths))))
    for k in known_all:
        print("known failure: " + k)
    return 1 if failed else 0


if __name__ == "__main__":
    lj.run_main(main)
