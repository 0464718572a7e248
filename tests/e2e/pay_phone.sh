#!/usr/bin/env bash
# Issue 13 end to end: the citizen pays the fee with their own phone ([payment] terminal = qr).
# The PAY screen draws the window's payment link as a QR code in the terminal; the test reads it
# off the tmux pane the way a phone's camera would (the cells to pixels, decoded by zbarimg,
# not by our code), pays on the "bank page" (the simulator's test endpoint), and the kiosk moves
# on by itself to the receipt. Counted at the simulators: no sale at the card terminal, one
# request carrying the invoice. Exit 77 = skipped.
if [ "${PK_IN_PCSC_NS:-}" != 1 ]; then
  exec "$(dirname "$0")/../cardreader/pcsc-ns.sh" bash "$0" "$@"
fi
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/pay_lib.sh"
pay_peers 80
sed -i 's/^terminal = pos-tcp$/terminal = qr/; /^terminal_dest = /d' "$WORK/pishkhan.conf"
pay_pick_service

pay_to_review
keys Enter
wait_for "$(visual 'پرداخت هزینه با تلفن شما')" 15000
wait_for "$(visual 'این کد را با دوربین تلفن خود بخوانید')" 15000
ok "the PAY screen asks for the phone and shows the code"

# The pane's half blocks back to modules (▀ top, ▄ bottom, █ both), 4x4 pixels each, as a PBM.
screen > "$WORK/pane.txt"
python3 - "$WORK/pane.txt" "$WORK/qr.pbm" <<'PY'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
blocks = {"\u2580": (1, 0), "\u2584": (0, 1), "\u2588": (1, 1)}
cols = [i for l in lines for i, ch in enumerate(l) if ch in blocks]
rows = [y for y, l in enumerate(lines) if any(ch in blocks for ch in l)]
assert cols and rows, "no QR code on the screen"
x0, x1, y0, y1 = min(cols) - 4, max(cols) + 5, rows[0] - 2, rows[-1] + 3
px = []
for y in range(y0, y1):
    l = lines[y] if 0 <= y < len(lines) else ""
    top, low = [], []
    for x in range(x0, x1):
        t, b = blocks.get(l[x] if 0 <= x < len(l) else " ", (0, 0))
        top.append(t); low.append(b)
    for half in (top, low):
        row = [v for v in half for _ in range(4)]
        px += [row] * 4
with open(sys.argv[2], "w") as f:
    f.write(f"P1\n{len(px[0])} {len(px)}\n")
    for r in px: f.write(" ".join(map(str, r)) + "\n")
PY
url=$(zbarimg -q --raw -Sdisable -Sqrcode.enable "$WORK/qr.pbm") || { echo "FAIL: zbarimg cannot read the code on the screen"; cat "$WORK/pane.txt"; exit 1; }
[[ "$url" =~ ^HTTPS://[A-Z0-9.:]+/PAY/([A-Z2-9]{12})$ ]] || { echo "FAIL: the code holds '$url', not the window's link"; exit 1; }
token=${BASH_REMATCH[1]}
ok "zbarimg reads the window's payment link off the terminal: $url"

on_screen "$(visual 'درخواست شما ثبت شد.')" && { echo "FAIL: submitted before the phone paid"; exit 1; }
curl_sim -X POST -H 'Content-Type: application/json' -d "{\"token\":\"$token\",\"outcome\":\"approve\"}" \
  "$SIM_URL/test/phone-pay" > "$WORK/phone.json" || { echo "FAIL: the phone's payment"; exit 1; }
pay_wait_receipt
ok "paid on the phone: the kiosk moved on by itself and the request is registered"
stop_kiosk

pay_assert_counts <<'PY'
assert rows == [], rows  # the card terminal was never asked
phone = json.load(open(sys.argv[4].replace("pos.db", "phone.json")))
assert phone["status"] == "paid", phone
assert len(reqs) == 1 and reqs[0].get("invoice_id") == phone["invoice_id"], reqs
print(f"# no sale at the terminal; one request {reqs[0]['tracking_code']} carrying invoice {phone['invoice_id']}")
PY
ok "counted at the simulators: nothing at the card terminal, one request carrying the paid invoice"
summary
