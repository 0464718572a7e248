#!/usr/bin/env bash
# kill -9 of a process appending to the audit log, at random moments, 8 times: after each the
# log verifies (at most its last line torn, and then reported as such), the next open cuts a
# torn tail and records it, and the log verifies again with every entry written before kept.
set -euo pipefail
bin=${PK_BINARY_DIR:?}/bin
pk=${PK_BIN:-$bin/pishkhan}
pki=$PK_BINARY_DIR/pki/device
kid=$(cat "$pki/kid")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log=$work/audit.log
for round in 1 2 3 4 5 6 7 8; do
  before=$( [ -f "$log" ] && wc -l <"$log" || echo 0)
  "$bin/t_audit_driver" "$log" "$pki/key.pem" "$kid" 1000000 50 &
  pid=$!
  # the kill comes at a random moment once the writer has added at least one line
  until [ "$( [ -f "$log" ] && wc -l <"$log" || echo 0)" -gt "$before" ]; do kill -0 $pid 2>/dev/null || break; done
  sleep "0.0$((RANDOM % 9 + 1))"
  kill -9 $pid; wait $pid 2>/dev/null || true
  rc=0; out=$("$pk" audit --log "$log" verify --jwks "$pki/jwks.json") || rc=$?
  if [ $rc != 0 ] && ! grep -q "the last line is incomplete" <<<"$out"; then
    echo "FAIL: round $round: after kill -9: $out"; exit 1
  fi
  torn=$([ $rc = 0 ] && echo no || echo yes)
  kept=$(wc -l <"$log")
  "$bin/t_audit_driver" "$log" "$pki/key.pem" "$kid" 1 50
  out=$("$pk" audit --log "$log" verify --jwks "$pki/jwks.json") || { echo "FAIL: round $round: after reopening: $out"; exit 1; }
  [ "$(wc -l <"$log")" -ge $((kept + 2)) ] || { echo "FAIL: round $round: entries lost ($kept before)"; exit 1; }
  if [ $torn = yes ] && ! tail -3 "$log" | grep -q '"kind":"torn_tail"'; then echo "FAIL: round $round: torn tail not recorded"; exit 1; fi
  echo "round $round: killed after $kept lines (torn: $torn); reopened, verifies"
done
