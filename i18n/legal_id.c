/* The legal-entity national ID check digit: published arithmetic on 11 digits (issue 12
 * item 4), for which no C library exists. */
#include "pishkhan/legal_id.h"

#include <stdlib.h>
#include <string.h>

#include "pishkhan/i18n.h"

static bool zeros(const char *s, size_t from, size_t to) {
  for (size_t i = from; i < to; i++)
    if (s[i] != '0') return false;
  return true;
}

bool pk_legal_id_digits_valid(const char *ascii) {
  if (!ascii || strlen(ascii) != 11 || strspn(ascii, "0123456789") != 11) return false;
  if (zeros(ascii, 3, 9)) return false; /* covers the all-zero ID too */
  static const int coef[5] = {29, 27, 23, 19, 17};
  int d = ascii[9] - '0' + 2, s = 0;
  for (int i = 0; i < 10; i++) s += (d + ascii[i] - '0') * coef[i % 5];
  int r = s % 11;
  return (r == 10 ? 0 : r) == ascii[10] - '0';
}

bool pk_legal_id_valid(const char *utf8) {
  char *a = utf8 ? pk_digits_to_ascii(utf8) : NULL;
  bool ok = pk_legal_id_digits_valid(a);
  free(a);
  return ok;
}
