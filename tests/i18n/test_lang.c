/* Catalog switching at runtime in a bare "C" environment (no fa_IR locale), and digits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <locale.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "pishkhan/i18n.h"

extern char **environ;

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
  pk_i18n_set_lang(PK_LANG_FA);
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

static bool environment_is(char **const *was, char *const *copy) {
  if (environ != *was) return false;
  size_t i = 0;
  for (; copy[i]; i++)
    if (!environ[i] || strcmp(environ[i], copy[i])) return false;
  return !environ[i];
}

/* Receipt workers read the environment (dgettext, getenv in libraries) while the citizen
 * presses the language key: a switch must not write it. */
static void switching_leaves_environment_alone(void **st) {
  (void)st;
  char **was = environ;
  size_t n = 0;
  while (environ[n]) n++;
  char **copy = calloc(n + 1, sizeof *copy);
  for (size_t i = 0; i < n; i++) copy[i] = strdup(environ[i]);
  for (int i = 0; i < 4; i++) {
    pk_i18n_set_lang(i % 2 ? PK_LANG_FA : PK_LANG_EN);
    assert_true(environment_is(&was, copy));
  }
  for (size_t i = 0; i < n; i++) free(copy[i]);
  free(copy);
}

static atomic_bool receipts_stop;
static atomic_int receipts_wrong, receipts_done;

static void *receipt_lookups(void *unused) {
  (void)unused;
  while (!atomic_load(&receipts_stop)) {
    if (strcmp(pk_tr_fa("rials"), "ریال") || strcmp(pk_tr_fa(", at"), "، ساعت")) atomic_fetch_add(&receipts_wrong, 1);
    atomic_fetch_add(&receipts_done, 1);
  }
  return NULL;
}

/* A receipt printed while the screen flips between languages is still all Persian, and
 * the screen follows every flip. Run under ThreadSanitizer to see the two threads race. */
static void receipts_stay_persian_while_screen_switches(void **st) {
  (void)st;
  pthread_t t;
  assert_int_equal(pthread_create(&t, NULL, receipt_lookups, NULL), 0);
  for (int i = 0; i < 2000 || atomic_load(&receipts_done) < 2000; i++) {
    pk_lang l = i % 2 ? PK_LANG_EN : PK_LANG_FA;
    pk_i18n_set_lang(l);
    assert_string_equal(pk_tr("rials"), l == PK_LANG_EN ? "rials" : "ریال");
  }
  atomic_store(&receipts_stop, true);
  pthread_join(t, NULL);
  assert_int_equal(atomic_load(&receipts_wrong), 0);
  pk_i18n_set_lang(PK_LANG_FA);
}

/* Whatever $LANGUAGE the kiosk was started with, the catalogs are found. */
static void catalogs_do_not_depend_on_language_variable(void **st) {
  (void)st;
  setenv("LANGUAGE", "de", 1);
  pk_i18n_init(NULL);
  pk_i18n_set_lang(PK_LANG_EN);
  assert_string_equal(pk_tr("rials"), "rials");
  assert_string_equal(pk_tr_fa("rials"), "ریال");
  pk_i18n_set_lang(PK_LANG_FA);
  assert_string_equal(pk_tr("rials"), "ریال");
}

int main(void) {
  const struct CMUnitTest t[] = {
      cmocka_unit_test(switches_language_without_restart),
      cmocka_unit_test(localizes_digits_by_language),
      cmocka_unit_test(lang_codes),
      cmocka_unit_test(switching_leaves_environment_alone),
      cmocka_unit_test(receipts_stay_persian_while_screen_switches),
      cmocka_unit_test(catalogs_do_not_depend_on_language_variable),
  };
  return cmocka_run_group_tests(t, setup, NULL);
}
