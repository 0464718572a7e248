/* The kiosk wipes every block of memory it gives back. Citizens' data passes through many
 * libraries (libcurl, jansson, OpenSSL, ICU, ncurses, SQLite) and through our own text
 * pipeline, each freeing copies without wiping; a core file or a later bug could then read
 * them. Defining free and realloc in the executable replaces them for every library in the
 * process (glibc supports interposing its allocator); malloc and calloc stay glibc's.
 * Linked into the kiosk only; a sanitizer build keeps the sanitizer's own allocator. */
#if !defined(__SANITIZE_ADDRESS__)
#include "pishkhan/secret.h"

extern void __libc_free(void *p);
extern void *__libc_malloc(size_t n);

void free(void *p) {
  pk_wipe_block(p);
  __libc_free(p);
}

void *realloc(void *p, size_t n) { return pk_realloc_moving(p, n, __libc_malloc, free); }
#else
/* A sanitizer build keeps the sanitizer's allocator: its checks are worth more in tests. */
typedef int pk_sanitizer_keeps_its_allocator;
#endif
