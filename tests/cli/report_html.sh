#!/usr/bin/env bash
# report --format html: hostile strings from the log (and in the bans and
# flags tables) come out escaped; the page parses as strict XML and holds
# the three charts. Usage: report_html.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
tools=$build/tools
for t in report logjoin spamclass; do
  [ -x "$tools/$t/$t" ] || { echo "SKIP: $t is not built"; exit 77; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check_html() { # FILE: strict XML parse, three charts, no live markup from the log
  python3 - "$1" <<'PY'
import sys, xml.etree.ElementTree as ET
text = open(sys.argv[1], encoding="utf-8", errors="strict").read()
root = ET.fromstring(text.replace("<!DOCTYPE html>", "", 1))
ns = {"h": "http://www.w3.org/1999/xhtml", "s": "http://www.w3.org/2000/svg"}
assert root.findall(".//h:script", ns) == [] and "<script" not in text, "live script element"
assert len(root.findall(".//s:svg", ns)) == 3, "expected 3 charts"
assert "&lt;script&gt;" in text, "hostile string missing (escaped)"
for bad in ("src=", "http://evil", "javascript:"):
    assert bad not in text.replace("&quot;", ""), bad
print("ok:", sys.argv[1].rsplit("/", 1)[-1], "parses strictly, 3 charts, hostile strings escaped")
PY
}

check_dashboard() { # FILE: the page's structure (issue 22), without a browser
  python3 - "$1" <<'PY'
import re, sys, xml.etree.ElementTree as ET
text = open(sys.argv[1], encoding="utf-8").read()
root = ET.fromstring(text.replace("<!DOCTYPE html>", "", 1))
H, S = "{http://www.w3.org/1999/xhtml}", "{http://www.w3.org/2000/svg}"
metas = {m.get("name"): m.get("content") for m in root.iter(H + "meta")}
assert "width=device-width" in metas.get("viewport", ""), "no viewport meta"
style = "".join(e.text or "" for e in root.iter(H + "style"))
for needed in ("prefers-color-scheme: dark", "@media print", "overflow-x: auto"):
    assert needed in style, needed
ids = {e.get("id") for e in root.iter() if e.get("id")}
for svg in root.iter(S + "svg"):
    title, desc = svg.find(S + "title"), svg.find(S + "desc")
    assert title is not None and title.text and desc is not None, "chart without title/desc"
    assert svg.get("role") == "img", "chart without role=img"
    assert set(svg.get("aria-labelledby", "").split()) == {title.get("id"), desc.get("id")}
    assert svg.get("width") is None and svg.get("viewBox"), "chart of fixed width"
    labels = [t for t in svg.iter(S + "text") if "axis-label" in t.get("class", "")]
    assert len(labels) >= 2, "chart with fewer than two axis labels: " + title.text
    for l in svg.iter(S + "line"):  # ban events are ticks, not lines across the chart
        if l.get("class", "").startswith("ban-"):
            assert abs(float(l.get("y2")) - float(l.get("y1"))) <= 10, "ban line, not a tick"
kpis = [d for d in root.iter(H + "div") if d.get("class") == "kpi"]
assert len(kpis) == 6, "expected six key figures"
toc = [a.get("href")[1:] for nav in root.iter(H + "nav") for a in nav.iter(H + "a")]
assert toc and all(t in ids for t in toc), "contents link to missing sections"
wraps = [d for d in root.iter(H + "div") if d.get("class") == "table-wrap"]
assert len(wraps) == len(list(root.iter(H + "table"))), "a table outside a scrolling box"
for td in root.iter(H + "td"):
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:", "".join(td.itertext())), "raw RFC 3339 in a table"
print("ok:", sys.argv[1].rsplit("/", 1)[-1], "is a dashboard: viewport, light/dark, print,",
      "6 key figures, contents, charts with titles and axis labels, tables in scrolling boxes")
PY
}

# Hostile host names, addresses and texts, invalid UTF-8, through the pipeline
# (logjoin itself refuses non-printable bytes in host names; the database
# part below puts invalid UTF-8 where report shows it).
host=$'<script>alert("x")</script>&\''
{
  printf 'Sep 29 09:00:01 %s sendmail[100]: s8TD01aa000100: from=<"<script>"@x.test>, size=10, class=0, nrcpts=1, msgid=<a&b@x>, proto=SMTP, daemon=MTA, relay=<img src=http://evil> [192.0.2.9]\n' "$host"
  printf 'Sep 29 09:00:02 %s sendmail[100]: s8TD01aa000100: to=<u@local.test>, delay=00:00:01, mailer=local, pri=1, dsn=2.0.0, stat=Sent\n' "$host"
  printf 'Sep 29 09:00:03 mx1 sendmail[101]: s8TD01aa000101: ruleset=check_rcpt, arg1=<a@b>, relay=x [198.51.100.7], reject=550 5.7.1 <a@b>... Relaying denied \xc3\x28 <script>\n'
} > "$tmp/maillog"
"$tools/logjoin/logjoin" --year 2014 "$tmp/maillog" | "$tools/spamclass/spamclass" > "$tmp/records.jsonl"
"$tools/report/report" --input "$tmp/records.jsonl" --format html -o "$tmp/pipe.html"
check_html "$tmp/pipe.html"
check_dashboard "$tmp/pipe.html"

# The same in a database, with a hostile ban and flag, when banwrite is built.
if [ -x "$tools/banwrite/banwrite" ]; then
  "$tools/banwrite/banwrite" --db "$tmp/x.db" --dry-run < "$tmp/records.jsonl" > /dev/null
  python3 - "$tmp/x.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("INSERT INTO ban_history(time,action,target,network,reason,until,hits,offence,manual)"
           " VALUES(1411981200,'add','192.0.2.0/24','192.0.2.0/24','<script>x</script>&',1412981200,3,1,1)")
db.execute("INSERT INTO flags(time,user,client_ip,host,qid,msgid,note)"
           " VALUES(1411981300,'<script>\"u\"</script>',"
           " '192.0.2.9',CAST(X'6D78FF3C' AS TEXT),'s8TD01aa000100',NULL,'&')")
db.commit()
PY
  "$tools/report/report" --db "$tmp/x.db" --since 2014-09-29 --until 2014-09-29 --tz UTC --format html -o "$tmp/db.html"
  check_html "$tmp/db.html"
  check_dashboard "$tmp/db.html"
  grep -q "&lt;script&gt;&quot;u&quot;" "$tmp/db.html" || { echo "FAIL: flag user not escaped" >&2; exit 1; }
  grep -q $'mx\xef\xbf\xbd&lt;' "$tmp/db.html" || { echo "FAIL: invalid UTF-8 not replaced" >&2; exit 1; }
  echo "ok: flag user escaped, invalid UTF-8 replaced"
else
  echo "note: banwrite is not built; database part skipped"
fi
echo "report_html.sh: ok"
