/* The PIN buffer: bounded, wiped on backspace and clear; national codes masked in logs. */
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
  const char *pin = "472915";
  pk_secret *s = pk_secret_new(6);
  for (int i = 0; i < 6; i++) assert_int_equal(pk_secret_push(s, (uint8_t)pin[i]), 0);
  assert_int_equal(pk_secret_push(s, '9'), -1);
  assert_memory_equal(pk_secret_data(s), pin, 6);
  const uint8_t *raw = pk_secret_data(s);
  pk_secret_pop(s); /* the citizen's backspace: the digit is gone from memory, not just hidden */
  assert_int_equal(pk_secret_len(s), 5);
  assert_int_equal(raw[5], 0);
  pk_secret_clear(s);
  assert_int_equal(pk_secret_len(s), 0);
  for (int i = 0; i < 6; i++) assert_int_equal(raw[i], 0);
  pk_secret_free(s);
}

static char last_line[1024];
static void sink(pk_log_level l, const char *line, void *ud) {
  (void)l, (void)ud;
  snprintf(last_line, sizeof last_line, "%s", line);
}

/* A card's full national code goes in, as the backend and the card reader log it; only
 * the last four digits may come out, in the mask and in the log line. */
static void test_mask_national_code(void **state) {
  (void)state;
  const char *full = "0073649181"; /* a valid code (check digit 1) */
  char out[16];
  pk_mask_national_code(full, out, sizeof out);
  assert_string_equal(out, "******9181");
  pk_log_set_sink(sink, NULL);
  pk_log_open("test", 1, PK_LOG_ERR);
  pk_info("card read: %s", out);
  assert_string_equal(last_line, "card read: ******9181");
  assert_null(strstr(last_line, full));
  assert_null(strstr(last_line, "007364"));
  pk_log_set_sink(NULL, NULL);
  /* A buffer too short for the mask cuts it: it never shows more digits instead. */
  pk_mask_national_code(full, out, 7);
  assert_string_equal(out, "******");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_secret_bounded_and_wiped),
      cmocka_unit_test(test_mask_national_code),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
