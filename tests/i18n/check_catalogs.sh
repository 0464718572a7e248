#!/usr/bin/env bash
# Fails when a msgid used in the sources (_("...") or N_("...")) is missing from po/fa.po or
# po/en.po, or when a Persian entry is untranslated or fuzzy. Usage: check_catalogs.sh SRC_DIR
set -euo pipefail
src=${1:?source dir}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

mapfile -t files < <(cd "$src" && find core ui i18n cardreader net receipt payment audit sim \( -name '*.c' -o -name '*.h' \) 2>/dev/null | sort)
if [ ${#files[@]} -gt 0 ]; then
  (cd "$src" && xgettext --from-code=UTF-8 -k_ -kN_ -kpk_tr -kpk_tr_fa -kpk_trn:1,2 -c'TRANSLATORS:' \
     -o "$tmp/used.pot" "${files[@]}")
fi
for lang in fa en; do
  msgfmt --check -o /dev/null "$src/po/$lang.po"
  if [ -f "$tmp/used.pot" ] && ! msgcmp --use-untranslated "$src/po/$lang.po" "$tmp/used.pot" 2>"$tmp/cmp"; then
    echo "po/$lang.po lacks msgids used in the sources:"
    grep -o 'used.pot:[0-9]*' "$tmp/cmp" | cut -d: -f2 | while read -r n; do awk -v n="$n" 'NR<n && /^msgid/{s=NR} NR==n{for(i=s;i<n;i++)print l[i]} {l[NR]=$0}' "$tmp/used.pot"; done
    fail=1
  fi
done
untr=$(msgattrib --untranslated --no-obsolete "$src/po/fa.po" | grep -c '^msgid "..*"' || true)
fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$src/po/fa.po" | grep -c '^msgid "..*"' || true)
if [ "$untr" != 0 ] || [ "$fuzzy" != 0 ]; then
  echo "po/fa.po: $untr untranslated and $fuzzy fuzzy entries:"
  msgattrib --untranslated --only-fuzzy "$src/po/fa.po" | grep '^msgid' | head -50
  msgattrib --untranslated "$src/po/fa.po" | grep '^msgid' | head -50
  fail=1
fi
exit $fail
