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
