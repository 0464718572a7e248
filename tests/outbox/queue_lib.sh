# Shared by the queue tests (issue 11): the standalone simulator from tests/e2e/lib.sh, with the
# published encryption key so sealed requests open; a kiosk's settings; the sealing driver.
source "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib.sh"
pki=${PK_BINARY_DIR:?}/pki
KIOSK_ID=kiosk-test-01   # the CN of pki/tls/kiosk.pem: the window checks it against the request
trap 'stop_peers; cleanup' EXIT
# The clock shim is preloaded into sanitized programs too: ASan must not insist on coming first.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0

# start_queue_sim [OPTIONS...]: the simulator with --test-endpoints, its state in $WORK/sim.db.
start_queue_sim() {
  SIM_ARGS=(--test-endpoints --enc-key "$pki/window/enc-key.pem" "$@")
  start_window_sim
}

# kiosk_conf NAME [EXTRA]: $WORK/NAME.conf, data in $WORK/NAME; EXTRA is appended (INI lines).
kiosk_conf() {
  mkdir -p "$WORK/$1"
  cat > "$WORK/$1.conf" <<CONF
[kiosk]
id = $KIOSK_ID
data_dir = $WORK/$1
[window]
url = $SIM_URL
ca_bundle = $pki/tls/ca.pem
client_cert = $pki/tls/kiosk.pem
client_key = $pki/tls/kiosk-key.pem
connect_timeout_ms = 1000
total_timeout_ms = 3000
[receipt]
jwks = $pki/window/window-jwks.json
device_key = $pki/device/key.pem
[offline]
max_rows = 100000
${2:-}
CONF
}

# enqueue NAME COUNT [PAUSE_MS]: sealed requests of the persona citizen into NAME's outbox;
# prints "ok REF KEY CREATED_AT" for each whose insert returned 0.
enqueue() {
  "$PK_BINARY_DIR/bin/t_queue_driver" "$WORK/$1/outbox.db" "$pki/window/window-jwks.json" \
    "$pki/card/citizen.key.pem" "$pki/card/citizen.crt.pem" 0071234561 "$KIOSK_ID" "$2" ${3:+"$3"}
}
queue() { local name=$1; shift; "$PK_BIN" queue --config "$WORK/$name.conf" "$@"; }
admin() { curl -sf --cacert "$pki/tls/ca.pem" --cert "$pki/tls/kiosk.pem" --key "$pki/tls/kiosk-key.pem" "$SIM_URL/admin/$1"; }
