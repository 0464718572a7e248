#!/usr/bin/env bash
# Every way the kiosk can be ended by a signal gives the terminal back as the shell had it:
# cooked mode with echo, the normal screen, a visible cursor, no mouse reporting.
# The pane runs dash, not bash: bash puts back its own saved tty modes after a job dies of a
# signal, which would hide whatever the kiosk left behind.
source "$(dirname "$0")/lib.sh"

PROMPT='pk-shell$' # capture-pane drops the trailing space of PS1
start_shell() {
  tm new-session -d -x 80 -y 24 -s k -c "$WORK" \
    "env -i PATH=\"\$PATH\" TERM=\"\$TERM\" HOME=$WORK LC_ALL=C.UTF-8 PS1='$PROMPT ' dash -i"
  wait_for "$PROMPT"
}
# type LINE: C-j ends the line even if the terminal was left without CR-to-NL translation.
type_line() { keys -l "$1"; keys C-j; }

# wait_file FILE [TIMEOUT_MS]
wait_file() {
  local f=$1 limit=${2:-8000} start
  start=$(now_ms)
  until [ -s "$f" ]; do
    (( $(now_ms) - start < limit )) || { echo "FAIL: $f not written after $limit ms. Screen:" >&2; screen >&2; return 1; }
    sleep 0.05
  done
}

# wait_dead PID [TIMEOUT_MS]: until the shell has reaped the process.
wait_dead() {
  local pid=$1 limit=${2:-8000} start
  start=$(now_ms)
  while kill -0 "$pid" 2>/dev/null; do
    (( $(now_ms) - start < limit )) || { echo "FAIL: pid $pid still alive after $limit ms" >&2; return 1; }
    sleep 0.05
  done
}

has_flag() { grep -Eq "(^| )$1( |;|\$)" "$2"; }

check_signal() {
  local sig=$1
  start_shell
  # The pid file names the process that becomes pishkhan (exec), not a wrapper.
  type_line "ulimit -c 0; sh -c 'echo \$\$ > pid.$sig; exec \"\$0\" --demo --log-stderr 2>>stderr.log' '$KIOSK_BIN'"
  wait_for "$(visual "$HOME_TEXT")"
  kill -s "$sig" "$(cat "$WORK/pid.$sig")"
  wait_dead "$(cat "$WORK/pid.$sig")"
  type_line "stty -a > stty.$sig; echo ok > done.$sig"
  wait_file "$WORK/done.$sig"
  local f="$WORK/stty.$sig" bad=""
  for flag in icanon echo isig icrnl opost; do has_flag "$flag" "$f" || bad="$bad -$flag"; done
  [ -z "$bad" ] || { echo "FAIL: SIG$sig left the tty with$bad:" >&2; cat "$f" >&2; exit 1; }
  local modes
  modes=$(tm display-message -p -t k '#{alternate_on} #{cursor_flag} #{mouse_any_flag} #{keypad_cursor_flag}')
  [ "$modes" = "0 1 0 0" ] || {
    echo "FAIL: SIG$sig left alternate-screen/cursor/mouse/keypad = $modes (want 0 1 0 0)" >&2
    screen >&2
    exit 1
  }
  on_screen "$PROMPT" || { echo "FAIL: SIG$sig: no shell prompt on screen" >&2; screen >&2; exit 1; }
  if on_screen "$(visual "$HOME_TEXT")"; then
    echo "FAIL: SIG$sig: the kiosk's screen is still shown" >&2
    exit 1
  fi
  ok "SIG$sig: cooked tty with echo, normal screen, visible cursor, shell prompt"
  stop_kiosk
}

for sig in PIPE QUIT SEGV ABRT TERM HUP INT; do check_signal "$sig"; done
summary
