#!/usr/bin/env bash
# Issue 6's citizen flows through the real binary, by keypad (digits, arrows, Enter,
# Backspace) plus typed search words: in Persian and in English.
source "$(dirname "$0")/lib.sh"

login() {  # insert the demo card and type its PIN
  keys F5
  wait_for "$1"
  keys 1 2 3 4 Enter
  wait_for "$2" 10000
}

# --- Persian: Arabic letters in the search, a Jalali date in Persian digits ---
mkdir -p "$WORK/receipts"
printf '[receipt]\nprinter = png\nprinter_dest = %s\npaper_mm = 80\n' "$WORK/receipts" > "$WORK/pishkhan.conf"
start_kiosk 80 24 --demo --config "$WORK/pishkhan.conf"
wait_for "$(visual "$HOME_TEXT")"
login "$(visual 'رمز کارت خود را وارد کنید')" "$(visual 'زهرا محمدی')"
keys 1
wait_for "$(visual 'جستجو:')"
keys -l 'سوء پيشينه'                       # Arabic yeh (U+064A), as an Arabic layout types it
wait_for "$(visual 'صدور گواهی عدم سوء پیشینه')"
assert_all_shaped
ok "search with Arabic yeh finds «صدور گواهی عدم سوء پیشینه»"
keys Enter
wait_for "$(visual 'هزینه:')"
keys Enter                                   # start the form
wait_for "$(visual 'کد ملی متقاضی:')"
wait_for "$(visual 'از کارت ملی شما')"       # the national code and date of birth come from the card,
wait_for "$(visual 'ثبت‌شده در پنجره ملی')"  # the mobile from the window's record
keys 0 0 9 9 9                               # typed anyway: nothing is asked, nothing changes
keys Enter
wait_for "$(visual 'لطفاً پیش از ارسال، درخواست خود را بررسی کنید.')"
on_screen "۱۳۷۰/۰۵/۱۲" || { echo "FAIL: review does not show the card's Jalali date of birth"; screen; exit 1; }
on_screen "۰۰۷۱۲۳۴۵۶۱" || { echo "FAIL: review does not show the card's national code"; screen; exit 1; }
on_screen "۰۹۳۵۱۲۳۴۵۶۷" || { echo "FAIL: review does not show the window's mobile"; screen; exit 1; }
ok "form: nothing typed — the card's national code and date of birth, the window's mobile, each with its source"
keys Enter
wait_for "$(visual 'درخواست شما ثبت شد.')" 15000
code_line=$(screen | grep -F "$(visual 'کد رهگیری:')")
# Issue 15: the 16-digit code in fours, left to right, for reading aloud («۱۴۵۷ ۱۴۳۵ ۸۲۴۸ ۷۲۶۷»).
FA4='[\x{06F0}-\x{06F9}]{4}'
echo "$code_line" | grep -qP "$FA4 $FA4 $FA4 $FA4" || { echo "FAIL: no tracking code in fours: $code_line"; exit 1; }
assert_all_shaped
ok "submitted; receipt screen shows the tracking code: $code_line"

keys 1                                       # print
wait_for "$(visual 'چاپ شد. لطفاً رسید خود را بردارید.')" 10000
png=$(ls "$WORK"/receipts/*.png | head -1)
token=$(zbarimg --raw -q -Sdisable -Sqrcode.enable "$png")
[ -n "$token" ] || { echo "FAIL: the printed receipt's QR does not decode"; exit 1; }
"$PK_BIN" receipt verify --jwks "$PK_BINARY_DIR/pki/window/jwks.json" "$png" > "$WORK/verify.txt" \
  || { echo "FAIL: the printed receipt does not verify"; cat "$WORK/verify.txt"; exit 1; }
forged="${token%?}$( [ "${token: -1}" = A ] && echo B || echo A )"
if "$PK_BIN" receipt verify --jwks "$PK_BINARY_DIR/pki/window/jwks.json" "$forged" > /dev/null 2>&1; then
  echo "FAIL: a forged receipt verifies"; exit 1
fi
ok "printed receipt: its QR decodes with zbarimg, verifies offline, a forged one does not"

# Follow the request by its tracking code (typed with the keypad), then the inbox and
# the report card from an inquiry.
grouped=$(screen | grep -F "$(visual 'کد رهگیری:')" | grep -oP "$FA4 $FA4 $FA4 $FA4" | head -1)
code=${grouped// /}
keys Enter
wait_for "$(visual 'جستجوی خدمت')"
keys 3
wait_for "$(visual 'کد رهگیری را بنویسید یا اسکن کنید')"
keys -l "$code"
keys Enter
wait_for "$(visual 'وضعیت:')" 10000
wait_for "$(visual 'تاریخ ثبت:')"
screen | grep -F "$(visual 'کد رهگیری:')" | grep -qF "$grouped" || { echo "FAIL: status screen: code not in fours"; screen; exit 1; }
ok "status inquiry by the tracking code $code, shown as $grouped"
keys BSpace; for _ in $(seq 1 20); do keys BSpace; done
wait_for "$(visual 'جستجوی خدمت')"
keys 4
wait_for "$(visual 'کارتابل شما')"
wait_for "$(visual 'بیمه نوزاد پس از تولد')" 10000
keys 3
wait_for "$(visual 'رفتن به این خدمت و پر کردن فرم آن')" 3000
ok "inbox: proactive services listed, one opened"
keys BSpace
wait_for "$(visual 'کارتابل شما')"
keys BSpace
wait_for "$(visual 'جستجوی خدمت')"
keys 5
wait_for "$(visual 'کارنامه تحصیلی دانش‌آموز' | sed 's/\xe2\x80\x8c//g')" 10000
on_screen '******4561' || { echo "FAIL: masked code not in reading order"; screen; exit 1; }
assert_all_shaped
ok "report card from an inquiry: shown with the masked code in reading order"
keys BSpace

# Card removal in the middle of a form, then the next citizen sees nothing of this one.
wait_for "$(visual 'جستجوی خدمت')"
keys 1
keys -l 'کارت هوشمند'
wait_for "$(visual 'صدور کارت هوشمند ملی')"
keys Enter Enter
wait_for "$(visual 'کد ملی متقاضی:')"
keys 0 0 7 1 2
start=$(now_ms)
keys F5
wait_for "$(visual "$HOME_TEXT")" 1000
ok "card removed mid-form: home in $(( $(now_ms) - start )) ms"
keys F6                                      # the next citizen's card
login "$(visual 'رمز کارت خود را وارد کنید')" "$(visual 'رمز اشتباه است.')" # citizen2's PIN is 5678
keys 5 6 7 8 Enter
wait_for "$(visual 'رضا حسینی')" 10000
for trace in "$(visual 'زهرا محمدی')" "00712" "۰۰۷۱۲"; do
  if on_screen "$trace"; then echo "FAIL: previous citizen's data on screen: $trace"; exit 1; fi
done
ok "next citizen's session shows nothing of the previous one"
stop_kiosk

# --- English, keypad only after the search word ---
start_kiosk 80 24 --demo --lang en
wait_for "Welcome"
login "Enter your card PIN" "Hello, Zahra Mohammadi"
keys 1
keys -l 'criminal record'
wait_for "Issue of a clean criminal record certificate"
keys Enter Enter
wait_for "Applicant's national code"
wait_for "from your national card"           # the card's: not asked
wait_for "on file at the national window"    # the mobile, the window's
keys Enter
wait_for "Please check your request"
keys Enter
wait_for "Your request was registered." 15000
grep -qE "Tracking code: +[0-9]{4}( [0-9]{4}){3}" <<<"$(screen)" || { echo "FAIL: no tracking code in fours"; screen; exit 1; }
ok "English: searched, filled with the date picker, submitted: $(screen | grep -oE 'Tracking code: +[0-9]{4}( [0-9]{4}){3}')"
summary
