#!/usr/bin/env bash
# kill -9 of a process inserting into the outbox, 1,000 times at random moments (opening and
# recovering the WAL, inserting, committing, marking delivered): afterwards integrity_check is
# ok and every row whose insert returned 0 is there, whole.
set -euo pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"${PK_BINARY_DIR:?}/bin/t_outbox_crash" kill9 "$work" "${PK_KILL9_CYCLES:-1000}"
