#!/usr/bin/env bash
# Starts pishkhan-window-sim (HTTPS + mTLS, ephemeral port) and validates its answers
# against docs/api/openapi.yaml with tools/validate-sim.mjs.
set -euo pipefail
bin=${PK_BINARY_DIR:?}/bin
pki=$PK_BINARY_DIR/pki
src=${PK_SOURCE_DIR:?}
"$src/scripts/node-tools" || exit
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
"$bin/pishkhan-window-sim" --port 0 --cert "$pki/tls/server.pem" --key "$pki/tls/server-key.pem" \
  --client-ca "$pki/tls/ca.pem" --card-ca "$pki/card/ca.crt.pem" --card-crl "$pki/card/crl.pem" \
  --receipt-key "$pki/window/receipt-key.pem" --db "$work/sim.db" --test-endpoints --quiet \
  >"$work/out" 2>"$work/err" &
pid=$!
for _ in $(seq 100); do grep -q listening "$work/out" 2>/dev/null && break; sleep 0.1; done
url=$(grep -o 'https://[^ ]*' "$work/out")
[ -n "$url" ] || { cat "$work/err"; exit 1; }
node "$src/tools/validate-sim.mjs" "$url" "$pki" "${PK_OPENAPI:-$src/docs/api/openapi.yaml}"
