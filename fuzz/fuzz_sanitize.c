/* The sanitizer's promises hold for any bytes: valid UTF-8 out, no C0/C1 control, no ESC,
 * no bidi control, no invisible character (Default_Ignorable_Code_Point, which the bidi
 * controls belong to) but the ZWNJ/ZWJ Persian needs, never longer than the cap; pk_visual
 * then lays it out without crashing. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>
#include "pishkhan/i18n.h"

static void check(const char *o, size_t cap) {
  size_t n = strlen(o);
  if (cap && n > cap) abort();
  for (int32_t i = 0; i < (int32_t)n;) {
    UChar32 c;
    U8_NEXT((const uint8_t *)o, i, (int32_t)n, c);
    bool joiner = c == 0x200C || c == 0x200D;
    if (c < 0x20 || (c >= 0x7F && c < 0xA0) ||
        (!joiner && u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT)))
      abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  size_t cap = data[0] % 64;
  char *in = malloc(size);
  memcpy(in, data + 1, size - 1);
  in[size - 1] = 0;
  char *o = pk_sanitize(in, cap);
  check(o, cap);
  char *v = pk_visual_dir(o, cap % 40, cap & 1 ? PK_DIR_RTL : PK_DIR_LTR);
  if (cap % 40 && pk_text_width(v) != (int)(cap % 40)) abort();
  free(v);
  free(o);
  free(in);
  return 0;
}
