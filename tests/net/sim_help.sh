#!/bin/sh
# pishkhan-window-sim --help documents every flag, the fault switches included.
set -eu
out=$("$1" --help)
for f in --bind --port --cert --key --client-ca --db --seed --services --card-ca --card-crl --receipt-key --enc-key \
  --token-ttl --otp-ttl --otp-interval --otp-max --test-endpoints --latency --error-ratio --drop-ratio \
  --truncate-ratio --drip --after-commit --offline --max-queue-age-days --quiet --fees; do
  echo "$out" | grep -q -- "$f " || { echo "--help does not document $f"; exit 1; }
done
"$1" --no-such-flag >/dev/null 2>&1 && { echo "an unknown flag was accepted"; exit 1; }
echo "1 passed, 0 failed"
