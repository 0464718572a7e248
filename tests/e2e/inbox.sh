#!/usr/bin/env bash
# Issue 15, defect 7: an inbox item opens when chosen (the screen follows at once), and a
# proactive notice leads on to its service and its form; Back returns to the inbox.
source "$(dirname "$0")/lib.sh"

start_kiosk 80 24 --demo
demo_login
keys 4
wait_for "$(visual 'کارتابل شما')"
wait_for "$(visual 'بیمه نوزاد پس از تولد')" 10000
row=$(screen | grep -F "$(visual 'بیمه نوزاد پس از تولد')" | grep -oP '[۱-۹]' | head -1)
[ -n "$row" ] || { echo "FAIL: the notice has no digit to pick it"; screen; exit 1; }
digit=$(printf '%s' "$row" | sed 'y/۱۲۳۴۵۶۷۸۹/123456789/')
keys "$digit"
wait_for "$(visual 'رفتن به این خدمت و پر کردن فرم آن')" 2000
on_screen "$(visual 'زیر پوشش بیمه سلامت قرار گرفت.')" || { echo "FAIL: the notice's body is not shown"; screen; exit 1; }
wait_gone "$(visual 'کارتابل شما')" 2000
assert_all_shaped
ok "the notice «بیمه نوزاد پس از تولد» opens on its digit $digit: its body and how to go on"
keys Enter
wait_for "$(visual 'سطح احراز هویت:')" 5000
on_screen "$(visual 'بیمه نوزاد پس از تولد')" || { echo "FAIL: not the notice's service"; screen; exit 1; }
keys Enter
wait_for "$(visual 'کد ملی فرد:')" 5000
ok "Enter leads to the service «بیمه نوزاد پس از تولد» and its form"
keys Escape
wait_for "$(visual 'سطح احراز هویت:')" 5000
keys BSpace
wait_for "$(visual 'کارتابل شما')" 5000
ok "Back from the service returns to the inbox"
summary
