#!/usr/bin/env bash
# report --format html in a real browser (issue 22): headless Chromium lays
# the page out at 420 px (a phone) and 1280 px (a desktop); the document
# must not overflow horizontally, every chart must have a <title> and two
# labelled axes, and hostile strings from the log (host names, flag users,
# ban reasons) must stay text. The shipped page has no script: the test
# measures a copy with a small script added. Screenshots of both widths are
# left in $REPORT_SCREENSHOTS when that is set.
# Usage: report_browser.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
tools=$build/tools
for t in report banwrite; do
  [ -x "$tools/$t/$t" ] || { echo "SKIP: $t is not built"; exit 77; }
done
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
  echo "SKIP: chromium is not installed (Debian: apt-get install chromium; scripts/bootstrap)"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
export SPAMFLOW_NETTABLE=none
hostile='<script>alert(1)</script>'

# Ten days of records from many networks and three servers, one with a
# hostile name; bans coming and going; a flag from a hostile user.
python3 - "$hostile" > "$tmp/records.jsonl" <<'PY'
import json, sys, time, random
random.seed(7)
now = int(time.time())
hosts = ["mx1.example.org", "mx2.example.org", sys.argv[1]]
for i in range(6000):
    t = now - 10 * 86400 + i * 144
    spam = random.random() < 0.7
    ip = "%d.%d.%d.%d" % (random.choice([192, 198, 203, 45, 81]), random.randrange(256),
                          random.randrange(256), random.randrange(1, 255))
    print(json.dumps({"kind": "message", "host": random.choice(hosts),
                      "first": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(t)),
                      "nrcpts": 1, "client": {"ip": ip, "name": ""},
                      "class": {"verdict": "spam" if spam else "ham",
                                "reasons": ["dnsbl:" + sys.argv[1]] if spam else ["spamd_ham"]}}))
PY
"$tools/banwrite/banwrite" --db "$tmp/x.db" --dry-run < "$tmp/records.jsonl" > /dev/null
python3 - "$tmp/x.db" "$hostile" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
now = int(time.time())
for i in range(120):
    t = now - 9 * 86400 + i * 5000
    net = "192.0.%d.0/24" % (i % 250)
    db.execute("INSERT INTO ban_history(time,action,target,network,reason,until,hits,offence,manual)"
               " VALUES(?,?,?,?,?,?,3,1,0)",
               (t, "add" if i % 3 else "remove", net, net, sys.argv[2], t + 86400))
db.execute("INSERT INTO flags(time,user,client_ip,host,qid,msgid,note) VALUES(?,?,?,?,?,NULL,'')",
           (now - 3600, sys.argv[2], "192.0.2.9", "mx1.example.org", "q1"))
db.commit()
PY
"$tools/report/report" --db "$tmp/x.db" --format html -o "$tmp/page.html"

# The copy that measures itself: a script at the end of the body writes what
# the layout came to into the DOM. Headless Chromium will not make a window
# narrower than 500 px, so the copy is laid out in an iframe of the width
# under test (srcdoc: same origin), whose result the outer page copies into
# its own DOM for --dump-dom. frame.html is the same without the script,
# for screenshots.
python3 - "$tmp/page.html" "$tmp" <<'PY'
import html, sys
page = open(sys.argv[1], encoding="utf-8").read()
script = """<script>
(function () {
  var d = document.documentElement, out = document.createElement("pre");
  var charts = Array.prototype.map.call(document.querySelectorAll("svg"), function (s) {
    var title = s.querySelector(":scope > title");
    return { id: s.getAttribute("aria-labelledby") || "", role: s.getAttribute("role"),
             title: title ? title.textContent : "",
             axes: s.querySelectorAll(".axis-label").length,
             right: Math.round(s.getBoundingClientRect().right) };
  });
  out.id = "measured";
  out.textContent = JSON.stringify({ scrollWidth: d.scrollWidth, clientWidth: d.clientWidth,
    scripts: document.scripts.length, charts: charts,
    hostileText: document.body.textContent.indexOf("<script>alert(1)<\\/script>") >= 0 });
  document.body.appendChild(out);
})();
</script>
"""
assert page.count("</body>") == 1
measured = page.replace("</body>", script + "</body>")
for width in (420, 1280):
    for name, doc, height in (("measure", measured, 900), ("frame", page, 2400)):
        outer = ('<!DOCTYPE html><html><body style="margin:0;background:#777">'
                 '<iframe id="f" style="width:%dpx;height:%dpx;border:0;display:block" '
                 'srcdoc="%s"></iframe><pre id="copied"></pre><script>'
                 'document.getElementById("f").addEventListener("load", function () {'
                 ' var m = this.contentDocument.getElementById("measured");'
                 ' document.getElementById("copied").textContent = m ? m.textContent : "";'
                 '});</script></body></html>' % (width, height, html.escape(doc, quote=True)))
        open("%s/%s-%d.html" % (sys.argv[2], name, width), "w", encoding="utf-8").write(outer)
PY

browse() { # WIDTH HEIGHT ARGS...: chromium, headless, nothing from the network
  local w=$1 h=$2
  shift 2
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$(mktemp -d -p "$tmp")" --window-size="$w,$h" "$@" \
    2> "$tmp/chromium.err"
}

for width in 420 1280; do
  browse "$((width + 40))" 900 --dump-dom "file://$tmp/measure-$width.html" > "$tmp/dom-$width.html" || true
  if ! python3 - "$tmp/dom-$width.html" "$width" <<'PY'; then
import html, json, re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'<pre id="copied">(.*?)</pre>', dom, re.S)
assert m, "no measurement in the DOM (did the page load?)"
r = json.loads(html.unescape(m.group(1)))
width = sys.argv[2]
problems = []
if r["scrollWidth"] > r["clientWidth"]:
    problems.append("document overflows: scrollWidth %d > clientWidth %d" %
                    (r["scrollWidth"], r["clientWidth"]))
if r["clientWidth"] > int(width):
    problems.append("the layout is %d px wide, not %s" % (r["clientWidth"], width))
if r["scripts"] != 1:
    problems.append("%d scripts in the page (only the test's own may run)" % r["scripts"])
if not r["hostileText"]:
    problems.append("the hostile string is not shown as text")
if len(r["charts"]) != 3:
    problems.append("expected 3 charts, found %d" % len(r["charts"]))
for c in r["charts"]:
    if not c["title"] or c["role"] != "img" or not c["id"]:
        problems.append("chart without title/role/aria-labelledby: %r" % c)
    if c["axes"] < 2:
        problems.append("chart %r has %d axis labels" % (c["title"], c["axes"]))
    if c["right"] > r["clientWidth"]:
        problems.append("chart %r ends at %d px" % (c["title"], c["right"]))
if problems:
    print("FAIL at %s px: %s" % (width, "; ".join(problems)), file=sys.stderr)
    sys.exit(1)
print("ok: %s px (layout %d px): no horizontal overflow, %d charts with titles and labelled axes, "
      "hostile strings are text" % (width, r["clientWidth"], len(r["charts"])))
PY
    fail "layout at $width px (chromium: $(tail -3 "$tmp/chromium.err"))"
  fi
done

# The page as shipped: no script element at all, hostile strings escaped.
browse 1280 900 --dump-dom "file://$tmp/page.html" > "$tmp/dom-page.html" || true
if grep -q "spamflow report" "$tmp/dom-page.html" && ! grep -qi "<script" "$tmp/dom-page.html" &&
  grep -q "&lt;script&gt;alert(1)&lt;/script&gt;" "$tmp/dom-page.html"; then
  echo "ok: the shipped page has no script element; hostile strings escaped"
else
  fail "the shipped page in the browser has a script element or lost the hostile text"
fi

if [ -n "${REPORT_SCREENSHOTS:-}" ]; then
  mkdir -p "$REPORT_SCREENSHOTS"
  for width in 420 1280; do
    browse "$((width < 500 ? 500 : width))" 2400 --screenshot="$REPORT_SCREENSHOTS/report-$width.png" \
      "file://$tmp/frame-$width.html" > /dev/null || fail "screenshot at $width px"
  done
  cp "$tmp/page.html" "$REPORT_SCREENSHOTS/report.html"
  echo "screenshots in $REPORT_SCREENSHOTS"
fi

if [ "$failures" -ne 0 ]; then
  echo "report_browser.sh: $failures failures" >&2
  exit 1
fi
echo "report_browser.sh: ok"
