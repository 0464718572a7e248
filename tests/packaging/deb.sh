#!/usr/bin/env bash
# The Debian packages `make deb` built: lintian finds no error and no warning, the kiosk
# package holds the kiosk and nothing of the simulator (no demo, no test key, no libmicrohttpd),
# and the simulator package holds the rest, with a demo that finds its installed test PKI.
#   deb.sh DIR   DIR holds the .changes and .debs of one dpkg-buildpackage -b run
set -euo pipefail
dir=${1:?usage: deb.sh DIR (the folder of the .changes)}
passed=0; ok() { passed=$((passed + 1)); echo "ok - $*"; }
fail() { echo "FAIL: $*"; exit 1; }
one() { # the single file matching a glob
  local m=("$@"); [ ${#m[@]} -eq 1 ] && [ -e "${m[0]}" ] || fail "want one $1, found ${#m[@]}"; echo "${m[0]}"
}
changes=$(one "$dir"/pishkhan_*.changes)
kiosk=$(one "$dir"/pishkhan_*.deb)
sim=$(one "$dir"/pishkhan-sim_*.deb)
root=$(mktemp -d); trap 'rm -rf "$root"' EXIT

# Info and pedantic tags are shown (the report lists them with reasons); errors and warnings fail.
lintian --info --display-info --pedantic "$changes" | tee "$root/lintian.txt"
if grep -E '^[EW]: ' "$root/lintian.txt"; then fail "lintian reports errors or warnings"; fi
ok "lintian: no error, no warning"

listing() { dpkg-deb -c "$1" | awk '{print $6}' | sed 's|^\./|/|'; }
listing "$kiosk" >"$root/kiosk.txt"
listing "$sim" >"$root/sim.txt"
has() { grep -qx -- "$2" "$root/$1.txt" || fail "$1 package lacks $2"; }
lacks() { if grep -E -- "$2" "$root/$1.txt"; then fail "$1 package holds $3"; fi; }

for f in /usr/bin/pishkhan /usr/bin/pishkhan-receipt /etc/pishkhan/pishkhan.conf \
  /usr/share/locale/C/LC_MESSAGES/pishkhan-fa.mo /usr/share/locale/C/LC_MESSAGES/pishkhan-en.mo \
  /usr/share/man/man1/pishkhan.1.gz /usr/share/man/man1/pishkhan-receipt.1.gz \
  /usr/lib/sysusers.d/pishkhan.conf /usr/lib/tmpfiles.d/pishkhan.conf; do has kiosk "$f"; done
lacks kiosk 'pishkhan-(demo|window-sim|vcard)|pishkhan-sim|/pki/|key\.pem$' "simulator, demo or test PKI files"
ok "pishkhan: kiosk, verifier, catalogs, man pages, sysusers and tmpfiles; nothing of the simulator"

dpkg-deb -e "$kiosk" "$root/kiosk-control"
grep -qx /etc/pishkhan/pishkhan.conf "$root/kiosk-control/conffiles" || fail "pishkhan.conf is not a conffile"
grep -q 'systemd-sysusers.*pishkhan.conf' "$root/kiosk-control/postinst" || fail "postinst does not create the user"
grep -q 'systemd-tmpfiles.*pishkhan.conf' "$root/kiosk-control/postinst" || fail "postinst does not create /var/lib/pishkhan"
ok "pishkhan: /etc/pishkhan/pishkhan.conf is a conffile; postinst creates the user, then its folder"

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
# The demo and the virtual card look for the installed PKI, not the build folder's.
for b in pishkhan-demo pishkhan-vcard; do
  grep -qa "$pki" "$root/fs/usr/bin/$b" || fail "$b does not know $pki"
  if grep -qa '/obj-[a-z0-9_-]*/pki' "$root/fs/usr/bin/$b"; then fail "$b looks for the build folder's PKI"; fi
done
# The packaged PKI is whole: the simulator's receipt key is the one the shipped JWKS publishes.
jwks=$("$root/fs/usr/bin/pishkhan-window-sim" --receipt-key "$root/fs$pki/window/receipt-key.pem" --print-jwks)
[ "$(echo "$jwks" | tr -d ' \n')" = "$(tr -d ' \n' <"$root/fs$pki/window/jwks.json")" ] ||
  fail "the packaged receipt key does not match the packaged JWKS"
ok "unpacked: pishkhan --version, the demo and the virtual card find $pki, the PKI is consistent"

for p in "$kiosk" "$sim"; do
  echo "$(basename "$p"): $(stat -c %s "$p") bytes, $(dpkg-deb -c "$p" | grep -vc '/$') files," \
    "Installed-Size $(dpkg-deb -f "$p" Installed-Size) KiB"
done
echo "$passed passed, 0 failed"
