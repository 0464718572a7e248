#!/usr/bin/env bash
# Issue 15, defect 12: the window's words in the screen's language and digits. In Persian the
# tracking code in an inbox message is in Persian digits and a grade takes the Persian decimal
# point («۱۷٫۲۵»), none above 20; in English a service card names its agency.
source "$(dirname "$0")/lib.sh"

start_kiosk 80 24 --demo
demo_login

# A request, so that the inbox holds the window's message with its tracking code.
keys 1
wait_for "$(visual 'جستجو:')"
keys -l 'سوء پیشینه'
wait_for "$(visual 'صدور گواهی عدم سوء پیشینه')"
keys Enter
wait_for "$(visual 'هزینه:')"
keys Enter
wait_for "$(visual 'کد ملی متقاضی:')"
wait_for "$(visual 'ثبت‌شده در پنجره ملی')"     # the card and the window know every field
keys Enter
wait_for "$(visual 'لطفاً پیش از ارسال، درخواست خود را بررسی کنید.')"
keys Enter
wait_for "$(visual 'درخواست شما ثبت شد.')" 15000
keys Enter
wait_for "$(visual 'جستجوی خدمت')"
keys 4
wait_for "$(visual 'کارتابل شما')"
wait_for "$(visual 'ثبت شد.')" 10000
now=$(screen)
if grep -qP '[0-9]{6}' <<<"$now"; then echo "FAIL: Latin digits in Persian mode"; echo "$now"; exit 1; fi
grep -qP '[\x{06F0}-\x{06F9}]{16}' <<<"$now" || { echo "FAIL: no tracking code in Persian digits"; echo "$now"; exit 1; }
ok "the window's inbox message shows its tracking code in Persian digits"
keys BSpace
wait_for "$(visual 'جستجوی خدمت')"

keys 5
wait_for "$(visual 'ریاضی:')" 10000
now=$(screen)
if grep -qP '[\x{06F0}-\x{06F9}]\.[\x{06F0}-\x{06F9}]' <<<"$now"; then
  echo "FAIL: a Latin point between Persian digits"; echo "$now"; exit 1
fi
grep -qP '[\x{06F0}-\x{06F9}]\x{066B}[\x{06F0}-\x{06F9}]' <<<"$now" || { echo "FAIL: no Persian decimal point"; echo "$now"; exit 1; }
grades=$(grep -oP '[\x{06F0}-\x{06F9}]{2}\x{066B}[\x{06F0}-\x{06F9}]{2}' <<<"$now" | sed 'y/۰۱۲۳۴۵۶۷۸۹٫/0123456789./')
[ "$(wc -l <<<"$grades")" -ge 6 ] || { echo "FAIL: six grades expected: $grades"; exit 1; }
while read -r g; do
  awk -v g="$g" 'BEGIN { exit !(g <= 20) }' || { echo "FAIL: a grade of $g out of 20"; exit 1; }
done <<<"$grades"
ok "report card: grades with the Persian decimal point, none above 20 ($(tr '\n' ' ' <<<"$grades"))"
keys BSpace
wait_for "$(visual 'جستجوی خدمت')"

keys F2
wait_for "Find a service"
# The report card in English: a result in words has its English form, not «قبول».
keys 5
wait_for "Mathematics:" 10000
wait_for "Passed"
on_screen "قبول" && { echo "FAIL: a Persian result on the English report card"; screen; exit 1; }
ok "English report card: the result reads Passed"
keys BSpace
wait_for "Find a service"
keys 1
wait_for "Search:"
keys -l 'criminal record'
wait_for "clean criminal record"
keys Enter
wait_for "Fee:"
wait_for "the Judiciary of the Islamic Republic of Iran."
on_screen "this agency" && { echo "FAIL: the card does not name its agency"; screen; exit 1; }
ok "English service card: provided by the Judiciary of the Islamic Republic of Iran"

# A service that needs documents: in English, their English names.
keys BSpace
wait_for "Verification of criminal record certificate"
keys Down   # into the results: each row gets the digit that picks it
wait_for "1  "
n=$(screen | grep -o '[0-9]\+[^0-9A-Za-z]*Verification of criminal record certificate' | grep -o '^[0-9]\+' | head -1 || true)
[ -n "$n" ] || { echo "FAIL: no number on the search row"; screen; exit 1; }
keys "$n"
wait_for "Documents:"
wait_for "Copy of the birth certificate"
if screen | grep -A4 'Documents:' | grep -qP '[\x{0600}-\x{06FF}]'; then
  echo "FAIL: Persian document names on the English card"; screen; exit 1
fi
ok "English service card: its documents by their English names"
summary
