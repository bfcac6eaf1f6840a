#!/usr/bin/env bash
# logjoin: sendmail under other syslog idents (-L). The shared real log with
# its "sendmail" and "sm-mta" idents renamed: sm-acceptingconnections and sendmail-* are
# joined by default, giving the very same records; an ident outside
# --programs is skipped but counted as sendmail_like_other by --stats, and
# --programs with it joins it; NFS's sm-notify is not sendmail's.
# Usage: logjoin_idents.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
source "$2/tests/cli_common.sh"
need_tool logjoin
need_real_log
make_tmp

stat_of() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" "$2" | head -1; }
rename_ident() { sed "s/ \(sendmail\|sm-mta\)\[/ $1[/" "$real" >"$tmp/$1.log"; }

"$logjoin" --year 2026 --stats "$real" >"$tmp/want.jsonl" 2>"$tmp/want.stats"
want_mail=$(stat_of mail_lines "$tmp/want.stats")
[ "$want_mail" -gt 1000 ] || fail "real log: only $want_mail mail lines"

for ident in sm-acceptingconnections sendmail-listen sm-mta-in; do
  rename_ident "$ident"
  "$logjoin" --year 2026 --stats "$tmp/$ident.log" >"$tmp/got.jsonl" 2>"$tmp/got.stats"
  cmp -s "$tmp/want.jsonl" "$tmp/got.jsonl" || fail "$ident: records differ from those of the sendmail and sm-mta idents"
  [ "$(stat_of sendmail_like_other "$tmp/got.stats")" = 0 ] || fail "$ident: counted as sendmail-like other"
done

# An ident outside the default list: skipped, but named by --stats.
rename_ident mta-in
"$logjoin" --year 2026 --stats "$tmp/mta-in.log" >"$tmp/got.jsonl" 2>"$tmp/got.stats"
like=$(stat_of sendmail_like_other "$tmp/got.stats")
[ "$like" -gt 500 ] || fail "mta-in: sendmail_like_other=$like"
grep -q "(mta-in=$like)" "$tmp/got.stats" || fail "mta-in: --stats does not name the ident: $(cat "$tmp/got.stats")"
[ "$(stat_of mail_lines "$tmp/got.stats")" -lt "$want_mail" ] || fail "mta-in: its lines were joined"
"$logjoin" --year 2026 --programs 'mta-in,sm-msp-queue' "$tmp/mta-in.log" >"$tmp/got.jsonl"
cmp -s "$tmp/want.jsonl" "$tmp/got.jsonl" || fail "--programs mta-in: records differ"
"$logjoin" --year 2026 --programs 'mta-*,sm-msp-*' "$tmp/mta-in.log" >"$tmp/got.jsonl"
cmp -s "$tmp/want.jsonl" "$tmp/got.jsonl" || fail "--programs mta-*: records differ"

# sm-notify is NFS's, not sendmail's.
rename_ident sm-notify
"$logjoin" --year 2026 --stats "$tmp/sm-notify.log" >/dev/null 2>"$tmp/got.stats"
[ "$(stat_of sendmail_like_other "$tmp/got.stats")" -gt 500 ] || fail "sm-notify was joined as sendmail"

# A malformed list is a usage error, not a silent default.
for bad in '' 'sendmail,,sm-mta' 'send mail' '*'; do
  rc=0
  "$logjoin" --programs "$bad" </dev/null >/dev/null 2>"$tmp/err" || rc=$?
  [ "$rc" -eq 64 ] || fail "--programs '$bad': exit $rc, not 64"
  grep -q "programs" "$tmp/err" || fail "--programs '$bad': no message"
done
echo "ok: idents joined by default and by --programs, others counted"
