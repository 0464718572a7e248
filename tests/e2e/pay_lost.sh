#!/usr/bin/env bash
# Issue 13 end to end: a lost answer. The terminal approves the sale but its answer never
# arrives, nor do its answers to the status asks (pishkhan-pos-sim --script lost). The kiosk asks
# by trace, cannot confirm within its bound, reverses; the citizen reads that the payment was
# reversed and nothing taken. Counted at pos-sim: the sale reversed (0 net charge) after status
# asks; at the window: no request for that invoice. Exit 77 = skipped.
if [ "${PK_IN_PCSC_NS:-}" != 1 ]; then
  exec "$(dirname "$0")/../cardreader/pcsc-ns.sh" bash "$0" "$@"
fi
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/pay_lib.sh"
pay_peers 80 --script lost
pay_pick_service

pay_to_review
keys Enter
# The terminal's status answers are lost too: the kiosk asks until resolve_bound_ms (30 s), then reverses.
wait_for "$(visual 'پرداخت تأیید نشد و برگشت خورد: هیچ پولی از کارت برداشته نشد.')" 90000
on_screen "$(visual 'درخواست شما ثبت شد.')" && { echo "FAIL: the request was submitted"; exit 1; }
ok "lost answer: the citizen reads that the payment was reversed and nothing taken"
stop_kiosk

pay_assert_counts <<'PY'
assert len(rows) == 1, rows
r = rows[0]
assert r["state"] == "reversed" and r["sales"] == "1" and int(r["reversals"]) >= 1, r
asks = sqlite3.connect(db).execute("SELECT count(*) FROM requests WHERE trace=? AND type='STATUS'",
                                             (r["trace"],)).fetchone()[0]
assert asks >= 1, f"the kiosk never asked the terminal by trace ({asks})"
assert not [q for q in reqs if q.get("invoice_id") == r["invoice"]] and not reqs, reqs
print(f"# trace {r['trace']}: asked by trace {asks} times, reversed ({r['reversals']} reversal(s)); 0 requests at the window")
PY
ok "counted at the simulators: the sale reversed (0 net charge), no request for its invoice"
summary
