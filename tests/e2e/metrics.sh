#!/usr/bin/env bash
# Issue 14: the kiosk's pishkhan.prom for node_exporter's textfile collector. Written at start
# (every series at 0) and at exit; a citizen's flow in the demo moves the counters: a card read,
# a request submitted and delivered, window calls in the latency histogram, the catalog's age.
# Checked with promtool (Debian's prometheus package), an independent parser and linter.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/demo_flow.sh"
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

demo_citizen_submits_and_quits
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
