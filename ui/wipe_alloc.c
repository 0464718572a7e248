/* The kiosk wipes every block of memory it gives back. Citizens' data passes through many
 * libraries (libcurl, jansson, OpenSSL, ICU, ncurses, SQLite) and through our own text
 * pipeline, each freeing copies without wiping; a core file or a later bug could then read
 * them. Defining free and realloc in the executable replaces them for every library in the
 * process (glibc supports interposing its allocator); malloc and calloc stay glibc's.
 * Linked into the kiosk only; a sanitizer build keeps the sanitizer's own allocator. */
#if !defined(__SANITIZE_ADDRESS__)
#include <malloc.h>
#include <string.h>

extern void __libc_free(void *p);
extern void *__libc_malloc(size_t n);

void free(void *p) {
  if (!p) return;
  explicit_bzero(p, malloc_usable_size(p));
  __libc_free(p);
}

/* Growing moves the data: the old block is wiped as it is freed. Shrinking keeps the block,
 * so no tail of it is handed back unwiped. */
void *realloc(void *p, size_t n) {
  if (!p) return __libc_malloc(n);
  if (n == 0) {
    free(p);
    return NULL;
  }
  size_t have = malloc_usable_size(p);
  if (n <= have) return p;
  void *q = __libc_malloc(n);
  if (!q) return NULL;
  memcpy(q, p, have);
  free(p);
  return q;
}
#else
/* A sanitizer build keeps the sanitizer's allocator: its checks are worth more in tests. */
typedef int pk_sanitizer_keeps_its_allocator;
#endif
