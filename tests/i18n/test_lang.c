/* Catalog switching at runtime in a bare "C" environment (no fa_IR locale), and digits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include "pishkhan/i18n.h"

static int setup(void **st) {
  (void)st;
  unsetenv("LANGUAGE");
  setenv("LC_ALL", "C", 1);
  setlocale(LC_ALL, "C");
  pk_i18n_init(NULL);
  return 0;
}

static void switches_language_without_restart(void **st) {
  (void)st;
  pk_i18n_set_lang(PK_LANG_FA);
  assert_string_equal(pk_tr("Persian"), "فارسی");
  assert_string_equal(pk_tr("English"), "English");
  pk_i18n_set_lang(PK_LANG_EN);
  assert_int_equal(pk_i18n_lang(), PK_LANG_EN);
  assert_string_equal(pk_trn("%lu day", "%lu days", 3), "%lu days");
  pk_i18n_set_lang(PK_LANG_FA);
  assert_string_equal(pk_trn("%lu day", "%lu days", 3), "%lu روز");
  assert_string_equal(pk_tr("no such message"), "no such message");
  assert_string_equal(pk_tr(""), "");
}

static void localizes_digits_by_language(void **st) {
  (void)st;
  pk_i18n_set_lang(PK_LANG_FA);
  char *fa = pk_digits_localize("1403/02/01 A9");
  assert_string_equal(fa, "۱۴۰۳/۰۲/۰۱ A۹");
  pk_i18n_set_lang(PK_LANG_EN);
  char *en = pk_digits_localize("1403/02/01");
  assert_string_equal(en, "1403/02/01");
  char *ascii = pk_digits_to_ascii("۱۴۰۳ \u0660\u0669 12");
  assert_string_equal(ascii, "1403 09 12");
  free(fa);
  free(en);
  free(ascii);
  pk_i18n_set_lang(PK_LANG_FA);
}

static void lang_codes(void **st) {
  (void)st;
  assert_int_equal(pk_lang_from_code("en"), PK_LANG_EN);
  assert_int_equal(pk_lang_from_code("fa"), PK_LANG_FA);
  assert_int_equal(pk_lang_from_code(NULL), PK_LANG_FA);
}

int main(void) {
  const struct CMUnitTest t[] = {
      cmocka_unit_test(switches_language_without_restart),
      cmocka_unit_test(localizes_digits_by_language),
      cmocka_unit_test(lang_codes),
  };
  return cmocka_run_group_tests(t, setup, NULL);
}
