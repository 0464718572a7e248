/* The PIN buffer: bounded, wiped on clear, and masking of national codes in logs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "pishkhan/log.h"
#include "pishkhan/secret.h"

static void test_secret_bounded_and_wiped(void **state) {
  (void)state;
  pk_secret *s = pk_secret_new(4);
  for (int i = 0; i < 4; i++) assert_int_equal(pk_secret_push(s, (uint8_t)('1' + i)), 0);
  assert_int_equal(pk_secret_push(s, '9'), -1);
  assert_memory_equal(pk_secret_data(s), "1234", 4);
  const uint8_t *raw = pk_secret_data(s);
  pk_secret_clear(s);
  assert_int_equal(pk_secret_len(s), 0);
  for (int i = 0; i < 4; i++) assert_int_equal(raw[i], 0);
  pk_secret_free(s);
}

static char last_line[1024];
static void sink(pk_log_level l, const char *line, void *ud) {
  (void)l, (void)ud;
  snprintf(last_line, sizeof last_line, "%s", line);
}

static void test_mask_national_code(void **state) {
  (void)state;
  char out[16];
  pk_mask_national_code("0012345678", out, sizeof out);
  assert_string_equal(out, "******5678");
  pk_log_set_sink(sink, NULL);
  pk_log_open("test", 1, PK_LOG_ERR);
  pk_info("login %s", out);
  assert_null(strstr(last_line, "0012345678"));
  assert_non_null(strstr(last_line, "5678"));
  pk_log_set_sink(NULL, NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_secret_bounded_and_wiped),
      cmocka_unit_test(test_mask_national_code),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
