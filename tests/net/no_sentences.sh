#!/usr/bin/env bash
# net/ reports causes and machine codes; the sentences a citizen reads live in core and go
# through the catalogs. Fails on any Persian text, or an English sentence in a string, in net/.
set -uo pipefail
src=${1:?source dir}
fail=0
if grep -nP '[\x{0600}-\x{06FF}]' "$src"/net/*.c "$src"/net/*.h; then
  echo "FAIL: Persian text in net/ (above)"
  fail=1
fi
# A capitalised word followed by two more words and a full stop, inside a string literal.
if grep -nP '"[^"]*\b[A-Z][a-z]+ [a-z]+ [a-z]+[^"]*\.\s*"' "$src"/net/*.c; then
  echo "FAIL: English sentences in net/ (above)"
  fail=1
fi
exit $fail
