#!/usr/bin/env python3
"""Builds the spamflag test reports from ../shared/data/sendmail-real.

For chosen sessions of truth.jsonl it writes the Received header sendmail
8.17 would have written (the client part from the log's relay=, the queue
id from the server's reply), wraps the message the way mail clients forward
it, and writes NAME.eml plus expected.txt (NAME exit matched_by qid host
client). Run from anywhere: make_reports.py SHARED_DATA_DIR OUT_DIR
"""
import base64, json, re, sys
from datetime import datetime

data, out = sys.argv[1], sys.argv[2]
truth = [json.loads(l) for l in open(f"{data}/sendmail-real/truth.jsonl")]
log = open(f"{data}/sendmail-real/maillog").read().splitlines()
HOSTS = {"mx1": "mx1.example.com", "mx2": "mx2.example.net"}
expected = []


def session(scenario, nth=0):
    found = [t for t in truth if t["scenario"] == scenario and t["queue_id_from_reply"]
             and t["message_id"]]
    return found[nth]


def relay_of(qid):
    for line in log:
        if f" {qid}: from=" in line:
            return re.search(r"relay=(.*)$", line).group(1)
    raise KeyError(qid)


def next_hop_qid(qid):
    for line in log:
        m = re.search(rf" {qid}: to=.*stat=Sent \((\w+) Message accepted", line)
        if m:
            return m.group(1)
    raise KeyError(qid)


def received(helo, relay, by, qid, rcpt, when):
    date = datetime.fromisoformat(when).strftime("%a, %d %b %Y %H:%M:%S +0000")
    return (f"Received: from {helo} ({relay})\n"
            f"\tby {by} (8.17.1.9/8.17.1.9/Debian-2+deb12u2) with ESMTP id {qid}\n"
            f"\tfor <{rcpt}>; {date}\n")


def original(t, extra_received="", top=None):
    qid = t["queue_id_from_reply"]
    rcpt = t["rcpt_to"][0]
    hdr = top if top is not None else received(
        t["helo"], relay_of(qid), HOSTS[t["server"]], qid, rcpt, t["start"])
    return (hdr + extra_received +
            f"From: <{t['mail_from']}>\nTo: <{rcpt}>\n"
            f"Subject: =?UTF-8?B?{base64.b64encode('Günstige Uhren'.encode()).decode()}?=\n"
            f"Message-ID: {t['message_id']}\nDate: Sat, 28 Nov 2026 21:52:17 +0000\n\n"
            "Cheap watches, click here.\n")


def as_attachment(reporter, inner, encoding=None):
    body = inner
    cte = ""
    if encoding == "base64":
        body = base64.encodebytes(inner.encode()).decode()
        cte = "Content-Transfer-Encoding: base64\n"
    return (f"From: Reporter <{reporter}>\nTo: spam@example.com\nSubject: Fwd: spam\n"
            "MIME-Version: 1.0\nContent-Type: multipart/mixed;\n boundary=\"XyZ-1\"\n\n"
            "This is a multi-part message in MIME format.\n--XyZ-1\n"
            "Content-Type: text/plain; charset=utf-8\n\nThis one got through.\n--XyZ-1\n"
            f"Content-Type: message/rfc822\n{cte}Content-Disposition: attachment\n\n"
            f"{body}\n--XyZ-1--\n")


def inline(reporter, inner, marker="-------- Forwarded Message --------"):
    return (f"From: {reporter}\nTo: spam@example.com\nSubject: Fwd: spam\n"
            f"Content-Type: text/plain; charset=utf-8\n\nSpam below.\n\n{marker}\n{inner}")


def write(name, text, code, how="", qid="", host="", client=""):
    open(f"{out}/{name}.eml", "w").write(text)
    expected.append(f"{name} {code} {how or '-'} {qid or '-'} {host or '-'} {client or '-'}")


spammy = session("spammy_content")
write("attachment", as_attachment("dave@example.com", original(spammy)), 0, "queue_id",
      spammy["queue_id_from_reply"], "mx1", spammy["client_ip"])
s2 = session("spammy_content", 1)
write("attachment_crlf", as_attachment("erin@example.com", original(s2)).replace("\n", "\r\n"),
      0, "queue_id", s2["queue_id_from_reply"], "mx1", s2["client_ip"])
s3 = session("spammy_content", 2)
write("attachment_base64", as_attachment("carol@example.com", original(s3), "base64"), 0,
      "queue_id", s3["queue_id_from_reply"], "mx1", s3["client_ip"])
s4 = session("deliver_single", 3)
write("inline_full_headers", inline("carol@example.com", original(s4)), 0, "queue_id",
      s4["queue_id_from_reply"], s4["server"], s4["client_ip"])
# Thunderbird-like inline forward without Received: only the Message-ID helps.
s5 = session("multi_transaction", 1)
tb = (f"Subject: \tWin\nDate: \tSat, 28 Nov 2026 21:52:17 +0000\nFrom: \t<{s5['mail_from']}>\n"
      f"Message-ID: \t{s5['message_id']}\n\nbody\n")
write("inline_message_id", inline("frank@example.com", tb), 0, "message_id",
      s5["queue_id_from_reply"], s5["server"], s5["client_ip"])

# Backup MX: mx2 took it from the client and passed it to mx1.
bmx = session("backup_mx_forward")
q2 = bmx["queue_id_from_reply"]
q1 = next_hop_qid(q2)
top = received("mx2.example.net", "localhost [127.0.0.2]", "mx1.example.com", q1,
               bmx["rcpt_to"][0], bmx["start"])
below = received(bmx["helo"], relay_of(q2), "mx2.example.net", q2, bmx["rcpt_to"][0],
                 bmx["start"])
write("backup_mx", as_attachment("carol@example.com", original(bmx, below, top)), 0, "queue_id",
      q2, "mx2", bmx["client_ip"])

# Forged: below our real hop, a Received "by mx1" naming another stored
# message from a partner; the real hop must win.
s6 = session("spammy_content", 3)
partner = session("deliver_single", 0)
forged = received("mail.partner", relay_of(partner["queue_id_from_reply"]), "mx1.example.com",
                  partner["queue_id_from_reply"], "x@example.com", partner["start"])
write("forged_below", as_attachment("dave@example.com", original(s6, forged)), 0, "queue_id",
      s6["queue_id_from_reply"], "mx1", s6["client_ip"])
# Forged only: the spam never passed our servers; a forged Received "by
# mx1" names a stored queue id of a partner's message. Its Message-ID is not
# that message's, so it must not match (and never flag 127.31.7.8).
lone = original(s6, "", forged.replace(relay_of(partner["queue_id_from_reply"]),
                                       "innocent [127.31.7.8]")).replace(
    s6["message_id"], "<forged-only@spam.test>")
write("forged_only", as_attachment("dave@example.com", lone), 65)

# Nested once: a forward (by a colleague, through mx1) of the spam.
fwd = ("Received: from ws06.lan.example.com (ws06.lan.example.com [127.10.0.6])\n"
       "\tby mx1.example.com (8.17.1.9/8.17.1.9) with ESMTP id 6ASZZZZZ000001\n"
       "\tfor <erin@example.com>; Sat, 28 Nov 2026 22:00:00 +0000\n")
s7 = session("spammy_content", 4)
write("nested", as_attachment("erin@example.com",
                              fwd + as_attachment("alice@example.com", original(s7)).replace("XyZ-1", "inner-2")),
      0,
      "queue_id", s7["queue_id_from_reply"], "mx1", s7["client_ip"])

# Two attachments in one report: both flagged.
s8, s9 = session("spammy_content", 5), session("spammy_content", 6)
two = as_attachment("dave@example.com", original(s8)).replace(
    "\n--XyZ-1--\n", "\n--XyZ-1\nContent-Type: message/rfc822\n\n" + original(s9) + "\n--XyZ-1--\n")
write("two_attachments", two, 0, "queue_id", s8["queue_id_from_reply"], "mx1", s8["client_ip"])

# Hostile or useless reports.
unknown = ("From: <x@spam.test>\nMessage-ID: <nowhere@spam.test>\nSubject: hi\n\nbuy\n")
write("no_received", as_attachment("dave@example.com", unknown), 65)
write("no_forward", "From: dave@example.com\nSubject: spam!!\n\nI got spam, do something.\n", 65)
write("broken_mime", "From: dave@example.com\nContent-Type: multipart/mixed; boundary=\"b\"\n\n"
      "--b\nContent-Type: multipart/alternative; boundary=\n\n--b\nContent-Type: message/rfc822\n"
      "Content-Transfer-Encoding: base64\n\n!!!not base64\n--b\nContent-Type: text/plain\n\n"
      "=?UTF-8?Q?broken?= =?x?Z?y?=\n", 65)
write("unknown_queue_id", as_attachment("dave@example.com", original(
    s6, "", received("friend", "[127.99.13.5]", "mx1.example.com", "6ASLzzzz999999", "x@y",
                     s6["start"]).replace("Message-ID", "X-Old")).replace(
    s6["message_id"], "<not-stored@spam.test>")), 65)

open(f"{out}/expected.txt", "w").write(
    "# name exit matched_by qid host client (generated by make_reports.py)\n" +
    "\n".join(expected) + "\n")
