/* RFC 8785 (JCS) canonical JSON. jansson parses (it validates UTF-8, rejects lone surrogates and,
 * asked to, duplicate keys); the serializer is ours because jansson's JSON_SORT_KEYS sorts by
 * UTF-8 bytes, not UTF-16 code units, and no Debian package writes JCS (docs/dependencies.md).
 * Numbers are limited to integers of at most 2^53-1 in magnitude: those print the same in
 * ECMAScript's Number.toString, so the window and any verifier agree byte for byte. */
#include "internal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pishkhan/secret.h"

#define JCS_MAX_INT 9007199254740991LL

typedef struct sbuf {
  char *p;
  size_t n, cap;
  bool fail;
} sbuf;

/* Grown by moving, so no copy of a national code is left behind in a freed block. */
static void put(sbuf *b, const char *s, size_t n) {
  if (b->fail) return;
  if (b->n + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->n + n + 1) cap *= 2;
    char *q = pk_realloc_wiped(b->p, cap);
    if (!q) {
      b->fail = true;
      return;
    }
    b->p = q;
    b->cap = cap;
  }
  memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = '\0';
}

static void put_str(sbuf *b, const char *s, size_t n) {
  put(b, "\"", 1);
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    const char *esc = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\b' ? "\\b" : c == '\f' ? "\\f"
                    : c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : NULL;
    char u[8];
    if (!esc && c < 0x20) {
      snprintf(u, sizeof u, "\\u%04x", c);
      esc = u;
    }
    if (esc) put(b, esc, strlen(esc));
    else put(b, (const char *)&c, 1);
  }
  put(b, "\"", 1);
}

/* Next UTF-16 code unit of a valid UTF-8 string (jansson checked it); 0 at the end. */
typedef struct u16it {
  const unsigned char *s;
  unsigned pending; /* low surrogate still to give */
} u16it;

static unsigned next_unit(u16it *it) {
  if (it->pending) {
    unsigned u = it->pending;
    it->pending = 0;
    return u;
  }
  const unsigned char *s = it->s;
  if (!*s) return 0;
  unsigned cp;
  int len = s[0] < 0x80 ? 1 : s[0] < 0xE0 ? 2 : s[0] < 0xF0 ? 3 : 4;
  cp = len == 1 ? s[0] : len == 2 ? s[0] & 0x1Fu : len == 3 ? s[0] & 0x0Fu : s[0] & 0x07u;
  for (int i = 1; i < len; i++) cp = (cp << 6) | (s[i] & 0x3Fu);
  it->s += len;
  if (cp < 0x10000) return cp;
  cp -= 0x10000;
  it->pending = 0xDC00 + (cp & 0x3FF);
  return 0xD800 + (cp >> 10);
}

static int key_cmp(const void *a, const void *b) {
  u16it x = {*(const unsigned char *const *)a, 0}, y = {*(const unsigned char *const *)b, 0};
  for (;;) {
    unsigned ux = next_unit(&x), uy = next_unit(&y);
    if (ux != uy || !ux) return (ux > uy) - (ux < uy);
  }
}

static void put_value(sbuf *b, json_t *v);

static void put_object(sbuf *b, json_t *o) {
  size_t n = json_object_size(o), i = 0;
  const char **keys = calloc(n ? n : 1, sizeof *keys);
  if (!keys) {
    b->fail = true;
    return;
  }
  const char *k;
  json_t *val;
  json_object_foreach(o, k, val) keys[i++] = k;
  qsort(keys, n, sizeof *keys, key_cmp);
  put(b, "{", 1);
  for (i = 0; i < n; i++) {
    if (i) put(b, ",", 1);
    put_str(b, keys[i], strlen(keys[i]));
    put(b, ":", 1);
    put_value(b, json_object_get(o, keys[i]));
  }
  put(b, "}", 1);
  free(keys);
}

static void put_value(sbuf *b, json_t *v) {
  char num[32];
  switch (json_typeof(v)) {
  case JSON_OBJECT: put_object(b, v); break;
  case JSON_ARRAY:
    put(b, "[", 1);
    for (size_t i = 0; i < json_array_size(v); i++) {
      if (i) put(b, ",", 1);
      put_value(b, json_array_get(v, i));
    }
    put(b, "]", 1);
    break;
  case JSON_STRING: put_str(b, json_string_value(v), json_string_length(v)); break;
  case JSON_INTEGER: {
    json_int_t n = json_integer_value(v);
    if (n > JCS_MAX_INT || n < -JCS_MAX_INT) b->fail = true;
    snprintf(num, sizeof num, "%lld", (long long)n);
    put(b, num, strlen(num));
    break;
  }
  case JSON_TRUE: put(b, "true", 4); break;
  case JSON_FALSE: put(b, "false", 5); break;
  case JSON_NULL: put(b, "null", 4); break;
  default: b->fail = true; /* a real: refused, see the top of the file */
  }
}

char *pk_jcs(const char *json, size_t len) {
  if (!json) return NULL;
  json_error_t e;
  json_t *v = json_loadb(json, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
  if (!v) return NULL;
  sbuf b = {0};
  put_value(&b, v);
  json_decref(v);
  if (b.fail || !b.p) {
    pk_free_wiped(b.p);
    return NULL;
  }
  return b.p;
}
