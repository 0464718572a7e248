#!/usr/bin/env bash
# The Debian packages `make deb` built: lintian finds no error and no warning, the kiosk
# package holds the kiosk and nothing of the simulator (no demo, no test key, no libmicrohttpd),
# and the simulator package holds the rest, with a demo that finds its installed test PKI.
#   deb.sh DIR   DIR holds the .changes and .debs of one dpkg-buildpackage -b run (make deb)
#   deb.sh       builds them first, into a scratch folder (ctest); skips without the tools
set -euo pipefail
passed=0; ok() { passed=$((passed + 1)); echo "ok - $*"; }
fail() { echo "FAIL: $*"; exit 1; }
root=$(mktemp -d); trap 'rm -rf "$root"' EXIT
dir=${1:-}
if [ -z "$dir" ]; then
  for t in dpkg-buildpackage dh lintian scdoc git; do
    command -v $t >/dev/null || { echo "skip: $t missing (scripts/install-deps --deb)"; exit 77; }
  done
  dir=$root/deb
  "$(dirname "$0")/../../packaging/build-deb" "$dir" >"$root/build.log" 2>&1 || { tail -40 "$root/build.log"; fail "build-deb"; }
fi
one() { # the single file matching a glob
  local m=("$@"); [ ${#m[@]} -eq 1 ] && [ -e "${m[0]}" ] || fail "want one $1, found ${#m[@]}"; echo "${m[0]}"
}
changes=$(one "$dir"/pishkhan_*.changes)
kiosk=$(one "$dir"/pishkhan_*.deb)
sim=$(one "$dir"/pishkhan-sim_*.deb)

# Info and pedantic tags are shown (the report lists them with reasons); errors and warnings fail.
lintian --fail-on none --info --display-info --pedantic "$changes" | tee "$root/lintian.txt" ||
  fail "lintian did not run to the end"
if grep -E '^[EW]: ' "$root/lintian.txt"; then fail "lintian reports errors or warnings"; fi
ok "lintian: no error, no warning"

listing() { dpkg-deb -c "$1" | awk '{print $6}' | sed 's|^\./|/|'; }
listing "$kiosk" >"$root/kiosk.txt"
listing "$sim" >"$root/sim.txt"
has() { grep -qx -- "$2" "$root/$1.txt" || fail "$1 package lacks $2"; }
lacks() { if grep -E -- "$2" "$root/$1.txt"; then fail "$1 package holds $3"; fi; }

for f in /usr/bin/pishkhan /usr/bin/pishkhan-receipt /usr/libexec/pishkhan/pishkhan-net /etc/pishkhan/pishkhan.conf \
  /usr/share/pishkhan/locale/C/LC_MESSAGES/pishkhan-fa.mo /usr/share/pishkhan/locale/C/LC_MESSAGES/pishkhan-en.mo \
  /usr/share/man/man1/pishkhan.1.gz /usr/share/man/man1/pishkhan-receipt.1.gz \
  /usr/lib/sysusers.d/pishkhan.conf /usr/lib/tmpfiles.d/pishkhan.conf \
  /lib/systemd/system/pishkhan-kiosk.service /etc/pam.d/pishkhan-kiosk /usr/share/pishkhan/foot.ini \
  /usr/share/doc/pishkhan/deploy.md.gz; do has kiosk "$f"; done
lacks kiosk 'pishkhan-(demo|window-sim|vcard)|pishkhan-sim|/pki/|key\.pem$' "simulator, demo or test PKI files"
ok "pishkhan: kiosk, verifier, catalogs, man pages, sysusers and tmpfiles; nothing of the simulator"

dpkg-deb -e "$kiosk" "$root/kiosk-control"
grep -qx /etc/pishkhan/pishkhan.conf "$root/kiosk-control/conffiles" || fail "pishkhan.conf is not a conffile"
grep -q 'systemd-sysusers.*pishkhan.conf' "$root/kiosk-control/postinst" || fail "postinst does not create the user"
grep -q 'systemd-tmpfiles.*pishkhan.conf' "$root/kiosk-control/postinst" || fail "postinst does not create /var/lib/pishkhan"
grep -qx /etc/pam.d/pishkhan-kiosk "$root/kiosk-control/conffiles" || fail "the PAM service is not a conffile"
# Enabled for the next boot, never started by the install (it would take tty1 from the console).
grep -q "deb-systemd-helper.*enable.*pishkhan-kiosk.service" "$root/kiosk-control/postinst" ||
  fail "postinst does not enable pishkhan-kiosk.service"
if grep -q "deb-systemd-invoke.*start.*pishkhan-kiosk" "$root/kiosk-control/postinst"; then
  fail "postinst starts pishkhan-kiosk.service"; fi
ok "pishkhan: /etc/pishkhan/pishkhan.conf and the PAM service are conffiles; postinst creates the user, then its folder, and enables the kiosk unit without starting it"

kdeps=$(dpkg-deb -f "$kiosk" Depends)
echo "pishkhan Depends: $kdeps"
if echo "$kdeps" | grep -E 'libmicrohttpd|libgnutls'; then fail "pishkhan depends on the simulator's HTTP server"; fi
sdeps=$(dpkg-deb -f "$sim" Depends)
echo "$sdeps" | grep -q libmicrohttpd || fail "pishkhan-sim does not depend on libmicrohttpd: $sdeps"
echo "$sdeps" | grep -qE "pishkhan \(= $(dpkg-deb -f "$kiosk" Version)\)" || fail "pishkhan-sim does not need its pishkhan"
ok "dependencies: the simulator's libraries only in pishkhan-sim, which needs the same pishkhan"

pki=/usr/share/pishkhan-sim/pki
for f in /usr/bin/pishkhan-demo /usr/bin/pishkhan-window-sim /usr/bin/pishkhan-vcard \
  /usr/share/man/man1/pishkhan-demo.1.gz /usr/share/man/man1/pishkhan-window-sim.1.gz \
  /usr/share/man/man1/pishkhan-vcard.1.gz $pki/card/citizen.key.pem $pki/card/crl.pem \
  $pki/tls/server.pem $pki/tls/kiosk-key.pem $pki/window/jwks.json $pki/window/receipt-key.pem; do has sim "$f"; done
lacks sim '^/usr/bin/pishkhan(-receipt)?$|/etc/|\.mo$' "files of the kiosk package"
ok "pishkhan-sim: simulator, virtual card, demo, their man pages and the test PKI"

# Unpacked side by side, the programs run from the packages alone.
dpkg-deb -x "$kiosk" "$root/fs" && dpkg-deb -x "$sim" "$root/fs"
[ "$("$root/fs/usr/bin/pishkhan" --version)" = "pishkhan $(dpkg-deb -f "$kiosk" Version | sed 's/-[^-]*$//')" ] ||
  fail "pishkhan --version does not give the package's version"
# The kiosk finds its catalogs where the package put them, and starts in Persian from them.
grep -qa /usr/share/pishkhan/locale "$root/fs/usr/bin/pishkhan" || fail "pishkhan does not know its catalogs' folder"
out=$(PK_LOCALEDIR="$root/fs/usr/share/pishkhan/locale" "$root/fs/usr/bin/pishkhan" --demo 2>&1 >/dev/null || true)
echo "$out" | head -1 | grep -q 'حالت نمایشی' || fail "the packaged catalogs do not make pishkhan Persian: $out"
# The demo and the virtual card look for the installed PKI, not the build folder's.
for b in pishkhan-demo pishkhan-vcard; do
  grep -qa "$pki" "$root/fs/usr/bin/$b" || fail "$b does not know $pki"
  if grep -qa '/obj-[a-z0-9_-]*/pki' "$root/fs/usr/bin/$b"; then fail "$b looks for the build folder's PKI"; fi
done
# The packaged PKI is whole: the simulator's receipt key is the one the shipped JWKS publishes.
jwks=$("$root/fs/usr/bin/pishkhan-window-sim" --receipt-key "$root/fs$pki/window/receipt-key.pem" --print-jwks)
[ "$(echo "$jwks" | tr -d ' \n')" = "$(tr -d ' \n' <"$root/fs$pki/window/jwks.json")" ] ||
  fail "the packaged receipt key does not match the packaged JWKS"
# The packaged demo starts, as an ordinary user, on the packaged test PKI and catalogs: the
# keys are readable by all (a build's own are its owner's only).
as_user=(); [ "$(id -u)" -ne 0 ] || as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
chmod 755 "$root"
demo_rc=0
TERM=xterm PK_EXIT_AFTER_FIRST_FRAME=1 PK_DEMO_PKI="$root/fs$pki" PK_LOCALEDIR="$root/fs/usr/share/pishkhan/locale" \
  timeout 30 "${as_user[@]}" script -qec "$root/fs/usr/bin/pishkhan-demo --log-stderr" /dev/null >"$root/demo.txt" 2>&1 ||
  demo_rc=$?
[ $demo_rc -eq 0 ] && grep -q 'demo: window simulator on port' "$root/demo.txt" || {
  cat "$root/demo.txt"; fail "the packaged pishkhan-demo does not start on the packaged PKI (exit $demo_rc)"; }
grep -qP '[\x{FE70}-\x{FEFF}]' "$root/demo.txt" || fail "the packaged pishkhan-demo draws no shaped Persian"
ok "unpacked: pishkhan --version and Persian from the packaged catalogs, the demo and the virtual card find $pki, the PKI is consistent, the demo starts on it as a user"

# The packaged sysusers.d and tmpfiles.d files make the user and its private data folder.
if command -v systemd-sysusers >/dev/null && command -v systemd-tmpfiles >/dev/null; then
  sys=$root/sysroot; mkdir -p "$sys/etc"
  systemd-sysusers --root="$sys" "$root/fs/usr/lib/sysusers.d/pishkhan.conf" 2>/dev/null
  uid=$(awk -F: '$1 == "pishkhan" && $7 ~ /nologin$/ {print $3}' "$sys/etc/passwd")
  [ -n "$uid" ] || fail "sysusers.d makes no pishkhan user without a login shell"
  systemd-tmpfiles --root="$sys" --create "$root/fs/usr/lib/tmpfiles.d/pishkhan.conf"
  [ "$(stat -c '%u %a' "$sys/var/lib/pishkhan")" = "$uid 750" ] || fail "/var/lib/pishkhan is not the user's, mode 750"
  ok "sysusers.d: the pishkhan user (no login shell); tmpfiles.d: /var/lib/pishkhan, its own, mode 750"
fi

for p in "$kiosk" "$sim"; do
  echo "$(basename "$p"): $(stat -c %s "$p") bytes, $(dpkg-deb -c "$p" | grep -vc '/$') files," \
    "Installed-Size $(dpkg-deb -f "$p" Installed-Size) KiB"
done
echo "$passed passed, 0 failed"
