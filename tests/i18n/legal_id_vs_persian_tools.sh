#!/usr/bin/env bash
# Runs legal_id_vs_persian_tools.mjs once the pinned node tools are there (77: npm offline).
set -euo pipefail
"${PK_SOURCE_DIR:?}/scripts/node-tools" || exit
node "$PK_SOURCE_DIR/tests/i18n/legal_id_vs_persian_tools.mjs" "$1"
