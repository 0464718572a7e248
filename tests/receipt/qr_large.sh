#!/usr/bin/env bash
# Issue 15, defect 6: the largest QR a receipt may carry (a fee service's receipt with its whole
# name) decodes with zbarimg from both paper widths: 58 mm (4 dots a module) and 80 mm (6).
set -euo pipefail
d=$(mktemp -d); trap 'rm -rf "$d"' EXIT
"$PK_BINARY_DIR/bin/t_receipt_tool" large "$d"
tok=$(cat "$d/token.txt")
(( ${#tok} > 412 )) || { echo "FAIL: the token (${#tok} bytes) does not need more than version 15"; exit 1; }
for png in receipt58.png receipt.png; do
  got=$(zbarimg -q --raw -Sdisable -Sqrcode.enable "$d/$png" 2>/dev/null)
  [ "$got" = "$tok" ] || { echo "FAIL: zbarimg read from $png: '$got'"; exit 1; }
done
echo "ok - a ${#tok}-byte token decodes from the 58 mm and 80 mm receipts"
echo "1 passed, 0 failed"
