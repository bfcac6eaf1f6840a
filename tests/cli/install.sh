#!/usr/bin/env bash
# End-to-end test of Makefile.install: install into a DESTDIR, check that
# exactly the expected files landed, run every installed binary with
# LD_LIBRARY_PATH unset (so the library is found through RPATH
# $ORIGIN/../lib), uninstall and check nothing of ours is left.
# Builds nothing: usage: install.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

cache_value() { sed -n "s/^$1:[A-Z]*=//p" "$build/CMakeCache.txt"; }
[ -f "$build/CMakeCache.txt" ] || { echo "SKIP: $build is not a configured build dir"; exit 77; }
if [ "$(cache_value SPAMFLOW_SHARED)" = OFF ]; then
  echo "SKIP: libcommon is built static (SPAMFLOW_SHARED=OFF): nothing to find through RPATH"
  exit 77
fi
bindir=$(cache_value CMAKE_INSTALL_BINDIR)
libdir=$(cache_value CMAKE_INSTALL_LIBDIR)
version=$(cache_value CMAKE_PROJECT_VERSION)
expected_rpath="\$ORIGIN/$(realpath -m --relative-to="/$bindir" "/$libdir")"

built_tools=()
for dir in "$src"/tools/*/; do
  [ -d "$dir" ] || continue
  tool=$(basename "$dir")
  if [ -x "$build/tools/$tool/$tool" ]; then built_tools+=("$tool"); fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/spamflow-install-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export TMPDIR=$tmp # the Makefile's staging directory goes there too

run_make() { # target destdir prefix program_prefix
  make --no-print-directory -f "$src/Makefile.install" "$1" DESTDIR="$2" PREFIX="$3" \
    PROGRAM_PREFIX="$4" BUILD_DIR="$build" SKIP_BUILD=1 > "$tmp/make.out" 2>&1 || {
    local rc=$?
    cat "$tmp/make.out" >&2
    fail "make $1 PROGRAM_PREFIX='$4' exited $rc"
    return 1
  }
}

# The files an install must create, relative to DESTDIR, one per line.
expected_files() { # prefix program_prefix
  local prefix=$1 pp=$2 f
  for tool in "${built_tools[@]}"; do echo "$prefix/$bindir/$pp$tool"; done
  for f in "$build"/libcommon/libspamflow.so*; do echo "$prefix/$libdir/${f##*/}"; done
  for f in "$src"/man/*.1; do if [ -e "$f" ]; then echo "$prefix/share/man/man1/$pp${f##*/}"; fi; done
  for f in "$src"/man/*.7; do if [ -e "$f" ]; then echo "$prefix/share/man/man7/${f##*/}"; fi; done
  for f in "$src"/examples/*; do if [ -f "$f" ]; then echo "$prefix/share/doc/spamflow/examples/${f##*/}"; fi; done
}

check_library() { # root prefix
  local lib=$1$2/$libdir
  local real
  real=$(readlink -f "$lib/libspamflow.so")
  [ -f "$real" ] && [ ! -L "$real" ] && [[ $real == "$lib"/* ]] ||
    fail "libspamflow.so does not resolve to a file in $lib"
  [ -L "$lib/libspamflow.so" ] || fail "libspamflow.so is not a symlink (the namelink)"
  local soname
  soname=$(readelf -d "$real" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
  [ -n "$soname" ] && [ -e "$lib/$soname" ] || fail "SONAME '$soname' is not installed in $lib"
  if grep -qF "$build" <<< "$(readelf -d "$real")"; then fail "installed libspamflow still refers to the build dir"; fi
}

check_binary() { # path root prefix
  local bin=$1 root=$2 prefix=$3 name=${1##*/} dyn out
  [ -x "$bin" ] || { fail "$name is not executable"; return; }
  dyn=$(readelf -d "$bin")
  grep -Eq "\((RUNPATH|RPATH)\).*\[$(printf '%s' "$expected_rpath" | sed 's/\$/\\$/g')\]" <<< "$dyn" ||
    fail "$name: RPATH/RUNPATH is not $expected_rpath: $(grep -E 'RUNPATH|RPATH' <<< "$dyn" || echo none)"
  if grep -q "$build" <<< "$dyn"; then fail "$name still refers to the build dir"; fi
  # The library must come from the installed tree, not from the build dir.
  local resolved
  resolved=$(env -u LD_LIBRARY_PATH ldd "$bin" | sed -n 's/^[[:space:]]*libspamflow\.so[^ ]* => \([^ ]*\) .*/\1/p')
  [ -n "$resolved" ] && [ "$(realpath "$(dirname "$resolved")")" = "$(realpath "$root$prefix/$libdir")" ] ||
    fail "$name: libspamflow resolves to '$resolved', not into $root$prefix/$libdir"
  if out=$(env -u LD_LIBRARY_PATH "$bin" --version 2>&1 < /dev/null); then
    grep -qF "$version" <<< "$out" || fail "$name --version does not print $version: $out"
    echo "ok: $name --version: $out"
  else
    fail "$name --version exited $?: $out"
  fi
}

check_round_trip() { # destdir prefix program_prefix
  local root=$1 prefix=$2 pp=$3 actual
  echo "== install PREFIX=$prefix PROGRAM_PREFIX='$pp'"
  run_make install "$root" "$prefix" "$pp" || return 0
  expected_files "$prefix" "$pp" | sort > "$tmp/expected"
  (cd "$root" && find . ! -type d | sed 's|^\.||' | sort) > "$tmp/actual"
  diff -u "$tmp/expected" "$tmp/actual" || fail "installed files differ from the expected list (-expected +actual)"
  check_library "$root" "$prefix"
  for f in "$src"/man/*.1; do
    if [ -e "$f" ] && ! cmp -s "$f" "$root$prefix/share/man/man1/$pp${f##*/}"; then fail "man page ${f##*/} differs"; fi
  done
  for f in "$src"/examples/*; do
    if [ -f "$f" ] && ! cmp -s "$f" "$root$prefix/share/doc/spamflow/examples/${f##*/}"; then fail "example ${f##*/} differs"; fi
  done
  if [ ${#built_tools[@]} -eq 0 ]; then
    echo "note: no tool is built yet; checked the library, man pages and examples only"
  fi
  for bin in "$root$prefix/$bindir"/*; do
    if [ -e "$bin" ]; then check_binary "$bin" "$root" "$prefix"; fi
  done

  # Uninstall removes what install put there and nothing else.
  mkdir -p "$root$prefix/$bindir" "$root$prefix/share/man/man1"
  echo other > "$root$prefix/$bindir/other-tool"
  echo other > "$root$prefix/share/man/man1/other-tool.1"
  run_make uninstall "$root" "$prefix" "$pp" || return 0
  actual=$(cd "$root" && find . ! -type d | sed 's|^\.||' | sort | tr '\n' ' ')
  [ "$actual" = "$prefix/$bindir/other-tool $prefix/share/man/man1/other-tool.1 " ] ||
    fail "after uninstall, expected only the two foreign files, found: $actual"
  [ ! -e "$root$prefix/share/doc/spamflow" ] || fail "share/doc/spamflow is left after uninstall"
}

check_round_trip "$tmp/root-prefixed" /usr sf-
check_round_trip "$tmp/root-plain" /opt/spamflow ""

if [ "$failures" -ne 0 ]; then
  echo "install.sh: $failures failures" >&2
  exit 1
fi
echo "install.sh: ok (${#built_tools[@]} tools: ${built_tools[*]:-none})"
