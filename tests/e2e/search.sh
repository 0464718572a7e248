#!/usr/bin/env bash
# Issue 15, defect 11: search as a citizen with a keypad would use it. The true count (not a
# cap of 200), each result with its agency, the query in Persian digits, results picked by
# digit once the arrows moved into them, and a held Backspace that stops at the empty query
# instead of running on into the dashboard.
source "$(dirname "$0")/lib.sh"
start_kiosk 100 30 --demo
wait_for "$(visual "$HOME_TEXT")"
demo_sign_in
keys 1
wait_for "$(visual 'جستجو:')"
keys -l 'صدور'
# 1,231 of the demo catalog's titles hold «صدور» (counted when the defect was filed).
wait_for "$(visual '۱٬۲۳۱ خدمت پیدا شد')" 3000
wait_for "$(visual 'صفحه ۱ از ۱۵۴')" 1000
ok "«صدور»: 1,231 services found, in 154 pages (before: 200)"
list=$(screen)
rows=$(grep -c -- '—' <<<"$list" || true)
(( rows == 8 )) || { echo "FAIL: $rows of 8 results name their agency"; echo "$list"; exit 1; }
ok "each of the 8 results on the page names its agency"
keys 2
wait_for "$(visual 'جستجو: صدور۲')" 1000
keys BSpace
wait_for "$(visual 'جستجو: صدور_')" 1000
ok "a digit typed in the query shows in Persian digits"
keys Down
wait_for "$(visual '۳  صدور')" 1000
list=$(screen)
keys 3
wait_for "$(visual 'سطح احراز هویت:')" 2000
title=$(screen | sed -n '4,$p' | grep -m1 -v '^ *$' | sed 's/^ *//; s/ *$//')  # the card's title row
[ -n "$title" ] && grep -qF -- "$title" <<<"$list" || { echo "FAIL: the card '$title' is not a listed result"; exit 1; }
ok "after an arrow, digit 3 opened a listed result: $title"
keys BSpace
wait_for "$(visual 'جستجو: صدور')" 2000
# A held key: far more presses than the query has letters, as fast as tmux sends them.
keys BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace \
  BSpace BSpace BSpace BSpace BSpace
wait_for "$(visual 'واژه‌ای از نام خدمت را بنویسید')" 2000
sleep 0.3
on_screen "$(visual 'جستجو:')" || { echo "FAIL: a held Backspace left the search"; screen; exit 1; }
ok "a held Backspace stops at the empty query"
sleep 1.1 # the guard: a Backspace a second after the query emptied leaves
keys BSpace
wait_for "$(visual 'جستجوی خدمت')" 2000
ok "a later Backspace goes back to the dashboard"
summary
