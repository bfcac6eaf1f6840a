#!/usr/bin/env bash
# Manual pages: every man/*.[1-8] is clean under `mandoc -T lint -W warning`;
# every built tool has man/<tool>.1, and every long option its --help lists
# appears in that page. Usage: manpages.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

command -v mandoc > /dev/null || { echo "SKIP: mandoc is not installed (apt-get install mandoc)"; exit 77; }

pages=("$src"/man/*.[1-8])
[ -e "${pages[0]}" ] || { echo "FAIL: no manual pages in $src/man" >&2; exit 1; }
for page in "${pages[@]}"; do
  if lint=$(mandoc -T lint -W warning "$page" 2>&1) && [ -z "$lint" ]; then
    echo "ok: ${page##*/} is lint clean"
  else
    fail "${page##*/}: mandoc -T lint -W warning:"$'\n'"$lint"
  fi
done

# Long options in the --help text, one per line: --db, --program-prefix, ...
long_options() { grep -oE -- '(^|[^[:alnum:]_-])--[[:alnum:]][[:alnum:]_-]*' | sed 's/^[^-]*//' | sort -u; }

checked=0
for dir in "$src"/tools/*/; do
  [ -d "$dir" ] || continue
  tool=$(basename "$dir")
  bin=$build/tools/$tool/$tool
  if [ ! -x "$bin" ]; then
    echo "skip: $tool is not built in $build"
    continue
  fi
  checked=$((checked + 1))
  page=$src/man/$tool.1
  [ -f "$page" ] || { fail "$tool has no manual page man/$tool.1"; continue; }
  if ! help=$(timeout 10 "$bin" --help 2>&1 < /dev/null); then
    fail "$tool --help exited with an error"
    continue
  fi
  # Render wide so that no option is broken across lines; strip overstriking.
  text=$(mandoc -T ascii -O width=400 "$page" | sed 's/.\x08//g')
  missing=()
  while read -r option; do
    [ -n "$option" ] || continue
    grep -qE -- "(^|[^[:alnum:]_-])${option}([^[:alnum:]_-]|\$)" <<< "$text" || missing+=("$option")
  done < <(long_options <<< "$help")
  if [ ${#missing[@]} -eq 0 ]; then
    echo "ok: every long option of $tool --help is in man/$tool.1"
  else
    fail "man/$tool.1 does not mention: ${missing[*]}"
  fi
done
[ "$checked" -gt 0 ] || echo "note: no tool is built yet; only the lint check ran"

if [ "$failures" -ne 0 ]; then
  echo "manpages.sh: $failures failures" >&2
  exit 1
fi
echo "manpages.sh: ok (${#pages[@]} pages, $checked tools checked against --help)"
