/* Search keys that ignore how a name was typed: Arabic or Persian keyboard, harakat,
 * tatweel, ZWNJ or space, presentation forms, digit set, Latin case. ICU does the
 * decomposition, case folding and composition; the Persian letter folds are a table. */
#include "internal.h"
#include "pishkhan/i18n.h"
#include <stdlib.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

static UChar32 fold_letter(UChar32 c) {
  switch (c) {
  case 0x064A: case 0x0649: case 0x06CD: case 0x06D0: return 0x06CC; /* ي ى -> ی */
  case 0x0643: case 0x06AA: return 0x06A9;                           /* ك -> ک */
  case 0x0629: case 0x06C0: case 0x06D5: case 0x06C1: return 0x0647; /* ة ۀ ە ہ -> ه */
  case 0x0671: case 0x0672: case 0x0673: case 0x0675: return 0x0627; /* alef variants */
  default: return c;
  }
}

/* Marks, tatweel and format characters out; letters folded; spaces unified. */
static bool fold(const UChar *s, int32_t n, pk_ubuf *b) {
  bool space = true; /* drops leading spaces */
  for (int32_t i = 0; i < n;) {
    UChar32 c;
    U16_NEXT(s, i, n, c);
    int8_t t = u_charType(c);
    if (c == 0x200C || u_isUWhiteSpace(c) || u_iscntrl(c)) {
      if (!space && !pk__ubuf_put(b, ' ')) return false;
      space = true;
      continue;
    }
    if (t == U_NON_SPACING_MARK || t == U_ENCLOSING_MARK || t == U_FORMAT_CHAR || c == 0x0640)
      continue;
    int32_t dv = t == U_DECIMAL_DIGIT_NUMBER ? u_charDigitValue(c) : -1;
    if (!pk__ubuf_put(b, dv >= 0 ? '0' + dv : fold_letter(c))) return false;
    space = false;
  }
  if (b->n > 0 && b->s[b->n - 1] == ' ') b->n--;
  return true;
}

static UChar *normalize(const UNormalizer2 *nz, const UChar *s, int32_t n, int32_t *out_n) {
  UErrorCode e = U_ZERO_ERROR;
  int32_t cap = n * 4 + 16;
  UChar *d = malloc(sizeof(UChar) * (size_t)cap);
  if (!d) return NULL;
  *out_n = unorm2_normalize(nz, s, n, d, cap, &e);
  if (U_FAILURE(e)) { free(d); return NULL; }
  return d;
}

static UChar *casefold(const UChar *s, int32_t n, int32_t *out_n) {
  UErrorCode e = U_ZERO_ERROR;
  int32_t cap = n * 3 + 16; /* folding may expand (ß -> ss) */
  UChar *d = malloc(sizeof(UChar) * (size_t)cap);
  if (!d) return NULL;
  *out_n = u_strFoldCase(d, cap, s, n, U_FOLD_CASE_DEFAULT, &e);
  if (U_FAILURE(e)) { free(d); return NULL; }
  return d;
}

char *pk_normalize_fa(const char *utf8) {
  UErrorCode e = U_ZERO_ERROR;
  const UNormalizer2 *nfkd = unorm2_getNFKDInstance(&e), *nfc = unorm2_getNFCInstance(&e);
  int32_t n, kn, cn, rn;
  UChar *s = pk__u16(utf8, &n), *k = NULL, *c = NULL, *r = NULL;
  pk_ubuf b = {0};
  char *out = NULL;
  if (!s || U_FAILURE(e)) goto done;
  if (!(k = normalize(nfkd, s, n, &kn)) || !(c = casefold(k, kn, &cn))) goto done;
  if (!fold(c, cn, &b) || !(r = normalize(nfc, b.s ? b.s : c, b.n, &rn))) goto done;
  out = pk__u8(r, rn);
done:
  free(s), free(k), free(c), free(r), free(b.s);
  return out;
}
