/* The display sanitizer: what comes from the server, the card or a file can neither drive
 * the terminal (controls, escape sequences), nor reorder what a citizen reads (bidi
 * controls), nor hide text from them (invisible characters: two service titles or names
 * that look the same must be the same). Decoding uses ICU's U8_NEXT; the escape-sequence
 * skipper follows ECMA-48 (a dozen states; no library offers it for filtering). */
#include "pishkhan/i18n.h"
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

enum st { NORMAL, ESC, ESC_INTER, CSI, STR, STR_ESC };

/* Default_Ignorable_Code_Point covers the bidi controls, zero-width spaces, BOM, soft
 * hyphen, tag characters, fillers and variation selectors; the format characters it leaves
 * out draw nothing either (interlinear annotation, hieroglyph joiners), except the
 * prepended concatenation marks (Arabic number sign...), which are visible. ZWNJ and ZWJ
 * stay: Persian spelling needs them (می‌خواهم). */
static bool is_invisible(UChar32 c) {
  if (c == 0x200C || c == 0x200D) return false;
  return u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT) ||
         (u_charType(c) == U_FORMAT_CHAR && !u_hasBinaryProperty(c, UCHAR_PREPENDED_CONCATENATION_MARK));
}

static bool is_space_control(UChar32 c) {
  return c == '\t' || c == '\n' || c == '\r' || c == 0x0B || c == 0x0C || c == 0x85 ||
         c == 0x2028 || c == 0x2029;
}

/* Next state for c; *emit tells whether c is text to keep. */
static enum st step(enum st s, UChar32 c, bool *emit) {
  *emit = false;
  switch (s) {
  case ESC:
    if (c == '[') return CSI;
    if (c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_') return STR;
    if (c >= 0x20 && c <= 0x2F) return ESC_INTER;
    if (c >= 0x30 && c <= 0x7E) return NORMAL;
    return step(NORMAL, c, emit);
  case ESC_INTER:
    if (c >= 0x20 && c <= 0x2F) return ESC_INTER;
    if (c >= 0x30 && c <= 0x7E) return NORMAL;
    return step(NORMAL, c, emit);
  case CSI:
    if (c >= 0x20 && c <= 0x3F) return CSI;
    if (c >= 0x40 && c <= 0x7E) return NORMAL;
    return step(NORMAL, c, emit);
  case STR:
    if (c == 0x07 || c == 0x9C) return NORMAL;
    return c == 0x1B ? STR_ESC : STR;
  case STR_ESC:
    if (c == '\\') return NORMAL;
    return step(ESC, c, emit);
  case NORMAL:
  default:
    if (c == 0x1B) return ESC;
    if (c == 0x9B) return CSI;
    if (c == 0x9D || c == 0x90 || c == 0x98 || c == 0x9E || c == 0x9F) return STR;
    *emit = true;
    return NORMAL;
  }
}

/* Appends c unless the cap would be passed; false when full. */
static bool put(char *o, size_t *len, size_t cap, UChar32 c) {
  size_t need = (size_t)U8_LENGTH(c);
  if (*len + need > cap) return false;
  int32_t at = 0;
  U8_APPEND_UNSAFE((uint8_t *)o + *len, at, c);
  *len += need;
  return true;
}

char *pk_sanitize(const char *utf8, size_t max_bytes) {
  const uint8_t *s = (const uint8_t *)(utf8 ? utf8 : "");
  size_t sl = strlen((const char *)s);
  int32_t n = sl > INT32_MAX / 2 ? INT32_MAX / 2 : (int32_t)sl;
  size_t cap = (size_t)n * 3 + 1; /* an invalid byte (1) becomes U+FFFD (3) */
  if (max_bytes && max_bytes < cap) cap = max_bytes;
  char *o = malloc(cap + 1);
  if (!o) return NULL;
  size_t len = 0;
  enum st st = NORMAL;
  for (int32_t i = 0; i < n;) {
    UChar32 c;
    bool emit;
    U8_NEXT(s, i, n, c);
    if (c < 0) c = 0xFFFD;
    st = step(st, c, &emit);
    if (!emit || is_invisible(c)) continue;
    if (is_space_control(c)) c = ' ';
    else if (c < 0x20 || (c >= 0x7F && c < 0xA0)) continue;
    if (!put(o, &len, cap, c)) break;
  }
  o[len] = 0;
  return o;
}
