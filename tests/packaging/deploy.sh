#!/usr/bin/env bash
# The packages installed into a fresh Debian 12 root, as a technician would: `apt install
# ./pishkhan_*.deb` pulls in what it needs from Debian; then pishkhan --version, the config is a
# conffile, the user and its folder exist, the kiosk unit is installed, enabled (not started)
# and verifies; `pishkhan doctor --json` against the packaged window simulator, started beside
# it in that root, reports the real state (the window reached over mutual TLS by the network
# helper in /usr/libexec, no pcscd); `dpkg --purge` leaves nothing of either package behind.
#   deploy.sh DIR   DIR holds the .debs of `make deb` (build/deb). Root only (chroot, mounts).
# The minbase root is made once by mmdebstrap and cached with the downloaded .debs under
# ${PK_CACHE:-~/.cache/pishkhan} (refreshed after a week), outside any build folder.
set -euo pipefail
dir=${1:?usage: deploy.sh DIR}
passed=0; ok() { passed=$((passed + 1)); echo "ok - $*"; }
fail() { echo "FAIL: $*"; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "skip: needs root (chroot and mounts)"; exit 77; }
command -v mmdebstrap >/dev/null || { echo "skip: mmdebstrap missing (scripts/install-deps --deb)"; exit 77; }
kiosk=$(ls "$dir"/pishkhan_*.deb) sim=$(ls "$dir"/pishkhan-sim_*.deb)
version=$(dpkg-deb -f "$kiosk" Version)
cache=${PK_CACHE:-$HOME/.cache/pishkhan}
base=$cache/bookworm-minbase.tar
mkdir -p "$cache/archives/partial"
if [ -z "$(find "$base" -mtime -7 2>/dev/null)" ]; then
  echo "# making the Debian 12 minbase root (cached in $base)"
  mmdebstrap --quiet --variant=minbase --mode=root bookworm "$cache/new.tar" && mv "$cache/new.tar" "$base"
fi

root=$(mktemp -d)
cleanup() {
  [ -z "${sim_pid:-}" ] || kill "$sim_pid" 2>/dev/null || true
  for m in var/cache/apt/archives dev/pts dev proc; do umount "$root/$m" 2>/dev/null || true; done
  rm -rf "$root"
}
trap cleanup EXIT
tar -C "$root" -xf "$base"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev" && mount --bind /dev/pts "$root/dev/pts"
mount --bind "$cache/archives" "$root/var/cache/apt/archives"
cp "$kiosk" "$sim" "$root/tmp/"
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"; }
# What the fresh root holds, to compare with after the purge.
snapshot() { in_root find / -xdev \( -path /proc -o -path /dev -o -path /tmp -o -path /var/cache -o -path /var/log \
  -o -path /var/lib/apt -o -path /var/lib/dpkg \) -prune -o -print | sort; }

start=$(date +%s)
in_root apt-get -qq update
in_root apt-get -qq install --no-install-recommends "/tmp/$(basename "$kiosk")" >"$root/tmp/install.log" 2>&1 ||
  { tail -30 "$root/tmp/install.log"; fail "apt install ./$(basename "$kiosk")"; }
echo "# installed with its dependencies in $(( $(date +%s) - start )) s"
ok "apt install ./$(basename "$kiosk") into a fresh Debian 12 root"

[ "$(in_root pishkhan --version)" = "pishkhan ${version%-*}" ] || fail "pishkhan --version: $(in_root pishkhan --version)"
ok "pishkhan --version: pishkhan ${version%-*}"

in_root dpkg-query -W -f='${Conffiles}\n' pishkhan | grep -q '^ /etc/pishkhan/pishkhan.conf ' ||
  fail "/etc/pishkhan/pishkhan.conf is not a conffile of the installed package"
ok "/etc/pishkhan/pishkhan.conf is a conffile"

user=$(in_root getent passwd pishkhan) || fail "no pishkhan user"
case $user in *:/usr/sbin/nologin) ;; *) fail "the pishkhan user may log in: $user" ;; esac
[ "$(in_root stat -c '%U %G %a' /var/lib/pishkhan)" = "pishkhan pishkhan 750" ] ||
  fail "/var/lib/pishkhan: $(in_root stat -c '%U %G %a' /var/lib/pishkhan)"
ok "the pishkhan system user (no login) and /var/lib/pishkhan (its own, 750)"

[ -L "$root/etc/systemd/system/graphical.target.wants/pishkhan-kiosk.service" ] ||
  fail "pishkhan-kiosk.service is not enabled"
out=$(in_root systemd-analyze verify --man=no /lib/systemd/system/pishkhan-kiosk.service 2>&1) && [ -z "$out" ] ||
  fail "systemd-analyze verify of the installed unit: $out"
ok "pishkhan-kiosk.service installed, enabled for graphical.target, verifies in the installed system"

# The technician's first question on a fresh kiosk: `pishkhan doctor`, here against the packaged
# window simulator (its test PKI from pishkhan-sim) started in the same root.
in_root apt-get -qq install --no-install-recommends "/tmp/$(basename "$sim")" >"$root/tmp/install-sim.log" 2>&1 ||
  { tail -30 "$root/tmp/install-sim.log"; fail "apt install ./$(basename "$sim")"; }
pki=/usr/share/pishkhan-sim/pki
in_root pishkhan-window-sim --port 0 --cert $pki/tls/server.pem --key $pki/tls/server-key.pem \
  --client-ca $pki/tls/ca.pem --card-ca $pki/card/ca.crt.pem --card-crl $pki/card/crl.pem \
  --receipt-key $pki/window/receipt-key.pem --enc-key $pki/window/enc-key.pem --db /tmp/sim.db --quiet \
  >"$root/tmp/sim.out" 2>&1 &
sim_pid=$!
for _ in $(seq 200); do grep -q listening "$root/tmp/sim.out" && break; sleep 0.05; done
url=$(grep -o 'https://[^ ]*' "$root/tmp/sim.out") || { cat "$root/tmp/sim.out"; fail "the packaged simulator did not start"; }
sed -e "s|^url = .*|url = $url|" -e "s|^ca_bundle = .*|ca_bundle = $pki/tls/ca.pem|" \
  -e "s|^client_cert = .*|client_cert = $pki/tls/kiosk.pem|" -e "s|^client_key = .*|client_key = $pki/tls/kiosk-key.pem|" \
  "$root/etc/pishkhan/pishkhan.conf" >"$root/tmp/doctor.conf"
grep -q "^url = $url" "$root/tmp/doctor.conf" || fail "the packaged pishkhan.conf has no [window] url line to point at the simulator"
in_root pishkhan doctor --json --config /tmp/doctor.conf >"$root/tmp/doctor.json" || true
/usr/bin/python3 - "$root/tmp/doctor.json" <<'PY' || fail "pishkhan doctor --json: $(head -c 600 "$root/tmp/doctor.json")"
import json, sys
d = json.load(open(sys.argv[1]))
checks = {c["name"]: c for c in d["checks"]}
assert isinstance(d["ok"], bool), d
assert checks["window"]["ok"], checks["window"]        # reached over mutual TLS, by /usr/libexec's helper
assert not checks["pcscd"]["ok"], checks["pcscd"]      # there is no pcscd in this root
assert checks["pcscd"]["message"], checks["pcscd"]
PY
kill "$sim_pid"; wait "$sim_pid" 2>/dev/null || true; sim_pid=
ok "pishkhan doctor --json in the fresh root: the window simulator beside it reached over mutual TLS, no pcscd said so"

in_root dpkg --purge pishkhan-sim >"$root/tmp/purge-sim.log" 2>&1 || { cat "$root/tmp/purge-sim.log"; fail "dpkg --purge pishkhan-sim"; }
in_root dpkg --purge pishkhan >"$root/tmp/purge.log" 2>&1 || { cat "$root/tmp/purge.log"; fail "dpkg --purge pishkhan"; }
left=$(snapshot | grep -i pishkhan || true)
[ -z "$left" ] || fail "dpkg --purge left: $left"
for deb in "$kiosk" "$sim"; do dpkg-deb -c "$deb"; done | awk '$1 !~ /^d/ {print $6}' | sed 's|^\./|/|' | while read -r f; do
  [ ! -e "$root$f" ] || fail "dpkg --purge left $f"
done
ok "dpkg --purge pishkhan-sim pishkhan leaves no file of either, no /etc/pishkhan, /var/lib/pishkhan or unit link (the system user stays, as Debian does)"
echo "# $(( $(date +%s) - start )) s in all"
echo "$passed passed, 0 failed"
