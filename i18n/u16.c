/* UTF-8 <-> UTF-16 conversions through ICU, and a small growable buffer. */
#include "internal.h"
#include <stdlib.h>
#include <string.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

UChar *pk__u16(const char *utf8, int32_t *len) {
  UErrorCode e = U_ZERO_ERROR;
  int32_t n = 0, sub = 0;
  if (!utf8) utf8 = "";
  u_strFromUTF8WithSub(NULL, 0, &n, utf8, -1, 0xFFFD, &sub, &e);
  UChar *s = malloc(sizeof(UChar) * ((size_t)n + 1));
  if (!s) return NULL;
  e = U_ZERO_ERROR;
  u_strFromUTF8WithSub(s, n + 1, &n, utf8, -1, 0xFFFD, &sub, &e);
  if (U_FAILURE(e)) { free(s); return NULL; }
  *len = n;
  return s;
}

char *pk__u8(const UChar *s, int32_t n) {
  if (!s || n <= 0) return strdup("");
  UErrorCode e = U_ZERO_ERROR;
  int32_t m = 0, sub = 0;
  u_strToUTF8WithSub(NULL, 0, &m, s, n, 0xFFFD, &sub, &e);
  char *o = malloc((size_t)m + 1);
  if (!o) return NULL;
  e = U_ZERO_ERROR;
  u_strToUTF8WithSub(o, m + 1, &m, s, n, 0xFFFD, &sub, &e);
  if (U_FAILURE(e)) { free(o); return NULL; }
  o[m] = 0;
  return o;
}

char *pk__strdup0(const char *s) { return strdup(s ? s : ""); }

bool pk__ubuf_reserve(pk_ubuf *b, int32_t extra) {
  if (b->n + extra <= b->cap) return true;
  int32_t cap = b->cap ? b->cap : 32;
  while (cap < b->n + extra) cap *= 2;
  UChar *p = realloc(b->s, sizeof(UChar) * (size_t)cap);
  if (!p) return false;
  b->s = p;
  b->cap = cap;
  return true;
}

bool pk__ubuf_put(pk_ubuf *b, UChar32 c) {
  if (!pk__ubuf_reserve(b, 2)) return false;
  U16_APPEND_UNSAFE(b->s, b->n, c);
  return true;
}

bool pk__ubuf_cat(pk_ubuf *b, const UChar *s, int32_t n) {
  if (n <= 0) return pk__ubuf_reserve(b, 1);
  if (!pk__ubuf_reserve(b, n)) return false;
  memcpy(b->s + b->n, s, sizeof(UChar) * (size_t)n);
  b->n += n;
  return true;
}

size_t pk_utf8_count(const char *s) {
  size_t n = 0;
  for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
  return n;
}
