# Helpers for end-to-end tests that drive the real pishkhan binary inside tmux.
# Each test gets its own tmux server (-L) so tests can run in parallel.
set -euo pipefail
export LC_ALL=C.UTF-8
PK_BIN=${PK_BIN:?path to the pishkhan binary}
# The kiosk that start_kiosk runs: the demo build unless a test asks for the production one.
PK_DEMO_BIN=${PK_DEMO_BIN:?path to the pishkhan-demo binary}
KIOSK_BIN=${KIOSK_BIN:-$PK_DEMO_BIN}
SOCK="pk-e2e-$$-$RANDOM"
WORK=$(mktemp -d)
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
cleanup() {
  tm kill-server 2>/dev/null || true
  if [ "${KEEP_WORK:-}" = "" ]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT

# start_kiosk COLS ROWS ARGS... : runs pishkhan in a detached tmux pane.
start_kiosk() {
  local cols=$1 rows=$2
  shift 2
  tm new-session -d -x "$cols" -y "$rows" -s k \
    "$KIOSK_BIN $* --log-stderr 2>>$WORK/stderr.log; echo EXITED:\$? > $WORK/exit"
}
screen() { tm capture-pane -p -t k; }
# on_screen TEXT: the screen holds TEXT. Captured first: with pipefail, `screen | grep -q` can
# fail by SIGPIPE after grep found the text, and an absence check would then pass wrongly.
on_screen() {
  local s
  s=$(screen)
  grep -qF -- "$1" <<<"$s"
}
# A second run in the same test: a fresh tmux server (reusing a socket races its exit).
stop_kiosk() {
  tm kill-server 2>/dev/null || true
  SOCK="$SOCK-n"
}
keys() { tm send-keys -t k "$@"; }
now_ms() { date +%s%3N; }

# wait_for TEXT [TIMEOUT_MS]: until the visible screen contains TEXT.
wait_for() {
  local text=$1 limit=${2:-8000} start
  start=$(now_ms)
  while (( $(now_ms) - start < limit )); do
    if on_screen "$text"; then return 0; fi
    sleep 0.05
  done
  echo "FAIL: '$text' not on screen after ${limit} ms. Screen:" >&2
  screen >&2
  echo "--- stderr:" >&2
  tail -20 "$WORK/stderr.log" >&2 || true
  return 1
}

# wait_gone TEXT [TIMEOUT_MS]
wait_gone() {
  local text=$1 limit=${2:-8000} start
  start=$(now_ms)
  while (( $(now_ms) - start < limit )); do
    if ! on_screen "$text"; then return 0; fi
    sleep 0.05
  done
  echo "FAIL: '$text' still on screen after ${limit} ms" >&2
  screen >&2
  return 1
}

# The independent reference for how Persian must look in an xterm-like terminal:
# GNU FriBidi's visual order with Arabic shaping (libfribidi-bin).
# FriBidi keeps ZWNJ (U+200C) in its output, and puts U+FEFF where it joined lam-alef into one
# glyph; a terminal prints neither, so both are dropped.
visual() { printf '%s' "$1" | fribidi --nopad --charset UTF-8 | sed 's/\xe2\x80\x8c//g; s/\xef\xbb\xbf//g'; }

# Persian mode must never show a joining Arabic-block letter in its unshaped form
# (U+0622..U+064A, U+066E..U+06D3). Hamza (U+0621) never joins, so it has no other form.
assert_all_shaped() {
  local now
  now=$(screen)
  if grep -qP '[\x{0622}-\x{064A}\x{066E}-\x{06D3}]' <<<"$now"; then
    echo "FAIL: unshaped Arabic-script letters on screen:" >&2
    screen | grep -nP '[\x{0622}-\x{064A}\x{066E}-\x{06D3}]' >&2
    return 1
  fi
}
passed=0
# The home screen's own sentence (the dashboard also says «خوش آمدید»).
HOME_TEXT='کارت هوشمند ملی خود را در کارت‌خوان قرار دهید'
ok() { passed=$((passed + 1)); echo "ok - $*"; }
# start_counter CONF: the demo's counter (two readers) closed, waiting for a clerk; sets KP, the
# citizen's keypad (a FIFO), and citizen TEXT writes to it.
start_counter() {
  start_kiosk 100 30 --demo --counter --config "$1"
  wait_for "$(visual 'باجه بسته است')" 10000
  wait_log 'citizen keypad is'
  KP=$(sed -n 's/.*citizen keypad is \(.*\) (write.*/\1/p' "$WORK/stderr.log" | head -1)
  [ -p "$KP" ] || { echo "FAIL: no citizen keypad FIFO ($KP)"; exit 1; }
}
citizen() { printf '%s' "$1" > "$KP"; }   # the citizen's own keypad
# demo_login: the demo kiosk on home, its card put in and its PIN typed: Zahra's dashboard.
demo_login() {
  wait_for "$(visual "$HOME_TEXT")"
  keys F5
  wait_for "$(visual 'رمز کارت خود را وارد کنید')"
  keys 1 2 3 4 Enter
  wait_for "$(visual 'زهرا محمدی')" 10000
}
# The demo card in, its PIN (1234), and the demo citizen's dashboard.
demo_sign_in() {
  keys F5
  wait_for "$(visual 'رمز کارت خود را وارد کنید')"
  keys 1 2 3 4 Enter
  wait_for "$(visual 'زهرا محمدی')" 10000
}
summary() { echo "$passed passed, 0 failed"; }

# wait_log TEXT [TIMEOUT_MS]: until the kiosk's log (stderr) says TEXT.
wait_log() {
  local text=$1 limit=${2:-8000} start
  start=$(now_ms)
  while (( $(now_ms) - start < limit )); do
    if grep -qF -- "$text" "$WORK/stderr.log" 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  echo "FAIL: '$text' not in the kiosk's log after ${limit} ms:" >&2
  tail -20 "$WORK/stderr.log" >&2 || true
  return 1
}

# The kiosk's own process (tmux's pane runs it under a shell).
kiosk_pid() { pgrep -P "$(tm list-panes -t k -F '#{pane_pid}')" -x "$(basename "$KIOSK_BIN" | cut -c1-15)"; }

# start_window_sim: the standalone window simulator on an ephemeral port; sets SIM_PID, SIM_URL.
# SIM_ARGS (an array) adds options, e.g. (--latency 1500 --test-endpoints).
start_window_sim() {
  local pki=${PK_BINARY_DIR:?}/pki
  "$PK_BINARY_DIR/bin/pishkhan-window-sim" ${SIM_ARGS[@]+"${SIM_ARGS[@]}"} --port 0 --cert "$pki/tls/server.pem" --key "$pki/tls/server-key.pem" \
    --client-ca "$pki/tls/ca.pem" --card-ca "$pki/card/ca.crt.pem" --card-crl "$pki/card/crl.pem" \
    --receipt-key "$pki/window/receipt-key.pem" --enc-key "$pki/window/enc-key.pem" --db "$WORK/sim.db" --quiet >"$WORK/sim.out" 2>&1 &
  SIM_PID=$!
  for _ in $(seq 200); do grep -q listening "$WORK/sim.out" && break; sleep 0.05; done
  SIM_URL=$(grep -o 'https://[^ ]*' "$WORK/sim.out") || { cat "$WORK/sim.out" >&2; return 1; }
}

# start_card_reader [PERSONA]: inside pcsc-ns.sh, a private pcscd with vpcd's reader
# "Pishkhan Test Reader" and pishkhan-vcard inserted in it; sets PCSCD_PID, VCARD_PID.
start_card_reader() {
  printf 'FRIENDLYNAME "Pishkhan Test Reader"\nDEVICENAME /dev/null:35963\nLIBPATH %s\nCHANNELID 35963\n' \
    /usr/lib/pcsc/drivers/serial/libifdvpcd.so > "$WORK/reader.conf"
  pcscd -f -c "$WORK/reader.conf" > "$WORK/pcscd.log" 2>&1 &
  PCSCD_PID=$!
  "$PK_BINARY_DIR/bin/pishkhan-vcard" --persona "${1:-citizen}" --control "$WORK/card-control" \
    > "$WORK/vcard.out" 2>&1 &
  VCARD_PID=$!
  local start
  start=$(now_ms)
  until grep -q '^ready' "$WORK/vcard.out"; do   # vpcd took the card's connection
    (( $(now_ms) - start < 10000 )) || { echo "FAIL: vpcd never took the card" >&2; cat "$WORK/pcscd.log" >&2; return 1; }
    sleep 0.05
  done
}
card_remove() { echo remove > "$WORK/card-control"; }

# card_kiosk_conf FILE: settings of a production kiosk using start_peers' reader and simulator,
# its own data folder; a test appends its own sections.
card_kiosk_conf() {
  local pki=${PK_BINARY_DIR:?}/pki
  mkdir -p "$WORK/data"
  cat > "$1" <<CONF
[kiosk]
id = kiosk-test-01
data_dir = $WORK/data
[card]
reader = Pishkhan Test Reader
issuer_ca = $pki/card/ca.crt.pem
crl = $pki/card/crl.pem
[window]
url = $SIM_URL
ca_bundle = $pki/tls/ca.pem
client_cert = $pki/tls/kiosk.pem
client_key = $pki/tls/kiosk-key.pem
CONF
}

# start_peers: the window simulator and the card reader; stop_peers ends them.
start_peers() { start_window_sim; start_card_reader "$@"; }
stop_peers() {
  local p
  for p in ${VCARD_PID:-} ${PCSCD_PID:-} ${SIM_PID:-}; do kill "$p" 2>/dev/null || true; done
  for p in ${VCARD_PID:-} ${PCSCD_PID:-} ${SIM_PID:-}; do wait "$p" 2>/dev/null || true; done
}
