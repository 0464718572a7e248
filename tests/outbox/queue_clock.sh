#!/usr/bin/env bash
# Issue 11, a kiosk clock hours off (shim_clock preloaded into the driver and `queue sync`). The
# window's clock is set 30 days on too, so that the test cards, made minutes ago, were valid when
# a kiosk that is behind says they signed. What the window does with a sealed request's
# created_at (docs: up to 10 minutes ahead of the window; up to max_age_days + 10 minutes old;
# the card's chain and revocation as of created_at):
#   - 5 minutes ahead: delivered;       3 hours ahead: failed "clock_skew" (permanent; the
#     consent signs created_at, so the request cannot be re-dated, only retried later);
#   - 3 hours behind: delivered;        8 days behind: failed "request_too_old";
#   - a clock steadily off: delivered in insertion order; a clock stepped back (5 minutes ahead,
#     then corrected) delivers the later requests first: the queue goes by the kiosk's created_at.
set -euo pipefail
PK_BIN=${PK_BIN:?} PK_DEMO_BIN=${PK_DEMO_BIN:-$PK_BIN}
source "$(dirname "$0")/queue_lib.sh"
W=$((30 * 86400))   # the window's clock, ahead of the real one
on_clock() { local s=$1; shift; env LD_PRELOAD="$PK_BINARY_DIR/tests/outbox/libshim_clock.so" PK_CLOCK_SHIFT_S="$s" "$@"; }
LD_PRELOAD=$PK_BINARY_DIR/tests/outbox/libshim_clock.so PK_CLOCK_SHIFT_S=$W start_queue_sim
kiosk_conf k "parallel = 1"
# at SKEW COUNT: COUNT requests enqueued by a kiosk whose clock is SKEW seconds off the window's.
at() { on_clock $((W + $1)) "$PK_BINARY_DIR/bin/t_queue_driver" "$WORK/k/outbox.db" "$pki/window/window-jwks.json" \
  "$pki/card/citizen.key.pem" "$pki/card/citizen.crt.pem" 0071234561 "$KIOSK_ID" "$2" | awk '{print $2}'; }
sync_at() { on_clock $((W + $1)) "$PK_BIN" queue --config "$WORK/k.conf" --json sync --timeout 30 || true; }
row() { "$PK_BIN" queue --config "$WORK/k.conf" --json show "$1" | python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["state"], r["last_error"] or "-")'; }
expect() { # SKEW WANT (state and error): one request at SKEW, synced by the same clock
  local ref got; ref=$(at "$1" 1)
  sync_at "$1" > /dev/null
  got=$(row "$ref")
  [ "$got" = "$2" ] || { echo "FAIL: a kiosk $1 s off: $got, want $2"; exit 1; }
  echo "# kiosk clock ${1} s off: $got"
}
expect 0 "delivered -"
expect 300 "delivered -"
expect $((3 * 3600)) "failed clock_skew"
expect $((-3 * 3600)) "delivered -"
expect $((-6 * 86400)) "delivered -"
expect $((-8 * 86400)) "failed request_too_old"
ok "created_at tolerances: 5 min ahead and 3 h, 6 days behind delivered; 3 h ahead and 8 days behind refused for good"

# Order: one delivery at a time, each stored by the window in its own second.
curl -sf -X PUT -H 'Content-Type: application/json' -d '{"latency_ms":1100}' --cacert "$pki/tls/ca.pem" \
  --cert "$pki/tls/kiosk.pem" --key "$pki/tls/kiosk-key.pem" "$SIM_URL/admin/faults" > /dev/null
steady=$(at -10800 3)
stepped=$(at 300 2; at 0 2)
sync_at 0 > "$WORK/sync.json"   # the clock now right: 5 min behind the first two
grep -q "\"pending\":0" "$WORK/sync.json" || { echo "FAIL: after the clock was set back: $(cat "$WORK/sync.json")"; "$PK_BIN" queue --config "$WORK/k.conf" list; exit 1; }
admin requests > "$WORK/window.json"
"$PK_BIN" queue --config "$WORK/k.conf" --json list > "$WORK/store.json"
python3 - "$WORK/window.json" "$WORK/store.json" "$steady" "$stepped" <<'PY'
import json, sys
win = json.load(open(sys.argv[1]))["requests"]
key = {r["ref"]: r["idempotency_key"] for r in json.load(open(sys.argv[2]))}
order = [w["idempotency_key"] for w in win]
pos = lambda ref: order.index(key[ref])
steady, stepped = sys.argv[3].split(), sys.argv[4].split()
assert len(order) == len(set(order)), "a key twice at the window"
assert [pos(r) for r in steady] == sorted(pos(r) for r in steady), "a steady clock changed the order"
got = sorted(stepped, key=pos)
print(f"# clock stepped back 5 min after two requests: inserted {[stepped.index(r) + 1 for r in stepped]}, "
      f"delivered {[stepped.index(r) + 1 for r in got]}")
assert got == stepped, "a clock set back reordered the queue: it must go by insertion"
PY
ok "a clock steadily 3 h behind keeps insertion order; stepped back 5 min, the order they were made in; each once"
summary
