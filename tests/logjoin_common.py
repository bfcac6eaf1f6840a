"""Shared helpers for the logjoin end-to-end tests (python3 stdlib only).

Runs logjoin, parses its JSON output and its --stats line, and knows which
input lines belong to the mail programs logjoin joins.
"""

import json
import re
import subprocess
import sys
import tempfile

# Programs whose lines logjoin joins (LogJoiner::is_sendmail_program and
# is_spamd_program).
MAIL_PROGRAMS = {
    b"sendmail", b"sm-mta", b"sm-msp-queue", b"sm-msp", b"mail",
    b"sm-mta-in", b"sm-mta-out", b"spamd",
}

# RFC 3164: "Mon DD HH:MM:SS host prog[pid]: message"
_RFC3164 = re.compile(
    rb"^(?P<ts>[A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d) (?P<host>\S+) "
    rb"(?P<prog>[^\[: ]+)(?:\[(?P<pid>\d+)\])?: (?P<msg>.*)$")

_STATS = re.compile(r"^logjoin: lines=\d+ .*$", re.M)

COUNTER_SUM = ("mail_lines", "other_programs", "daemon_lines", "unparsed",
               "bad_syslog")


def split_syslog(line):
    """(timestamp, host, program, pid, message) of an RFC 3164 line, or None."""
    m = _RFC3164.match(line)
    if not m:
        return None
    return m.group("ts"), m.group("host"), m.group("prog"), m.group("pid"), \
        m.group("msg")


def is_mail_line(line):
    s = split_syslog(line)
    return s is not None and s[2] in MAIL_PROGRAMS


def parse_stats(stderr_text):
    """The counters of the last --stats line on stderr, as a dict of ints."""
    found = _STATS.findall(stderr_text)
    if not found:
        raise AssertionError("no --stats line on stderr:\n" + stderr_text[-2000:])
    out = {}
    for field in found[-1].split()[1:]:
        k, _, v = field.partition("=")
        out[k] = int(v)
    return out


def run_logjoin(binary, data, args=(), timeout=120, check_rc=0, via_pipe=False):
    """Runs logjoin on `data` (bytes); returns (records, stats, stderr).

    The data is read from a file, as a replay: through a pipe, logjoin
    emits complete records whenever the pipe runs dry (before --linger
    is over), so what joins would depend on the writer's timing."""
    cmd = [binary] + list(args)
    if via_pipe:
        p = subprocess.run(cmd, input=data, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout)
    else:
        with tempfile.NamedTemporaryFile(prefix="logjoin-test-", suffix=".log") as f:
            f.write(data)
            f.flush()
            p = subprocess.run(cmd + [f.name], stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=timeout)
    err = p.stderr.decode("utf-8", "replace")
    if check_rc is not None and p.returncode != check_rc:
        raise AssertionError("%s exited %d, expected %d; stderr:\n%s" %
                             (cmd, p.returncode, check_rc, err[-3000:]))
    records = parse_records(p.stdout)
    stats = parse_stats(err) if "--stats" in args else None
    return records, stats, err


def parse_records(stdout_bytes):
    """Every output line must be one valid JSON object."""
    records = []
    for n, line in enumerate(stdout_bytes.split(b"\n"), 1):
        if not line:
            continue
        try:
            text = line.decode("utf-8")  # the wire format is UTF-8
            obj = json.loads(text)
        except (UnicodeDecodeError, ValueError) as e:
            raise AssertionError("output line %d is not valid JSON (%s): %r" %
                                 (n, e, line[:300]))
        if not isinstance(obj, dict):
            raise AssertionError("output line %d is not an object: %r" % (n, line[:300]))
        records.append(obj)
    if stdout_bytes and not stdout_bytes.endswith(b"\n"):
        raise AssertionError("output does not end with a newline")
    return records


def check_counters(stats, records, where=""):
    """lines == sum of the five kinds; sum of record lines == mail_lines."""
    total = sum(stats[k] for k in COUNTER_SUM)
    if stats["lines"] != total:
        raise AssertionError("%s: lines=%d but %s add up to %d (%s)" % (
            where, stats["lines"], "+".join(COUNTER_SUM), total, stats))
    joined = sum(r["lines"] for r in records)
    if joined != stats["mail_lines"]:
        raise AssertionError("%s: records carry %d lines, mail_lines=%d" %
                             (where, joined, stats["mail_lines"]))
    if len(records) != stats["records"]:
        raise AssertionError("%s: %d records on stdout, records=%d" %
                             (where, len(records), stats["records"]))


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def run_main(main):
    """Exits with main(sys.argv); a failed assert is reported as a FAIL line."""
    try:
        sys.exit(main(sys.argv))
    except AssertionError as e:
        fail(str(e))
