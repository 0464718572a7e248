#!/usr/bin/env bash
# The terminal around the kiosk: --kiosk keeps every exit key from working, the layout
# follows SIGWINCH (too small, then big again), and a tap works like its key.
source "$(dirname "$0")/lib.sh"

start_kiosk 80 24 --demo --kiosk
wait_for "$(visual "$HOME_TEXT")"
keys C-c; keys C-z; keys 'C-\'; keys F10; keys C-q
sleep 1
[ ! -f "$WORK/exit" ] || { echo "FAIL: an exit key worked in kiosk mode: $(cat "$WORK/exit")"; exit 1; }
screen | grep -qF -- "$(visual "$HOME_TEXT")" || { echo "FAIL: home screen gone"; screen; exit 1; }
ok "--kiosk: Ctrl-C, Ctrl-Z, Ctrl-\\, F10 and Ctrl-Q do not leave the program"

tm resize-window -t k -x 60 -y 20
wait_for "$(visual 'پنجره خیلی کوچک است.')" 3000
ok "60x20: a clear 'too small' message"
tm resize-window -t k -x 120 -y 40
wait_for "$(visual "$HOME_TEXT")" 3000
[ "$(screen | head -1 | wc -m)" -gt 100 ] || { echo "FAIL: no relayout to 120 columns"; screen | head -1; exit 1; }
ok "120x40: laid out again for the larger screen"

# A tap on a dashboard row (xterm mouse report: ESC [ M button col row, each + 32).
keys F5
wait_for "$(visual 'رمز کارت خود را وارد کنید')"
# The numeric keypad in application mode (SS3: ESC O q = 1 ... ESC O M = Enter, ESC O k/m/j/o =
# + - * /), as some terminals send it: digits and Enter, never an Esc that cancels the PIN.
ss3() { printf '\033O%s' "$@"; }
keys -l "$(ss3 k m j o)"
keys -l "$(ss3 q r s t)"
wait_for "* * * *" 3000
screen | grep -qF -- "$(visual 'رمز کارت خود را وارد کنید')" || { echo "FAIL: keypad keys left the PIN screen"; screen; exit 1; }
keys -l "$(ss3 M)"
wait_for "$(visual 'جستجوی خدمت')" 10000
ok "application-keypad digits and Enter sign in on the PIN screen; + - * / do not cancel it"
row=$(screen | grep -nF -- "$(visual 'خدمات به تفکیک دستگاه')" | cut -d: -f1)
[ -n "$row" ] || { echo "FAIL: dashboard row not found"; exit 1; }
press=$(printf '\033[M%b%b%b' "\\x20" "\\x$(printf %x $((32 + 60)))" "\\x$(printf %x $((32 + row)))")
release=$(printf '\033[M%b%b%b' "\\x23" "\\x$(printf %x $((32 + 60)))" "\\x$(printf %x $((32 + row)))")
keys -l "$press$release"
wait_for "$(visual 'دستگاه اجرایی را انتخاب کنید')" 3000
ok "a tap on «services by agency» opens the agency list"

tm kill-session -t k 2>/dev/null || true
summary
