#!/usr/bin/python3
"""Local whois servers for netlookup's whois test (loopback only).

Starts one TCP listener per registry on 127.0.0.1 (ephemeral ports) and
answers with the real port-43 responses in ../shared/data/net/whois: a
registry answers with its stored response whose network holds the queried
address, else "no entries found". The "iana" listener refers each address to
the registry that holds it, as whois.iana.org does. Two hostile servers:
"slow" never answers, "flood" sends megabytes of binary junk.

usage: netlookup_whois_server.py WHOIS_DATA_DIR PORTS_FILE LOG_FILE
Writes "name port" lines to PORTS_FILE, then one "name query" line per query
to LOG_FILE; runs until killed.
"""
import glob
import ipaddress
import os
import random
import re
import socketserver
import sys
import threading
import time

REGISTRIES = {"arin": "whois.arin.net", "ripencc": "whois.ripe.net", "ripe": "whois.ripe.net",
              "apnic": "whois.apnic.net", "lacnic": "whois.lacnic.net",
              "afrinic": "whois.afrinic.net"}
HOSTILE = {"192.0.2.1": "whois.slow.test", "198.51.100.1": "whois.flood.test"}


def networks_in(text):
    """Every network an answer names (NetRange/inetnum/inet6num lines)."""
    nets = []
    for m in re.finditer(r"^(?:NetRange|inetnum|inet6num):\s*(.+)$", text, re.M | re.I):
        value = m.group(1).strip()
        try:
            if " - " in value:
                a, b = (ipaddress.ip_address(x.strip()) for x in value.split(" - "))
                nets.append((a, b))
            else:
                addr, _, length = value.partition("/")
                if ":" not in addr:
                    addr = ".".join((addr.split(".") + ["0", "0", "0"])[:4])
                n = ipaddress.ip_network(f"{addr}/{length}", strict=False)
                nets.append((n.network_address, n.broadcast_address))
        except ValueError:
            pass
    return nets


def load(data_dir):
    answers = {}  # server name -> [(first, last, text)]
    for path in sorted(glob.glob(os.path.join(data_dir, "*", "*.txt"))):
        registry = re.split(r"[-_]", os.path.basename(path))[0]
        server = REGISTRIES.get(registry)
        if not server:
            continue
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
        for first, last in networks_in(text):
            answers.setdefault(server, []).append((first, last, text))
    return answers


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        query = self.rfile.readline(1024).decode("ascii", "replace").strip()
        name = self.server.name
        with self.server.log_lock:
            with open(self.server.log_path, "a") as log:
                log.write(f"{name} {query} {time.time():.3f}\n")
        if name == "whois.slow.test":
            time.sleep(30)
            return
        if name == "whois.flood.test":
            rng = random.Random(1)
            junk = bytes(rng.getrandbits(8) for _ in range(32768))
            try:
                for _ in range(64):
                    self.wfile.write(junk)
            except OSError:
                pass  # the client stopped reading at its cap, as it should
            return
        try:
            addr = ipaddress.ip_address(query.split()[-1])
        except (ValueError, IndexError):
            self.wfile.write(b"% invalid query\n")
            return
        if name == "whois.iana.org":
            self.wfile.write(self.iana_answer(addr).encode())
            return
        for first, last, text in sorted(self.server.answers.get(name, []),
                                        key=lambda e: int(e[1]) - int(e[0])):
            if first.version == addr.version and first <= addr <= last:
                self.wfile.write(text.encode())
                return
        self.wfile.write(b"%ERROR:101: no entries found\n")

    def iana_answer(self, addr):
        if str(addr) in HOSTILE:
            return f"% IANA WHOIS server\n\nrefer:        {HOSTILE[str(addr)]}\n"
        for server, entries in self.server.answers.items():
            for first, last, _ in entries:
                if first.version == addr.version and first <= addr <= last:
                    return (f"% IANA WHOIS server\n\nrefer:        {server}\n\n"
                            f"inetnum:      {addr}\nstatus:       ALLOCATED\n")
        return "% IANA WHOIS server\n\n% This query returned 0 objects.\n"


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    data_dir, ports_path, log_path = sys.argv[1:4]
    answers = load(data_dir)
    lock = threading.Lock()
    names = ["whois.iana.org"] + sorted(set(REGISTRIES.values())) + sorted(HOSTILE.values())
    lines = []
    for name in names:
        srv = Server(("127.0.0.1", 0), Handler)
        srv.name, srv.answers, srv.log_path, srv.log_lock = name, answers, log_path, lock
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        lines.append(f"{name} {srv.server_address[1]}\n")
    with open(ports_path + ".tmp", "w") as f:
        f.writelines(lines)
    os.rename(ports_path + ".tmp", ports_path)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
