/* Amounts through ICU number formatting: Persian digits, ٬ and ٫ come from CLDR's "fa"
 * symbols, and the words from CLDR's Persian spell-out rules (RBNF). */
#include "internal.h"
#include "pishkhan/i18n.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/unum.h>

static const char *locale_name(void) { return pk_i18n_lang() == PK_LANG_FA ? "fa" : "en"; }

static char *format_in(const char *locale, UNumberFormatStyle style, long long v, int decimals) {
  UErrorCode e = U_ZERO_ERROR;
  UNumberFormat *f = unum_open(style, NULL, 0, locale, NULL, &e);
  UChar buf[512];
  int32_t n = 0;
  if (U_SUCCESS(e) && decimals > 0) {
    unum_setAttribute(f, UNUM_MIN_FRACTION_DIGITS, decimals);
    unum_setAttribute(f, UNUM_MAX_FRACTION_DIGITS, decimals);
    char dec[48];
    snprintf(dec, sizeof dec, "%lldE-%d", v, decimals); /* exact: no binary floating point */
    n = unum_formatDecimal(f, dec, -1, buf, 512, NULL, &e);
  } else if (U_SUCCESS(e)) {
    n = unum_formatInt64(f, v, buf, 512, NULL, &e);
  }
  unum_close(f);
  return U_SUCCESS(e) ? pk__u8(buf, n) : NULL;
}

static char *format(UNumberFormatStyle style, long long v, int decimals) {
  return format_in(locale_name(), style, v, decimals);
}

char *pk_amount_format(long long amount) { return format(UNUM_DECIMAL, amount, 0); }

char *pk_amount_format_fa(long long amount) { return format_in("fa", UNUM_DECIMAL, amount, 0); }

/* "%s rials" from the catalog, with the words in place of %s. */
static char *words_rials(char *w, const char *fmt) {
  if (!w) return NULL;
  const char *at = strstr(fmt, "%s");
  size_t pre = at ? (size_t)(at - fmt) : strlen(fmt), len = strlen(w) + strlen(fmt) + 1;
  char *r = malloc(len);
  if (r) snprintf(r, len, "%.*s%s%s", (int)pre, fmt, w, at ? at + 2 : "");
  free(w);
  return r;
}

char *pk_amount_words_rials_fa(long long amount) {
  return words_rials(format_in("fa", UNUM_SPELLOUT, amount, 0), pk_tr_fa("%s rials"));
}
