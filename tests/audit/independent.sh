#!/usr/bin/env bash
# The audit log checked by code that is not ours: node's crypto recomputes the chain and the
# head hash from the file, and npm `jose` verifies every checkpoint's JWS with the device JWKS;
# both must agree with `pishkhan audit verify`, and jose must refuse an altered signature.
set -euo pipefail
bin=${PK_BINARY_DIR:?}/bin
src=${PK_SOURCE_DIR:?}
pki=$PK_BINARY_DIR/pki/device
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rc=0; "$src/scripts/node-tools" || rc=$?
[ $rc = 0 ] || exit $rc
log=$work/audit.log
"$bin/t_audit_driver" "$log" "$pki/key.pem" "$(cat "$pki/kid")" 60 20
read -r n cps head < <(node "$src/tests/audit/jose_check.mjs" "$src/tools" "$log" "$pki/jwks.json")
ours=$("$bin/pishkhan" audit --log "$log" verify --jwks "$pki/jwks.json")
grep -q "^head $head\$" <<<"$ours" || { echo "FAIL: node's head $head is not ours: $ours"; exit 1; }
grep -q "intact: $n entries, $cps checkpoints" <<<"$ours" || { echo "FAIL: node saw $n entries, $cps checkpoints: $ours"; exit 1; }
[ "$cps" -ge 3 ] || { echo "FAIL: only $cps checkpoints"; exit 1; }
echo "jose and node agree: $n entries, $cps checkpoints verify, head $head"
# One character of the first checkpoint's signature changed: jose refuses it too.
i=$(grep -n '"kind":"checkpoint"' "$log" | head -1 | cut -d: -f1)
line=$(sed -n "${i}p" "$log"); sig=${line##*.}; [ "${sig:5:1}" = A ] && c=B || c=A
awk -v i="$i" -v l="${line%.*}.${sig:0:5}$c${sig:6}" 'NR==i{print l; next} {print}' "$log" >"$work/bad.log"
if node "$src/tests/audit/jose_check.mjs" "$src/tools" "$work/bad.log" "$pki/jwks.json" 2>/dev/null; then
  echo "FAIL: jose accepted an altered checkpoint signature at line $i"; exit 1
fi
echo "jose refuses the checkpoint at line $i with its signature altered"
