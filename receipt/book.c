/* Receipts of the current session, for reprint by tracking code; wiped at session end. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct pk_receipt_book {
  char **jws;
  char (*tc)[48];
  size_t n, cap;
};

pk_receipt_book *pk_receipt_book_new(void) { return calloc(1, sizeof(pk_receipt_book)); }

int pk_receipt_book_add(pk_receipt_book *b, const char *jws) {
  pk_receipt r;
  if (!b || pk_receipt_parse(jws, &r)) return -PK_RECEIPT_EINVAL;
  for (size_t i = 0; i < b->n; i++)
    if (!strcmp(b->tc[i], r.tracking_code)) { /* newest token for a tracking code wins */
      char *c = strdup(jws);
      if (!c) return -PK_RECEIPT_ENOMEM;
      free(b->jws[i]);
      b->jws[i] = c;
      return 0;
    }
  if (b->n == b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 8;
    char **j = realloc(b->jws, cap * sizeof *j);
    if (!j) return -PK_RECEIPT_ENOMEM;
    b->jws = j;
    char(*t)[48] = realloc(b->tc, cap * sizeof *t);
    if (!t) return -PK_RECEIPT_ENOMEM;
    b->tc = t;
    b->cap = cap;
  }
  if (!(b->jws[b->n] = strdup(jws))) return -PK_RECEIPT_ENOMEM;
  memcpy(b->tc[b->n], r.tracking_code, sizeof b->tc[b->n]);
  b->n++;
  return 0;
}

const char *pk_receipt_book_find(const pk_receipt_book *b, const char *tc) {
  for (size_t i = 0; b && tc && i < b->n; i++)
    if (!strcmp(b->tc[i], tc)) return b->jws[i];
  return NULL;
}

size_t pk_receipt_book_count(const pk_receipt_book *b) { return b ? b->n : 0; }

void pk_receipt_book_clear(pk_receipt_book *b) {
  if (!b) return;
  for (size_t i = 0; i < b->n; i++) {
    explicit_bzero(b->jws[i], strlen(b->jws[i]));
    free(b->jws[i]);
  }
  if (b->tc) explicit_bzero(b->tc, b->cap * sizeof *b->tc);
  b->n = 0;
}

void pk_receipt_book_free(pk_receipt_book *b) {
  if (!b) return;
  pk_receipt_book_clear(b);
  free(b->jws);
  free(b->tc);
  free(b);
}
