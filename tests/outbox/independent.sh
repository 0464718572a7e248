#!/usr/bin/env bash
# The outbox's formats checked by implementations that are not ours: canonical JSON against a
# Python RFC 8785 serializer on 500 random documents; a sealed request decrypted by npm `jose`
# with the window's private JWK; a USB bundle's signature verified by npm `jose` with the
# device JWKS; a byte changed in either refused by `jose` too; and a bundle that `jose` signed
# imported by pk_outbox_import.
set -euo pipefail
bin=${PK_BINARY_DIR:?}/bin
src=${PK_SOURCE_DIR:?}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 "$src/tests/outbox/jcs_ref.py" "$work/cases" "$work/expected"
"$bin/t_outbox_tool" jcs-lines "$work/cases" >"$work/got"
if ! cmp -s "$work/expected" "$work/got"; then
  echo "FAIL: pk_jcs differs from the Python RFC 8785 serializer:"; diff "$work/expected" "$work/got" | head; exit 1
fi
echo "jcs: 500 random documents agree with the independent serializer"

rc=0; "$src/scripts/node-tools" || rc=$?
[ $rc = 0 ] || exit $rc
jose=$src/tools
mkdir "$work/seal" "$work/bundle"
"$bin/t_outbox_tool" seal "$work/seal"
node "$src/tests/outbox/jose_check.mjs" "$jose" decrypt "$work/seal/sealed.jwe" "$work/seal/priv.jwk" >"$work/seal/jose.json"
cmp "$work/seal/plain.json" "$work/seal/jose.json" || { echo "FAIL: jose decrypted other bytes than pk_unseal"; exit 1; }
grep -q '"national_code":"0073649181"' "$work/seal/jose.json"
if grep -q 0073649181 "$work/seal/sealed.jwe"; then echo "FAIL: national code visible in the JWE"; exit 1; fi
# refused MODE FILE KEY: jose refuses FILE with one character changed near its start, middle and end.
refused() {
  local t c pos len
  t=$(cat "$2"); len=${#t}
  for pos in 5 $((len / 2)) $((len - 5)); do
    c=${t:$pos:1}; [ "$c" = A ] && c=B || c=A
    printf '%s' "${t:0:$pos}$c${t:$((pos + 1))}" >"$work/bad"
    if node "$src/tests/outbox/jose_check.mjs" "$jose" "$1" "$work/bad" "$3" >/dev/null 2>&1; then
      echo "FAIL: jose accepted $2 changed at $pos ($1)"; exit 1
    fi
  done
}
refused decrypt "$work/seal/sealed.jwe" "$work/seal/priv.jwk"
echo "seal: jose decrypts the sealed request; changed bytes are refused"

pki=$PK_BINARY_DIR/pki/device
path=$("$bin/t_outbox_tool" bundle "$work/bundle" "$pki/key.pem" "$(cat "$pki/kid")")
n=$(node "$src/tests/outbox/jose_check.mjs" "$jose" verify "$path" "$pki/jwks.json")
[ "$n" = 2 ] || { echo "FAIL: jose saw $n envelopes"; exit 1; }
refused verify "$path" "$pki/jwks.json"
echo "bundle: jose verifies the device signature over 2 envelopes; changed bytes are refused"
node "$src/tests/outbox/jose_check.mjs" "$jose" make-bundle "$work/bundle/node.pkq" "$work/bundle/node-jwks.json"
n=$("$bin/t_outbox_tool" import "$work/bundle/node.pkq" "$work/bundle/node-jwks.json")
[ "$n" = 2 ] || { echo "FAIL: imported $n of jose's 2 envelopes"; exit 1; }
echo "bundle: a bundle signed by jose imports (2 envelopes)"
