#!/usr/bin/python3
"""Checks spamflow's JSON layer against Python's json module (the reference).

Usage: json_roundtrip.py PATH/TO/jsoncheck

1. strings: random byte strings (valid UTF-8 text, controls, random bytes,
   cut multibyte sequences) written by append_json_string must load with
   json.loads to exactly bytes.decode("utf-8", errors="replace"), and be the
   exact bytes of our escaping rule.
2. splice: random nested objects (duplicates, escaped keys, nasty strings,
   odd whitespace) must splice like json.loads-then-assign, keep the rest of
   the text, and be rejected exactly when they are not one JSON object.
3. lines: JsonLineReader over a pipe keeps the right lines and line numbers.
"""
import json
import random
import subprocess
import sys

SEED = 20140930
N_STRINGS = 20000
N_SPLICES = 4000
N_LINES = 5000

rng = random.Random(SEED)
failures = []


def fail(what):
    failures.append(what)
    if len(failures) <= 10:
        print("FAIL:", what, file=sys.stderr)


def run(jsoncheck, args, stdin_bytes):
    proc = subprocess.run([jsoncheck] + args, input=stdin_bytes,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    if proc.returncode != 0:
        sys.exit("jsoncheck %s exited %d: %s" % (args, proc.returncode, proc.stderr.decode()))
    return proc.stdout, proc.stderr


# --- 1. strings ---------------------------------------------------------------

CODE_POINT_RANGES = [(0x20, 0x7E), (0x00, 0x1F), (0x7F, 0x7F), (0x80, 0x7FF),
                     (0x800, 0xD7FF), (0xE000, 0xFFFF), (0x10000, 0x10FFFF),
                     (0x2028, 0x2029), (0x22, 0x22), (0x5C, 0x5C)]


def random_text():
    chars = []
    for _ in range(rng.randint(0, 40)):
        lo, hi = rng.choice(CODE_POINT_RANGES)
        chars.append(chr(rng.randint(lo, hi)))
    return "".join(chars).encode("utf-8")


def random_bytes():
    return bytes(rng.randint(0, 255) for _ in range(rng.randint(0, 40)))


def damaged_text():
    """Valid text with cut sequences, stray and out-of-range bytes spliced in."""
    data = bytearray(random_text())
    for _ in range(rng.randint(1, 4)):
        kind = rng.randrange(4)
        if kind == 0:  # a multibyte character cut short
            enc = chr(rng.randint(0x80, 0x10FFFF) if rng.random() < 0.5 else
                      rng.randint(0x800, 0xD7FF)).encode("utf-8", "surrogatepass")
            piece = enc[:rng.randint(1, len(enc) - 1)] if len(enc) > 1 else b"\x80"
        elif kind == 1:  # surrogates, overlongs, above U+10FFFF
            piece = rng.choice([b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xc0\xaf", b"\xe0\x80\xaf",
                                b"\xf0\x80\x80\xaf", b"\xf4\x90\x80\x80", b"\xf5\x80\x80\x80",
                                b"\xf8\x88\x80\x80\x80"])
        elif kind == 2:
            piece = bytes([rng.randint(0x80, 0xFF)])
        else:
            piece = bytes([rng.randint(0, 0x1F)])
        pos = rng.randint(0, len(data))
        data[pos:pos] = piece
    return bytes(data)


def expected_json_string(data):
    """Our documented rule, computed independently."""
    text = data.decode("utf-8", errors="replace")
    short = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r",
             "\t": "\\t"}
    out = []
    for ch in text:
        if ch in short:
            out.append(short[ch])
        elif ord(ch) < 0x20:
            out.append("\\u%04x" % ord(ch))
        else:
            out.append(ch)
    return ('"' + "".join(out) + '"').encode("utf-8")


def check_strings(jsoncheck):
    makers = [random_text, random_bytes, damaged_text]
    inputs = [makers[i % 3]() for i in range(N_STRINGS)]
    inputs += [b"", b"\x00", b"\xff" * 3, "\U0010ffff".encode()]
    stdin = b"".join(d.hex().encode() + b"\n" for d in inputs)
    out, _ = run(jsoncheck, ["string"], stdin)
    lines = out.split(b"\n")
    if lines[-1] != b"" or len(lines) - 1 != len(inputs):
        fail("string: expected %d output lines, got %d" % (len(inputs), len(lines) - 1))
        return
    for data, line in zip(inputs, lines):
        try:
            loaded = json.loads(line.decode("utf-8"))  # strict: no raw controls
        except (UnicodeDecodeError, ValueError) as e:
            fail("string: %r -> %r does not load: %s" % (data, line, e))
            continue
        if loaded != data.decode("utf-8", errors="replace"):
            fail("string: %r -> %r loads to %r" % (data, line, loaded))
        elif line != expected_json_string(data):
            fail("string: %r -> %r, expected %r" % (data, line, expected_json_string(data)))
    print("strings: %d checked" % len(inputs))


# --- 2. splice ----------------------------------------------------------------

KEYS = ["k", "k", "a", "class", "kk", "K", "caf\u00e9", "\u2603", "we\"ird", "sl\\ash", "{", "}",
        "", "x:y", "\U0001f600"]
NASTY_STRINGS = ["}", "{", "\"k\":1", "\\", "\\\"}", "[", "]", ",", ":", "\u00e9\n\t", "\x1f"]


def random_value(depth):
    r = rng.random()
    if depth < 3 and r < 0.25:
        return random_pairs(depth + 1)
    if depth < 3 and r < 0.4:
        return [random_value(depth + 1) for _ in range(rng.randint(0, 3))]
    if r < 0.6:
        return rng.choice(NASTY_STRINGS) + str(rng.randint(0, 99))
    if r < 0.7:
        return rng.choice([True, False, None])
    if r < 0.85:
        return rng.randint(-10**12, 10**12)
    return rng.uniform(-1e6, 1e6)


class Pairs(list):
    """An object as a list of (key, value) pairs: duplicates allowed."""


def random_pairs(depth):
    return Pairs((rng.choice(KEYS), random_value(depth)) for _ in range(rng.randint(0, 5)))


def ws():
    return rng.choice(["", "", "", " ", "  ", "\t", "\n ", "\r\n"])


def dump(value, ascii_only, spaced):
    """Serializes like json.dumps but keeps duplicate keys and adds random whitespace."""
    if isinstance(value, Pairs):
        if not value:
            return "{" + ws() + "}"
        sep = ws() + ":" + ws() if spaced else ":"
        items = [ws() + json.dumps(k, ensure_ascii=ascii_only) + sep +
                 dump(v, ascii_only, spaced) + ws() for k, v in value]
        return "{" + ",".join(items) + "}"
    if isinstance(value, list):
        return "[" + ",".join(dump(v, ascii_only, spaced) for v in value) + "]"
    return json.dumps(value, ensure_ascii=ascii_only)


def as_pairs(obj_text):
    return json.loads(obj_text, object_pairs_hook=Pairs)


def expected_splice(pairs, key, new_value):
    out, seen = [], False
    for k, v in pairs:
        if k == key:
            if not seen:
                out.append((k, new_value))
            seen = True
        else:
            out.append((k, v))
    if not seen:
        out.append((key, new_value))
    return out


def make_splice_case(i):
    pairs = random_pairs(0)
    key = rng.choice(KEYS)
    if i % 4 == 0:  # make sure replacement and duplicate removal are common
        pairs.insert(rng.randint(0, len(pairs)), (key, 1))
        if i % 8 == 0:
            pairs.append((key, 2))
    text = ws() + dump(pairs, rng.random() < 0.5, rng.random() < 0.5) + ws()
    value = json.dumps(random_value(1), ensure_ascii=False)
    if i % 10 == 9:  # damaged: cut short or garbage around it
        text = rng.choice([text[:rng.randint(0, max(0, len(text.rstrip()) - 1))],
                           text + "x", "[" + text + "]", text + text])
    return text, key, value


def check_one_splice(text, key, value, line):
    try:
        original = as_pairs(text)
        is_object = isinstance(original, Pairs)
    except ValueError:
        is_object = False
    if not is_object:
        if not line.startswith("ERROR "):
            fail("splice: %r accepted, gave %r" % (text, line))
        return
    if line.startswith("ERROR "):
        fail("splice: %r rejected: %s" % (text, line))
        return
    want = expected_splice(original, key, as_pairs(value))
    if as_pairs(line) != want:
        fail("splice: %r key %r value %r gave %r" % (text, key, value, line))
        return
    if not any(k == key for k, _ in original):  # nothing but the new pair may be added
        pair = json.dumps(key, ensure_ascii=False) + ":" + value
        ins = ("," + pair) if original else pair
        at = line.rfind(ins)  # the new pair is last: only blanks and '}' follow it
        if at < 0 or line[:at] + line[at + len(ins):] != text:
            fail("splice: %r changed beyond the new pair: %r" % (text, line))


def check_splices(jsoncheck):
    cases = [make_splice_case(i) for i in range(N_SPLICES)]
    stdin = b"".join(b"%s %s %s\n" % (t.encode().hex().encode(), k.encode().hex().encode(),
                                       v.encode().hex().encode()) for t, k, v in cases)
    out, _ = run(jsoncheck, ["splice"], stdin)
    lines = out.decode("utf-8").split("\n")
    if len(lines) - 1 != len(cases):
        fail("splice: expected %d output lines, got %d" % (len(cases), len(lines) - 1))
        return
    for (text, key, value), line in zip(cases, lines):
        if not line.startswith("ERROR "):
            line = bytes.fromhex(line).decode("utf-8")
        check_one_splice(text, key, value, line)
    print("splices: %d checked" % len(cases))


# --- 3. lines -----------------------------------------------------------------

def check_lines(jsoncheck):
    max_line = 200
    lines, want = [], []
    for n in range(1, N_LINES + 1):
        kind = rng.randrange(6)
        if kind == 0:
            line = rng.choice(["", " ", "\t"])
        elif kind == 1:
            line = rng.choice(['{"a":', "[1]", "nope", '{"a":1}}', '"s"', '{"a":"\udcff"}'])
        else:
            obj = {"n": n, "pad": "x" * rng.choice([0, 10, 100, 180, 190, 250, 1000])}
            line = json.dumps(obj, separators=(",", ":"))
            if len(line.encode()) <= max_line:
                want.append((n, line))
        lines.append(line)
    data = "\n".join(lines).encode("utf-8", "surrogateescape") + b"\n"
    out, err = run(jsoncheck, ["lines", str(max_line)], data)
    got = [(int(no), text) for no, text in
           (row.split("\t", 1) for row in out.decode().split("\n") if row)]
    if got != want:
        fail("lines: %d good lines, expected %d" % (len(got), len(want)))
    if ("lines=%d " % N_LINES).encode() not in err:
        fail("lines: wrong line count: %r" % err.splitlines()[-1:])
    print("lines: %d read, %d good" % (N_LINES, len(got)))


def main():
    jsoncheck = sys.argv[1]
    check_strings(jsoncheck)
    check_splices(jsoncheck)
    check_lines(jsoncheck)
    if failures:
        print("%d failures" % len(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
