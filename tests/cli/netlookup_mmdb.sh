#!/usr/bin/env bash
# netlookup import --mmdb: a small MMDB written with MaxMind::DB::Writer
# (Debian libmaxmind-db-writer-perl) holding IPv4 and IPv6 networks with
# country and AS data; skipped when the writer or libmaxminddb is missing.
set -euo pipefail
build=$1 src=$2
nl=$build/tools/netlookup/netlookup
perl -MMaxMind::DB::Writer::Tree -e 1 2>/dev/null ||
  { echo "skip: MaxMind::DB::Writer missing (apt-get install libmaxmind-db-writer-perl)"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
perl - "$tmp/t.mmdb" <<'PERL'
use strict; use warnings; use MaxMind::DB::Writer::Tree;
my $tree = MaxMind::DB::Writer::Tree->new(ip_version => 6, record_size => 24,
  database_type => 'spamflow-test', languages => ['en'], description => { en => 'test' },
  map_key_type_callback => sub { { autonomous_system_number => 'uint32',
    autonomous_system_organization => 'utf8_string', country => 'map', iso_code => 'utf8_string' }->{ $_[0] } },
  remove_reserved_networks => 0, alias_ipv6_to_ipv4 => 1);
$tree->insert_network('203.0.113.0/24', { autonomous_system_number => 64500,
  autonomous_system_organization => 'EXAMPLE-NET', country => { iso_code => 'NL' } });
$tree->insert_network('203.0.113.128/25', { autonomous_system_number => 64501,
  autonomous_system_organization => "TAB\tIN NAME", country => { iso_code => 'DE' } });
$tree->insert_network('2001:db8::/32', { autonomous_system_number => 64502, country => { iso_code => 'FR' } });
open(my $o, '>:raw', $ARGV[0]) or die; $tree->write_tree($o); close $o;
PERL
if ! "$nl" import --table "$tmp/t" --mmdb "$tmp/t.mmdb" 2>"$tmp/err"; then
  if grep -q "not available" "$tmp/err"; then echo "skip: $(cat "$tmp/err")"; exit 77; fi
  cat "$tmp/err"; exit 1
fi
out=$("$nl" --table "$tmp/t" 203.0.113.7 203.0.113.200 2001:db8::1 ::ffff:203.0.113.9 198.51.100.1)
expected=$'203.0.113.7\t203.0.113.0/25\t203.0.113.0-203.0.113.127\t64500\tEXAMPLE-NET\tNL\t-\t-\t-\t-\tmmdb
203.0.113.200\t203.0.113.128/25\t203.0.113.128-203.0.113.255\t64501\tTAB IN NAME\tDE\t-\t-\t-\t-\tmmdb
2001:db8::1\t2001:db8::/32\t2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff\t64502\t-\tFR\t-\t-\t-\t-\tmmdb
::ffff:203.0.113.9\t203.0.113.0/25\t203.0.113.0-203.0.113.127\t64500\tEXAMPLE-NET\tNL\t-\t-\t-\t-\tmmdb
198.51.100.1\t-\t-\t-\t-\t-\t-\t-\t-\t-\t-'
if [ "$out" = "$expected" ]; then echo "ok - MMDB networks, AS, names, countries"; exit 0; fi
diff <(echo "$expected") <(echo "$out"); exit 1
