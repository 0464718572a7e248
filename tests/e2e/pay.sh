#!/usr/bin/env bash
# Issue 13 end to end: the production kiosk in tmux with a real card (pcscd + vpcd), the
# standalone window simulator with fees enforced whose provider reads the terminal's own record,
# and pishkhan-pos-sim over TCP. A citizen pays a fee service and takes a receipt that shows the
# amount and the bank reference, and whose signed token carries them (am, pr: read by jwcrypto
# from the printed 58 mm receipt); counted at the simulators: one charge, one request, the
# invoice paid and used once. Runs itself in pcsc-ns.sh's private namespace. Exit 77 = skipped.
if [ "${PK_IN_PCSC_NS:-}" != 1 ]; then
  exec "$(dirname "$0")/../cardreader/pcsc-ns.sh" bash "$0" "$@"
fi
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/pay_lib.sh"
pay_peers 58
pay_pick_service

pay_to_review
ok "the review shows the fee"
keys Enter   # the payment screen: with an approving terminal it passes in a moment
pay_wait_receipt
ok "the receipt shows the amount paid and the bank reference"
grep -q 'confirmed by the window' "$WORK/stderr.log" || { echo "FAIL: no payment confirmed"; exit 1; }
pay_records
pay_check_printed_receipt 58
ok "the printed receipt's signed token carries the amount paid and the bank reference"
stop_kiosk

pay_assert_counts <<'PY'
assert len(rows) == 1, f"{len(rows)} sales at the terminal"
assert rows[0]["state"] == "approved" and rows[0]["sales"] == "1" and int(rows[0]["amount"]) == fee, rows[0]
assert len(reqs) == 1, f"{len(reqs)} requests at the window"
print(f"# one charge of {fee} rials (trace {rows[0]['trace']}), one request {reqs[0]['tracking_code']}")
PY
ok "one charge at the terminal, one request at the window"
summary
