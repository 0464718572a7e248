#!/usr/bin/env bash
# The layers hold: base/ uses nothing above it; the lower modules (i18n, cardreader, net,
# receipt, outbox, audit, payment) never include the application's headers (state machine, backend, settings) nor the
# simulator's; core/ never draws; nothing in the library reaches into sim/.
set -euo pipefail
cd "${1:?source dir}"
fails=0
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
# includes FILES...: "file: header" for each #include "..." line.
includes() { grep -H -o '^#include "[^"]*"' "$@" | sed 's/:#include "/: /; s/"$//'; }

base_ok='pishkhan/(loop|event|worker|log|secret|b64url|ecdsa_sig|sdnotify)\.h$'
while read -r line; do
  h=${line#*: }
  [[ $h =~ $base_ok ]] || bad "base reaches up: $line"
done < <(includes base/*.c include/pishkhan/{loop,event,worker,log,secret,b64url,ecdsa_sig,sdnotify}.h)

app='pishkhan/(app|app_states|backend|config|chores|module_opts|harden|form)\.h$'
sim='pishkhan/(demo|vcard|windowsim)\.h$|sim/'
lower=$(ls i18n/*.[ch] cardreader/*.[ch] net/*.[ch] receipt/*.[ch] outbox/*.[ch] audit/*.[ch] payment/*.[ch] | grep -v receipt/main_receipt.c)
lower_api="include/pishkhan/i18n.h include/pishkhan/card.h include/pishkhan/net.h include/pishkhan/catalog.h include/pishkhan/receipt.h include/pishkhan/outbox.h include/pishkhan/audit.h include/pishkhan/payment.h"
while read -r line; do
  h=${line#*: }
  [[ $h =~ $app ]] && bad "a lower module includes the application: $line"
  [[ $h =~ $sim ]] && bad "a lower module includes the simulator: $line"
  [[ $h == ../core/* || $h == ../ui/* ]] && bad "a lower module includes a private header: $line"
done < <(includes $lower $lower_api)

while read -r line; do
  h=${line#*: }
  [[ $h =~ $sim ]] && bad "the application includes the simulator: $line"
done < <(includes core/*.[ch])
if grep -l '#include <n\?curses.h>' core/*.[ch] base/*.[ch] 2>/dev/null; then bad "core or base includes curses"; fi

[ "$fails" = 0 ] || exit 1
echo "layers hold: base, lower modules, core, ui"
