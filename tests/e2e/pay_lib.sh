# Shared by the payment e2e tests (pay*.sh): the production kiosk with a real card (pcscd +
# vpcd), the window simulator with fees enforced whose provider reads the terminal's own record,
# and pishkhan-pos-sim over TCP. Sourced after lib.sh, inside pcsc-ns.sh's namespace.
pki=${PK_BINARY_DIR:?}/pki
[ -n "${PK_TRACE:-}" ] && set -x
KIOSK_BIN=$PK_BIN   # the production kiosk

# start_pos_sim [POS-SIM ARGS...]: the terminal, its record in $WORK/pos.db; sets POS_PID, POS_PORT.
start_pos_sim() {
  "$PK_BINARY_DIR/bin/pishkhan-pos-sim" --db "$WORK/pos.db" --port 0 "$@" > "$WORK/pos.out" 2>&1 &
  POS_PID=$!
  for _ in $(seq 200); do grep -q listening "$WORK/pos.out" && break; sleep 0.05; done
  POS_PORT=$(grep -o 'listening on 127.0.0.1:[0-9]*' "$WORK/pos.out" | grep -o '[0-9]*$') || { cat "$WORK/pos.out" >&2; exit 1; }
}

# pay_kiosk_conf FILE PRINTER [PAYMENT]: the kiosk's settings (card_kiosk_conf) with the
# window's keys for receipts, the printer's lines PRINTER, and the terminal at $POS_PORT with
# any more [payment] lines PAYMENT.
pay_kiosk_conf() {
  card_kiosk_conf "$1"
  cat >> "$1" <<CONF
[receipt]
jwks = $pki/window/window-jwks.json
device_key = $pki/device/key.pem
$2
[payment]
terminal = pos-tcp
terminal_dest = 127.0.0.1:$POS_PORT
terminal_id = T0001
${3:-}
CONF
}

# pay_peers PAPER_MM [POS-SIM ARGS...]: the terminal (its record in $WORK/pos.db; sets POS_PID,
# POS_PORT), the window and the card reader, and the kiosk's settings in $WORK/pishkhan.conf
# (receipts printed as PNG on PAPER_MM paper into $WORK/receipts).
pay_peers() {
  local paper=$1
  shift
  start_pos_sim "$@"
  SIM_ARGS=(--fees enforce --test-endpoints --provider-pos-db "$WORK/pos.db")
  trap 'rc=$?; kill $POS_PID 2>/dev/null; stop_peers; cleanup; exit $rc' EXIT
  start_peers
  mkdir -p "$WORK/receipts"
  pay_kiosk_conf "$WORK/pishkhan.conf" "$(printf 'printer = png\nprinter_dest = %s\npaper_mm = %s' "$WORK/receipts" "$paper")"
}

curl_sim() { curl -sf --cacert "$pki/tls/ca.pem" --cert "$pki/tls/kiosk.pem" --key "$pki/tls/kiosk-key.pem" "$@"; }

# pay_pick_service: a kiosk fee service whose form asks only for a national code, a mobile
# number and a birth date; sets TITLE and FEE (rials).
pay_pick_service() {
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
}

# pay_to_review: the kiosk started, the citizen signed in with the card, the fee service chosen
# and its form filled; the review (with the fee) on screen. Enter then leads to the PAY screen.
pay_to_review() {
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
  wait_for "$(visual 'از کارت ملی شما')"        # the national code and date of birth: the card's,
  wait_for "$(visual 'ثبت‌شده در پنجره ملی')"   # the mobile: the window's; nothing is asked
  keys Enter
  wait_for "$(visual 'لطفاً پیش از ارسال، درخواست خود را بررسی کنید.')"
  wait_for "$(visual 'ریال')"
}

# pay_wait_receipt: the receipt screen of a paid request, with its bank reference.
pay_wait_receipt() {
  wait_for "$(visual 'درخواست شما ثبت شد.')" 30000
  wait_for "$(visual 'شماره مرجع بانکی:')" 5000
}

# pay_records: the terminal's own record ($WORK/pos.dump, one line per trace) and the window's
# requests ($WORK/requests.json), for the counts each test asserts.
pay_records() {
  "$PK_BINARY_DIR/bin/pishkhan-pos-sim" --dump "$WORK/pos.db" > "$WORK/pos.dump"
  curl_sim "$SIM_URL/admin/requests" > "$WORK/requests.json"
}

# pay_check_printed_receipt: on the receipt screen, prints it (PNG); zbarimg reads its QR, and
# python3-jwcrypto (not our code) verifies the window's signature and reads the amount paid
# (am = the fee) and the bank reference (pr = the RRN of the one approved sale in the
# terminal's own record).
pay_check_printed_receipt() {
  keys 1
  wait_for "$(visual 'چاپ شد. لطفاً رسید خود را بردارید.')" 15000
  local png tok rrn
  png=$(ls "$WORK"/receipts/*.png | head -1)
  tok=$(zbarimg -q --raw -Sdisable -Sqrcode.enable "$png")
  rrn=$(python3 -c 'import sqlite3,sys; print(*[r[0] for r in sqlite3.connect(sys.argv[1]).execute("SELECT rrn FROM sales WHERE state=\"approved\"")])' "$WORK/pos.db")
  [[ "$rrn" =~ ^[0-9]{12}$ ]] || { echo "FAIL: not one approved sale at the terminal: '$rrn'"; exit 1; }
  /usr/bin/python3 "$PK_SOURCE_DIR/tests/receipt/verify_jwcrypto.py" "$tok" "$pki/window/jwks.json" \
    "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["requests"][-1]["tracking_code"])' "$WORK/requests.json")" \
    nc=4561 am="$FEE" pr="$rrn" || { echo "FAIL: the printed receipt's token"; exit 1; }
  echo "# receipt token: ${#tok} bytes, read from a ${1:-?} mm PNG by zbarimg"
  "$PK_BIN" receipt verify --jwks "$pki/window/jwks.json" "$png" > "$WORK/verify.txt" \
    || { echo "FAIL: the printed receipt does not verify"; cat "$WORK/verify.txt"; exit 1; }
  grep -qF "شماره مرجع بانکی: $rrn" "$WORK/verify.txt" || { echo "FAIL: verify does not show the reference"; cat "$WORK/verify.txt"; exit 1; }
}

# pay_assert_counts <<'PY' ... PY: refreshes pay_records and runs the Python on stdin (asserts,
# then a "# ..." line) with rows (the terminal's record, one dict per trace), reqs (the window's
# requests), fee and db (the terminal's SQLite file) defined.
pay_assert_counts() {
  pay_records
  local code
  code=$(cat)
  python3 -c 'import json, sqlite3, sys
rows = [dict(kv.split("=", 1) for kv in l.split()) for l in open(sys.argv[1]) if l.strip()]
reqs = json.load(open(sys.argv[2]))["requests"]
fee, db = int(sys.argv[3]), sys.argv[4]
'"$code" "$WORK/pos.dump" "$WORK/requests.json" "$FEE" "$WORK/pos.db"
}
