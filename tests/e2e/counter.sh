#!/usr/bin/env bash
# Issue 12: a clerk's shift at a two-reader counter, entirely by keyboard (the demo's two
# in-process readers: F7 the clerk's card, F5 the citizen's; the citizen's keypad is a FIFO).
# The clerk opens the shift with their own card and PIN; serves a citizen with a card, acting
# for a company; serves one without a card, first at level 1 by the date of birth, then (the
# way up, for a level 2 service) by a one-time code; never types or sees a PIN or a
# code; every request waits for the citizen's own confirmation. The clerk's card pulled locks
# the counter with nothing of the citizen on screen; the same card and PIN resume; F8 ends the
# shift, whose report names the audit log's checkpoint, and the log verifies.
source "$(dirname "$0")/lib.sh"
pki=${PK_BINARY_DIR:?}/pki
mkdir -p "$WORK/receipts"
printf '[receipt]\nprinter = png\nprinter_dest = %s\npaper_mm = 80\n[window]\nconnect_timeout_ms = 1000\ntotal_timeout_ms = 3000\nmax_retries = 0\n' \
  "$WORK/receipts" > "$WORK/pishkhan.conf"
start_counter "$WORK/pishkhan.conf"
F5_IN=0

keys 1                                        # a closed counter serves nobody
sleep 0.3
on_screen "$(visual 'ورود بدون کارت')" && { echo "FAIL: a closed counter took a citizen"; exit 1; }
keys F7
wait_for "$(visual 'رمز کارت خود را وارد کنید')" 10000
keys 0 0 0 0 Enter                            # the clerk's own PIN, on the clerk's keyboard
wait_for "$(visual 'کارمند: نرگس جعفری')" 15000
wait_log 'desk: closed -> open'
ok "the clerk's card and PIN opened the shift (the window's register confirmed the clerk)"

# --- a citizen with a card, acting for a company
keys F3                                       # call ticket 1
wait_for "$(visual 'نوبت شماره  ۱')"
keys F5
wait_for "$(visual 'شهروند گرامی: رمز کارت خود را روی صفحه‌کلیدِ روبه‌روی خود بزنید')" 10000
keys 1 2 3 4 Enter                            # the clerk tries: refused, nothing typed
wait_for "$(visual 'این را شهروند روی صفحه‌کلید خودش وارد می‌کند')"
on_screen '* *' && { echo "FAIL: the clerk's keyboard typed into the PIN"; exit 1; }
citizen $'1234\n'
wait_for "$(visual 'زهرا محمدی')" 15000
wait_for "$(visual 'با کمک کارمند باجه')"
ok "the citizen's PIN came from their keypad only; the clerk's keys were refused"
keys 6
wait_for "$(visual 'به نمایندگی از شرکت')" 10000
wait_for '۱۰۳۸۰۲۸۴۷۹۰' 10000                # the legal ID, in Persian digits
keys 1 Enter
wait_for "$(visual 'به نمایندگی از:')" 5000
ok "acting for a company chosen from the window's list of the citizen's signatures"
keys 1
wait_for "$(visual 'جستجو:')"
keys -l 'سوء پيشينه'
wait_for "$(visual 'صدور گواهی عدم سوء پیشینه')"
keys Enter
wait_for "$(visual 'هزینه:')"
keys Enter
wait_for "$(visual 'از کارت ملی شما')"          # the card's national code and date of birth,
wait_for "$(visual 'ثبت‌شده در پنجره ملی')"     # the window's mobile: nothing asked
keys Enter
wait_for "$(visual 'لطفاً پیش از ارسال، درخواست خود را بررسی کنید.')"
keys Enter                                    # the clerk cannot send alone
wait_for "$(visual 'از شهروند بخواهید درخواست را بخواند')"
sleep 0.3
on_screen "$(visual 'درخواست شما ثبت شد.')" && { echo "FAIL: sent without the citizen"; exit 1; }
citizen $'\n'
wait_for "$(visual 'درخواست شما ثبت شد.')" 15000
wait_for "$(visual 'با کمک کارمند باجه')"
ok "the request went once the citizen confirmed on their keypad"
keys 1
wait_for "$(visual 'چاپ شد. لطفاً رسید خود را بردارید.')" 10000
png=$(ls "$WORK"/receipts/*.png | head -1)
"$PK_BIN" receipt verify --jwks "$pki/window/jwks.json" "$png" > "$WORK/verify.txt" \
  || { echo "FAIL: the assisted receipt does not verify"; cat "$WORK/verify.txt"; exit 1; }
token=$(zbarimg --raw -q -Sdisable -Sqrcode.enable "$png")
claims=$(cut -d. -f2 <<<"$token" | tr '_-' '/+' | base64 -d 2>/dev/null || true)
grep -q '"obo":"10380284790"' <<<"$claims" || { echo "FAIL: no company in the token: $claims"; exit 1; }
grep -q '"ast":"' <<<"$claims" || { echo "FAIL: no clerk in the token: $claims"; exit 1; }
ok "the printed receipt verifies and its token names the company (obo) and the clerk (ast)"
keys F3                                       # the next citizen
wait_for "$(visual 'نوبت شماره  ۲')"
on_screen "$(visual 'زهرا محمدی')" && { echo "FAIL: the last citizen is still on the desk"; exit 1; }
keys F5                                       # the last citizen takes their card
ok "next citizen: one key, nothing of the last one left"

# --- a citizen without a card: level 1 by the date of birth, then the way up to level 2
keys 2
wait_for "$(visual 'ورود با کد ملی و تاریخ تولد')" 10000
keys 0 0 7 1 2 3 4 5 6 1 Enter               # the clerk types what the citizen tells
keys 1 3 7 0 0 5 1 2
wait_for '۱۳۷۰/۰۵/۱۲'
keys Enter
wait_for "$(visual 'جستجوی خدمت')" 15000
keys 1
wait_for "$(visual 'جستجو:')"
keys -l 'پوشش بیمه سلامت'
wait_for "$(visual 'استعلام پوشش بیمه سلامت')"
keys Enter
wait_for "$(visual 'هزینه:')"
keys Enter
wait_for "$(visual 'همان که هنگام ورود دادید')" # level 1: the code and date of birth it signed in with,
wait_for "$(visual 'ثبت‌شده در پنجره ملی')"     # the window's mobile: nothing asked
keys Enter
wait_for "$(visual 'لطفاً پیش از ارسال، درخواست خود را بررسی کنید.')"
keys Enter
wait_for "$(visual 'از شهروند بخواهید درخواست را بخواند')"
citizen $'\n'
wait_for "$(visual 'درخواست شما ثبت شد.')" 15000
ok "level 1: national code and date of birth, checked by the window; a level 1 request registered"
keys Enter
wait_for "$(visual 'جستجوی خدمت')" 10000
keys 1
wait_for "$(visual 'جستجو:')"
keys -l 'برگ سابقه بیمه'
wait_for "$(visual 'صدور برگ سابقه بیمه')"
keys Enter
wait_for "$(visual 'هزینه:')"
keys Enter
wait_for "$(visual 'این خدمت به سطح ۲ نیاز دارد')" 5000
keys Enter                                    # the way up: sign in again, by a one-time code
wait_for "$(visual 'دوباره وارد شوید')" 5000
ok "a level 2 service from level 1: explained, and Enter again signs the citizen out for the way up"
keys 1
wait_for "$(visual 'ورود بدون کارت')" 10000
keys 0 0 7 1 2 3 4 5 6 1 Enter               # the same citizen: the national code and mobile
keys 0 9 1 2 1 2 3 4 5 6 7 Enter
wait_for "$(visual 'فرستاده شد.')" 10000
code=$(sed -n 's/.*window-sim: OTP for .* is \([0-9]*\)$/\1/p' "$WORK/stderr.log" | tail -1)
[ -n "$code" ] || { echo "FAIL: no code in the window's log"; exit 1; }
for d in $(grep -o . <<<"$code"); do keys "$d"; done
sleep 0.3
on_screen '* *' && { echo "FAIL: the clerk typed the one-time code"; exit 1; }
citizen "$code"$'\n'
wait_for "$(visual 'صدور برگ سابقه بیمه')" 15000   # the service asked for, open again
on_screen "$code" && { echo "FAIL: the code is on screen"; exit 1; }
ok "without a card: the code went only through the citizen's keypad, never shown; the service asked for opened"
wait_for "$(visual 'هزینه:')"
keys Enter
wait_for "$(visual 'همان که هنگام ورود دادید')" # the code and mobile it signed in with: not asked
keys -l '۱۳۷۰/۰۵/۱۲'
keys Enter
wait_for "$(visual 'لطفاً پیش از ارسال، درخواست خود را بررسی کنید.')"
keys Enter
wait_for "$(visual 'از شهروند بخواهید درخواست را بخواند')"
citizen $'\n'
wait_for "$(visual 'درخواست شما ثبت شد.')" 15000
ok "the one-time-code citizen's request registered, confirmed on their side"

# --- the clerk's card pulled: locked at once, nothing of the citizen on screen
keys F7
wait_for "$(visual 'باجه قفل است.')" 5000
on_screen "$(visual 'درخواست شما ثبت شد.')" && { echo "FAIL: the citizen's receipt is on a locked counter"; exit 1; }
on_screen "$(visual 'کد رهگیری')" && { echo "FAIL: a tracking code on a locked counter"; exit 1; }
keys 1
sleep 0.3
on_screen "$(visual 'ورود بدون کارت')" && { echo "FAIL: a locked counter took a citizen"; exit 1; }
ok "the clerk's card out locked the counter, with nothing of the citizen left"
keys F7
wait_for "$(visual 'رمز کارت خود را وارد کنید')" 10000
keys 0 0 0 0 Enter
wait_for "$(visual 'کارمند: نرگس جعفری')" 15000
ok "the same clerk's card and PIN resumed the shift"

# --- the link cut: a card citizen's request is sealed and queued, with the clerk's help inside it
keys F9                                       # the demo's window refuses connections
wait_log 'demo: the window is unreachable'
keys F3
keys F5                                       # the first citizen's card again
wait_for "$(visual 'شهروند گرامی: رمز کارت خود را روی صفحه‌کلیدِ روبه‌روی خود بزنید')" 10000
citizen $'1234\n'
wait_for "$(visual 'زهرا محمدی')" 20000
# The shift's three services, each served once, are one key each (the latest first).
wait_for "$(visual '۹  صدور گواهی عدم سوء پیشینه')"
on_screen "$(visual '۷  صدور برگ سابقه بیمه')" || { echo "FAIL: the quick picks are not the shift's services"; exit 1; }
keys 9
wait_for "$(visual 'هزینه:')"
keys Enter
wait_for "$(visual 'از کارت ملی شما')"          # the card's national code and date of birth: not asked
keys -l '۰۹۱۲۱۲۳۴۵۶۷'
keys Enter
wait_for "$(visual 'لطفاً پیش از ارسال، درخواست خود را بررسی کنید.')"
keys Enter
wait_for "$(visual 'از شهروند بخواهید درخواست را بخواند')"
citizen $'\n'
wait_for "$(visual 'درخواست شما در این پیشخوان ثبت شد.')" 20000
wait_for "$(visual 'با کمک کارمند باجه')"
rm -f "$WORK"/receipts/*.png
keys 1
wait_for "$(visual 'چاپ شد. لطفاً رسید خود را بردارید.')" 10000
png=$(ls "$WORK"/receipts/*.png | head -1)
token=$(zbarimg --raw -q -Sdisable -Sqrcode.enable "$png")
claims=$(cut -d. -f2 <<<"$token" | tr '_-' '/+' | base64 -d 2>/dev/null || true)
grep -q '"ast":"' <<<"$claims" || { echo "FAIL: the queued receipt does not name the clerk: $claims"; exit 1; }
keys F9                                       # the link is back: the queue delivers it
wait_log ': delivered after attempt' 90000
ok "quick picks: the shift's most served services, one key from the citizen's menu"
ok "with the link cut the assisted request was sealed and queued (the kiosk's receipt names the clerk), then delivered"
keys F3
keys F5

# --- the shift's end: the report and the audit log agree, and the log verifies
keys F8
wait_for "$(visual 'نوبت کاری بسته شد.')" 10000
wait_log 'shift closed: report'
line=$(grep -F 'shift closed: report' "$WORK/stderr.log" | tail -1)
report=$(sed -n 's/.*report \(.*\), audit checkpoint at \([0-9]*\)$/\1/p' <<<"$line")
size=$(sed -n 's/.*audit checkpoint at \([0-9]*\)$/\1/p' <<<"$line")
[ -f "$report" ] || { echo "FAIL: no shift report ($line)"; exit 1; }
for want in 'Citizens with their card: 2' 'Citizens by one-time code: 1' 'Citizens by date of birth (level 1): 1' \
            'Acting for a company: 1' "Requests with this clerk's help: 4" 'Requests without a clerk (self-service): 0' \
            'Requests sent online: 3' 'Requests queued: 1' 'Times locked: 1' \
            'Last ticket called: 4'; do
  grep -qF "$want" "$report" || { echo "FAIL: the report lacks '$want'"; cat "$report"; exit 1; }
done
grep -qE '^Requests registered by the window: [34]$' "$report" \
  || { echo "FAIL: the report lacks the requests the window registered"; cat "$report"; exit 1; }
# Head office's two other papers: one CSV table, and the same report as a PDF.
csv=${report%.txt}.csv pdf=${report%.txt}.pdf
for want in 'service,tamin-' 'requests,assisted,' 'citizens,level1,'; do
  grep -qF "$want" "$csv" || { echo "FAIL: the CSV lacks '$want'"; cat "$csv"; exit 1; }
done
/usr/bin/python3 - "$csv" <<'PY' || { echo "FAIL: the CSV's service rows do not add up to its totals"; cat "$csv"; exit 1; }
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding='utf-8', newline='')))
total = {r['key']: int(r['count']) for r in rows if r['section'] == 'requests'}
svc = [r for r in rows if r['section'] == 'service']
assert any('بیمه' in r['name_fa'] for r in svc), svc
assert sum(int(r['sent']) for r in svc) == total['sent'] and sum(int(r['queued']) for r in svc) == total['queued'], (svc, total)
PY
pdftotext "$pdf" - | grep -qF 'Counter shift report' || { echo "FAIL: the PDF has no English block"; exit 1; }
pdftotext "$pdf" - | grep -qF "$(sed -n 's/^Clerk: .*(\(.*\))$/\1/p' "$report")" || { echo "FAIL: the PDF lacks the clerk's id"; exit 1; }
grep -qF 'شهروندان با کارت: ۲' "$report" || { echo "FAIL: the report has no Persian part"; cat "$report"; exit 1; }
grep -qF "($(sed -n 's/^Clerk: .*(\(.*\))$/\1/p' "$report"))" <(grep '^کارمند' "$report") \
  || { echo "FAIL: the clerk's id is not kept as it is in the Persian part"; cat "$report"; exit 1; }
data=$(dirname "$(dirname "$report")")
audit() { "$PK_BIN" audit --log "$data/audit.log" "$@"; }
audit verify --jwks "$pki/device/jwks.json" > "$WORK/audit-verify.txt" \
  || { echo "FAIL: the audit log does not verify"; cat "$WORK/audit-verify.txt"; exit 1; }
head=$(grep -F 'Audit log checkpoint' "$report" | tail -1 | awk '{print $NF}')
ckpt=$(audit show --json | python3 -c '
import json,sys
es=json.load(sys.stdin)
print(" ".join(e["kind"] for e in es))')
for k in clerk_login citizen_auth clerk_lock clerk_logout request_submitted request_queued request_delivered print; do
  grep -qw "$k" <<<"$ckpt" || { echo "FAIL: no $k in the audit log: $ckpt"; exit 1; }
done
python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); sys.exit(not (c["head"]==sys.argv[2] and c["size"]==int(sys.argv[3])))' \
  "$data/audit.log.checkpoint" "$head" "$size" \
  || { echo "FAIL: the report's checkpoint ($size $head) is not the log's"; cat "$data/audit.log.checkpoint"; exit 1; }
for needle in 0071234561 1234567891 1122334451 "$code" 1370-05-12 13700512; do
  if grep -qaF "$needle" "$data/audit.log" "$report"; then echo "FAIL: '$needle' in the log or report"; exit 1; fi
done
grep -F 'citizen_auth' "$data/audit.log" | grep -qF '"method":"level1"' \
  || { echo "FAIL: the level 1 sign-in is not in the audit log"; exit 1; }
if grep -aE '13700512|1370-05-12' "$WORK/stderr.log" | grep -v 'window-sim' | grep -q .; then
  echo "FAIL: the date of birth in the kiosk's log"; exit 1
fi
ok "shift report written ($size entries at its checkpoint); the audit log verifies and matches it"
keys Enter
wait_for "$(visual 'باجه بسته است')" 5000

# --- a field office whose link is down: the register's copy (7 days) opens the next shift
keys F9
wait_log 'demo: the window is unreachable'
keys F7                                       # the clerk's card out ...
sleep 0.3
keys F7                                       # ... and in again
wait_for "$(visual 'رمز کارت خود را وارد کنید')" 10000
keys 0 0 0 0 Enter
wait_for "$(visual 'بدون پنجره ملی باز شد')" 20000
on_screen "$(visual 'کارمند: نرگس جعفری')" || { echo "FAIL: the offline shift does not name the clerk"; exit 1; }
wait_log "confirmed by the register's copy"
grep -F '"kind":"clerk_login"' "$data/audit.log" | tail -1 | grep -qF '"offline":1' \
  || { echo "FAIL: the offline shift's clerk_login is not marked offline"; tail -3 "$data/audit.log"; exit 1; }
grep -qaF 1122334451 "$data/clerk-register.json" && { echo "FAIL: a national code in the register's copy"; exit 1; }
[ "$(stat -c %a "$data/clerk-register.json")" = 600 ] || { echo "FAIL: the register's copy is readable by others"; exit 1; }
ok "without a link, the register's copy opened the shift (marked offline in the audit log)"
keys F8
wait_log 'shift closed: report'
keys Enter
wait_for "$(visual 'باجه بسته است')" 5000
# A copy older than 7 days no longer opens a shift.
/usr/bin/python3 - "$data/clerk-register.json" <<'PY'
import json, sys, time
p = sys.argv[1]; d = json.load(open(p))
for v in d.values(): v["confirmed_at"] = int(time.time()) - 8 * 86400
json.dump(d, open(p, "w"))
PY
keys F7
sleep 0.3
keys F7
wait_for "$(visual 'رمز کارت خود را وارد کنید')" 10000
keys 0 0 0 0 Enter
wait_log 'no fresh word on this card'
sleep 0.3
on_screen "$(visual 'بدون پنجره ملی باز شد')" && { echo "FAIL: a stale copy opened the shift"; exit 1; }
ok "a copy confirmed 8 days ago does not open a shift"
summary
