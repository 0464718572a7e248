#!/usr/bin/env bash
# Issue 12 item 3 at the self-service kiosk: a citizen without a card signs in with their
# national code, the mobile registered for it and the one-time code the window texts there
# (the demo window's stand-in for the SMS gateway writes it to its log). Level 2: a service
# that needs the card says so.
source "$(dirname "$0")/lib.sh"
start_kiosk 100 30 --demo
wait_for "$(visual "$HOME_TEXT")"
keys 1
wait_for "$(visual 'ورود بدون کارت')" 10000  # an ASan build may still be loading the catalog
keys -l '۱۲۳۴۵۶۷۸۹۱'                       # Persian digits, as a Persian keypad types them
wait_for "$(visual 'کد ملی: ۱۲۳۴۵۶۷۸۹۱_')" 10000
keys Enter
wait_for "$(visual 'شماره تلفن همراه: _')"
keys 0 9 1 2 1 2 3 4 5 6 7
wait_for "$(visual 'شماره تلفن همراه: ۰۹۱۲۱۲۳۴۵۶۷_')"
keys Enter
wait_for "$(visual 'فرستاده شد. آن را بنویسید و سپس Enter را بزنید.')" 10000
code=$(sed -n 's/.*window-sim: OTP for .* is \([0-9]*\)$/\1/p' "$WORK/stderr.log" | tail -1)
[ -n "$code" ] || { echo "FAIL: no code in the window's log"; tail "$WORK/stderr.log"; exit 1; }
ok "no card: national code and mobile accepted, a code was texted"
for d in $(echo "$code" | grep -o .); do keys "$d"; done
wait_for "* * * * * *" 2000
on_screen "$code" && { echo "FAIL: the code is on screen"; exit 1; }
keys Enter
wait_for "$(visual 'جستجوی خدمت')" 10000
ok "the one-time code signed the citizen in (shown as stars, never in clear)"
# The kiosk's own log lines (not the simulator's SMS stand-in) never hold the code.
own_log=$(grep -v 'window-sim: OTP for' "$WORK/stderr.log" || true)
if grep -qF "$code" <<<"$own_log"; then echo "FAIL: the code is in the kiosk's log"; exit 1; fi
ok "the code is in no log line of the kiosk"
keys 1
wait_for "$(visual 'جستجو:')"
keys -l 'کارت هوشمند'
wait_for "$(visual 'صدور کارت هوشمند ملی')" 3000
keys Enter
wait_for "$(visual 'سطح احراز هویت:')" 2000
keys Enter
wait_for "$(visual 'این خدمت به سطح احراز هویتی بالاتر از سطح این نشست نیاز دارد.')" 2000
ok "a service that needs the card explains it to a citizen signed in without one"
summary
