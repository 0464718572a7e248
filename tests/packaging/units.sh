#!/usr/bin/env bash
# The packaged kiosk session's files, checked by the tools that read them: every unit passes
# `systemd-analyze verify`; each unit's `systemd-analyze security` exposure is printed and the
# kiosk unit's is "OK" or better (below 5.0); the credentials the unit loads are the files the
# packaged config names; foot accepts the packaged foot.ini.
#   units.sh SOURCE_DIR
set -euo pipefail
src=${1:?source dir}
passed=0; ok() { passed=$((passed + 1)); echo "ok - $*"; }
fail() { echo "FAIL: $*"; exit 1; }
command -v systemd-analyze >/dev/null || { echo "skip: systemd-analyze missing"; exit 77; }
units=("$src"/packaging/systemd/*.service)
kiosk=$src/packaging/systemd/pishkhan-kiosk.service

# --man=no: the man page named in Documentation= is installed by the package, not here. verify
# exits 0 on a key it ignores (a typo, a value it cannot parse): any word from it fails.
for u in "${units[@]}"; do
  out=$(systemd-analyze verify --man=no "$u" 2>&1) || fail "systemd-analyze verify $(basename "$u"): $out"
  [ -z "$out" ] || fail "systemd-analyze verify $(basename "$u"): $out"
done
ok "systemd-analyze verify: ${#units[@]} unit(s), not a word"

# What supervision and the sandbox stand on (issue 14), in the kiosk unit.
for want in Type=notify NotifyAccess=all Restart=always WatchdogSec= UnsetEnvironment=WATCHDOG_PID \
  User=pishkhan TTYPath=/dev/tty1 Conflicts=getty@tty1.service PAMName= ProtectSystem=strict \
  ReadWritePaths=/var/lib/pishkhan PrivateTmp=yes NoNewPrivileges=yes ProtectHome=yes \
  RestrictAddressFamilies= DevicePolicy=closed 'CapabilityBoundingSet=$' SystemCallFilter=@system-service; do
  grep -q "^$want" "$kiosk" || fail "pishkhan-kiosk.service lacks $want"
done
ok "pishkhan-kiosk.service: notify, watchdog, restart, tty1 session and the sandbox of issue 14"

for u in "${units[@]}"; do
  line=$(systemd-analyze security --offline=true --no-pager "$u" 2>&1 | grep 'Overall exposure level') ||
    fail "no exposure for $(basename "$u")"
  echo "$line"
done
exposure=$(systemd-analyze security --offline=true --no-pager "$kiosk" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\) .*/\1/p')
awk -v e="$exposure" 'BEGIN { exit !(e < 5.0) }' || fail "pishkhan-kiosk.service exposure $exposure: not OK (< 5.0)"
ok "pishkhan-kiosk.service exposure $exposure: OK or better"

# Each credential the unit loads is a file the config reads from the credentials folder, and
# no key or certificate of the config is left outside it.
dir=/run/credentials/pishkhan-kiosk.service
loaded=$(sed -n 's/^LoadCredential=\([^:]*\):.*/\1/p' "$kiosk" | sort)
named=$(grep -o "$dir/[^ ]*" "$src/packaging/pishkhan.conf" | sed "s|$dir/||" | sort)
[ -n "$loaded" ] && [ "$loaded" = "$named" ] || fail "LoadCredential= ($loaded) is not what pishkhan.conf reads from $dir ($named)"
for key in client_cert client_key device_key; do
  grep -q "^$key = $dir/" "$src/packaging/pishkhan.conf" || fail "pishkhan.conf's $key is not a credential"
done
ok "credentials: the unit loads $(echo $loaded) and pishkhan.conf reads them from $dir"

if command -v foot >/dev/null; then
  foot --check-config --config="$src/packaging/foot.ini" 2>/dev/null || fail "foot refuses packaging/foot.ini"
  ok "foot accepts packaging/foot.ini"
fi
echo "$passed passed, 0 failed"
