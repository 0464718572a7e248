#!/usr/bin/env bash
# Issue 14: `pishkhan doctor` against the real peers (pcscd + vpcd with the virtual card, the
# standalone window simulator over mutual TLS): all well, then each failure a technician meets
# named in words with what to do: the window stopped, an expired kiosk certificate, a stale
# revocation list, a full data disk (a 1 MiB tmpfs), a mistake in the settings.
if [ "${PK_IN_PCSC_NS:-}" != 1 ]; then
  exec "$(dirname "$0")/../cardreader/pcsc-ns.sh" bash "$0" "$@"
fi
source "$(dirname "$0")/lib.sh"
KIOSK_BIN=$PK_BIN
pki=${PK_BINARY_DIR:?}/pki
passed=0
trap 'stop_peers; umount "$WORK/full" 2>/dev/null || true; cleanup' EXIT
start_peers
mkdir -p "$WORK/data"

# conf FILE [KEY=VALUE in [window]...]: the kiosk's settings with this test's paths.
conf() {
  local file=$1 cert=${2:-$pki/tls/kiosk.pem} key=${3:-$pki/tls/kiosk-key.pem} crl=${4:-$pki/card/crl.pem}
  local data=${5:-$WORK/data}
  cat > "$file" <<CONF
[kiosk]
id = kiosk-doctor-01
data_dir = $data
[card]
reader = Pishkhan Test Reader
issuer_ca = $pki/card/ca.crt.pem
crl = $crl
[window]
url = $SIM_URL
ca_bundle = $pki/tls/ca.pem
client_cert = $cert
client_key = $key
connect_timeout_ms = 1000
total_timeout_ms = 3000
max_retries = 0
[offline]
crl_max_age_h = 8000
crl_hard_limit_h = 8760
[metrics]
textfile_dir = $WORK/data
CONF
}
conf "$WORK/good.conf"

# doctor ARGS...: runs it, keeps stdout in $WORK/out and the exit status in $rc.
doctor() { set +e; "$PK_BIN" doctor "$@" > "$WORK/out" 2> "$WORK/err"; rc=$?; set -e; }
# check NAME FIELD: a field of the named check in the JSON answer.
check() { jq -r --arg n "$1" ".checks[] | select(.name == \$n) | .$2" "$WORK/out"; }
# doctor_until NAME WORDS: asks again until that check says WORDS (pcscd sees a card a moment
# after vpcd takes it; the kiosk writes its catalog a moment after it is online).
doctor_until() {
  local start
  start=$(now_ms)
  until doctor --json --config "$WORK/good.conf" --lang en; check "$1" message | grep -qF -- "$2"; do
    (( $(now_ms) - start < 15000 )) || { echo "FAIL: $1 never said '$2':"; cat "$WORK/out"; exit 1; }
    sleep 0.1
  done
}

# The catalog a kiosk has once it has met the window: the production kiosk downloads it.
start_kiosk 100 30 --config "$WORK/good.conf"
doctor_until catalog "Service catalog version"
stop_kiosk
doctor_until reader "cards in them: 1"
expect_fail() {  # NAME SEVERITY WORDS
  [ "$(check "$1" ok)" = false ] || { echo "FAIL: check $1 passed:"; cat "$WORK/out"; exit 1; }
  [ "$(check "$1" severity)" = "$2" ] || { echo "FAIL: $1 is not $2:"; cat "$WORK/out"; exit 1; }
  check "$1" message | grep -qF -- "$3" || { echo "FAIL: $1 does not say '$3':"; cat "$WORK/out"; exit 1; }
}

doctor --json --config "$WORK/good.conf" --lang en
if [ "$rc" != 0 ] || [ "$(jq -r .ok "$WORK/out")" != true ]; then echo "FAIL: rc $rc"; cat "$WORK/out" "$WORK/err"; exit 1; fi
[ ! -s "$WORK/err" ] || { echo "FAIL: doctor wrote to stderr:"; cat "$WORK/err"; exit 1; }
bad=$(jq -r '.checks[] | select(.ok == false) | .name' "$WORK/out")
[ -z "$bad" ] || { echo "FAIL: checks failed with every peer up: $bad"; cat "$WORK/out"; exit 1; }
jq -e '(keys == ["checks","ok"]) and all(.checks[]; keys == ["message","name","ok","severity"])' "$WORK/out" >/dev/null
for n in config pcscd reader printer window window_cert clock client_cert issuer_ca crl catalog disk queue; do
  [ "$(check $n ok)" = true ] || { echo "FAIL: no passing check $n"; cat "$WORK/out"; exit 1; }
done
check window_cert message | grep -qE 'valid for [0-9]+ more days'
ok "every peer up: every check passes, exit 0, the JSON shape of the issue"

# Persian first: the config says lang = fa (the default), and so does the text.
doctor --config "$WORK/good.conf"
[ "$rc" = 0 ] && grep -qF 'پنجره ملی' "$WORK/out" && grep -qF 'کیوسک می‌تواند خدمت بدهد' "$WORK/out" ||
  { echo "FAIL: not in Persian:"; cat "$WORK/out"; exit 1; }
grep -q '^pishkhan_doctor_check_ok{check="window",severity="info"} 1$' "$WORK/data/pishkhan-doctor.prom"
ok "text in Persian by default; the results also go to the metrics folder"

kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null || true
doctor --json --config "$WORK/good.conf" --lang en
[ "$rc" = 1 ] && [ "$(jq -r .ok "$WORK/out")" = false ]
expect_fail window critical "cannot be reached"
check window message | grep -qF 'Check the network cable'
[ "$(check clock severity)" = info ]
ok "window stopped: exit 1, the window check says it cannot be reached and what to check"
start_window_sim
conf "$WORK/good.conf"

# A kiosk certificate from the window's own CA whose time is over.
openssl ecparam -name prime256v1 -genkey -noout -out "$WORK/old-key.pem" 2>/dev/null
openssl req -new -key "$WORK/old-key.pem" -subj /CN=kiosk-doctor-01 -out "$WORK/old.csr" 2>/dev/null
mkdir -p "$WORK/ca"; : > "$WORK/ca/index.txt"; echo 1000 > "$WORK/ca/serial"
cat > "$WORK/ca.cnf" <<CNF
[ca]
default_ca = d
[d]
database = $WORK/ca/index.txt
serial = $WORK/ca/serial
new_certs_dir = $WORK/ca
default_md = sha256
policy = any
crlnumber = $WORK/ca/serial
[any]
commonName = supplied
CNF
openssl ca -batch -config "$WORK/ca.cnf" -cert "$pki/tls/ca.pem" -keyfile "$pki/tls/ca-key.pem" -in "$WORK/old.csr" \
  -startdate 20200101000000Z -enddate 20210101000000Z -out "$WORK/old.pem" 2>/dev/null
conf "$WORK/old.conf" "$WORK/old.pem" "$WORK/old-key.pem"
doctor --json --config "$WORK/old.conf" --lang en
[ "$rc" = 1 ]
expect_fail client_cert critical "expired"
check client_cert message | grep -qF 'install a new one now'
expect_fail window critical "secure connection to the window failed"
ok "expired kiosk certificate: named, with how long ago; the window refuses the connection"

# A revocation list issued 200 hours ago and due for renewal 100 hours ago.
openssl ca -gencrl -config "$WORK/ca.cnf" -cert "$pki/tls/ca.pem" -keyfile "$pki/tls/ca-key.pem" \
  -crl_lastupdate "$(date -u -d '-200 hours' +%Y%m%d%H%M%SZ)" -crl_nextupdate "$(date -u -d '-100 hours' +%Y%m%d%H%M%SZ)" \
  -out "$WORK/stale.crl" 2>/dev/null
conf "$WORK/stale.conf" "" "" "$WORK/stale.crl"
doctor --json --config "$WORK/stale.conf" --lang en
[ "$rc" = 1 ]
expect_fail crl critical "is 200 hours old (past its next update)"
check crl message | grep -qF 'Fetch the current list'
ok "stale CRL: its age, past nextUpdate, critical, and where to get a new one"

mkdir -p "$WORK/full"
mount -t tmpfs -o size=1m tmpfs "$WORK/full"
dd if=/dev/zero of="$WORK/full/fill" bs=64k 2>/dev/null || true   # until the disk is full
conf "$WORK/full.conf" "" "" "" "$WORK/full"
doctor --json --config "$WORK/full.conf" --lang en
[ "$rc" = 1 ]
expect_fail disk critical "Only 0 MiB free in $WORK/full: requests cannot be recorded"
ok "full data disk: critical, with how much is free and what to do"
umount "$WORK/full"

conf "$WORK/bad.conf"
sed -i 's/^max_retries = 0$/max_retries = lots/' "$WORK/bad.conf"
doctor --json --config "$WORK/bad.conf" --lang en
[ "$rc" = 1 ]
expect_fail config critical "$WORK/bad.conf has a mistake: invalid value for [window] max_retries (line 15)"
[ "$(check window ok)" = true ]   # the other checks still ran, with what the file said before the line
ok "a mistake in the settings: the file, the key and its line; the other checks still run"

doctor --nonsense
[ "$rc" = 2 ]
ok "a wrong option: exit 2"
summary
