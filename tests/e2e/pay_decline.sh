#!/usr/bin/env bash
# Issue 13 end to end: a declined card. The terminal declines the first sale and approves the
# next (pishkhan-pos-sim --script decline,approve). The PAY screen explains in Persian and offers
# another card; the second card pays, the request is submitted, and the 80 mm receipt's token
# carries the amount and the second sale's reference. Counted at the simulators: one declined
# sale, one approved, one request carrying the invoice. Exit 77 = skipped.
if [ "${PK_IN_PCSC_NS:-}" != 1 ]; then
  exec "$(dirname "$0")/../cardreader/pcsc-ns.sh" bash "$0" "$@"
fi
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/pay_lib.sh"
pay_peers 80 --script decline,approve
pay_pick_service

pay_to_review
keys Enter
wait_for "$(visual 'بانک کارت را نپذیرفت. پولی برداشته نشد؛ می‌توانید با کارت دیگری بپردازید.')" 30000
# «Enter: کارت دیگر. Esc: لغو (چیزی فرستاده نمی‌شود).»: its Persian runs (the kiosk orders the Latin keys itself)
wait_for "$(visual 'کارت دیگر')" 5000
wait_for "$(visual 'چیزی فرستاده نمی‌شود')" 5000
on_screen "$(visual 'درخواست شما ثبت شد.')" && { echo "FAIL: a declined card submitted the request"; exit 1; }
ok "declined: the PAY screen says so in Persian, nothing was taken, and offers another card"
keys Enter
pay_wait_receipt
ok "the second card paid: the request is submitted, the receipt shows the bank reference"
pay_records
pay_check_printed_receipt 80
ok "the printed receipt's token carries the amount and the approved sale's reference"
stop_kiosk

pay_assert_counts <<'PY'
states = sorted(r["state"] for r in rows)
assert states == ["approved", "declined"], rows
assert all(r["sales"] == "1" and int(r["amount"]) == fee for r in rows), rows
assert rows[0]["trace"] != rows[1]["trace"] and rows[0]["invoice"] == rows[1]["invoice"] != "-", rows
assert len(reqs) == 1 and reqs[0].get("invoice_id") == rows[0]["invoice"], reqs
print(f"# one declined and one approved sale of {fee} rials on invoice {rows[0]['invoice']}, one request {reqs[0]['tracking_code']}")
PY
ok "counted at the simulators: one declined sale, one approved, one request"
summary
