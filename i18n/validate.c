/* Validators for what citizens type: national code (check digit), mobile, postal code,
 * Sheba (ISO 7064 mod 97-10). The checks are published arithmetic on at most 26 digits;
 * no library covers the Iranian formats. */
#include "pishkhan/i18n.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ASCII digits (and letters, upper-cased) with the blanks and hyphens people write between
 * groups ("325-010648-8") dropped. NULL when a hyphen is not between two of them: a
 * leading one would let "-3250106488" pass as a code with a sign. */
static char *compact(const char *utf8) {
  char *s = pk_digits_to_ascii(utf8);
  if (!s) return NULL;
  size_t o = 0;
  bool ok = true, hyphen = false; /* hyphen: one is waiting for the character after it */
  for (size_t i = 0; ok && s[i]; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == ' ' || c == '\t') continue;
    if (c == '-') ok = !hyphen && o > 0, hyphen = true;
    else s[o++] = (char)toupper(c), hyphen = false;
  }
  s[o] = 0;
  if (ok && !hyphen) return s;
  free(s);
  return NULL;
}

static bool all_digits(const char *s, size_t n) {
  if (strlen(s) != n) return false;
  for (size_t i = 0; i < n; i++)
    if (!isdigit((unsigned char)s[i])) return false;
  return true;
}

static bool all_same(const char *s) {
  for (size_t i = 1; s[i]; i++)
    if (s[i] != s[0]) return false;
  return true;
}

bool pk_national_code_digits_valid(const char *ascii) {
  if (!ascii || !all_digits(ascii, 10) || all_same(ascii)) return false;
  int sum = 0;
  for (int i = 0; i < 9; i++) sum += (ascii[i] - '0') * (10 - i);
  int r = sum % 11, check = ascii[9] - '0';
  return r < 2 ? check == r : check == 11 - r;
}

const char *pk_validate_national_code(const char *utf8) {
  char *d = compact(utf8);
  const char *err = NULL;
  if (!d || !all_digits(d, 10)) err = pk_tr("The national code has 10 digits.");
  else if (!pk_national_code_digits_valid(d))
    err = pk_tr("This national code is not valid. Please check the digits.");
  free(d);
  return err;
}

bool pk_national_code_valid(const char *utf8) { return pk_validate_national_code(utf8) == NULL; }

char *pk_mobile_canonical(const char *utf8) {
  char *d = compact(utf8);
  if (!d) return NULL;
  const char *p = d;
  if (!strncmp(p, "+98", 3)) p += 3;
  else if (!strncmp(p, "0098", 4)) p += 4;
  else if (!strncmp(p, "0", 1)) p += 1;
  char *r = NULL;
  if (p[0] == '9' && all_digits(p, 10) && (r = malloc(12))) {
    r[0] = '0';
    memcpy(r + 1, p, 11);
  }
  free(d);
  return r;
}

bool pk_mobile_valid(const char *utf8) {
  char *c = pk_mobile_canonical(utf8);
  free(c);
  return c != NULL;
}

const char *pk_validate_mobile(const char *utf8) {
  return pk_mobile_valid(utf8) ? NULL : pk_tr("Enter the mobile number as 09 followed by 9 digits.");
}

bool pk_postal_code_valid(const char *utf8) {
  char *d = compact(utf8);
  bool ok = d && all_digits(d, 10) && !all_same(d);
  free(d);
  return ok;
}

const char *pk_validate_postal_code(const char *utf8) {
  return pk_postal_code_valid(utf8) ? NULL : pk_tr("The postal code has 10 digits.");
}

/* ISO 7064 mod 97-10 over "24 digits" + "IR" (I=18, R=27) + check digits. */
static bool sheba_check(const char *digits24) {
  char buf[40];
  memcpy(buf, digits24 + 2, 22);
  memcpy(buf + 22, "1827", 4);
  memcpy(buf + 26, digits24, 2);
  unsigned r = 0;
  for (int i = 0; i < 28; i++) r = (r * 10 + (unsigned)(buf[i] - '0')) % 97;
  return r == 1;
}

static int sheba_state(const char *utf8) { /* 0 ok, 1 format, 2 check */
  char *d = compact(utf8);
  if (!d) return 1;
  const char *p = strncmp(d, "IR", 2) ? d : d + 2;
  int st = !all_digits(p, 24) ? 1 : sheba_check(p) ? 0 : 2;
  free(d);
  return st;
}

bool pk_sheba_valid(const char *utf8) { return sheba_state(utf8) == 0; }

const char *pk_validate_sheba(const char *utf8) {
  int st = sheba_state(utf8);
  if (st == 1) return pk_tr("Enter the Sheba number as IR followed by 24 digits.");
  if (st == 2) return pk_tr("This Sheba number is not valid. Please check the digits.");
  return NULL;
}
