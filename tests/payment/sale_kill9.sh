#!/usr/bin/env bash
# Issue 13, crash safety of pay-and-submit counted at both simulators: CYCLES times (default
# 1,000) a kiosk (t_sale_driver: the live backend and state machine) serves fee requests one
# citizen after another — invoice, card sale at pishkhan-pos-sim, the window's confirmation,
# submit — and is killed -9 after a random 0-KILL_MS ms; each start settles what the last left
# before anyone is served. The terminal answers with approvals, declines, a lack of funds, a card
# taken out, silence before and after approval, duplicated and slow answers; the window adds
# latency and drops answers to submits after it stored them. Then one start without a kill,
# which must leave no payment live and no request pending.
# Counted from the terminal's own record (pos.db) and the window's (sim.db), never the kiosk's:
#   - 0 double charges: no invoice, and no request key, with two standing charges;
#   - 0 standing charges without a registered request carrying their invoice (the others were
#     reversed or declined at the terminal);
#   - 0 registered requests without a paid invoice whose charge stands at the terminal;
#   - every receipt the kiosk showed names a request the window holds, with its invoice.
set -euo pipefail
PK_BIN=${PK_BIN:?} PK_DEMO_BIN=${PK_DEMO_BIN:-$PK_BIN}
source "$(dirname "$0")/../e2e/lib.sh"
source "$(dirname "$0")/../e2e/pay_lib.sh"
CYCLES=${PK_SALE_KILL9_CYCLES:-1000}
KILL_MS=${PK_SALE_KILL9_MS:-700}
trap 'kill ${POS_PID:-} ${SIM_PID:-} 2>/dev/null || true; cleanup' EXIT

# A day of mixed answers, over and over: 16 new sales, 9 of them plain approvals.
day=approve,approve,decline,approve,duplicated,approve,slow,no-funds,approve,card-removed,approve
day+=,timeout-after,approve,duplicated,timeout-before,approve
start_pos_sim --slow-ms 40 --script "$day" --cycle
SIM_ARGS=(--fees enforce --test-endpoints --provider-pos-db "$WORK/pos.db" --latency 3 --drop-ratio 0.04 --after-commit)
start_window_sim
pay_kiosk_conf "$WORK/k.conf" 'printer = none' 'sale_timeout_ms = 10000'
driver=("$PK_BINARY_DIR/bin/t_sale_driver" "$WORK/k.conf" "$pki/card")
# The first start syncs the catalog (kept in the data folder, so the killed ones do not).
"${driver[@]}" 0 > "$WORK/warm.out" || { echo "FAIL: the first start did not come up"; cat "$WORK/warm.out"; exit 1; }

/usr/bin/python3 - "$CYCLES" "$KILL_MS" "$WORK" "${driver[@]}" <<'PY'
import collections, os, random, signal, sqlite3, subprocess, sys, time
cycles, kill_ms, work, driver = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4:]
data = os.path.join(work, "data")
def newest(db, sql):
    try:
        c = sqlite3.connect(f"file:{os.path.join(data, db)}?mode=ro", uri=True, timeout=5)
        row = c.execute(sql).fetchone()
        c.close()
        return row[0] if row else "none"
    except sqlite3.Error:
        return "none"
at_kill = collections.Counter()
lines = collections.Counter()
with open(os.path.join(work, "receipts.txt"), "w") as receipts:
    for c in range(cycles):
        p = subprocess.Popen(driver + ["1000"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        time.sleep(random.uniform(0, kill_ms / 1000))
        p.send_signal(signal.SIGKILL)
        out = p.stdout.read().decode()
        p.wait()
        # Where the kill landed: the newest payment's state and its request's, as the kiosk left them.
        pay = newest("payments.db", "SELECT state FROM payments ORDER BY id DESC LIMIT 1")
        req = newest("outbox.db", "SELECT state FROM rows ORDER BY created_at DESC, rowid DESC LIMIT 1")
        last = out.strip().split("\n")[-1].split(" ")[0] if out.strip() else "starting"
        at_kill[f"{last}/{pay}"] += 1
        for l in out.splitlines():
            lines[l.split(" ")[0]] += 1
            if l.startswith("receipt "):
                receipts.write(l + "\n")
print(f"# {cycles} kill -9 cycles (0-{kill_ms} ms each)")
print("# killed at (last step printed / newest payment's state):",
      ", ".join(f"{k} {v}" for k, v in sorted(at_kill.items())))
print("# steps seen:", ", ".join(f"{k} {v}" for k, v in sorted(lines.items())))
PY

# The last start, no kill: whatever is left is settled and delivered.
"${driver[@]}" 0 > "$WORK/final.out" || { echo "FAIL: the last start left payments live or requests pending"; cat "$WORK/final.out"; exit 1; }

/usr/bin/python3 - "$WORK/pos.db" "$WORK/sim.db" "$WORK/receipts.txt" <<'PY'
import collections, sqlite3, sys
pos, sim, receipts_f = sys.argv[1:]
sales = sqlite3.connect(pos).execute("SELECT rrn, invoice, state FROM sales").fetchall()
w = sqlite3.connect(sim)
invoices = {i: (st, ref, key) for i, st, ref, key in w.execute("SELECT id, status, bank_ref, idem_key FROM invoices")}
requests = w.execute("SELECT tracking_code, idem_key, invoice_id FROM requests").fetchall()
# A charge is known to both sides by its bank reference (RRN): the terminal made it, the
# window's provider confirmed it.
standing = [(rrn, inv) for rrn, inv, st in sales if st == "approved"]
standing_refs = {rrn for rrn, _ in standing}
by_invoice = collections.Counter(inv for _, inv in standing)
by_key = collections.Counter(invoices.get(inv, ("", "", inv))[2] for _, inv in standing)
carried = collections.Counter(r[2] for r in requests if r[2])
double = sum(n > 1 for n in by_invoice.values()) + sum(n > 1 for n in by_key.values())
unattached = [inv for _, inv in standing if carried[inv] != 1]
unpaid = [r for r in requests if not r[2] or invoices.get(r[2], ("",))[0] != "paid"
          or invoices[r[2]][1] not in standing_refs]
used_twice = [inv for inv, n in carried.items() if n > 1]
held = {(r[0], r[2]) for r in requests}
receipts = [tuple(l.split()[1:3]) for l in open(receipts_f)]
lost = [r for r in receipts if r not in held]
states = collections.Counter(st for _, _, st in sales)
print(f"# terminal: {len(sales)} sales recorded — " + ", ".join(f"{k} {v}" for k, v in sorted(states.items())))
print(f"# window: {len(invoices)} invoices ({sum(v[0] == 'paid' for v in invoices.values())} paid), "
      f"{len(requests)} requests registered; receipts shown {len(receipts)}")
print(f"# double charges {double}; standing charges without a registered request {len(unattached)}; "
      f"registered requests without a paid, standing invoice {len(unpaid)}; invoices used twice {len(used_twice)}; "
      f"receipts the window does not hold {len(lost)}")
ok = standing and requests and not double and not unattached and not unpaid and not used_twice and not lost
print("ok" if ok else "FAIL")
sys.exit(0 if ok else 1)
PY
