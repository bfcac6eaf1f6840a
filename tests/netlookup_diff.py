#!/usr/bin/python3
"""Differential test of netlookup against an independent reference.

The reference reads the same pfx2as and RIR statistics files with Python's
ipaddress module, keeps every prefix in a dict per (version, length), and
answers a query by trying lengths from the longest down (a naive
longest-prefix match). It then compares netlookup's JSON answers for random
IPv4 and IPv6 addresses field by field.

usage: netlookup_diff.py NETLOOKUP TABLE COUNT PFX2AS RIR...
"""
import gzip
import ipaddress
import json
import random
import subprocess
import sys


def open_text(path):
    return gzip.open(path, "rt") if path.endswith(".gz") else open(path)


def read_pfx2as(path, table):
    with open_text(path) as f:
        for line in f:
            if line.startswith(";") or not line.strip():
                continue
            prefix, asn = line.rstrip("\n").split("\t")
            net = ipaddress.ip_network(prefix)
            table.setdefault((net.version, net.prefixlen), {})[int(net.network_address)] = (
                net, int(asn.split("_")[0].strip("{").split(",")[0]))


def read_rir(path, table):
    with open(path) as f:
        for line in f:
            if line.startswith("#"):
                continue
            fields = line.rstrip("\n").split("|")
            if len(fields) < 7 or fields[5] == "summary" or fields[2] not in ("ipv4", "ipv6"):
                continue
            if fields[0][:1].isdigit():
                continue
            first = ipaddress.ip_address(fields[3])
            if fields[2] == "ipv4":
                last = first + int(fields[4]) - 1
            else:
                last = ipaddress.ip_network(f"{fields[3]}/{fields[4]}").broadcast_address
            cc = fields[1] if fields[1] not in ("", "ZZ") else None
            block = (first, last, cc, fields[0])
            for net in ipaddress.summarize_address_range(first, last):
                table.setdefault((net.version, net.prefixlen), {})[int(net.network_address)] = (
                    net, block)


def longest_match(table, lengths, addr):
    value = int(addr)
    bits = 32 if addr.version == 4 else 128
    for length in lengths[addr.version]:
        mask = ((1 << length) - 1) << (bits - length) if length else 0
        hit = table.get((addr.version, length), {}).get(value & mask)
        if hit:
            return hit
    return None


def expected(bgp, rir, lengths, addr):
    route = longest_match(bgp, lengths[0], addr)
    reg = longest_match(rir, lengths[1], addr)
    want = {"cidr": None, "range": None, "asn": None, "cc": None, "rir": None}
    if route:
        net, asn = route
        want.update(cidr=str(net), asn=asn,
                    range=f"{net.network_address}-{net.broadcast_address}")
    if reg:
        net, (first, last, cc, registry) = reg
        if not route:
            want["cidr"] = str(net)
        want.update(range=f"{first}-{last}", cc=cc, rir=registry)
    return want


def queries(count, bgp, rng):
    nets = [v[0] for d in bgp.values() for v in d.values()]
    v4 = [n for n in nets if n.version == 4]
    v6 = [n for n in nets if n.version == 6]
    out = []
    for i in range(count):
        kind = i % 5
        if kind in (0, 1):  # uniform IPv4
            out.append(ipaddress.IPv4Address(rng.getrandbits(32)))
        elif kind == 2:  # inside a routed IPv4 prefix
            n = rng.choice(v4)
            out.append(n.network_address + rng.randrange(n.num_addresses))
        elif kind == 3 and v6:  # inside a routed IPv6 prefix
            n = rng.choice(v6)
            out.append(n.network_address + rng.randrange(min(n.num_addresses, 1 << 64)))
        else:  # uniform in 2000::/3
            out.append(ipaddress.IPv6Address((1 << 125) | rng.getrandbits(125)))
    return out


def main():
    netlookup, table_path, count, pfx2as = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    bgp, rir = {}, {}
    read_pfx2as(pfx2as, bgp)
    for path in sys.argv[5:]:
        read_rir(path, rir)
    lengths = []
    for t in (bgp, rir):
        lengths.append({v: sorted({l for (ver, l) in t if ver == v}, reverse=True) for v in (4, 6)})
    addrs = queries(count, bgp, random.Random(20240517))
    text = "".join(f"{a}\n" for a in addrs)
    run = subprocess.run([netlookup, "--json", "--table", table_path], input=text,
                         capture_output=True, text=True, check=False)
    answers = run.stdout.splitlines()
    if len(answers) != len(addrs):
        print(f"FAIL: {len(answers)} answers for {len(addrs)} queries; stderr: {run.stderr[:500]}")
        return 1
    bad = 0
    families = {4: 0, 6: 0}
    for addr, line in zip(addrs, answers):
        families[addr.version] += 1
        got = json.loads(line)
        want = expected(bgp, rir, lengths, addr)
        diff = {k: (got.get(k), v) for k, v in want.items() if got.get(k) != v}
        if got.get("ip") != str(addr) or diff:
            bad += 1
            if bad <= 10:
                print(f"MISMATCH {addr}: (netlookup, reference) {diff}")
    print(f"{len(addrs)} queries ({families[4]} IPv4, {families[6]} IPv6): {bad} mismatches")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
