# Sourced by tests/cli/*.sh: common checks that skip (exit 77) with a reason.
# Usage: source "$2/tests/cli_common.sh"
# Sets $build and $src (absolute) from the test's arguments BUILD_DIR SOURCE_DIR.
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)

# need_tool NAME...: sets $NAME (e.g. $logjoin) to each built binary or skips.
need_tool() {
  local name path
  for name in "$@"; do
    path=$build/tools/$name/$name
    if [ ! -x "$path" ]; then
      echo "skipped: $path not built"
      exit 77
    fi
    printf -v "$name" '%s' "$path"
  done
}

# need_real_log: sets $real to the shared real sendmail log (made by the
# lab in ../shared/harness/sendmail-lab) or skips.
need_real_log() {
  real=$src/../shared/data/sendmail-real/maillog
  need_file "$real"
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
