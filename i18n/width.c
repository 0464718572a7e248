/* Terminal cell widths from ICU properties, so that no UTF-8 locale is needed (wcwidth
 * depends on LC_CTYPE, which a kiosk started from a bare environment may not have). */
#include "internal.h"
#include "pishkhan/i18n.h"
#include <pthread.h>
#include <stdlib.h>
#include <unicode/uchar.h>
#include <unicode/utf16.h>

static int width_slow(UChar32 c) {
  if (c >= 0x20 && c < 0x7F) return 1;
  if (c < 0x20 || (c >= 0x7F && c < 0xA0) || c > 0x10FFFF) return 0;
  int8_t t = u_charType(c);
  if (t == U_NON_SPACING_MARK || t == U_ENCLOSING_MARK || t == U_FORMAT_CHAR) return 0;
  if (c < 0x1100) return 1; /* nothing wide below the Hangul jamo */
  if (c >= 0x1160 && c <= 0x11FF) return 0; /* Hangul medial vowels, final consonants */
  int ea = u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH);
  return (ea == U_EA_WIDE || ea == U_EA_FULLWIDTH) ? 2 : 1;
}

/* Layout asks the same few properties of every character of every line, every frame:
 * one byte per BMP code point, filled once from ICU (64 KiB, about 3 ms), answers them. */
enum { BMP_WIDTH = 3, BMP_MARK = 4, BMP_FORMAT = 8 };
static uint8_t bmp[0x10000];
static pthread_once_t bmp_once = PTHREAD_ONCE_INIT;

static void fill_bmp(void) {
  for (UChar32 c = 0; c < 0x10000; c++) {
    int8_t t = u_charType(c);
    bmp[c] = (uint8_t)(width_slow(c) | (t == U_NON_SPACING_MARK || t == U_ENCLOSING_MARK ? BMP_MARK : 0) |
                       (t == U_FORMAT_CHAR ? BMP_FORMAT : 0));
  }
}

static uint8_t props(UChar32 c) {
  pthread_once(&bmp_once, fill_bmp);
  return bmp[c];
}

bool pk__is_mark(UChar32 c) {
  if (c < 0x10000) return props(c) & BMP_MARK;
  int8_t t = u_charType(c);
  return t == U_NON_SPACING_MARK || t == U_ENCLOSING_MARK;
}

bool pk__is_format(UChar32 c) { return c < 0x10000 ? props(c) & BMP_FORMAT : u_charType(c) == U_FORMAT_CHAR; }

int pk_char_width(uint32_t cp) {
  UChar32 c = (UChar32)cp;
  if (c >= 0x20 && c < 0x7F) return 1;
  return c < 0x10000 ? props(c) & BMP_WIDTH : width_slow(c);
}

int pk__width16(const UChar *s, int32_t n) {
  int w = 0;
  for (int32_t i = 0; i < n;) {
    UChar32 c;
    U16_NEXT(s, i, n, c);
    w += pk_char_width((uint32_t)c);
  }
  return w;
}

int pk_text_width(const char *utf8) {
  int32_t n;
  UChar *s = pk__u16(utf8, &n), *sh = NULL;
  if (!s) return 0;
  int32_t m = pk__shape(s, n, &sh, NULL);
  int w = m < 0 ? pk__width16(s, n) : pk__width16(sh, m);
  free(sh);
  free(s);
  return w;
}
