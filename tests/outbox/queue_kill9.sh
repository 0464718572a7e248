#!/usr/bin/env bash
# Issue 11, crash safety counted at the window: CYCLES times (default 1,000) either the driver
# enqueues sealed offline requests or `pishkhan queue sync` delivers them into the standalone
# simulator (latency, dropped and truncated answers after the request was stored), and each is
# killed -9 after a random 0-150 ms: kills land in SQLite commits, WAL recovery and deliveries.
# Then one sync without kills. What is asserted, from the store and the window's own records:
#   - PRAGMA integrity_check of the outbox is ok;
#   - acknowledged (the driver printed the ref after insert returned 0: a receipt was printed)
#     is a subset of delivered: each such row is in the store, delivered, and its key is at the
#     window exactly once, with the tracking code the store recorded;
#   - every key at the window belongs to a row of the store (a row committed but killed before
#     its ref was printed may be delivered: the citizen had no receipt, the window has it once);
#     at most one such unacknowledged row per kill during enqueue;
#   - 0 duplicates: no key twice at the window; nothing left pending or failed.
set -euo pipefail
PK_BIN=${PK_BIN:?} PK_DEMO_BIN=${PK_DEMO_BIN:-$PK_BIN}
source "$(dirname "$0")/queue_lib.sh"
CYCLES=${PK_QUEUE_KILL9_CYCLES:-1000}
start_queue_sim --latency 5 --drop-ratio 0.05 --truncate-ratio 0.05 --after-commit
kiosk_conf k "parallel = 2"
driver=("$PK_BINARY_DIR/bin/t_queue_driver" "$WORK/k/outbox.db" "$pki/window/window-jwks.json"
        "$pki/card/citizen.key.pem" "$pki/card/citizen.crt.pem" 0071234561 "$KIOSK_ID" 0 5)
python3 - "$CYCLES" "$WORK/acked.txt" "$WORK/cycles.txt" "$PK_BIN" "$WORK/k.conf" "${driver[@]}" <<'PY'
import os, random, signal, subprocess, sys, time
cycles, acked, stats, pk, conf, driver = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6:]
sync = [pk, "queue", "--config", conf, "sync", "--timeout", "30"]
kills = {"enqueue": 0, "sync": 0}
finished = {"enqueue": 0, "sync": 0}
with open(acked, "w") as out:
    for c in range(cycles):
        kind = random.choice(("enqueue", "sync"))
        p = subprocess.Popen(driver if kind == "enqueue" else sync, stdout=subprocess.PIPE if kind == "enqueue"
                             else subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(random.uniform(0, 0.150))
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            kills[kind] += 1
        else:
            finished[kind] += 1
        if p.stdout:
            out.write(p.stdout.read().decode())
        p.wait()
with open(stats, "w") as f:
    f.write(f"{cycles} {kills['enqueue']} {kills['sync']} {finished['enqueue']} {finished['sync']}\n")
PY
admin requests > "$WORK/window-before.json"
# The last sync, no kills: what is left (some rows wait out a backoff after a dropped answer).
deadline=$(( $(now_ms) + 90000 ))
until queue k --json sync --timeout 60 > "$WORK/final.json"; do
  (( $(now_ms) < deadline )) || { echo "FAIL: the final sync did not drain the queue"; cat "$WORK/final.json"; exit 1; }
done
queue k --json list > "$WORK/store.json"
admin requests > "$WORK/window.json"
python3 - "$WORK/k/outbox.db" "$WORK/acked.txt" "$WORK/store.json" "$WORK/window.json" "$WORK/cycles.txt" \
  "$WORK/window-before.json" <<'PY'
import json, sqlite3, sys
db, acked_f, store_f, window_f, stats_f, before_f = sys.argv[1:]
before = len(json.load(open(before_f))["requests"])
integrity = sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0]
acked = [l.split()[1:3] for l in open(acked_f) if l.startswith("ok ")]
store = {r["ref"]: r for r in json.load(open(store_f))}
by_key = {r["idempotency_key"]: r for r in store.values()}
window = json.load(open(window_f))["requests"]
keys = [w["idempotency_key"] for w in window]
cycles, k_enq, k_sync, f_enq, f_sync = map(int, open(stats_f).read().split())
dups = len(keys) - len(set(keys))
strangers = [k for k in keys if k not in by_key]
lost = [ref for ref, key in acked if ref not in store or store[ref]["idempotency_key"] != key
        or store[ref]["state"] != "delivered" or keys.count(key) != 1]
wrong_code = [w for w in window if w["idempotency_key"] in by_key
              and by_key[w["idempotency_key"]]["tracking_code"] != w["tracking_code"]]
unacked = len(store) - len(acked)
left = [r for r in store.values() if r["state"] != "delivered"]
print(f"# {cycles} cycles: kills during enqueue {k_enq}, during sync {k_sync} "
      f"(finished before the kill: {f_enq} enqueue, {f_sync} sync)")
print(f"# rows {len(store)} (acknowledged {len(acked)}, committed unacknowledged {unacked}); "
      f"delivered {sum(r['state'] == 'delivered' for r in store.values())} ({before} during the killed syncs); "
      f"at the window {len(keys)}; "
      f"duplicates {dups}; lost {len(lost)}; strangers {len(strangers)}; integrity {integrity}")
assert integrity == "ok", integrity
assert len(set(r for r, _ in acked)) == len(acked), "a ref acknowledged twice"
assert not lost, f"acknowledged but not delivered exactly once: {lost[:5]}"
assert dups == 0 and not strangers, "a key twice at the window, or one the store never had"
assert not wrong_code, "the store's tracking code differs from the window's"
assert not left, f"left undelivered: {[(r['ref'], r['state'], r['last_error']) for r in left[:5]]}"
assert len(keys) == len(store), "the window and the store disagree on what was delivered"
assert 0 <= unacked <= k_enq, f"{unacked} unacknowledged rows after {k_enq} kills during enqueue"
PY
echo "ok - $CYCLES enqueue/sync cycles killed -9 at random: 0 lost, 0 duplicated, store whole"
