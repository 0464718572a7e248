#!/usr/bin/env bash
# pishkhan-window-sim --offline refuses connections on its port (a cut link, not an HTTP
# error); SIGUSR2 restores it on the same port, SIGUSR1 cuts it again, each change announced.
# Also: /admin/requests lists the stored requests.
set -euo pipefail
bin=${1:?pishkhan-window-sim} pki=${PK_BINARY_DIR:?}/pki
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
"$bin" --offline --port 0 --cert "$pki/tls/server.pem" --key "$pki/tls/server-key.pem" --test-endpoints --quiet >"$work/out" 2>&1 &
pid=$!
# wait_line N WORD: until WORD has been printed N times.
wait_line() {
  for _ in $(seq 100); do [ "$(grep -cx "$2" "$work/out" || true)" -ge "$1" ] && return 0; sleep 0.1; done
  echo "FAIL: no \"$2\" line (#$1):"; cat "$work/out"; exit 1
}
probe() { curl -s -o /dev/null -w '%{http_code}' --cacert "$pki/tls/ca.pem" "$url/health" || echo "rc$?"; }
wait_line 1 unreachable
url=$(grep -o 'https://[^ ]*' "$work/out")
[ "$(probe)" = "000rc7" ] || { echo "FAIL: --offline answered: $(probe)"; exit 1; }
kill -USR2 "$pid"; wait_line 1 reachable
[ "$(probe)" = 200 ] || { echo "FAIL: not reachable after SIGUSR2: $(probe)"; exit 1; }
# The window's own records, for counting: none yet.
[ "$(curl -s --cacert "$pki/tls/ca.pem" "$url/admin/requests")" = '{"requests":[]}' ] ||
  { echo "FAIL: /admin/requests"; exit 1; }
kill -USR1 "$pid"; wait_line 2 unreachable
[ "$(probe)" = "000rc7" ] || { echo "FAIL: reachable after SIGUSR1: $(probe)"; exit 1; }
kill -USR2 "$pid"; wait_line 2 reachable
[ "$(probe)" = 200 ] || { echo "FAIL: not reachable again on the same port: $(probe)"; exit 1; }
echo "1 passed, 0 failed"
