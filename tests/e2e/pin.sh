#!/usr/bin/env bash
# Issue 15, defect 14: before the last PIN try the PIN screen says that one more wrong PIN blocks
# the card — not only a count.
source "$(dirname "$0")/lib.sh"
LAST='آخرین تلاش: با یک رمز اشتباه دیگر، کارت شما مسدود می‌شود.'
start_kiosk 80 24 --demo
wait_for "$(visual "$HOME_TEXT")"
keys F5
wait_for "$(visual 'رمز کارت خود را وارد کنید')"
if on_screen "$(visual "$LAST")"; then echo "FAIL: last-try warning with three tries left"; screen; exit 1; fi
keys 9 9 9 9 Enter
wait_for "$(visual 'رمز اشتباه است.')" 10000
wait_for "$(visual 'تعداد تلاش باقی‌مانده پیش از مسدود شدن رمز: ۲')"
if on_screen "$(visual "$LAST")"; then echo "FAIL: last-try warning with two tries left"; screen; exit 1; fi
keys 9 9 9 8 Enter
wait_for "$(visual "$LAST")" 10000
ok "after two wrong PINs: «$LAST»"
keys F2
wait_for 'Last try: one more wrong PIN blocks your card.' 3000
ok "and in English"
keys 1 2 3 4 Enter                             # the right PIN still signs in
wait_for 'Find a service' 10000
ok "the right PIN on the last try signs in"
summary
