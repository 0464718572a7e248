#!/usr/bin/env bash
# A slow national window: the spinner turns, Esc stops waiting for a submit without unsending
# it (the review shows its queue reference, then what became of it), and a card removal in the
# middle of a network call still wipes at once.
source "$(dirname "$0")/lib.sh"
printf '[demo]\nlatency_ms = 4000\n' > "$WORK/pishkhan.conf"
start_kiosk 80 24 --demo --config "$WORK/pishkhan.conf"
wait_for "$(visual "$HOME_TEXT")"
keys F5
wait_for "$(visual 'رمز کارت خود را وارد کنید')"
keys 1 2 3 4 Enter
wait_for "$(visual 'در حال بررسی رمز و ورود به پنجره ملی.')"
a=$(screen | grep -F "$(visual 'در حال بررسی رمز')"); sleep 0.5; b=$(screen | grep -F "$(visual 'در حال بررسی رمز')")
[ "$a" != "$b" ] || { echo "FAIL: the spinner does not turn during the login call"; exit 1; }
ok "spinner turns while the window is slow"
wait_for "$(visual 'زهرا محمدی')" 20000
keys 1
keys -l 'سوء پيشينه'
wait_for "$(visual 'صدور گواهی عدم سوء پیشینه')"
keys Enter Enter
wait_for "$(visual 'از کارت ملی شما')"
keys 0 9 1 2 1 2 3 4 5 6 7 Enter
wait_for "$(visual 'لطفاً پیش از ارسال، درخواست خود را بررسی کنید.')"
keys Enter
wait_for "$(visual 'در حال ارسال درخواست شما به پنجره ملی...')"
keys Escape
wait_for "$(visual 'انتظار را متوقف کردید.')" 1000
wait_for "$(visual 'شماره صف:')" 1000
ok "Esc stops waiting at once; the review shows the request's queue reference"
wait_for "$(visual 'درخواست شما ثبت شد.')" 15000
ok "the answer that came after Esc is told: the request was registered"
keys Enter
wait_for "$(visual 'جستجوی خدمت')"
keys 4
start=$(now_ms)
keys F5
wait_for "$(visual "$HOME_TEXT")" 1000
ok "card removed during the inbox call: home in $(( $(now_ms) - start )) ms"
if on_screen "$(visual 'زهرا محمدی')"; then echo "FAIL: name on screen"; exit 1; fi
summary
