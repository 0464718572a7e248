#!/usr/bin/env bash
# Issue 15, defect 10: the home screen gives one instruction at a time, by whether a card is in:
# after a sign-out only "take your card" until it is out, then only "insert your card".
source "$(dirname "$0")/lib.sh"
TAKE='لطفاً کارت خود را بردارید.'
REMOVE='لطفاً کارت خود را خارج کنید.'
only_take() {
  local s
  s=$(screen)
  for t in "$HOME_TEXT" "$REMOVE" 'کارت خود را وارد کنید'; do
    if grep -qF -- "$(visual "$t")" <<<"$s"; then echo "FAIL: '$t' beside 'take your card':" >&2; echo "$s" >&2; exit 1; fi
  done
}
start_kiosk 80 24 --demo
wait_for "$(visual "$HOME_TEXT")"
if on_screen "$(visual "$TAKE")"; then echo "FAIL: 'take your card' with no card in"; screen; exit 1; fi
keys F5
wait_for "$(visual 'رمز کارت خود را وارد کنید')"
keys 1 2 3 4 Enter
wait_for "$(visual 'زهرا محمدی')" 10000
keys 0                                        # sign out, the card still in
wait_for "$(visual "$TAKE")"
only_take
ok "signed out with the card in: only «please take your card»"
keys F5                                       # the card comes out
wait_for "$(visual "$HOME_TEXT")"
if on_screen "$(visual "$TAKE")"; then echo "FAIL: 'take your card' after it is out"; screen; exit 1; fi
ok "card out: only «insert your card»"

# Defect 14: a card refused as tampered says where to go, not only that it cannot be used.
for _ in $(seq 10); do screen | grep -qF 'tampered' && break; keys F6; sleep 0.2; done
screen | grep -qF 'tampered' || { echo "FAIL: no tampered demo card"; screen; exit 1; }
keys F5
wait_for "$(visual 'امضای صادرکننده')" 10000
wait_for "$(visual 'دفاتر ثبت احوال')" 3000
ok "a tampered card is refused and the citizen is told to take it to a civil registration office"
summary
