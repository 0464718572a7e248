/* The shipped sample config must load, and a bad value must name its line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "pishkhan/config.h"

static void test_sample_config_loads(void **state) {
  (void)state;
  pk_config c;
  pk_config_defaults(&c);
  char err[256];
  assert_int_equal(pk_config_load(&c, PK_SOURCE_DIR "/packaging/pishkhan.conf", err, sizeof err), 0);
  assert_string_equal(c.lang, "fa");
  assert_int_equal(c.idle_timeout_s, 60);
  assert_int_equal(c.paper_mm, 80);
  pk_config_free(&c);
}

static const char *write_tmp(const char *text) {
  static char path[] = "/tmp/pkcfgXXXXXX";
  strcpy(path, "/tmp/pkcfgXXXXXX");
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
  close(fd);
  return path;
}

static void test_bad_value_is_reported_with_line(void **state) {
  (void)state;
  pk_config c;
  pk_config_defaults(&c);
  char err[256];
  const char *p = write_tmp("[kiosk]\nid = K1\nidle_timeout = soon\n");
  assert_int_equal(pk_config_load(&c, p, err, sizeof err), -1);
  assert_non_null(strstr(err, "idle_timeout"));
  assert_non_null(strstr(err, "line 3"));
  assert_string_equal(c.kiosk_id, "K1");
  unlink(p);
  pk_config_free(&c);
}

static void test_unknown_keys_are_kept(void **state) {
  (void)state;
  pk_config c;
  pk_config_defaults(&c);
  const char *p = write_tmp("[printer]\nfont = Noto Naskh Arabic\n");
  assert_int_equal(pk_config_load(&c, p, NULL, 0), 0);
  assert_string_equal(pk_config_get(&c, "printer", "font"), "Noto Naskh Arabic");
  assert_null(pk_config_get(&c, "printer", "nothing"));
  unlink(p);
  pk_config_free(&c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sample_config_loads),
      cmocka_unit_test(test_bad_value_is_reported_with_line),
      cmocka_unit_test(test_unknown_keys_are_kept),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
