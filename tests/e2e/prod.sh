#!/usr/bin/env bash
# The production kiosk carries no simulator: no libmicrohttpd or GnuTLS of its own, no symbol
# of the window simulator, the virtual card or the demo, and no demo card's PIN or identity.
# Each check is made against pishkhan-demo too, which must have what pishkhan must not:
# so a check that could never find anything fails here instead of passing forever.
set -euo pipefail
export LC_ALL=C.UTF-8
PK_BIN=${PK_BIN:?} PK_DEMO_BIN=${PK_DEMO_BIN:?}
passed=0; ok() { passed=$((passed + 1)); echo "ok - $*"; }
fail() { echo "FAIL: $*"; exit 1; }

needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }
# GnuTLS may still arrive indirectly (Debian's libcurl links it for LDAP and RTMP); what we
# check is that the kiosk itself asks for neither library.
# (Outputs are captured first: with pipefail, grep -q leaving early could fail the pipe.)
prod_needed=$(needed "$PK_BIN") demo_needed=$(needed "$PK_DEMO_BIN") prod_ldd=$(ldd "$PK_BIN")
for lib in libmicrohttpd libgnutls; do
  grep -q "^$lib" <<<"$prod_needed" && fail "pishkhan links $lib directly"
  grep -q "^$lib" <<<"$demo_needed" || fail "the check for $lib finds nothing even in pishkhan-demo"
done
grep -q libmicrohttpd <<<"$prod_ldd" && fail "libmicrohttpd is loaded by pishkhan"
ok "pishkhan links neither libmicrohttpd nor GnuTLS itself (ldd: no libmicrohttpd at all)"

# libcups (and its Avahi, Kerberos and GnuTLS) is loaded only by a kiosk that prints to CUPS.
grep -q libcups <<<"$prod_ldd" && fail "pishkhan loads libcups at start; it should only when printer = cups"
ok "libcups is not loaded at start (receipt/print_cups.c loads it for printer = cups)"

# Nothing maps GnuTLS or libcurl into the kiosk's process: the HTTPS runs in the network helper
# (pishkhan-net), the one program that links libcurl (docs/dependencies.md). The same check on
# the helper must find both, or it could never find anything.
PK_NET_BIN=$(dirname "$PK_BIN")/pishkhan-net
net_ldd=$(ldd "$PK_NET_BIN")
for lib in libgnutls libcurl; do
  if grep -q "$lib" <<<"$prod_ldd"; then
    via=$(awk '$3 ~ /^\// {print $3}' <<<"$prod_ldd" | while read -r l; do
      if needed "$l" | grep -q "^$lib"; then basename "$l"; fi
    done | sort -u | tr '\n' ' ')
    fail "$lib is loaded into pishkhan (through: ${via:-pishkhan itself})"
  fi
  grep -q "$lib" <<<"$net_ldd" || fail "the check for $lib finds nothing even in pishkhan-net"
done
ok "neither libcurl nor GnuTLS is loaded into pishkhan (ldd); pishkhan-net has both"
# (At run time too: tests/e2e/status.sh reads the maps of a kiosk that went online.)
sim_syms='^(pk_window_sim_|pk_vcard_|pk_demo_|pk_transport_inproc_|sim_)'
syms() { nm --defined-only "$1" | awk '{print $3}'; }
bad=$(syms "$PK_BIN" | grep -E "$sim_syms" || true)
[ -z "$bad" ] || fail "simulator symbols in pishkhan: $(echo "$bad" | head -5 | tr '\n' ' ')"
[ "$(syms "$PK_DEMO_BIN" | grep -cE "$sim_syms")" -gt 20 ] || fail "no simulator symbol found in pishkhan-demo"
ok "no simulator, virtual card or demo symbol in pishkhan"

# The demo cards: their PINs as whole strings, and their national codes and names.
secrets='^(1234|5678|0000|0071234561|1234567891|1122334451|Mohammadi|Hosseini|citizen2)$'
bad=$(strings -n 4 "$PK_BIN" | grep -E "$secrets" || true)
[ -z "$bad" ] || fail "demo card data in pishkhan: $(echo "$bad" | tr '\n' ' ')"
[ "$(strings -n 4 "$PK_DEMO_BIN" | grep -cE "$secrets")" -ge 5 ] || fail "no demo card data found in pishkhan-demo"
ok "no demo PIN, national code or name in pishkhan"

# Nothing of the build machine: no build or source folder compiled in (debug info aside).
# A sanitizer build records its sources' paths for its reports; it is never installed.
if [ "$(nm "$PK_BIN" | grep -c ' __asan_init')" -gt 0 ]; then
  echo "ok - (sanitizer build: its source paths are the sanitizer's own; checked in the dev build)"
else
strip -o "stripped.$$" "$PK_BIN"
tree=$(cd "$(dirname "$0")/../.." && pwd)
bad=$(strings -n 6 "stripped.$$" | grep -F -e "$tree" -e "${PK_BINARY_DIR:-/nonexistent}" || true)
rm -f "stripped.$$"
[ -z "$bad" ] || fail "build paths compiled into pishkhan: $(echo "$bad" | head -3 | tr '\n' ' ')"
ok "no build or source folder path in pishkhan"
fi

set +e; "$PK_BIN" --demo > /dev/null 2> err.$$; rc=$?; set -e
first=$(head -1 err.$$); rm -f err.$$
[ "$rc" = 2 ] || fail "pishkhan --demo exits $rc"
echo "$first" | grep -q 'حالت نمایشی' || fail "pishkhan --demo does not say so in Persian first: $first"
ok "pishkhan --demo is refused in Persian first, pointing at pishkhan-demo"
echo "$passed passed, 0 failed"
