#!/usr/bin/env bash
# A private cupsd (own config dir, a unix socket in a temp dir, a raw queue with a file:
# device) receives a receipt job sent with libcups; the PDF that arrives has a QR that decodes.
set -euo pipefail
bin=$PK_BINARY_DIR/bin
command -v cupsd >/dev/null || [ -x /usr/sbin/cupsd ] || { echo "cupsd missing (apt-get install cups)"; exit 1; }
d=$(mktemp -d /tmp/pk-cups-XXXXXX)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; [ -n "${PK_KEEP:-}" ] || rm -rf "$d"; }
trap cleanup EXIT
mkdir -p "$d"/{spool,cache,state,log,tmp,ppd,out}
chmod 0777 "$d" "$d"/*   # cupsd drops privileges for some work; everything stays inside $d
sock=$d/cups.sock
cat >"$d/cups-files.conf" <<CONF
FileDevice Yes
ServerRoot $d
RequestRoot $d/spool
CacheDir $d/cache
StateDir $d/state
TempDir $d/tmp
ErrorLog $d/log/error_log
AccessLog $d/log/access_log
PageLog $d/log/page_log
ServerBin /usr/lib/cups
DataDir /usr/share/cups
Printcap $d/printcap
CONF
cat >"$d/cupsd.conf" <<CONF
Listen $sock
LogLevel ${PK_CUPS_LOGLEVEL:-warn}
WebInterface No
Browsing No
DefaultAuthType None
<Location />
  Order allow,deny
  Allow all
</Location>
<Location /admin>
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order allow,deny
    Allow all
  </Limit>
</Policy>
CONF
/usr/sbin/cupsd -f -c "$d/cupsd.conf" -s "$d/cups-files.conf" &
pid=$!
for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
[ -S "$sock" ] || { echo "FAIL: cupsd did not start"; cat "$d/log/error_log" 2>/dev/null; exit 1; }
export CUPS_SERVER=$sock
out=$d/out/receipt.pdf
# cupsd opens a file: device itself with O_WRONLY|O_EXCL and no O_CREAT since upstream e052dc44d
# ("drop support for writing to plain files", in Debian 2.4.2-3+deb12u10),
# where 2.4.2 created it (O_CREAT|O_TRUNC, 0600): an empty file, writable by whichever user the scheduler
# and its backends run as (lp for backends when started as root), works for both.
: >"$out"
chmod 0666 "$out"
lpadmin -p receipts -E -v "file://$out" -P "$PK_SOURCE_DIR/tests/receipt/pdf-printer.ppd" 2>/dev/null
state=$("$bin/t_receipt_tool" state cups receipts 2>/dev/null)
[ "$state" = ready ] || { echo "FAIL: queue state '$state'"; exit 1; }
[ "$("$bin/t_receipt_tool" state cups no-such-queue 2>/dev/null)" = offline ] || { echo "FAIL: missing queue not offline"; exit 1; }
tok=$("$bin/t_receipt_tool" print cups receipts)
for _ in $(seq 100); do
  [ -s "$out" ] && [ -z "$(lpstat -o receipts 2>/dev/null)" ] && break
  sleep 0.1
done
[ -s "$out" ] || { echo "FAIL: no job arrived at the file device"; cat "$d/log/error_log"; exit 1; }
head -c 5 "$out" | grep -q '%PDF-' || { echo "FAIL: job is not a PDF"; exit 1; }
pdftoppm -q -r 150 -f 1 -l 1 -singlefile -png "$out" "$d/page"
got=$(zbarimg -q --raw -Sdisable -Sqrcode.enable "$d/page.png" 2>/dev/null)
[ "$got" = "$tok" ] || { echo "FAIL: QR of the printed PDF: '$got'"; exit 1; }
"$bin/pishkhan-receipt" verify --device-jwks "$PK_BINARY_DIR/pki/device/jwks.json" "$out" >/dev/null
echo "cups: job of $(stat -c %s "$out") bytes arrived; its QR decodes and verifies"
echo "1 passed, 0 failed"
