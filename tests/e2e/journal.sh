#!/usr/bin/env bash
# Issue 14: under systemd the kiosk logs to the journal with fields, so that a fleet finds its
# requests with `journalctl PK_EVENT=submit`. A real systemd-journald runs in a private mount
# namespace (its fixed /run/systemd/journal/socket and /var/log/journal are this test's alone);
# the demo kiosk runs as under cage and foot: JOURNAL_STREAM inherited, stderr a terminal.
# A citizen's request is recorded and delivered; the journal then holds the submit and delivery
# events with the queue reference and the kiosk id, and no full national code or PIN.
if [ "${PK_IN_PCSC_NS:-}" != 1 ]; then
  exec "$(dirname "$0")/../cardreader/pcsc-ns.sh" bash "$0" "$@"
fi
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/demo_flow.sh"
journald=/lib/systemd/systemd-journald
[ -x "$journald" ] || { echo "SKIP: no systemd-journald"; exit 77; }
mkdir -p /var/log/journal
mount -t tmpfs tmpfs /var/log/journal
"$journald" > "$WORK/journald.out" 2>&1 &
JPID=$!
trap 'kill $JPID 2>/dev/null || true; cleanup' EXIT
for _ in $(seq 100); do [ -S /run/systemd/journal/socket ] && break; sleep 0.05; done
jq_journal() { journalctl -D /run/log/journal --no-pager -o json "$@"; }

printf '[kiosk]\nid = kiosk-journal-03\n' > "$WORK/pishkhan.conf"
tm new-session -d -x 80 -y 24 -s k \
  "env JOURNAL_STREAM=8:4242 $KIOSK_BIN --demo --config $WORK/pishkhan.conf 2>>$WORK/stderr.log; echo EXITED:\$? > $WORK/exit"
wait_for "$(visual "$HOME_TEXT")"
demo_citizen_submits_and_quits
[ ! -s "$WORK/stderr.log" ] || { echo "FAIL: the kiosk logged to stderr, not the journal:"; cat "$WORK/stderr.log"; exit 1; }

# journald writes what it received a moment later: wait for the delivery's entry.
start=$(now_ms)
until jq_journal PK_EVENT=deliver | grep -q .; do
  (( $(now_ms) - start < 10000 )) || { echo "FAIL: no PK_EVENT=deliver in the journal"; jq_journal | tail -5; exit 1; }
  sleep 0.1
done
submit=$(jq_journal PK_EVENT=submit)
[ "$(echo "$submit" | wc -l)" = 1 ] || { echo "FAIL: not one submit event: $submit"; exit 1; }
ref=$(echo "$submit" | jq -r .PK_REQUEST)
[[ $ref =~ ^[0-9]{10}$ ]] || { echo "FAIL: PK_REQUEST is not a queue reference: $ref"; exit 1; }
[ "$(echo "$submit" | jq -r .PK_KIOSK_ID)" = kiosk-test-01 ] || [ "$(echo "$submit" | jq -r .PK_KIOSK_ID)" = kiosk-journal-03 ]
[ "$(echo "$submit" | jq -r .SYSLOG_IDENTIFIER)" = pishkhan ]
jq_journal PK_EVENT=deliver PK_REQUEST="$ref" | jq -r .MESSAGE | grep -q delivered
jq_journal PK_EVENT=card | jq -r .MESSAGE | grep -q '^card read: ok'
ok "journalctl PK_EVENT=submit: one entry, PK_REQUEST=$ref, PK_KIOSK_ID; its delivery by the same reference"

# Every 10-digit number the kiosk wrote is a queue reference, never a national code; no PIN.
all=$(jq_journal _PID="$(echo "$submit" | jq -r ._PID)")
nums=$(echo "$all" | jq -r '[.MESSAGE, .PK_REQUEST] | .[] | strings' | grep -oE '[0-9]{10}' | sort -u || true)
for n in $nums; do [ "$n" = "$ref" ] || { echo "FAIL: a 10-digit number in the journal: $n"; exit 1; }; done
if echo "$all" | jq -r .MESSAGE | grep -qiE 'pin[^a-z]*1234|\b1234\b'; then echo "FAIL: the PIN in the journal"; exit 1; fi
ok "no full national code and no PIN in any of the kiosk's $(echo "$all" | wc -l) journal entries"
summary
