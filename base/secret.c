/* The PIN buffer lives on its own page so that mlock and MADV_DONTDUMP cover
 * exactly it, and nothing else shares its fate in a core dump. */
#include "pishkhan/secret.h"

#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct pk_secret {
  size_t len, cap, mapsz;
  int locked;
  uint8_t *buf;
};

void pk_wipe(void *p, size_t n) {
  if (p && n) explicit_bzero(p, n);
}

void pk_wipe_block(void *p) {
  if (p) pk_wipe(p, malloc_usable_size(p));
}

void *pk_realloc_moving(void *p, size_t n, void *(*alloc)(size_t), void (*release)(void *)) {
  if (!p) return alloc(n);
  if (n == 0) {
    release(p);
    return NULL;
  }
  size_t have = malloc_usable_size(p);
  if (n <= have) return p;
  void *q = alloc(n);
  if (!q) return NULL;
  memcpy(q, p, have);
  release(p);
  return q;
}

void pk_free_wiped(void *p) {
  pk_wipe_block(p);
  free(p);
}

void *pk_realloc_wiped(void *p, size_t n) { return pk_realloc_moving(p, n, malloc, pk_free_wiped); }

pk_secret *pk_secret_new(size_t capacity) {
  pk_secret *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  s->mapsz = (capacity + page - 1) / page * page;
  s->buf = mmap(NULL, s->mapsz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (s->buf == MAP_FAILED) {
    free(s);
    return NULL;
  }
  madvise(s->buf, s->mapsz, MADV_DONTDUMP);
  s->locked = mlock(s->buf, s->mapsz) == 0;
  s->cap = capacity;
  return s;
}

void pk_secret_free(pk_secret *s) {
  if (!s) return;
  pk_wipe(s->buf, s->mapsz);
  if (s->locked) munlock(s->buf, s->mapsz);
  munmap(s->buf, s->mapsz);
  free(s);
}

void pk_secret_clear(pk_secret *s) {
  pk_wipe(s->buf, s->cap);
  s->len = 0;
}

int pk_secret_push(pk_secret *s, uint8_t b) {
  if (s->len >= s->cap) return -1;
  s->buf[s->len++] = b;
  return 0;
}

void pk_secret_pop(pk_secret *s) {
  if (s->len) s->buf[--s->len] = 0;
}

size_t pk_secret_len(const pk_secret *s) { return s->len; }
const uint8_t *pk_secret_data(const pk_secret *s) { return s->buf; }
