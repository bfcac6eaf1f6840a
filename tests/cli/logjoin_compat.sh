#!/usr/bin/env bash
# logjoin on the compatibility corpus (tests/data/compat: sendmail and
# spamd lines published by fail2ban, OSSEC, Wazuh, AWStats, SpamAssassin,
# fluent-plugin-sendmail and Splunk Connect for Syslog; see SOURCES.md
# there): every sendmail/spamd line in exactly one record or counted as a
# daemon line, every expectation the source states (client address, queue
# id, spam verdict) met, apart from the known failures listed in
# tests/logjoin_compat.py; prints the counts per file.
# Usage: logjoin_compat.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
source "$2/tests/cli_common.sh"
need_tool logjoin
need_python
need_file "$src/tests/data/compat/SOURCES.md"
exec /usr/bin/python3 "$src/tests/logjoin_compat.py" "$logjoin" "$src/tests/data/compat"
