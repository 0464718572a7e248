#!/usr/bin/env bash
# I/O faults under the outbox's insert: random read/write/fsync failures and short writes
# (libfiu's POSIX preload), a write limit (RLIMIT_FSIZE) and a really full filesystem (a small
# tmpfs, when this machine lets us mount one). Each time: insert said PK_OB_EIO or 0, the store
# passes integrity_check, and every row whose insert returned 0 is there, whole.
set -euo pipefail
bin=${PK_BINARY_DIR:?}/bin
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
split() { grep '^ok ' "$1" >"$1.ok" || true; grep '^eio ' "$1" >"$1.eio" || true; }
need_both() {
  [ -s "$1.ok" ] && [ -s "$1.eio" ] || { echo "FAIL: $2: expected both successes and failures"; cat "$1"; exit 1; }
}

# libfiu's POSIX preload crashes any AddressSanitizer program at start (even an empty main), so
# the sanitizer build runs the other two; the dev build runs all three.
# (ldd's output is captured first: with pipefail, grep -q leaving early can fail the pipe with
# SIGPIPE, and the sanitizer build would then run fiu after all.)
libs=$(ldd "$bin/t_outbox_crash")
if grep -q libasan <<<"$libs"; then
  echo "random I/O faults: skipped in a sanitizer build (fiu's preload and ASan do not mix)"
else
  fiu-run -x "$bin/t_outbox_crash" fiu "$work/fiu.db" 400 0.02 >"$work/fiu.out" 2>"$work/fiu.err" || {
    echo "FAIL: driver under fiu-run"; cat "$work/fiu.err"; exit 1; }
  split "$work/fiu.out"
  need_both "$work/fiu.out" "random I/O faults"
  if grep -v '^first failure' "$work/fiu.err" | grep -q 'insert'; then
    echo "FAIL: an insert failed otherwise than PK_OB_EIO"; cat "$work/fiu.err"; exit 1
  fi
  "$bin/t_outbox_crash" check "$work/fiu.db" "$work/fiu.out.ok" "$work/fiu.out.eio"
fi

"$bin/t_outbox_crash" fill "$work/fsize.db" 400 4000 300000 >"$work/fsize.out" 2>"$work/fsize.err"
split "$work/fsize.out"
need_both "$work/fsize.out" "RLIMIT_FSIZE"
"$bin/t_outbox_crash" check "$work/fsize.db" "$work/fsize.out.ok" "$work/fsize.out.eio"

mkdir "$work/mnt"
if unshare -m true 2>/dev/null; then
  unshare -m bash -c '
    set -euo pipefail
    mount -t tmpfs -o size=400k tmpfs "$1/mnt" || exit 77
    "$2/t_outbox_crash" fill "$1/mnt/full.db" 400 4000 >"$1/full.out" 2>"$1/full.err"
    grep "^ok " "$1/full.out" >"$1/full.ok"; grep "^eio " "$1/full.out" >"$1/full.eio"
    [ -s "$1/full.ok" ] && [ -s "$1/full.eio" ] || { echo "FAIL: full tmpfs: no failure"; cat "$1/full.out"; exit 1; }
    grep -q "first failure: .*full" "$1/full.err" || { echo "FAIL: not a disk-full error:"; cat "$1/full.err"; exit 1; }
    "$2/t_outbox_crash" check "$1/mnt/full.db" "$1/full.ok" "$1/full.eio"
  ' full "$work" "$bin" && echo "full tmpfs: checked" || { rc=$?; [ $rc = 77 ] || exit $rc; echo "full tmpfs: mount refused here, RLIMIT_FSIZE only"; }
else
  echo "full tmpfs: no mount namespace here, RLIMIT_FSIZE only"
fi
