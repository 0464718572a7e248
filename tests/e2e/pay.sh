#!/usr/bin/env bash
# Issue 13 end to end: the production kiosk in tmux with a real card (pcscd + vpcd), the
# standalone window simulator with fees enforced whose provider reads the terminal's own record,
# and pishkhan-pos-sim over TCP. A citizen pays a fee service and takes a receipt that shows the
# amount and the bank reference; counted at the simulators: one charge, one request, the invoice
# paid and used once. Runs itself in pcsc-ns.sh's private namespace. Exit 77 = skipped.
if [ "${PK_IN_PCSC_NS:-}" != 1 ]; then
  exec "$(dirname "$0")/../cardreader/pcsc-ns.sh" bash "$0" "$@"
fi
source "$(dirname "$0")/lib.sh"
[ -n "${PK_TRACE:-}" ] && set -x
KIOSK_BIN=$PK_BIN
pki=${PK_BINARY_DIR:?}/pki
"$PK_BINARY_DIR/bin/pishkhan-pos-sim" --db "$WORK/pos.db" --port 0 > "$WORK/pos.out" 2>&1 &
POS_PID=$!
for _ in $(seq 200); do grep -q listening "$WORK/pos.out" && break; sleep 0.05; done
POS_PORT=$(grep -o 'listening on 127.0.0.1:[0-9]*' "$WORK/pos.out" | grep -o '[0-9]*$') || { cat "$WORK/pos.out" >&2; exit 1; }
SIM_ARGS=(--fees enforce --test-endpoints --provider-pos-db "$WORK/pos.db")
trap 'rc=$?; kill $POS_PID 2>/dev/null; stop_peers; cleanup; exit $rc' EXIT
start_peers
card_kiosk_conf "$WORK/pishkhan.conf"
cat >> "$WORK/pishkhan.conf" <<CONF
[receipt]
jwks = $pki/window/window-jwks.json
device_key = $pki/device/key.pem
[payment]
terminal = pos-tcp
terminal_dest = 127.0.0.1:$POS_PORT
terminal_id = T0001
CONF
curl_sim() { curl -sf --cacert "$pki/tls/ca.pem" --cert "$pki/tls/kiosk.pem" --key "$pki/tls/kiosk-key.pem" "$@"; }

# A kiosk fee service whose form asks only for a national code, a mobile number and a birth date.
curl_sim "$SIM_URL/catalog" > "$WORK/catalog.json"
read -r TITLE FEE < <(python3 - "$WORK/catalog.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
ok = {"national_code", "mobile", "jalali_date"}
for s in c["services"]:
    f = s.get("form", {}).get("fields", [])
    if s["fee_rials"] > 0 and "kiosk" in s["channels"] and s["auth_level"] <= 3 and \
       all(x["type"] in ok or not x.get("required") for x in f) and \
       sum(1 for t in c["services"] if t["title_fa"] == s["title_fa"]) == 1:
        print(s["title_fa"].replace(" ", "\u00a0"), s["fee_rials"]); break
PY
)
TITLE=${TITLE//$'\u00a0'/ }
[ -n "$TITLE" ] || { echo "FAIL: no fee service with a simple form"; exit 1; }

start_kiosk 100 30 --config "$WORK/pishkhan.conf"
wait_for "$(visual 'برخط')" 20000
wait_for "$(visual 'رمز کارت خود را وارد کنید')" 15000
keys 1 2 3 4 Enter
wait_for "$(visual 'زهرا محمدی')" 20000
keys 1
wait_for "$(visual 'جستجو:')"
keys -l "$TITLE"
wait_for "$(visual "$TITLE")" 10000
keys Down Enter
wait_for "$(visual 'هزینه:')"
keys Enter
for v in 0071234561 09121234567 1366/08/23; do   # filled in the order the form asks; extra Enters are harmless
  screen | grep -q "$(visual 'لطفاً پیش از ارسال، درخواست خود را بررسی کنید.')" && break
  keys -l "$v"; keys Enter; sleep 0.2
done
wait_for "$(visual 'لطفاً پیش از ارسال، درخواست خود را بررسی کنید.')"
wait_for "$(visual 'ریال')"
ok "the review shows the fee"
keys Enter   # the payment screen: with an approving terminal it passes in a moment
wait_for "$(visual 'درخواست شما ثبت شد.')" 30000
wait_for "$(visual 'شماره مرجع بانکی:')" 5000
ok "the receipt shows the amount paid and the bank reference"
grep -q 'confirmed by the window' "$WORK/stderr.log" || { echo "FAIL: no payment confirmed"; exit 1; }
stop_kiosk

"$PK_BINARY_DIR/bin/pishkhan-pos-sim" --dump "$WORK/pos.db" > "$WORK/pos.dump"
curl_sim "$SIM_URL/admin/requests" > "$WORK/requests.json"
python3 - "$WORK/pos.dump" "$WORK/requests.json" "$FEE" <<'PY'
import json, sys
rows = [dict(kv.split("=", 1) for kv in l.split()) for l in open(sys.argv[1]) if l.strip()]
reqs = json.load(open(sys.argv[2]))["requests"]
fee = int(sys.argv[3])
assert len(rows) == 1, f"{len(rows)} sales at the terminal"
assert rows[0]["state"] == "approved" and rows[0]["sales"] == "1" and int(rows[0]["amount"]) == fee, rows[0]
assert len(reqs) == 1, f"{len(reqs)} requests at the window"
print(f"# one charge of {fee} rials (trace {rows[0]['trace']}), one request {reqs[0]['tracking_code']}")
PY
ok "one charge at the terminal, one request at the window"
summary
