#!/usr/bin/env bash
# PNG/PDF -> independent QR decoders (zbarimg, pdftoppm) -> independent JOSE verifier (jwcrypto),
# the paper of a paid fee shows the amount paid and the bank reference (pdftotext),
# and `pishkhan-receipt verify` accepts the real receipt and rejects a one-byte tamper.
set -euo pipefail
bin=$PK_BINARY_DIR/bin
jwks=$PK_BINARY_DIR/pki/device/jwks.json
d=$(mktemp -d); trap 'rm -rf "$d"' EXIT
"$bin/t_receipt_tool" sample "$d"
tok=$(cat "$d/token.txt")
for png in receipt.png receipt58.png; do
  got=$(zbarimg -q --raw -Sdisable -Sqrcode.enable "$d/$png" 2>/dev/null)
  [ "$got" = "$tok" ] || { echo "FAIL: zbarimg read from $png: '$got'"; exit 1; }
done
/usr/bin/python3 "$PK_SOURCE_DIR/tests/receipt/verify_jwcrypto.py" "$(zbarimg -q --raw -Sdisable -Sqrcode.enable "$d/receipt.png" 2>/dev/null)" "$jwks" 1403-0215-4823
# The npm package jose as a second independent verifier, once tools/ provides it
# (PK_JOSE_DIR may point at another install of it, e.g. for development).
jose=${PK_JOSE_DIR:-$PK_SOURCE_DIR/tools}
if [ -f "$jose/node_modules/jose/package.json" ] && command -v node >/dev/null; then
  node "$PK_SOURCE_DIR/tests/receipt/verify_jose.mjs" "$jose" "$tok" "$jwks" 1403-0215-4823
else
  echo "jose not installed in $jose: checked with jwcrypto only"
fi
pdftoppm -q -r 150 -f 1 -l 1 -singlefile -png "$d/receipt.pdf" "$d/page"
[ "$(zbarimg -q --raw -Sdisable -Sqrcode.enable "$d/page.png" 2>/dev/null)" = "$tok" ] || { echo "FAIL: QR of the PDF"; exit 1; }
# The paper of a paid fee (one layout for PNG, ESC/POS and PDF; the PDF's text is readable):
# the amount as paid and the bank reference, in Persian digits.
pdftotext "$d/receipt.pdf" "$d/receipt.txt"
for want in 'مبلغ پرداخت' 'شماره مرجع بانکی' '۵۰۴۸۱۲۷۳۴۰۱۹'; do
  grep -qF "$want" "$d/receipt.txt" || { echo "FAIL: the paid receipt's paper lacks '$want'"; cat "$d/receipt.txt"; exit 1; }
done
# Our verifier on each input form.
"$bin/pishkhan-receipt" verify --device-jwks "$jwks" "$tok" >"$d/out.txt"
grep -q "معتبر است" "$d/out.txt"
grep -q "۱۴۰۳-۰۲۱۵-۴۸۲۳" "$d/out.txt"
"$bin/pishkhan-receipt" verify --device-jwks "$jwks" "$d/receipt.png" >/dev/null
"$bin/pishkhan-receipt" verify --device-jwks "$jwks" "$d/receipt.pdf" >/dev/null
# One byte changed in header, claims and signature: each must fail, with a non-zero exit.
for pos in 10 60 150 $(( ${#tok} - 5 )); do
  c=${tok:$pos:1}; [ "$c" = A ] && r=B || r=A
  bad="${tok:0:$pos}$r${tok:$((pos + 1))}"
  if "$bin/pishkhan-receipt" verify --device-jwks "$jwks" "$bad" >"$d/bad.txt"; then
    echo "FAIL: tampered token (byte $pos) verified"; cat "$d/bad.txt"; exit 1
  fi
  if /usr/bin/python3 "$PK_SOURCE_DIR/tests/receipt/verify_jwcrypto.py" "$bad" "$jwks" 1403-0215-4823 >/dev/null 2>&1; then
    echo "FAIL: jwcrypto accepted tampered byte $pos"; exit 1
  fi
  if [ -f "$jose/node_modules/jose/package.json" ] && command -v node >/dev/null &&
     node "$PK_SOURCE_DIR/tests/receipt/verify_jose.mjs" "$jose" "$bad" "$jwks" 1403-0215-4823 >/dev/null 2>&1; then
    echo "FAIL: jose accepted tampered byte $pos"; exit 1
  fi
done
# A device key cannot pass as the window: checked against the window JWKS only.
other=$(mktemp -d -p "$d"); "$PK_SOURCE_DIR/scripts/gen-device-key" "$other"
if "$bin/pishkhan-receipt" verify --device-jwks "$other/jwks.json" "$tok" >/dev/null; then
  echo "FAIL: verified against another kiosk's keys"; exit 1
fi
echo "1 passed, 0 failed"
