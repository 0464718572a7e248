/* Any typed text: the parser either rejects it or returns a date that exists and
 * round-trips through the Gregorian calendar and the formatter. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "pishkhan/i18n.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *in = malloc(size + 1);
  memcpy(in, data, size);
  in[size] = 0;
  int y, m, d, gy, gm, gd, y2, m2, d2;
  if (pk_jalali_parse(in, &y, &m, &d) == PK_DATE_OK) {
    if (!pk_jalali_valid(y, m, d)) abort();
    if (pk_gregorian_from_jalali(y, m, d, &gy, &gm, &gd)) abort();
    if (pk_jalali_from_gregorian(gy, gm, gd, &y2, &m2, &d2) || y2 != y || m2 != m || d2 != d) abort();
    char *f = pk_jalali_format(y, m, d, PK_JDATE_NUMERIC);
    if (!f || pk_jalali_parse(f, &y2, &m2, &d2) != PK_DATE_OK || y2 != y || m2 != m || d2 != d) abort();
    free(f);
  }
  free(in);
  return 0;
}
