/* Digit sets: ASCII, Persian (U+06F0..06F9) and Arabic-Indic (U+0660..0669). */
#include "internal.h"
#include "pishkhan/i18n.h"
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

char *pk_digits_to_persian(const char *utf8) {
  const char *s = utf8 ? utf8 : "";
  size_t n = strlen(s), o = 0;
  char *r = malloc(n * 2 + 1); /* each ASCII digit grows to two bytes */
  if (!r) return NULL;
  for (size_t i = 0; i < n; i++) {
    if (s[i] >= '0' && s[i] <= '9') {
      r[o++] = (char)0xDB;
      r[o++] = (char)(0xB0 + (s[i] - '0'));
    } else if (s[i] == '.' && i > 0 && isdigit((unsigned char)s[i - 1]) && isdigit((unsigned char)s[i + 1])) {
      /* Persian writes a decimal point as the momayyez, U+066B («۱۷٫۲۵»). */
      r[o++] = (char)0xD9;
      r[o++] = (char)0xAB;
    } else {
      r[o++] = s[i];
    }
  }
  r[o] = 0;
  return r;
}

char *pk_digits_localize(const char *utf8) {
  return pk_i18n_lang() == PK_LANG_FA ? pk_digits_to_persian(utf8) : pk__strdup0(utf8);
}

char *pk_digits_to_ascii(const char *utf8) {
  const unsigned char *s = (const unsigned char *)(utf8 ? utf8 : "");
  size_t n = strlen((const char *)s), o = 0;
  char *r = malloc(n + 1);
  if (!r) return NULL;
  for (size_t i = 0; i < n; i++) {
    /* U+06F0..06F9 = DB B0..B9; U+0660..0669 = D9 A0..A9 */
    if (s[i] == 0xDB && i + 1 < n && s[i + 1] >= 0xB0 && s[i + 1] <= 0xB9) {
      r[o++] = (char)('0' + s[++i] - 0xB0);
    } else if (s[i] == 0xD9 && i + 1 < n && s[i + 1] >= 0xA0 && s[i + 1] <= 0xA9) {
      r[o++] = (char)('0' + s[++i] - 0xA0);
    } else if (s[i] == 0xD9 && i + 1 < n && s[i + 1] == 0xAB) { /* the momayyez, a decimal point */
      r[o++] = '.';
      i++;
    } else {
      r[o++] = (char)s[i];
    }
  }
  r[o] = 0;
  return r;
}

/* ---- codes read aloud ---- */

enum { GROUP = 4 };

static bool all_digits(const char *s) {
  for (; *s; s++)
    if (!isdigit((unsigned char)*s)) return false;
  return true;
}

char *pk_code_groups(const char *code, size_t from) {
  size_t n = strlen(code);
  if (n < from || !all_digits(code)) return strdup(code);
  char *out = malloc(n + n / GROUP + 1);
  if (!out) return NULL;
  char *p = out;
  for (size_t i = 0; i < n; i++) {
    if (i && i % GROUP == 0) *p++ = ' ';
    *p++ = code[i];
  }
  *p = '\0';
  return out;
}

/* ---- signed numbers in names ---- */

/* Bytes of the digit (ASCII, Persian, Arabic-Indic) at s, or 0. */
static size_t digit_len(const unsigned char *s) {
  if (*s >= '0' && *s <= '9') return 1;
  if (s[0] == 0xDB && s[1] >= 0xB0 && s[1] <= 0xB9) return 2;
  if (s[0] == 0xD9 && s[1] >= 0xA0 && s[1] <= 0xA9) return 2;
  return 0;
}

/* Bytes of a sign (+, -, U+2212) beginning a number at s, or 0. */
static size_t sign_len(const unsigned char *s, bool word_start) {
  if (!word_start) return 0;
  size_t k = (*s == '+' || *s == '-') ? 1 : (s[0] == 0xE2 && s[1] == 0x88 && s[2] == 0x92) ? 3 : 0;
  return k && digit_len(s + k) ? k : 0;
}

char *pk_isolate_signed(const char *utf8) {
  const unsigned char *s = (const unsigned char *)(utf8 ? utf8 : "");
  size_t n = strlen((const char *)s), o = 0;
  char *r = malloc(n + n / 2 * 6 + 1); /* at most one isolate (6 bytes) per two bytes */
  if (!r) return NULL;
  for (size_t i = 0; i < n;) {
    size_t k = sign_len(s + i, i == 0 || s[i - 1] == ' ' || s[i - 1] == '(');
    if (!k) {
      r[o++] = (char)s[i++];
      continue;
    }
    memcpy(r + o, "\xE2\x81\xA6", 3); /* LRI */
    memcpy(r + o + 3, s + i, k);
    o += 3 + k, i += k;
    for (size_t d; (d = digit_len(s + i)) != 0; i += d, o += d) memcpy(r + o, s + i, d);
    memcpy(r + o, "\xE2\x81\xA9", 3); /* PDI */
    o += 3;
  }
  r[o] = 0;
  return r;
}
