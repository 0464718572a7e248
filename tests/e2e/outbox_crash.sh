#!/usr/bin/env bash
# Issue 11, online crash safety: a request whose answer the kiosk never saw is resolved with its
# own idempotency key and never sent twice — counted from the simulator's own records, not the
# kiosk's. The production kiosk, a real card through pcscd + vpcd, the standalone simulator with
# 1.5 s of latency, and while a request is sent one answer in three is dropped after the
# window's commit. Each cycle a citizen signs in, sends a request and then the kiosk is killed
# (-9) at a random moment after Enter, or stopped (SIGTERM), or the citizen presses Esc. After
# each restart the citizen signs in again and the dashboard says what became of the last request.
# Runs itself in pcsc-ns.sh's private namespace (pcsc-lite's socket path is fixed). Exit 77 = skipped.
if [ "${PK_IN_PCSC_NS:-}" != 1 ]; then
  exec "$(dirname "$0")/../cardreader/pcsc-ns.sh" bash "$0" "$@"
fi
source "$(dirname "$0")/lib.sh"
[ -n "${PK_TRACE:-}" ] && set -x
KIOSK_BIN=$PK_BIN
pki=${PK_BINARY_DIR:?}/pki
CYCLES=${PK_CRASH_CYCLES:-8}
PIN=1234
SIM_ARGS=(--latency 1500 --test-endpoints)
trap 'stop_peers; cleanup' EXIT
start_peers
card_kiosk_conf "$WORK/pishkhan.conf"
cat >> "$WORK/pishkhan.conf" <<CONF
total_timeout_ms = 6000
[receipt]
jwks = $pki/window/window-jwks.json
device_key = $pki/device/key.pem
CONF
faults() { curl -sf -X PUT -H 'Content-Type: application/json' -d "$1" --cacert "$pki/tls/ca.pem" \
  --cert "$pki/tls/kiosk.pem" --key "$pki/tls/kiosk-key.pem" "$SIM_URL/admin/faults" > /dev/null; }
admin() { curl -sf --cacert "$pki/tls/ca.pem" --cert "$pki/tls/kiosk.pem" --key "$pki/tls/kiosk-key.pem" "$SIM_URL/admin/$1"; }

sign_in() {
  start_kiosk 100 30 --config "$WORK/pishkhan.conf"
  wait_for "$(visual 'برخط')" 20000
  wait_for "$(visual 'رمز کارت خود را وارد کنید')" 15000
  keys "${PIN:0:1}" "${PIN:1:1}" "${PIN:2:1}" "${PIN:3:1}" Enter
  wait_for "$(visual 'زهرا محمدی')" 20000
}

send_request() { # $1: a mobile number that makes this cycle's request its own
  keys 1
  wait_for "$(visual 'جستجو:')"
  keys -l 'سوء پیشینه'
  wait_for "$(visual 'صدور گواهی عدم سوء پیشینه')" 10000
  keys Enter; wait_for "$(visual 'هزینه:')"; keys Enter
  wait_for "$(visual 'از کارت ملی شما')"        # the national code and date of birth, from the card
  keys -l "$1"; keys Enter
  wait_for "$(visual 'لطفاً پیش از ارسال، درخواست خود را بررسی کنید.')"
  faults '{"latency_ms":1500,"drop_ratio":0.33,"after_commit":true}'
  keys Enter
}

for i in $(seq 1 "$CYCLES"); do
  sign_in
  if [ "$i" -gt 1 ]; then
    # What became of the last cycle's request: told on the dashboard, resolved by its key.
    wait_for "$(visual 'آخرین درخواست شما در اینجا')" 20000
  fi
  send_request "0918$(printf '%07d' "$i")"
  sleep "$(python3 -c 'import random; print(random.uniform(0.05, 2.5))')"
  case $((i % 4)) in
    1) kill -TERM "$(kiosk_pid)"; how="SIGTERM" ;;
    2) keys Escape   # stop waiting: the review keeps the reference, or the answer came first
       if ! wait_for "$(visual 'شماره صف')" 5000 2>/dev/null; then wait_for "$(visual 'درخواست شما ثبت شد.')" 500; fi
       how="Esc" ;;
    *) kill -9 "$(kiosk_pid)"; how="kill -9" ;;
  esac
  faults '{"latency_ms":1500}'
  echo "# cycle $i: $how"
  stop_kiosk
done
# Let the last one resolve: a kiosk restarted with nobody at it resolves what is in doubt.
start_kiosk 100 30 --config "$WORK/pishkhan.conf"
deadline=$(( $(now_ms) + 60000 ))
until [ "$("$PK_BIN" queue --config "$WORK/pishkhan.conf" --json list |
           python3 -c 'import json,sys; print(sum(r["state"] in ("sending","queued") for r in json.load(sys.stdin)))')" = 0 ]; do
  (( $(now_ms) < deadline )) || { echo "FAIL: requests still unresolved after 60 s"; "$PK_BIN" queue --config "$WORK/pishkhan.conf" list; exit 1; }
  sleep 0.5
done
stop_kiosk

"$PK_BIN" queue --config "$WORK/pishkhan.conf" --json list > "$WORK/queue.json"
admin requests > "$WORK/sim.json"
/usr/bin/python3 - "$WORK/queue.json" "$WORK/sim.json" "$CYCLES" <<'PY'
import json, sys
q = json.load(open(sys.argv[1])); s = json.load(open(sys.argv[2]))["requests"]; n = int(sys.argv[3])
keys = [r["idempotency_key"] for r in s]
ours = {r["idempotency_key"]: r for r in q}
dups = len(keys) - len(set(keys))
strangers = [k for k in keys if k not in ours]
delivered = [r for r in q if r["state"] == "delivered"]
never = [r for r in q if r["state"] == "not_registered"]
print(f"# {n} requests sent; the window stored {len(s)}; kiosk: {len(delivered)} delivered, {len(never)} never received")
assert len(q) == n, f"the kiosk recorded {len(q)} requests for {n} sends"
assert dups == 0 and not strangers, f"duplicated at the window: {dups} same key, {len(strangers)} under another key"
assert len(s) == len(delivered), "a request the window stored is not marked delivered, or the reverse"
assert len(delivered) + len(never) == n, "a request is neither delivered nor known to be lost"
for r in delivered:
    assert any(x["tracking_code"] == r["tracking_code"] for x in s), "tracking code unknown at the window"
PY
echo "ok - $CYCLES submits interrupted (kill -9, SIGTERM, Esc): each stored at most once, each outcome known"
