#!/usr/bin/env bash
# Idle timeout: a visible countdown of at least 20 s that any key cancels, then the same wipe
# as a card removal.
source "$(dirname "$0")/lib.sh"
cat > "$WORK/pishkhan.conf" <<'CONF'
[kiosk]
idle_timeout = 30
idle_warning = 20
CONF
COUNTDOWN="$(visual 'هنوز اینجا هستید؟')"
start_kiosk 80 24 --demo --config "$WORK/pishkhan.conf"
wait_for "$(visual "$HOME_TEXT")"
demo_sign_in
t0=$(now_ms)   # the dashboard drawn: its screen change starts the idle time
wait_for "$COUNTDOWN" 13000
shown=$(( $(now_ms) - t0 ))
(( shown >= 9000 )) || { echo "FAIL: countdown after only $shown ms"; exit 1; }
ok "countdown shown after $shown ms of no input"
# Any key gives the whole time again: a key that does nothing else on the dashboard.
keys Down
wait_gone "$COUNTDOWN" 2000
t1=$(now_ms)
on_screen "$(visual 'زهرا محمدی')" || { echo "FAIL: a key during the countdown ended the session"; exit 1; }
wait_for "$COUNTDOWN" 13000
again=$(( $(now_ms) - t1 ))
(( again >= 9000 )) || { echo "FAIL: after a key, the countdown came back after only $again ms"; exit 1; }
ok "a key during the countdown kept the session; the countdown came back $again ms later"
# The card is still in: home asks for it first, then for the next citizen's.
t2=$(now_ms)
wait_for "$(visual 'لطفاً کارت خود را بردارید.')" 23000
warned=$(( $(now_ms) - t2 ))
(( warned >= 19000 )) || { echo "FAIL: the countdown gave only $warned ms"; exit 1; }
if on_screen "$(visual 'زهرا محمدی')"; then echo "FAIL: name still on screen"; exit 1; fi
keys F5
wait_for "$(visual "$HOME_TEXT")" 1000
ok "the countdown gave $warned ms, then the session was wiped; home screen, no trace of the citizen"
summary
