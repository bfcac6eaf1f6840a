"""logjoin on hostile input: no crash, valid JSON, counted, rate-limited
one-line diagnostics, exit 0; --strict exits 65 on the first bad line.

usage: logjoin_badinput.py LOGJOIN MAILLOG

The input mixes the first 400 lines of a real log with: binary garbage
(seeded), NUL bytes inside a sendmail line, a 100 KiB and a 1 MiB sendmail
line (both longer than logjoin's 64 KiB line limit: both must be cut and
counted as truncated), lines cut in the timestamp, host and tag, invalid
UTF-8 in addresses, a line an hour in the past and one a day ahead, a host
with a skewed clock, duplicated lines, "last message repeated N times",
CR-LF endings, an empty line and a last line without a newline.
"""

import os
import random
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import logjoin_common as lj  # noqa: E402

MAX_PRINTED = 20  # Diagnostics' default: further warnings are only counted


def sendmail(ts, host, pid, text):
    return b"Nov 28 %s %s sm-mta[%d]: %s" % (ts, host, pid, text)


def hostile_lines(rng):
    out = []
    for _ in range(60):  # more bad lines than the diagnostics print
        out.append(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200)))
                   .replace(b"\n", b"."))
    out.append(sendmail(b"22:00:00", b"mx1", 1, b"7ASN00000001: from=<a\0b@x>, size=1, "
                        b"class=0, nrcpts=0, proto=ESMTP, daemon=MTA, relay=[192.0.2.1]"))
    out.append(b"\0" * 50)
    big = b"7ASL00000002: from=<a@x>, size=1, class=0, nrcpts=0, msgid=<"
    out.append(sendmail(b"22:00:01", b"mx1", 2, big + b"x" * (100 * 1024) + b">"))
    out.append(sendmail(b"22:00:01", b"mx1", 3, big.replace(b"02", b"03") +
                        b"y" * (1 << 20) + b">, relay=[192.0.2.3]"))
    out += [b"Nov 28 21:5", b"Nov 28 21:59:59", b"Nov 28 21:59:59 mx1",
            b"Nov 28 21:59:59 mx1 sm-mta[12", b"Nov 28 21:59:59 mx1 sm-mta[123]",
            b"Nov 28 21:59:59 mx1 sm-mta[123]: 7ASL000000", b"Feb 30 10:00:00 mx1 sm-mta[1]: x",
            b"<999999>Nov 28 21:59:59 mx1 sm-mta[1]: x", b""]
    out.append(sendmail(b"22:00:02", b"mx1", 4, b"7ASU00000004: from=<\xff\xfe\xc0\xaf@\xe2\x28\xa1>, "
                        b"size=1, class=0, nrcpts=1, proto=ESMTP, daemon=MTA, relay=[192.0.2.4]"))
    out.append(sendmail(b"22:00:02", b"mx1", 4, b"7ASU00000004: to=<\xed\xa0\x80@x>,<ok@x>, "
                        b"delay=00:00:01, mailer=local, dsn=2.0.0, stat=Sent \xf8\x88\x80"))
    out.append(sendmail(b"21:00:00", b"mx1", 5, b"7ASO00000005: from=<late@x>, size=1, class=0, "
                        b"nrcpts=0, proto=ESMTP, daemon=MTA, relay=[192.0.2.5]"))
    out.append(sendmail(b"23:59:59", b"mx1", 6, b"7ASF00000006: from=<ahead@x>, size=1, "
                        b"class=0, nrcpts=0, proto=ESMTP, daemon=MTA, relay=[192.0.2.6]"))
    out.append(b"Nov 29 22:00:03 mxskew sendmail[7]: 7ASK00000007: from=<skew@x>, size=1, "
               b"class=0, nrcpts=1, proto=ESMTP, daemon=MTA, relay=[192.0.2.7]")
    dup = sendmail(b"22:00:04", b"mx1", 8, b"7ASD00000008: from=<dup@x>, size=1, class=0, "
                   b"nrcpts=0, proto=ESMTP, daemon=MTA, relay=[192.0.2.8]")
    out += [dup, dup, b"Nov 28 22:00:04 mx1 last message repeated 5 times",
            b"Nov 28 22:00:04 mx1 sm-mta[8]: last message repeated 2 times",
            sendmail(b"22:00:05", b"mx1", 9, b"7ASR00000009: from=<crlf@x>, size=1, class=0, "
                     b"nrcpts=0, proto=ESMTP, daemon=MTA, relay=[192.0.2.9]\r")]
    return out


def build_input(maillog):
    with open(maillog, "rb") as f:
        real = f.read().split(b"\n")[:400]
    rng = random.Random(7)
    bad = hostile_lines(rng)
    mixed = list(real)
    for line in bad:  # spread the hostile lines through the real ones
        mixed.insert(rng.randrange(len(mixed) + 1), line)
    big_first = [l for l in mixed if len(l) > 64 * 1024]
    assert len(big_first) == 2
    # The 100 KiB line goes within the first MiB, where a reader that only
    # cuts lines it cannot buffer would let it through whole.
    data = b"\n".join(mixed) + b"\nNov 28 22:00:06 mx1 sm-mta[10]: 7ASE00000010: no newline"
    return data, len(mixed) + 1


def check_diagnostics(err, stats):
    lines = err.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    # --stats prints the counters, then (when there are any) the idents that
    # look like sendmail's and the shapes of unrecognised lines: not warnings,
    # but held to the same one-clean-line rule.
    stats_line = re.compile(r"logjoin: (lines=|sendmail_like_other=|unrecognised=|  +\d+  )")
    diag = [l for l in lines if not stats_line.match(l)]
    for l in lines:
        if not l.startswith("logjoin: ") or re.search(r"[\x00-\x1f\x7f]", l):
            raise AssertionError("diagnostic not one clean line: %r" % l[:300])
        if len(l) > 1000:
            raise AssertionError("diagnostic line of %d bytes" % len(l))
    bad = stats["bad_syslog"] + stats["truncated"]
    if bad <= MAX_PRINTED:
        raise AssertionError("test input should have more than %d bad lines" % MAX_PRINTED)
    if len(diag) > MAX_PRINTED + 1:
        raise AssertionError("%d diagnostic lines for %d bad lines: not rate-limited" %
                             (len(diag), bad))
    if len(diag) < MAX_PRINTED:
        raise AssertionError("only %d diagnostics for %d bad lines" % (len(diag), bad))


def check_strict(binary):
    good = (b"Nov 28 22:00:00 mx1 sm-mta[1]: 7ASS00000001: from=<a@x>, size=1, class=0, "
            b"nrcpts=0, proto=ESMTP, daemon=MTA, relay=[192.0.2.1]\n")
    data = good + b"\x01\x02garbage\xff\n" + good.replace(b"01", b"02") + b"\x03 more\n"
    p = subprocess.run([binary, "--strict"], input=data, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=30)
    err = p.stderr.decode("utf-8", "replace")
    if p.returncode != 65:
        raise AssertionError("--strict exited %d on a bad line, expected 65" % p.returncode)
    if ":2:" not in err or ":4:" in err:
        raise AssertionError("--strict should name line 2 (only): %r" % err)
    lj.parse_records(p.stdout)


def main(argv):
    binary, maillog = argv[1], argv[2]
    started = time.time()
    data, n_lines = build_input(maillog)
    records, stats, err = lj.run_logjoin(binary, data, ["--raw", "--stats"], timeout=300)
    lj.check_counters(stats, records, "bad input")
    if stats["lines"] != n_lines:
        raise AssertionError("lines=%d, input has %d" % (stats["lines"], n_lines))
    if stats["truncated"] != 2:
        raise AssertionError("truncated=%d: the 100 KiB and the 1 MiB line must both be "
                             "cut at 64 KiB and counted" % stats["truncated"])
    longest = max(len(x.encode()) for r in records for x in r.get("raw", []))
    if longest > 64 * 1024:
        raise AssertionError("a raw line of %d bytes passed the 64 KiB limit" % longest)
    check_diagnostics(err, stats)
    check_strict(binary)
    print("ok: %d lines, %d records, bad_syslog=%d truncated=%d unparsed=%d, %.1f s" % (
        stats["lines"], len(records), stats["bad_syslog"], stats["truncated"],
        stats["unparsed"], time.time() - started))
    return 0


if __name__ == "__main__":
    lj.run_main(main)
