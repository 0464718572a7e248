#!/usr/bin/env bash
# Issue 11, the USB bundle through the CLI: office A (no link) queues N sealed requests and
# exports them; office B (another data dir) imports the file and delivers; A later requeues the
# exported rows (`queue retry`) and delivers them itself: the window holds each request once.
# A bundle altered by one byte, expired (the importing office's clock 8 days on, a preloaded
# shim), imported twice, or signed by another key is refused (exit 1) or harmless; counted
# from the window's own records.
set -euo pipefail
PK_BIN=${PK_BIN:?} PK_DEMO_BIN=${PK_DEMO_BIN:-$PK_BIN}
source "$(dirname "$0")/queue_lib.sh"
N=${PK_BUNDLE_N:-20}
shim=$PK_BINARY_DIR/tests/outbox/libshim_clock.so  # a clock days ahead: expiry, purge
start_queue_sim
for o in a b c; do kiosk_conf $o; done
count() { admin requests | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["requests"]))'; }
states() { queue "$1" --json list | python3 -c 'import json,sys; import collections as c; print(dict(sorted(c.Counter(r["state"] for r in json.load(sys.stdin)).items())))'; }
expect_rc() { # WANT CMD...: runs CMD, fails unless its exit code is WANT; output in $WORK/out
  local want=$1 rc=0; shift
  "$@" > "$WORK/out" 2>&1 || rc=$?
  [ "$rc" = "$want" ] || { echo "FAIL: exit $rc (want $want): $*"; cat "$WORK/out"; exit 1; }
}

enqueue a "$N" > "$WORK/a.acked"
mkdir "$WORK/usb"
queue a --json export "$WORK/usb" > "$WORK/export.json"
file=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["requests"]==int(sys.argv[2]), d; print(d["file"])' \
  "$WORK/export.json" "$N")
[ "$(states a)" = "{'exported': $N}" ] || { echo "FAIL: A's rows after export: $(states a)"; exit 1; }
if grep -q -e 0071234561 -e 09121234567 -e 1365/04/12 "$file"; then echo "FAIL: citizen data in clear in the bundle"; exit 1; fi
[ "$(count)" = 0 ]
ok "A exported $N queued requests into $(basename "$file"); nothing of the citizens in clear"

# Refused before anything is sent: the window still holds nothing.
expect_rc 2 queue b import "$file"
tamper() { python3 - "$1" "$2" "$3" <<'PY'
import sys
t = bytearray(open(sys.argv[1], "rb").read()); pos = int(len(t) * float(sys.argv[3]))
while t[pos] == ord("."): pos += 1
t[pos] = ord("B") if t[pos] == ord("A") else ord("A")
open(sys.argv[2], "wb").write(t)
PY
}
for at in 0.01 0.5 0.99; do
  tamper "$file" "$WORK/bad.pkq" "$at"
  expect_rc 1 queue b import "$WORK/bad.pkq" --device-jwks "$pki/device/jwks.json"
done
expect_rc 1 queue b import "$file" --device-jwks "$pki/window/window-jwks.json"
expect_rc 1 env LD_PRELOAD="$shim" PK_CLOCK_SHIFT_S=$((8 * 86400)) \
  "$PK_BIN" queue --config "$WORK/b.conf" import "$file" --device-jwks "$pki/device/jwks.json"
grep -q expired "$WORK/out" || { echo "FAIL: the expired bundle's refusal does not say so"; cat "$WORK/out"; exit 1; }
[ "$(count)" = 0 ] && [ "$(states b)" = "{}" ] || { echo "FAIL: a refused bundle left something behind"; exit 1; }
ok "refused (exit 1), nothing sent or kept: one byte altered (3 places), another key, expired; no --device-jwks: exit 2"

expect_rc 0 queue b --json import "$file" --device-jwks "$pki/device/jwks.json"
[ "$(count)" = "$N" ] && [ "$(states b)" = "{'delivered': $N}" ] || { echo "FAIL: B: $(states b), window $(count)"; exit 1; }
ok "B imported and delivered $N; the window holds $N"
# Each office's audit log took its act, with the count, and still verifies.
for side in "a queue_export" "b queue_import"; do
  set -- $side
  grep -F "\"kind\":\"$2\"" "$WORK/$1/audit.log" | grep -qF "\"count\":$N" \
    || { echo "FAIL: $1's audit log has no $2 of $N"; cat "$WORK/$1/audit.log"; exit 1; }
  "$PK_BIN" audit verify --config "$WORK/$1.conf" > "$WORK/verify.out" 2>&1 \
    || { echo "FAIL: $1's audit log does not verify"; cat "$WORK/verify.out"; exit 1; }
done
ok "the audit logs record the export and the import ($N each) and verify"
expect_rc 1 queue b import "$file" --device-jwks "$pki/device/jwks.json"
grep -q "already imported" "$WORK/out" || { echo "FAIL: a second import is not refused as a replay"; cat "$WORK/out"; exit 1; }
# Another office that never saw it: not a replay there, and harmless at the window.
expect_rc 0 queue c import "$file" --device-jwks "$pki/device/jwks.json"
[ "$(count)" = "$N" ] && [ "$(states c)" = "{'delivered': $N}" ] || { echo "FAIL: C: $(states c), window $(count)"; exit 1; }
ok "imported again: refused as a replay at B (exit 1), harmless at C (the window still holds $N)"

# A requeues what it carried off and delivers it too, with the same keys.
while read -r _ ref _; do queue a retry "$ref"; done < "$WORK/a.acked"
[ "$(states a)" = "{'queued': $N}" ] || { echo "FAIL: A's rows after retry: $(states a)"; exit 1; }
expect_rc 0 queue a sync --timeout 30
[ "$(count)" = "$N" ] && [ "$(states a)" = "{'delivered': $N}" ] || { echo "FAIL: A: $(states a), window $(count)"; exit 1; }
for o in a b c; do queue $o --json list > "$WORK/$o.json"; done
admin requests > "$WORK/window.json"
python3 - "$WORK/window.json" "$WORK/a.json" "$WORK/b.json" "$WORK/c.json" <<'PY'
import json, sys
win = {w["idempotency_key"]: w["tracking_code"] for w in json.load(open(sys.argv[1]))["requests"]}
for f in sys.argv[2:]:
    rows = json.load(open(f))
    assert {r["idempotency_key"] for r in rows} == set(win), f"{f}: other keys than the window's"
    assert all(r["tracking_code"] == win[r["idempotency_key"]] for r in rows), f"{f}: another tracking code"
PY
ok "A delivered its own after retry: each request once at the window, the same tracking code in A, B and C"

# The window unreachable while B imports: the rows are kept; a later sync delivers them.
enqueue a 3 > /dev/null
queue a --json export "$WORK/usb" > "$WORK/export.json"
file2=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["file"])' "$WORK/export.json")
[ "$file2" != "$file" ] || { echo "FAIL: the second export overwrote the first"; exit 1; }
# link SIGNAL WORD: signals the simulator and waits until it says WORD once more.
link() {
  local n start; n=$(grep -c "^$2\$" "$WORK/sim.out" || true); start=$(now_ms)
  kill -"$1" "$SIM_PID"
  until [ "$(grep -c "^$2\$" "$WORK/sim.out" || true)" -gt "$n" ]; do
    (( $(now_ms) - start < 5000 )) || { echo "FAIL: the simulator never said $2"; exit 1; }
    sleep 0.05
  done
}
link USR1 unreachable
expect_rc 1 queue b import "$file2" --device-jwks "$pki/device/jwks.json" --timeout 3
[ "$(states b)" = "{'delivered': $N, 'queued': 3}" ] || { echo "FAIL: B after an import offline: $(states b)"; exit 1; }
link USR2 reachable
expect_rc 0 queue b sync --timeout 30
[ "$(count)" = $((N + 3)) ] || { echo "FAIL: window holds $(count), want $((N + 3))"; exit 1; }
ok "imported while the window was unreachable: exit 1 with the rows kept, delivered by the next sync"
# Two days later (the clock shim): C's delivered rows are more than a day old.
expect_rc 0 env LD_PRELOAD="$shim" PK_CLOCK_SHIFT_S=$((2 * 86400)) "$PK_BIN" queue --config "$WORK/c.conf" --json purge --delivered --older-than 1
grep -q "\"removed\":$N" "$WORK/out" && [ "$(states c)" = "{}" ] || { echo "FAIL: purge: $(cat "$WORK/out")"; exit 1; }
ok "purge --delivered --older-than 1, two days on, removed C's $N delivered rows"
summary
