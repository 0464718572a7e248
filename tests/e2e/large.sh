#!/usr/bin/env bash
# Issue 15, defect 14: on a large screen (120x40) a form's help stands under the field it helps
# with, where the eye is, not at the screen's foot (it was 25 rows below). Persian and English.
source "$(dirname "$0")/lib.sh"

row_of() { screen | grep -nF -- "$1" | head -1 | cut -d: -f1; }

# check_help LABEL HELP: the help's row is at most 3 below the current field's.
check_help() {
  wait_for "$1"
  wait_for "$2"
  local f h
  f=$(row_of "$1") h=$(row_of "$2")
  (( h > f && h - f <= 3 )) || { echo "FAIL: the help is $((h - f)) rows from its field (row $f, help row $h)"; screen; exit 1; }
}

start_kiosk 120 40 --demo
demo_login
keys 1
wait_for "$(visual 'جستجو:')"
keys -l 'استعلام خلافی خودرو'
wait_for "$(visual 'استعلام خلافی خودرو')" 10000
keys Enter
wait_for "$(visual 'هزینه:')"
keys Enter                                     # the code and mobile are known: the vehicle's type is asked
check_help "$(visual 'نوع وسیله نقلیه:')" "$(visual 'شماره گزینه را بزنید یا از پیکان‌ها استفاده کنید.')"
ok "Persian, 120x40: the help is right under the field asked"
keys F2
check_help "Vehicle type:" "Press the number of your choice, or use the arrows."
ok "English, 120x40: the help is right under the field asked"
summary
