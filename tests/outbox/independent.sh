#!/usr/bin/env bash
# The outbox's formats checked by implementations that are not ours: canonical JSON against a
# Python RFC 8785 serializer on 500 random documents; a sealed request decrypted by npm `jose`
# with the window's private JWK; a USB bundle's signature verified by npm `jose` with the
# device JWKS; and a byte changed in either refused by `jose` too.
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
tamper() { local t; t=$(cat "$1"); local c=${t:$2:1}; [ "$c" = A ] && c=B || c=A; printf '%s' "${t:0:$2}$c${t:$(($2 + 1))}"; }
len=$(wc -c <"$work/seal/sealed.jwe")
for pos in 20 $((len / 2)) $((len - 3)); do
  tamper "$work/seal/sealed.jwe" "$pos" >"$work/seal/bad.jwe"
  if node "$src/tests/outbox/jose_check.mjs" "$jose" decrypt "$work/seal/bad.jwe" "$work/seal/priv.jwk" >/dev/null 2>&1; then
    echo "FAIL: jose decrypted a JWE changed at $pos"; exit 1
  fi
done
echo "seal: jose decrypts the sealed request; changed bytes are refused"

pki=$PK_BINARY_DIR/pki/device
path=$("$bin/t_outbox_tool" bundle "$work/bundle" "$pki/key.pem" "$(cat "$pki/kid")")
n=$(node "$src/tests/outbox/jose_check.mjs" "$jose" verify "$path" "$pki/jwks.json")
[ "$n" = 2 ] || { echo "FAIL: jose saw $n envelopes"; exit 1; }
len=$(wc -c <"$path")
for pos in 5 $((len / 2)) $((len - 5)); do
  tamper "$path" "$pos" >"$work/bundle/bad.pkq"
  if node "$src/tests/outbox/jose_check.mjs" "$jose" verify "$work/bundle/bad.pkq" "$pki/jwks.json" >/dev/null 2>&1; then
    echo "FAIL: jose verified a bundle changed at $pos"; exit 1
  fi
done
echo "bundle: jose verifies the device signature over 2 envelopes; changed bytes are refused"
