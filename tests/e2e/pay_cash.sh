#!/usr/bin/env bash
# Issue 13: cash at the counter ([payment] terminal = counter), the real binary in tmux with the
# demo's two readers. The clerk opens the shift; a citizen with a card asks for a fee service;
# the PAY screen says to take the fee in cash, and only the clerk's Enter (once the cash is in
# hand) records it, at the window, under the clerk; the request then leaves on the citizen's
# confirmation; the receipt and its signed token carry the amount; the shift's report counts
# the cash to hand over, and the audit log holds it and verifies.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/pay_lib.sh"
# The demo's window is the standalone simulator's catalog: one started briefly names a fee
# service with a simple form (TITLE, FEE).
start_window_sim
pay_pick_service
kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null || true
KIOSK_BIN=$PK_DEMO_BIN   # the counter with the demo's two in-process readers
mkdir -p "$WORK/receipts"
printf '[receipt]\nprinter = png\nprinter_dest = %s\npaper_mm = 80\n[payment]\nterminal = counter\n' \
  "$WORK/receipts" > "$WORK/pishkhan.conf"
start_counter "$WORK/pishkhan.conf"

keys F7
wait_for "$(visual 'رمز کارت خود را وارد کنید')" 10000
keys 0 0 0 0 Enter
wait_for "$(visual 'کارمند: نرگس جعفری')" 15000
keys F3
wait_for "$(visual 'نوبت شماره  ۱')"
keys F5
wait_for "$(visual 'شهروند گرامی: رمز کارت خود را روی صفحه‌کلیدِ روبه‌روی خود بزنید')" 10000
citizen $'1234\n'
wait_for "$(visual 'زهرا محمدی')" 15000
keys 1
wait_for "$(visual 'جستجو:')"
keys -l "$TITLE"
wait_for "$(visual "$TITLE")" 10000
keys Down Enter
wait_for "$(visual 'هزینه:')"
keys Enter
wait_for "$(visual 'ثبت‌شده در پنجره ملی')"     # the card and the window know every field
keys Enter
wait_for "$(visual 'لطفاً پیش از ارسال، درخواست خود را بررسی کنید.')"
keys Enter
wait_for "$(visual 'از شهروند بخواهید درخواست را بخواند')"
citizen $'\n'
wait_for "$(visual 'پرداخت نقدی هزینه در باجه')" 10000
wait_for "$(visual 'وجه نقد دریافت شد')" 10000
citizen $'\n'                                 # the citizen's keypad cannot say the cash is in hand
sleep 0.5
on_screen "$(visual 'پرداخت نقدی هزینه در باجه')" || { echo "FAIL: the citizen's Enter left the cash screen"; screen; exit 1; }
grep -q 'cash_received' "$WORK/stderr.log" && { echo "FAIL: cash recorded on the citizen's key"; exit 1; }
ok "the PAY screen asks the clerk to take the fee in cash; the citizen's keypad records nothing"
keys Enter                                    # the clerk: the cash is in hand
wait_for "$(visual 'درخواست شما ثبت شد.')" 15000
fee_fa=$(python3 -c 'import sys; print(f"{int(sys.argv[1]):,}".translate(str.maketrans("0123456789,", "۰۱۲۳۴۵۶۷۸۹٬")))' "$FEE")
wait_for "$(visual "پرداخت‌شده: $fee_fa ریال")"
ok "recorded at the window on the clerk's Enter; the request registered, the receipt shows $FEE rials paid"
keys 1
wait_for "$(visual 'چاپ شد. لطفاً رسید خود را بردارید.')" 10000
png=$(ls "$WORK"/receipts/*.png | head -1)
"$PK_BIN" receipt verify --jwks "$pki/window/jwks.json" "$png" > "$WORK/verify.txt" \
  || { echo "FAIL: the cash receipt does not verify"; cat "$WORK/verify.txt"; exit 1; }
tok=$(zbarimg -q --raw -Sdisable -Sqrcode.enable "$png")
claims=$(cut -d. -f2 <<<"$tok" | tr '_-' '/+' | base64 -d 2>/dev/null || true)
grep -q "\"am\":$FEE" <<<"$claims" || { echo "FAIL: the token does not carry the amount paid: $claims"; exit 1; }
grep -q '"pr":"' <<<"$claims" || { echo "FAIL: the token has no payment reference: $claims"; exit 1; }
grep -q '"ast":"' <<<"$claims" || { echo "FAIL: the token does not name the clerk: $claims"; exit 1; }
ok "the printed receipt verifies; its token carries the amount (am), the window's cash reference (pr) and the clerk (ast)"
keys F3
keys F5                                       # the citizen takes the card
keys F8
wait_for "$(visual 'نوبت کاری بسته شد.')" 10000
wait_log 'shift closed: report'
report=$(grep -F 'shift closed: report' "$WORK/stderr.log" | tail -1 | sed -n 's/.*report \(.*\), audit checkpoint at .*/\1/p')
[ -f "$report" ] || { echo "FAIL: no shift report"; exit 1; }
fee_en=$(python3 -c 'import sys; print(f"{int(sys.argv[1]):,}")' "$FEE")
for want in "Cash received (rials): $fee_en" 'Cash given back (rials): 0' "Cash to hand over (rials): $fee_en"; do
  grep -qF "$want" "$report" || { echo "FAIL: the shift report lacks '$want'"; cat "$report"; exit 1; }
done
data=$(dirname "$(dirname "$report")")
"$PK_BIN" audit --log "$data/audit.log" verify --jwks "$pki/device/jwks.json" > "$WORK/audit-verify.txt" \
  || { echo "FAIL: the audit log does not verify"; cat "$WORK/audit-verify.txt"; exit 1; }
n=$("$PK_BIN" audit --log "$data/audit.log" show --json | python3 -c '
import json, sys
print(sum(1 for e in json.load(sys.stdin) if e["kind"] == "cash_received"))')
[ "$n" = 1 ] || { echo "FAIL: $n cash_received entries in the audit log (want 1)"; exit 1; }
ok "the shift report counts $fee_en rials to hand over; the audit log holds one cash_received and verifies"
summary
