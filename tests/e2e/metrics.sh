#!/usr/bin/env bash
# Issue 14: the kiosk's pishkhan.prom for node_exporter's textfile collector. Written at start
# (every series at 0) and at exit; a citizen's flow in the demo moves the counters: a card read,
# a request submitted and delivered, window calls in the latency histogram, the catalog's age.
# Checked with promtool (Debian's prometheus package), an independent parser and linter.
source "$(dirname "$0")/lib.sh"
command -v promtool >/dev/null || { echo "FAIL: promtool missing (scripts/deps/fleet.txt)"; exit 1; }
prom=$WORK/prom/pishkhan.prom
mkdir -p "$WORK/prom"
printf '[metrics]\ntextfile_dir = %s\n' "$WORK/prom" > "$WORK/pishkhan.conf"
start_kiosk 80 24 --demo --config "$WORK/pishkhan.conf"
wait_for "$(visual "$HOME_TEXT")"
for _ in $(seq 100); do [ -s "$prom" ] && break; sleep 0.05; done
promtool check metrics < "$prom"
grep -qx 'pishkhan_build_info{version="[0-9.]*",kiosk_id="kiosk-[a-z0-9-]*"} 1' "$prom"   # the demo sets its own id
grep -qx 'pishkhan_requests_total{outcome="submitted"} 0' "$prom"
ok "at start: promtool accepts pishkhan.prom; build info with the kiosk id; counters at 0"

keys F5
wait_for "$(visual 'رمز کارت خود را وارد کنید')"
keys 1 2 3 4 Enter
wait_for "$(visual 'زهرا محمدی')" 10000
keys 1
wait_for "$(visual 'جستجو:')"
keys -l 'سوء پيشينه'
wait_for "$(visual 'صدور گواهی عدم سوء پیشینه')"
keys Enter
wait_for "$(visual 'هزینه:')"
keys Enter
wait_for "$(visual 'کد ملی متقاضی:')"
keys 0 0 7 1 2 3 4 5 6 1 Enter
keys -l '۰۹۱۲۱۲۳۴۵۶۷'
keys Enter
keys -l '۱۳۷۰/۰۵/۱۲'
keys Enter
wait_for "$(visual 'لطفاً پیش از ارسال، درخواست خود را بررسی کنید.')"
keys Enter
wait_for "$(visual 'درخواست شما ثبت شد.')" 15000
keys F10
for _ in $(seq 200); do [ -f "$WORK/exit" ] && break; sleep 0.05; done
grep -q 'EXITED:0' "$WORK/exit"
promtool check metrics < "$prom"
value() { awk -v k="$1" '$1 == k {print $2}' "$prom"; }
[ "$(value 'pishkhan_requests_total{outcome="submitted"}')" = 1 ]
[ "$(value 'pishkhan_requests_total{outcome="delivered"}')" = 1 ]
[ "$(value 'pishkhan_card_sessions_total{result="ok"}')" -ge 1 ]
[ "$(value pishkhan_window_request_seconds_count)" -ge 3 ]   # catalog, challenge, login, submit...
[ -n "$(value pishkhan_catalog_age_seconds)" ]
if grep -E '[0-9]{10}' "$prom" | grep -v '^pishkhan_\(catalog\|crl\)_age' | grep -q .; then
  echo "FAIL: a 10-digit number (a national code?) in the metrics:"; grep -E '[0-9]{10}' "$prom"; exit 1
fi
ok "after a flow, written at exit: submitted 1, delivered 1, a card read ok, window calls timed, catalog age"
summary
