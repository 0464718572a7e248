#!/usr/bin/env bash
# Every single edit of a real audit log is found and located by `pishkhan audit verify`: for
# each line, one byte changed, the line deleted, the line duplicated, the line swapped with the
# next; every checkpoint's signature altered. The untouched log verifies.
set -euo pipefail
export LC_ALL=C.UTF-8 # the Persian digits below are characters, not bytes
bin=${PK_BINARY_DIR:?}/bin
pk=${PK_BIN:-$bin/pishkhan}
pki=$PK_BINARY_DIR/pki/device
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log=$work/audit.log
"$bin/t_audit_driver" "$log" "$pki/key.pem" "$(cat "$pki/kid")" 54 18
n=$(wc -l <"$log")
cps=$(grep -c '"kind":"checkpoint"' "$log")
[ "$cps" -ge 3 ] || { echo "FAIL: only $cps checkpoints in the log"; exit 1; }
cp "$log.checkpoint" "$work/side"
out=$("$pk" audit --log "$log" verify --jwks "$pki/jwks.json") || { echo "FAIL: the untouched log does not verify: $out"; exit 1; }
grep -q "intact: $n entries, $cps checkpoints" <<<"$out" || { echo "FAIL: $out"; exit 1; }
echo "untouched: $n entries, $cps checkpoints verify"
# show: every entry, Jalali dates in Persian digits (fa), none after --since a future day.
[ "$("$pk" audit --log "$log" show --lang en | grep -c '  #[0-9]*  ')" = "$n" ] || { echo "FAIL: show --lang en"; exit 1; }
[ "$("$pk" audit --log "$log" show --lang fa | grep -c '^۱۴[۰۱۲۳۴۵۶۷۸۹][۰۱۲۳۴۵۶۷۸۹]/[۰۱۲۳۴۵۶۷۸۹][۰۱۲۳۴۵۶۷۸۹]/[۰۱۲۳۴۵۶۷۸۹][۰۱۲۳۴۵۶۷۸۹] .*  #[۰۱۲۳۴۵۶۷۸۹]*  ')" = "$n" ] ||
  { echo "FAIL: show --lang fa:"; "$pk" audit --log "$log" show --lang fa | head -3; exit 1; }
grep -q 'نقطهٔ بازبینی امضاشده' <<<"$("$pk" audit --log "$log" show --lang fa)" || { echo "FAIL: show --lang fa names no checkpoint"; exit 1; }
[ "$("$pk" audit --log "$log" show --json | grep -c '"seq":')" = "$n" ] || { echo "FAIL: show --json"; exit 1; }
[ -z "$("$pk" audit --log "$log" show --since 2099-01-01)" ] || { echo "FAIL: show --since a future day printed entries"; exit 1; }
echo "show: $n entries in English, Persian (Jalali) and JSON; --since filters"

fails=0 cases=0
# expect WHAT PATTERN: verify the edited copy; it must fail (exit 1) and its English line match.
expect() {
  cases=$((cases + 1))
  cp "$work/side" "$work/t.log.checkpoint"
  local out rc=0
  out=$("$pk" audit --log "$work/t.log" verify --jwks "$pki/jwks.json" 2>&1) || rc=$?
  if [ $rc != 1 ] || ! grep -Eq "$2" <<<"$out"; then
    echo "FAIL: $1: exit $rc, wanted 1 and /$2/; said:"; echo "$out" | sed 's/^/  /'; fails=$((fails + 1))
  fi
}
for ((i = 1; i <= n; i++)); do
  line=$(sed -n "${i}p" "$log")
  # one byte in the middle of the line, to a different character
  pos=$(( ${#line} / 2 )); c=${line:$pos:1}; [ "$c" = 7 ] && r=8 || r=7
  awk -v i="$i" -v l="${line:0:$pos}$r${line:$((pos + 1))}" 'NR==i{print l; next} {print}' "$log" >"$work/t.log"
  if [[ $line == *'"kind":"checkpoint"'* ]]; then
    expect "byte changed in checkpoint line $i" "^Line $i \(seq $i\): this (entry was changed|checkpoint does not verify)"
    # its signature: one character of the jws's last part
    sig=${line##*.}; s1=${sig:10:1}; [ "$s1" = A ] && s2=B || s2=A
    alt=${line%.*}.${sig:0:10}$s2${sig:11}
    awk -v i="$i" -v l="$alt" 'NR==i{print l; next} {print}' "$log" >"$work/t.log"
    expect "checkpoint signature altered at line $i" "^Line $i \(seq $i\): this checkpoint does not verify"
  else
    expect "byte changed in line $i" "^Line $i \(seq $i\): this entry was changed"
  fi
  sed "${i}d" "$log" >"$work/t.log"
  if [ "$i" = "$n" ]; then
    expect "last line deleted" "^The log ends before seq $n, which its last checkpoint signed"
  else
    expect "line $i deleted" "^Line $i: the entry seq $i was removed"
  fi
  sed "${i}p" "$log" >"$work/t.log"
  expect "line $i duplicated" "^Line $((i + 1)) \(seq $((i + 1)) expected\): an entry was inserted"
  if [ "$i" -lt "$n" ]; then
    awk -v i="$i" 'NR==i{held=$0; next} {print} NR==i+1{print held}' "$log" >"$work/t.log"
    expect "lines $i and $((i + 1)) swapped" "^Lines $i and $((i + 1)) \(seq $i\): these entries were swapped"
  fi
done
echo "$cases edits of $n lines: $((cases - fails)) found and located"
[ "$fails" = 0 ]
