#!/usr/bin/env bash
# `cmake --install` puts the kiosk's files where a package expects them, and the kiosk component
# holds nothing of the simulator: the installed pishkhan starts in Persian from the installed
# catalogs alone, with no build folder around.
set -euo pipefail
build=${1:?build dir}
root=$(mktemp -d); trap 'rm -rf "$root"' EXIT
passed=0; ok() { passed=$((passed + 1)); echo "ok - $*"; }
fail() { echo "FAIL: $*"; exit 1; }

DESTDIR="$root/kiosk" cmake --install "$build" --prefix /usr --component kiosk >/dev/null
DESTDIR="$root/sim" cmake --install "$build" --prefix /usr --component sim >/dev/null
for f in usr/bin/pishkhan usr/bin/pishkhan-receipt usr/share/locale/C/LC_MESSAGES/pishkhan-fa.mo usr/share/locale/C/LC_MESSAGES/pishkhan-en.mo; do
  [ -e "$root/kiosk/$f" ] || fail "kiosk component lacks /$f"
done
# The default config goes to the configured sysconfdir (/etc when a package configures).
[ -n "$(find "$root/kiosk" -path '*/pishkhan/pishkhan.conf')" ] || fail "kiosk component lacks pishkhan/pishkhan.conf"
ok "kiosk component: binaries, default config, catalogs"
for f in pishkhan-demo pishkhan-window-sim pishkhan-vcard pishkhan-pos-sim; do
  [ -e "$root/kiosk/usr/bin/$f" ] && fail "kiosk component installs $f"
  [ -e "$root/sim/usr/bin/$f" ] || fail "sim component lacks $f"
done
ok "simulator, virtual card and demo only in the sim component"
# The staged kiosk speaks Persian from the staged catalogs alone (not the build tree's).
out=$(PK_LOCALEDIR="$root/kiosk/usr/share/locale" "$root/kiosk/usr/bin/pishkhan" --demo 2>&1 >/dev/null || true)
echo "$out" | head -1 | grep -q 'حالت نمایشی' || fail "installed pishkhan is not Persian first: $out"
ok "the installed pishkhan speaks Persian from the installed catalogs"
echo "$passed passed, 0 failed"
