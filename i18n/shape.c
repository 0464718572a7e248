/* Arabic-script shaping in logical order through ICU's u_shapeArabic.
 * Marks are taken out before shaping and put back after their base: Unicode makes them
 * transparent to joining, and ICU would otherwise turn harakat into spacing forms
 * (U+FE70..FE7F) that take a cell each. Lam-alef merges two letters into one cell. */
#include "internal.h"
#include <stdlib.h>
#include <unicode/uchar.h>
#include <unicode/ushape.h>
#include <unicode/utf16.h>

static bool is_mark(UChar32 c) { return pk__is_mark(c); }

/* ICU's spacing harakat (isolated/medial forms) back to the combining mark. */
static UChar unspace_mark(UChar c) {
  static const UChar map[16] = {0x064B, 0x064B, 0x064C, 0, 0x064D, 0, 0x064E, 0x064E,
                                0x064F, 0x064F, 0x0650, 0x0650, 0x0651, 0x0651, 0x0652, 0x0652};
  if (c >= 0xFE70 && c <= 0xFE7F && map[c - 0xFE70]) return map[c - 0xFE70];
  return c;
}

static bool is_lamalef(UChar c) { return c >= 0xFEF5 && c <= 0xFEFC; }

/* Waw forms back to alef wasla forms where the input had alef wasla. */
static UChar wasla(UChar shaped, UChar orig) {
  if (orig != 0x0671 || (shaped != 0xFEED && shaped != 0xFEEE)) return shaped;
  return shaped == 0xFEED ? 0xFB50 : 0xFB51;
}

/* Base letters (every mark removed: ICU would shape some, e.g. U+065E, as letters) and
 * their indices. Marks with no base before them are copied through by merge. */
static int32_t split_bases(const UChar *in, int32_t n, UChar *base, int32_t *bsrc) {
  int32_t nb = 0;
  for (int32_t i = 0; i < n;) {
    int32_t start = i;
    UChar32 c;
    U16_NEXT(in, i, n, c);
    if (is_mark(c)) continue;
    for (int32_t k = start; k < i; k++) { base[nb] = in[k]; bsrc[nb++] = k; }
    /* ICU has no forms for alef wasla: shape it as waw, which joins the same way (right
     * only) and, unlike alef, makes no ligature with lam. */
    if (c == 0x0671) base[nb - 1] = 0x0648;
  }
  return nb;
}

/* Output char, then the marks that followed each base it consumed. */
static int32_t merge(const UChar *in, int32_t n, const UChar *sh, int32_t ns, const UChar *base,
                     const int32_t *bsrc, int32_t nb, UChar *out, int32_t *src_of) {
  int32_t o = 0, k = 0;
  for (int32_t m = 0; m < (nb ? bsrc[0] : n); m++) {
    if (src_of) src_of[o] = m;
    out[o++] = in[m];
  }
  for (int32_t j = 0; j < ns && k < nb; j++) {
    int32_t used = (is_lamalef(sh[j]) && base[k] == 0x0644 && k + 1 < nb) ? 2 : 1;
    if (src_of) src_of[o] = bsrc[k];
    out[o++] = wasla(unspace_mark(sh[j]), in[bsrc[k]]);
    for (int32_t u = 0; u < used; u++, k++) {
      int32_t end = k + 1 < nb ? bsrc[k + 1] : n;
      for (int32_t m = bsrc[k] + 1; m < end; m++) {
        if (src_of) src_of[o] = m;
        out[o++] = in[m];
      }
    }
  }
  return o;
}

int32_t pk__shape(const UChar *in, int32_t n, UChar **out, int32_t **src_of) {
  UChar *base = malloc(sizeof(UChar) * ((size_t)n + 1) * 3);
  int32_t *bsrc = malloc(sizeof(int32_t) * ((size_t)n + 1) * 2);
  *out = NULL;
  if (src_of) *src_of = NULL;
  if (!base || !bsrc) goto fail;
  UChar *sh = base + n + 1, *res = sh + n + 1;
  int32_t *so = bsrc + n + 1;
  int32_t nb = split_bases(in, n, base, bsrc);
  UErrorCode e = U_ZERO_ERROR;
  int32_t ns = u_shapeArabic(base, nb, sh, n + 1,
                             U_SHAPE_LETTERS_SHAPE | U_SHAPE_TEXT_DIRECTION_LOGICAL |
                                 U_SHAPE_LENGTH_GROW_SHRINK | U_SHAPE_PRESERVE_PRESENTATION,
                             &e);
  if (U_FAILURE(e)) goto fail;
  int32_t o = merge(in, n, sh, ns, base, bsrc, nb, res, so);
  *out = malloc(sizeof(UChar) * ((size_t)o + 1));
  if (src_of) *src_of = malloc(sizeof(int32_t) * ((size_t)o + 1));
  if (!*out || (src_of && !*src_of)) goto fail;
  for (int32_t i = 0; i < o; i++) (*out)[i] = res[i];
  (*out)[o] = 0;
  if (src_of) {
    for (int32_t i = 0; i < o; i++) (*src_of)[i] = so[i];
    (*src_of)[o] = n; /* one past the end maps to the end of the input */
  }
  free(base);
  free(bsrc);
  return o;
fail:
  free(base);
  free(bsrc);
  free(*out);
  *out = NULL;
  if (src_of) { free(*src_of); *src_of = NULL; }
  return -1;
}
