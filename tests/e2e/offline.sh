#!/usr/bin/env bash
# Issue 11, a field office without a link: the citizen signs in with the card (offline, level 3),
# sends a request, and takes a printed receipt whose QR verifies offline with the kiosk's device
# key and says "queued". The store holds nothing of the citizen in clear. When the link returns
# the request reaches the window once, and the status by queue reference shows the window's
# tracking code. All real: pcscd + vpcd, the production kiosk, the standalone simulator made
# unreachable (connection refused) and reachable again by signal.
if [ "${PK_IN_PCSC_NS:-}" != 1 ]; then
  exec "$(dirname "$0")/../cardreader/pcsc-ns.sh" bash "$0" "$@"
fi
source "$(dirname "$0")/lib.sh"
KIOSK_BIN=$PK_BIN
pki=${PK_BINARY_DIR:?}/pki
passed=0
PIN=1234
MOBILE=09121118899
SERVICE_QUERY='سوء پیشینه'
SERVICE_TITLE='صدور گواهی عدم سوء پیشینه'
SIM_ARGS=(--test-endpoints)
trap 'stop_peers; cleanup' EXIT
start_window_sim   # the card reader comes later, once the home screen was read
mkdir -p "$WORK/receipts"
card_kiosk_conf "$WORK/pishkhan.conf"
cat >> "$WORK/pishkhan.conf" <<CONF
connect_timeout_ms = 1000
total_timeout_ms = 3000
max_retries = 0
[receipt]
jwks = $pki/window/window-jwks.json
device_key = $pki/device/key.pem
printer = png
printer_dest = $WORK/receipts
[offline]
mode = auto
CONF
admin() { curl -sf --cacert "$pki/tls/ca.pem" --cert "$pki/tls/kiosk.pem" --key "$pki/tls/kiosk-key.pem" "$SIM_URL/admin/$1"; }
fa_digits_to_ascii() { sed 'y/۰۱۲۳۴۵۶۷۸۹/0123456789/'; }

# Installed while the office had a link: the catalog is in the local store.
start_kiosk 100 30 --config "$WORK/pishkhan.conf"
wait_for "$(visual 'برخط')" 20000
wait_log 'catalog: version'
stop_kiosk

kill -USR1 "$SIM_PID"
wait_log_file() { local f=$1 pat=$2 end=$(( $(now_ms) + 10000 )); until grep -q "$pat" "$f"; do (( $(now_ms) < end )) || return 1; sleep 0.05; done; }
wait_log_file "$WORK/sim.out" '^unreachable' || { echo "FAIL: the simulator did not go unreachable"; exit 1; }

start_kiosk 100 30 --config "$WORK/pishkhan.conf"
wait_for "$(visual 'بدون اتصال — درخواست شما ذخیره و بعداً ارسال می‌شود')" 20000
ok "no link: the home screen says requests are kept and sent later"
start_card_reader

wait_for "$(visual 'رمز کارت خود را وارد کنید')" 15000
keys "${PIN:0:1}" "${PIN:1:1}" "${PIN:2:1}" "${PIN:3:1}" Enter
wait_for "$(visual 'زهرا محمدی')" 20000
ok "signed in offline: card, PIN, the kiosk's own challenge signed by the card"

keys 1
wait_for "$(visual 'جستجو:')"
keys -l "$SERVICE_QUERY"
wait_for "$(visual "$SERVICE_TITLE")" 10000
keys Enter; wait_for "$(visual 'هزینه:')"; keys Enter
wait_for "$(visual 'از کارت ملی شما')"          # the national code and date of birth, from the card
keys -l "$MOBILE"; keys Enter
wait_for "$(visual 'لطفاً پیش از ارسال، درخواست خود را بررسی کنید.')"
keys Enter
wait_for "$(visual 'درخواست شما در این پیشخوان ثبت شد.')" 15000
ref=$(screen | grep -F "$(visual 'شماره صف:')" | fa_digits_to_ascii | grep -oE '[0-9]{10}' | head -1)
[ -n "$ref" ] || { echo "FAIL: no queue reference on the receipt screen"; screen; exit 1; }
ok "queued: the receipt screen shows queue reference $ref"

keys 1
wait_for "$(visual 'چاپ شد. لطفاً رسید خود را بردارید.')" 10000
png=$(ls "$WORK"/receipts/*.png | head -1)
"$PK_BIN" receipt verify --device-jwks "$pki/device/jwks.json" --jwks "$pki/window/jwks.json" "$png" > "$WORK/verify.txt" \
  || { echo "FAIL: the queued receipt does not verify"; cat "$WORK/verify.txt"; exit 1; }
grep -qF 'در صف ارسال' "$WORK/verify.txt" && grep -qF 'امضا شده توسط دستگاه' "$WORK/verify.txt" || { echo "FAIL: the receipt does not say queued, signed by the device"; cat "$WORK/verify.txt"; exit 1; }
ok "printed queued receipt: QR decodes, verifies with the device JWKS and says queued"

for f in "$WORK"/data/outbox.db*; do
  for needle in 0071234561 "$MOBILE" 1370/05/12 "زهرا" "محمدی"; do
    if grep -qaF "$needle" "$f"; then echo "FAIL: $(basename "$f") holds '$needle' in clear"; exit 1; fi
  done
done
ok "the outbox files hold no national code, mobile, date of birth or name in clear"

kill -USR2 "$SIM_PID"
wait_log_file "$WORK/sim.out" '^reachable' || { echo "FAIL: the simulator did not come back"; exit 1; }
end=$(( $(now_ms) + 60000 ))
until [ "$(admin requests | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["requests"]))')" = 1 ]; do
  (( $(now_ms) < end )) || { echo "FAIL: not delivered within 60 s of the link's return"; exit 1; }
  sleep 0.3
done
ok "the link returned: the window stored the request"
tracking=$(admin requests | python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"][0]["tracking_code"])')

keys Enter; wait_for "$(visual 'جستجوی خدمت')"
keys 3
for d in $(echo "$ref" | grep -o .); do keys "$d"; done
keys Enter
tr_fa=$(echo "$tracking" | sed 's/..../& /g; s/ $//; y/0123456789/۰۱۲۳۴۵۶۷۸۹/')   # read aloud in fours
wait_for "$tr_fa" 10000
ok "status by queue reference shows the window's tracking code $tracking"
rm -f "$WORK"/receipts/*.png
keys F4
wait_for "$(visual 'چاپ شد. لطفاً رسید خود را بردارید.')" 10000
png=$(ls "$WORK"/receipts/*.png | head -1)
"$PK_BIN" receipt verify --jwks "$pki/window/jwks.json" "$png" > "$WORK/verify2.txt" \
  || { echo "FAIL: the reprinted window receipt does not verify"; cat "$WORK/verify2.txt"; exit 1; }
grep -qF "$(echo "$tracking" | sed 'y/0123456789/۰۱۲۳۴۵۶۷۸۹/')" "$WORK/verify2.txt" || { echo "FAIL: reprint lacks the tracking code"; cat "$WORK/verify2.txt"; exit 1; }
ok "the window-signed receipt of the delivered request is reprinted by queue reference and verifies"
sleep 2
[ "$(admin requests | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["requests"]))')" = 1 ] || { echo "FAIL: delivered twice"; exit 1; }
ok "delivered exactly once"

# Issue 12 item 7: the kiosk's audit log holds what happened, in order, hash-chained, and
# nothing a citizen must keep to themselves.
audit() { "$PK_BIN" audit --config "$WORK/pishkhan.conf" --log "$WORK/data/audit.log" "$@"; }
audit verify --jwks "$pki/device/jwks.json" > "$WORK/audit-verify.txt" \
  || { echo "FAIL: the kiosk's audit log does not verify"; cat "$WORK/audit-verify.txt"; exit 1; }
kinds=$(audit show --json | python3 -c 'import json,sys; print(" ".join(e["kind"] for e in json.load(sys.stdin)))')
for k in config_at_start citizen_auth request_queued print request_delivered; do
  grep -qw "$k" <<<"$kinds" || { echo "FAIL: no $k in the audit log: $kinds"; exit 1; }
done
for needle in 0071234561 "$MOBILE" 1370/05/12 1234; do
  if grep -qaF "$needle" "$WORK/data/audit.log"; then echo "FAIL: the audit log holds '$needle'"; exit 1; fi
done
ok "audit log verifies and records: $kinds; no national code, mobile, birth date or PIN in it"
echo "$passed passed, 0 failed"
