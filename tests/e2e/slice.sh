#!/usr/bin/env bash
# The foundation's vertical slice, in Persian, through the real binary:
# home -> insert the demo card -> PIN -> the citizen's name -> card removed -> home in < 1 s.
source "$(dirname "$0")/lib.sh"

start_kiosk 80 24 --demo
wait_for "$(visual "$HOME_TEXT")"
assert_all_shaped
ok "Persian home screen, shaped"

# Right-aligned: the title ends at the right edge of the header (one cell of margin).
title=$(visual 'پیشخوان خدمات دولت هوشمند')
# (capture-pane drops trailing blanks, so the line must end with the title itself)
[[ "$(screen | head -1)" == *"$title" ]] || { echo "FAIL: title not at the right edge"; screen | head -1; exit 1; }
ok "header right-aligned"

keys F5
wait_for "$(visual 'رمز کارت خود را وارد کنید')"
assert_all_shaped
ok "card inserted, PIN screen"

keys 1 2 3 4
wait_for "* * * *"
if on_screen 1234; then echo "FAIL: PIN shown in clear"; exit 1; fi
keys Enter
wait_for "$(visual 'زهرا محمدی')" 10000
assert_all_shaped
ok "PIN accepted, citizen's name from the card shown"

start=$(now_ms)
keys F5
wait_for "$(visual "$HOME_TEXT")" 1000
elapsed=$(( $(now_ms) - start ))
if on_screen "$(visual 'زهرا محمدی')"; then echo "FAIL: name still on screen after removal"; exit 1; fi
ok "card removed: home screen in ${elapsed} ms, no trace of the citizen"

keys F10
for _ in $(seq 1 50); do [ -f "$WORK/exit" ] && break; sleep 0.1; done
grep -q 'EXITED:0' "$WORK/exit" || {
  echo "FAIL: did not exit cleanly: $(cat "$WORK/exit" 2>/dev/null)"
  tail -60 "$WORK/stderr.log"
  exit 1
}
ok "F10 quits with status 0"
summary
