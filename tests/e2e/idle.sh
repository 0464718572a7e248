#!/usr/bin/env bash
# Idle timeout: a visible countdown, then the same wipe as a card removal.
source "$(dirname "$0")/lib.sh"
cat > "$WORK/pishkhan.conf" <<'CONF'
[kiosk]
idle_timeout = 15
idle_warning = 5
CONF
start_kiosk 80 24 --demo --config "$WORK/pishkhan.conf"
wait_for "$(visual "$HOME_TEXT")"
keys F5
wait_for "$(visual 'رمز کارت خود را وارد کنید')"
keys 1 2 3 4 Enter
wait_for "$(visual 'زهرا محمدی')" 10000
t0=$(now_ms)
wait_for "$(visual 'هنوز اینجا هستید؟')" 13000
shown=$(( $(now_ms) - t0 ))
(( shown >= 9000 )) || { echo "FAIL: countdown after only $shown ms"; exit 1; }
ok "countdown shown after $shown ms of no input"
# The card is still in: home asks for it first, then for the next citizen's.
wait_for "$(visual 'لطفاً کارت خود را بردارید.')" 7000
gone=$(( $(now_ms) - t0 ))
if screen | grep -qF -- "$(visual 'زهرا محمدی')"; then echo "FAIL: name still on screen"; exit 1; fi
keys F5
wait_for "$(visual "$HOME_TEXT")" 1000
ok "session wiped after $gone ms idle; home screen, no trace of the citizen"
summary
