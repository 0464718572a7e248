#!/usr/bin/env bash
# Issue 15, defect 9: at 80x24, in Persian and in English, no screen's key hints or banner lose
# words (cut text ends in '…'), and the idle warning keeps its instruction.
source "$(dirname "$0")/lib.sh"
cat > "$WORK/pishkhan.conf" <<'CONF'
[kiosk]
idle_timeout = 30
idle_warning = 20
CONF
EN_MARK='F2: English'       # the language key names the other language: shown in Persian mode
# no_cut NAME: the bottom rows (banner, hints) of the screen as it is now hold no cut word.
no_cut() {
  local s
  s=$(screen | tail -4)
  if grep -qF '…' <<<"$s"; then echo "FAIL: $1: cut text at 80x24:" >&2; screen >&2; exit 1; fi
}
# both NAME: no_cut in the language shown, then in the other, and back.
both() {
  no_cut "$1 (fa)"
  keys F2
  wait_gone "$EN_MARK" 3000
  no_cut "$1 (en)"
  keys F2
  wait_for "$EN_MARK" 3000
}
start_kiosk 80 24 --demo --config "$WORK/pishkhan.conf"
wait_for "$(visual "$HOME_TEXT")"
wait_for "$(visual 'شبکه: برخط')" 10000     # started: the link is up (the status line is final)
# and the demo's first (full) catalog sync is written: until then the loop is busy with it, and a
# key waits (seconds, in a sanitizer build under load), longer than each step here allows.
wait_log 'catalog: version' 20000
both home
keys F5
wait_for "$(visual 'رمز کارت خود را وارد کنید')"
both pin
keys 1 2 3 4 Enter
wait_for "$(visual 'جستجوی خدمت')" 10000
both dashboard
keys 2
wait_for "$(visual 'دستگاه اجرایی را انتخاب کنید')"
both agencies
keys 1
wait_for "$(visual 'صفحه')" 3000
both services
keys BSpace BSpace
wait_for "$(visual 'جستجوی خدمت')"
keys 3
wait_for "$(visual 'کد رهگیری')"
both status
keys BSpace
wait_for "$(visual 'جستجوی خدمت')"
keys 4
wait_for "$(visual 'کارتابل شما')" 5000
both inbox
wait_for "$(visual 'بیمه نوزاد پس از تولد')" 5000
keys 3
wait_for "$(visual 'رفتن به این خدمت و پر کردن فرم آن')" 3000
both "inbox notice"
keys BSpace
wait_for "$(visual 'کارتابل شما')"
keys BSpace
wait_for "$(visual 'جستجوی خدمت')"
keys 1
keys -l 'کارت هوشمند'
wait_for "$(visual 'صدور کارت هوشمند ملی')"
both search
keys Enter
wait_for "$(visual 'سطح احراز هویت')"
both service
keys Enter
wait_for "$(visual 'کد ملی متقاضی:')"
both form
ok "home, PIN, dashboard, agencies, services, status, inbox, inbox notice, search, service, form: no cut hint in fa or en"

# The idle warning, in Persian then English: it ends with its instruction (a long sentence wraps,
# and with no '…' the last word on screen is the sentence's last).
wait_for "$(visual 'هنوز اینجا هستید؟')" 20000
no_cut "idle warning (fa)"
on_screen "$(visual 'بزنید.')" || { echo "FAIL: the idle warning lost its instruction (fa)"; screen; exit 1; }
keys F2                                       # a key: the session goes on, in English
wait_gone "$EN_MARK" 3000
wait_for 'Are you still there?' 20000
no_cut "idle warning (en)"
on_screen 'continue.' || { echo "FAIL: the idle warning lost its instruction (en)"; screen; exit 1; }
ok "the idle warning keeps «press any key to continue» in fa and en"
summary
