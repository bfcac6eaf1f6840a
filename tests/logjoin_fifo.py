"""logjoin on a live, slow input: records come out as soon as they are
complete, SIGUSR1 prints counters, SIGTERM flushes what is pending.

usage: logjoin_fifo.py LOGJOIN

1. FIFO given as a file argument: the writer sends the lines of one
   relaying-denied message (its from= with nrcpts=0 completes it), then
   waits 2 s. The record must reach logjoin's stdout inside that pause,
   before the writer sends more (a background thread reads stdout).
2. The writer sends the start of a message that cannot complete yet: no
   record may appear for it. SIGUSR1: one counters line on stderr, logjoin
   keeps running. SIGTERM: the pending record comes out with
   complete:false, incomplete:"signal", and logjoin exits 0.
3. The same as 1. over a plain pipe on standard input.
"""

import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import logjoin_common as lj  # noqa: E402

RELAY_DENIED = [
    b"Nov 28 21:52:17 mx2 sendmail[8549]: 6ASLqHCY008549: ruleset=check_rcpt, "
    b"arg1=<x@bigcorp.test>, relay=[127.99.13.158], reject=550 5.7.1 <x@bigcorp.test>... "
    b"Relaying denied. IP name lookup failed [127.99.13.158]",
    b"Nov 28 21:52:17 mx2 sendmail[8549]: 6ASLqHCY008549: from=<h.mueller@freemail.test>, "
    b"size=0, class=0, nrcpts=0, proto=ESMTP, daemon=MTA, relay=[127.99.13.158]",
]
UNFINISHED = [
    b"Nov 28 21:52:18 mx1 sm-mta[8561]: 6ASLqINd008561: from=<erin@example.com>, size=954, "
    b"class=0, nrcpts=1, msgid=<20261128215217.00397.6ee949@example.com>, proto=ESMTP, "
    b"daemon=MTA, relay=[127.10.0.39]",
]
PAUSE_S = 2.0


def reader(stream, q):
    for line in iter(stream.readline, b""):
        q.put((time.monotonic(), line))
    q.put((time.monotonic(), None))


def start_readers(proc):
    out_q, err_q = queue.Queue(), queue.Queue()
    for stream, q in ((proc.stdout, out_q), (proc.stderr, err_q)):
        threading.Thread(target=reader, args=(stream, q), daemon=True).start()
    return out_q, err_q


def get(q, timeout, what):
    try:
        return q.get(timeout=timeout)
    except queue.Empty:
        raise AssertionError("timed out after %.1f s waiting for %s" % (timeout, what))


def expect_nothing(q, seconds, what):
    try:
        _, line = q.get(timeout=seconds)
    except queue.Empty:
        return
    raise AssertionError("unexpected output while %s: %r" % (what, line))


def check_relay_denied_record(line):
    rec = json.loads(line)
    if rec.get("qid") != "6ASLqHCY008549" or rec.get("complete") is not True:
        raise AssertionError("expected the complete relaying-denied message, got %s" % line)
    if rec.get("client", {}).get("ip") != "127.99.13.158" or rec.get("lines") != 2:
        raise AssertionError("wrong client or line count: %s" % line)


def send_complete_and_wait(write, out_q):
    """Writes one complete message; its record must come before the pause ends."""
    sent_at = time.monotonic()
    write(b"".join(l + b"\n" for l in RELAY_DENIED))
    at, line = get(out_q, PAUSE_S, "the completed record (the writer is pausing %.0f s)" % PAUSE_S)
    if line is None:
        raise AssertionError("logjoin closed stdout early")
    check_relay_denied_record(line)
    return at - sent_at


def fifo_case(binary, tmp):
    fifo = os.path.join(tmp, "maillog.fifo")
    os.mkfifo(fifo)
    proc = subprocess.Popen([binary, "--stats", fifo], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        out_q, err_q = start_readers(proc)
        wfd = os.open(fifo, os.O_WRONLY)  # blocks until logjoin opens it

        def write(data):
            os.write(wfd, data)

        latency = send_complete_and_wait(write, out_q)
        print("fifo: complete record after %.3f s" % latency)
        time.sleep(max(0.0, PAUSE_S - latency))
        write(b"".join(l + b"\n" for l in UNFINISHED))
        expect_nothing(out_q, 1.0, "a message is still unfinished")

        proc.send_signal(signal.SIGUSR1)
        _, err_line = get(err_q, 3.0, "counters after SIGUSR1")
        stats = lj.parse_stats(err_line.decode())
        if stats["lines"] != 3 or stats["pending"] != 1 or stats["records"] != 1:
            raise AssertionError("SIGUSR1 counters wrong: %r" % err_line)
        if proc.poll() is not None:
            raise AssertionError("logjoin exited after SIGUSR1")

        proc.send_signal(signal.SIGTERM)
        _, line = get(out_q, 5.0, "the pending record after SIGTERM")
        if line is None:
            raise AssertionError("no record flushed on SIGTERM")
        rec = json.loads(line)
        if rec.get("qid") != "6ASLqINd008561" or rec.get("complete") is not False \
                or rec.get("incomplete") != "signal":
            raise AssertionError("SIGTERM flush: expected incomplete \"signal\", got %s" % line)
        rc = proc.wait(timeout=5)
        os.close(wfd)
        if rc != 0:
            raise AssertionError("logjoin exited %d after SIGTERM, expected 0" % rc)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def pipe_case(binary):
    proc = subprocess.Popen([binary], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        out_q, _ = start_readers(proc)

        def write(data):
            proc.stdin.write(data)
            proc.stdin.flush()

        latency = send_complete_and_wait(write, out_q)
        print("pipe: complete record after %.3f s" % latency)
        proc.stdin.close()
        if proc.wait(timeout=5) != 0:
            raise AssertionError("logjoin exited %d at end of input" % proc.returncode)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def main(argv):
    binary = argv[1]
    started = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        fifo_case(binary, tmp)
    pipe_case(binary)
    print("ok, %.1f s" % (time.time() - started))
    return 0


if __name__ == "__main__":
    lj.run_main(main)
