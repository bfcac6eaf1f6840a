#!/usr/bin/env bash
# examples/report-mail, the daily mail: a MIME message with yesterday's text
# report as its body and the HTML page attached, handed to sendmail -oi -t.
# Usage: report_mail.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
[ -x "$build/tools/report/report" ] || { echo "SKIP: report is not built"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# A sendmail that keeps the message; report from the build, on the fixture
# records replayed as if yesterday were their last day.
cat > "$tmp/sendmail" <<SH
#!/bin/sh
[ "\$*" = "-oi -t" ] || exit 64
cat > "$tmp/mail"
SH
chmod +x "$tmp/sendmail"
PATH=$build/tools/report:$PATH SENDMAIL=$tmp/sendmail SPAMFLOW_NETTABLE=none \
  REPORT_ARGS="--input $src/tests/data/report/records.jsonl --anchor last" \
  sh "$src/examples/report-mail" postmaster@example.org
python3 - "$tmp/mail" <<'PY'
import email, sys
msg = email.message_from_binary_file(open(sys.argv[1], "rb"))
assert msg["To"] == "postmaster@example.org", msg["To"]
assert msg["Subject"].startswith("spamflow report for "), msg["Subject"]
text, page = msg.get_payload()
body = text.get_payload(decode=True).decode()
assert text.get_content_type() == "text/plain" and "Period:" in body and "Spam by country" in body
assert max(len(l) for l in body.splitlines()) <= 76, "text wider than 76 columns"
html = page.get_payload(decode=True).decode()
assert page.get_content_type() == "text/html" and page.get_filename().endswith(".html")
assert html.startswith("<!DOCTYPE html>") and "<svg" in html
print("ok: report-mail sends the text report with the HTML page attached")
PY
echo "report_mail.sh: ok"
