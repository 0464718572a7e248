/* The kiosk's allocator (ui/wipe_alloc.c) leaves nothing in the blocks it frees: a secret
 * written into a block is gone once the block is freed or moved by realloc. Reading freed
 * memory is what a core file or a stray read would do; glibc keeps its own list pointers in
 * the first 16 bytes of a free block, so the test looks past them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static const char secret[] = "0071234561-09187654329-1366/08/23-PERSONAL-DATA";

/* The block's address kept apart from the pointer that is freed, as a core file keeps it. */
static volatile uintptr_t kept;

static size_t secret_bytes_left(size_t n) {
  volatile const unsigned char *p = (volatile const unsigned char *)kept;
  size_t left = 0;
  for (size_t i = 16; i + 1 < n; i++) left += p[i] == (unsigned char)secret[i]; /* not the NUL */
  return left;
}

/* Through a volatile pointer: a store just before free would otherwise be optimised away. */
static void put_secret(unsigned char *p) {
  volatile unsigned char *v = p;
  for (size_t i = 0; i < sizeof secret; i++) v[i] = (unsigned char)secret[i];
}

static void test_free_wipes(void **state) {
  unsigned char *p = malloc(sizeof secret);
  put_secret(p);
  kept = (uintptr_t)p;
  free(p);
  assert_int_equal(secret_bytes_left(sizeof secret), 0);
}

static void test_realloc_that_moves_wipes_the_old_block(void **state) {
  unsigned char *p = malloc(sizeof secret);
  put_secret(p);
  kept = (uintptr_t)p;
  unsigned char *q = realloc(p, 1 << 20); /* too big to grow in place */
  assert_non_null(q);
  assert_memory_equal(q, secret, sizeof secret);
  if ((uintptr_t)q != kept) assert_int_equal(secret_bytes_left(sizeof secret), 0);
  free(q);
}

int main(void) {
#if defined(__SANITIZE_ADDRESS__)
  return 77; /* a sanitizer build keeps the sanitizer's allocator */
#endif
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_free_wipes),
      cmocka_unit_test(test_realloc_that_moves_wipes_the_old_block),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
