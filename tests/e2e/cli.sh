#!/usr/bin/env bash
# The command line: help, version, a bad settings file refused in Persian first with the
# line to fix, and an unknown option refused.
set -euo pipefail
export LC_ALL=C.UTF-8
PK_BIN=${PK_BIN:?} PK_DEMO_BIN=${PK_DEMO_BIN:?}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
passed=0; ok() { passed=$((passed + 1)); echo "ok - $*"; }

"$PK_BIN" --help | grep -q -- '--kiosk' && ! "$PK_BIN" --help | grep -q -- 'demo'
"$PK_DEMO_BIN" --help | grep -q -- '--kiosk' && "$PK_DEMO_BIN" --help | grep -q -- '--demo'
ok "--help documents --kiosk; only pishkhan-demo's documents --demo"
"$PK_BIN" --version | grep -qE '^pishkhan [0-9]+\.[0-9]+\.[0-9]+$'
ok "--version"
printf '[kiosk]\nid = K1\nidle_timeout = soon\n' > "$work/bad.conf"
set +e; "$PK_BIN" --config "$work/bad.conf" > "$work/out" 2>&1; rc=$?; set -e
[ "$rc" = 2 ] || { echo "FAIL: exit $rc for a bad config"; exit 1; }
head -1 "$work/out" | grep -q 'پرونده تنظیمات' || { echo "FAIL: not Persian first"; cat "$work/out"; exit 1; }
grep -q 'idle_timeout (line 3)' "$work/out" || { echo "FAIL: no line to fix"; cat "$work/out"; exit 1; }
ok "a bad settings file: exit 2, Persian first, then the key and line to fix"
set +e; "$PK_BIN" --bogus > /dev/null 2>&1; rc=$?; set -e
[ "$rc" = 2 ] || { echo "FAIL: exit $rc for an unknown option"; exit 1; }
ok "an unknown option: exit 2"
echo "$passed passed, 0 failed"
