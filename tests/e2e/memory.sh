#!/usr/bin/env bash
# Issue 10: after a citizen signs out, the production kiosk's memory holds nothing of them.
# Everything is real: pcscd with vpcd and pishkhan-vcard (persona "citizen"), the standalone
# window simulator over mTLS, and the production pishkhan (not pishkhan-demo, whose in-process
# simulator and virtual card would always hold the data). The citizen signs in with the card and
# PIN, sends a clean-record request (national code, mobile, date of birth), signs out and takes
# the card; then gcore dumps the kiosk and the dump is searched.
# Runs itself in pcsc-ns.sh's private namespace (pcsc-lite's socket path is fixed). Exit 77 = skipped.
if [ "${PK_IN_PCSC_NS:-}" != 1 ]; then
  [ "$(id -u)" = 0 ] || { echo "SKIP: gcore must attach to a non-dumpable process: needs root" >&2; exit 77; }
  # A sanitizer's shadow and allocator reservations make the core tens of GiB, all written out.
  if [ "$(nm "${PK_BIN:?}" 2>/dev/null | grep -c ' __asan_init')" -gt 0 ]; then
    echo "SKIP: a sanitizer build's core is too large to take; the dev build runs this test" >&2
    exit 77
  fi
  exec "$(dirname "$0")/../cardreader/pcsc-ns.sh" bash "$0" "$@"
fi
source "$(dirname "$0")/lib.sh"
KIOSK_BIN=$PK_BIN
command -v gcore >/dev/null || { echo "FAIL: gcore (gdb) is not installed: scripts/deps/build.txt" >&2; exit 1; }
started=$(now_ms)
pki=${PK_BINARY_DIR:?}/pki
NATIONAL_CODE=0071234561  # the persona's: the form takes it from the card
MOBILE=09351234567        # the window's record of it, filled into the form
BIRTH=1370/05/12          # the card's, filled into the form from it
PIN=1234

trap 'stop_peers; cleanup' EXIT
start_peers

card_kiosk_conf "$WORK/pishkhan.conf"
cat >> "$WORK/pishkhan.conf" <<CONF
[receipt]
jwks = $pki/window/window-jwks.json
CONF

start_kiosk 80 24 --config "$WORK/pishkhan.conf"
wait_for "$(visual 'برخط')" 15000
wait_for "$(visual 'رمز کارت خود را وارد کنید')" 10000
keys "${PIN:0:1}" "${PIN:1:1}" "${PIN:2:1}" "${PIN:3:1}" Enter
wait_for "$(visual 'زهرا محمدی')" 15000
ok "signed in with the card and PIN through pcscd"

keys 1
wait_for "$(visual 'جستجو:')"
keys -l 'سوء پیشینه'
wait_for "$(visual 'صدور گواهی عدم سوء پیشینه')" 10000
keys Enter
wait_for "$(visual 'هزینه:')"
keys Enter
wait_for "$(visual 'از کارت ملی شما')"
wait_for "$(visual 'ثبت‌شده در پنجره ملی')"
keys Enter
wait_for "$(visual 'لطفاً پیش از ارسال، درخواست خود را بررسی کنید.')"
keys Enter
wait_for "$(visual 'درخواست شما ثبت شد.')" 15000
ok "request sent with the national code, mobile and date of birth"

keys Enter                                    # leave the receipt
wait_for "$(visual 'جستجوی خدمت')"
keys 0                                        # sign out
wait_log 'session wiped'
card_remove
wait_for "$(visual "$HOME_TEXT")" 10000
ok "signed out and the card taken: the home screen"

pid=$(kiosk_pid)
# The kiosk hardened itself (no core files, not dumpable): root's gcore attaches all the same.
grep -qE '^Max core file size +0 +0 ' "/proc/$pid/limits" || { echo "FAIL: the kiosk did not harden itself"; exit 1; }
gcore -o "$WORK/core" "$pid" > "$WORK/gcore.log" 2>&1 || { cat "$WORK/gcore.log" >&2; exit 1; }
core="$WORK/core.$pid"
echo "# core: $(( $(stat -c %s "$core") / 1024 / 1024 )) MiB"

# The PIN "1234" alone is found by chance in any core (and as 4-byte characters in every
# table of consecutive code points); what matters is where it went: the VERIFY data the card
# layer builds (the PIN padded with 0xFF to 8 bytes) and the same after the APDU header
# (00 20 00 81 08). 8 bytes and more cannot match by chance. The PIN's own buffer is kept out
# of cores (MADV_DONTDUMP), so finding nothing there proves nothing, and it is not searched.
found=$(python3 - "$core" "$NATIONAL_CODE" "$MOBILE" "$BIRTH" "$PIN" "$pki/card/citizen.crt.pem" <<'PY'
import sys
from base64 import b64decode
core = open(sys.argv[1], 'rb').read()
code, mobile, birth, pin, pem = sys.argv[2:7]
fa = lambda s: ''.join(chr(0x6F0 + int(c)) if c.isdigit() else c for c in s).encode()
needles = {}
for name, v in (('national code', code), ('mobile', mobile), ('date of birth', birth)):
    needles[name + ' (ASCII)'] = v.encode()
    needles[name + ' (Persian digits)'] = fa(v)
needles['date of birth (digits only)'] = birth.replace('/', '').encode()
# The sign-in body carries the national code inside the card certificate, in base64: the
# 24 characters that encode the 18 bytes around it.
b64 = ''.join(l for l in open(pem).read().splitlines() if not l.startswith('-----'))
at = b64decode(b64).find(code.encode()) // 3 * 4
needles['national code (base64 certificate)'] = b64[at:at + 24].encode()
block = pin.encode() + b'\xff' * (8 - len(pin))
needles['PIN block'] = block
needles['PIN VERIFY APDU'] = bytes([0, 0x20, 0, 0x81, 8]) + block
for name, n in needles.items():
    print(f'{core.count(n)}\t{name}')
PY
)
echo "$found" | sed 's/^/# /'
bad=$(echo "$found" | awk -F'\t' '$1 > 0')
[ -n "${PK_MEMORY_WHERE:-}" ] && /usr/bin/python3 "$PK_MEMORY_WHERE" "$core" "$MOBILE" >&2
[ -z "$bad" ] || { echo "FAIL: the signed-out citizen's data is in the kiosk's memory:"; echo "$bad"; exit 1; }
ok "the core holds no national code, mobile, date of birth or PIN of the signed-out citizen"
echo "# run time: $(( ($(now_ms) - started) / 1000 )) s"
summary
