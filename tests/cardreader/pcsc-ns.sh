#!/bin/sh
# Runs a command in a private mount + network namespace with its own /run (so pcsc-lite's
# fixed /run/pcscd/pcscd.comm is ours alone) and its own loopback (so vpcd's fixed TCP
# port cannot clash with a parallel test or a system pcscd). Exit 77 = skipped.
set -eu
if [ "${PK_IN_PCSC_NS:-}" != 1 ]; then
  for tool in unshare pcscd ip; do
    command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: $tool not installed" >&2; exit 77; }
  done
  [ -e /usr/lib/pcsc/drivers/serial/libifdvpcd.so ] || { echo "SKIP: vsmartcard-vpcd not installed" >&2; exit 77; }
  if ! unshare -mn --propagation private true 2>/dev/null; then
    echo "SKIP: cannot create a private mount+network namespace (needs root or user namespaces)" >&2
    exit 77
  fi
  PK_IN_PCSC_NS=1 exec unshare -mn --propagation private "$0" "$@"
fi
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /run/pcscd
ip link set lo up
exec "$@"
