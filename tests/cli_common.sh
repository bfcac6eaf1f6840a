# Sourced by tests/cli/*.sh: common checks that skip (exit 77) with a reason.
# Usage: build=$1 src=$2; source "$src/tests/cli_common.sh"

# need_tool NAME: sets $NAME (e.g. $logjoin) to the built binary or skips.
need_tool() {
  local path=$build/tools/$1/$1
  if [ ! -x "$path" ]; then
    echo "skipped: $path not built"
    exit 77
  fi
  printf -v "$1" '%s' "$path"
}

need_python() {
  if [ ! -x /usr/bin/python3 ]; then
    echo "skipped: /usr/bin/python3 not found"
    exit 77
  fi
}

# need_file PATH: skips when a data file (e.g. ../shared/data) is missing.
need_file() {
  if [ ! -f "$1" ]; then
    echo "skipped: $1 not found"
    exit 77
  fi
}

# need_command NAME: skips when a command the test runs (e.g. sqlite3) is
# not installed.
need_command() {
  if ! command -v "$1" > /dev/null; then
    echo "skipped: $1 is not installed"
    exit 77
  fi
}

# make_tmp: a fresh directory in $tmp, removed when the test exits.
make_tmp() {
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
}

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
