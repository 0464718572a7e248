#!/usr/bin/env bash
# The status line names the network's real state: the production kiosk against a standalone
# simulator says "online"; with a CA that did not sign the window's certificate it says the
# secure connection failed (not "offline"); with nothing listening it says "offline queue".
source "$(dirname "$0")/lib.sh"
KIOSK_BIN=$PK_BIN
pki=${PK_BINARY_DIR:?}/pki
passed=0; ok() { passed=$((passed + 1)); echo "ok - $*"; }

start_window_sim
trap 'stop_peers; cleanup' EXIT
url=$SIM_URL

# conf NAME URL CA: a kiosk with no reader, its own data folder.
conf() {
  mkdir -p "$WORK/$1"
  cat > "$WORK/$1.conf" <<CONF
[kiosk]
id = kiosk-test-01
data_dir = $WORK/$1
[card]
reader = none
[window]
url = $2
ca_bundle = $3
client_cert = $pki/tls/kiosk.pem
client_key = $pki/tls/kiosk-key.pem
connect_timeout_ms = 1000
total_timeout_ms = 3000
max_retries = 0
CONF
}

conf good "$url" "$pki/tls/ca.pem"
start_kiosk 100 30 --config "$WORK/good.conf"
wait_for "$(visual 'برخط')" 15000
ok "a window that answers: online"
# It got there over HTTPS without libcurl or GnuTLS in its own memory: its helper did it.
kpid=$(kiosk_pid) maps=$(cat "/proc/$kpid/maps")
grep -qE 'libcurl|libgnutls' <<<"$maps" && { echo "FAIL: the kiosk's process maps libcurl or GnuTLS"; exit 1; }
hpid=$(pgrep -P "$kpid" -x pishkhan-net) || { echo "FAIL: no pishkhan-net under the kiosk"; exit 1; }
helper_maps=$(cat "/proc/$hpid/maps")
grep -q libcurl <<<"$helper_maps" || { echo "FAIL: the check finds no libcurl even in pishkhan-net"; exit 1; }
ok "online with neither libcurl nor GnuTLS mapped in the kiosk's process; its pishkhan-net maps them"
# The technician's view at home (Ctrl-T): the same checks as `pishkhan doctor`, the same verdict.
verdict='کیوسک نمی‌تواند خدمت بدهد: FAIL های بالا را ببینید.'
if PK_LOCALEDIR=${PK_BINARY_DIR}/locale "$PK_BIN" doctor --config "$WORK/good.conf" --json >/dev/null 2>&1; then
  verdict='کیوسک می‌تواند خدمت بدهد.'
fi
wait_log 'catalog: version'   # the start's sync is in (its reload holds the loop: seconds under ASan)
keys C-t
wait_for "$(visual 'فنی: بررسی‌های پیشخوان')" 3000
wait_for "$(visual "$verdict")" 20000
keys Escape
wait_gone "$(visual 'فنی: بررسی‌های پیشخوان')" 2000
on_screen "$(visual 'برخط')" || { echo "FAIL: home is not back after the technician's view"; exit 1; }
ok "Ctrl-T at home shows the kiosk's checks with doctor's verdict; Esc gives home back"
stop_kiosk

conf tls "$url" "$pki/card/ca.crt.pem"
start_kiosk 100 30 --config "$WORK/tls.conf"
wait_for "$(visual 'اتصال امن برقرار نشد')" 15000
ok "a certificate the kiosk cannot verify: secure connection failed, not offline"
stop_kiosk

conf down "https://127.0.0.1:9/api/v1" "$pki/tls/ca.pem"
start_kiosk 100 30 --config "$WORK/down.conf"
wait_for "$(visual 'صف آفلاین')" 15000
ok "nothing listening: offline queue"
echo "$passed passed, 0 failed"
