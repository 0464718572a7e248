/* Search normalization, Persian collation, catalog search, validators, amounts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pishkhan/catalog.h"
#include "pishkhan/i18n.h"

static int setup(void **st) {
  (void)st;
  setlocale(LC_ALL, "C");
  pk_i18n_init(NULL);
  pk_i18n_set_lang(PK_LANG_FA);
  return 0;
}

static void norm(const char *in, const char *want) {
  char *got = pk_normalize_fa(in);
  assert_non_null(got);
  if (strcmp(got, want)) fail_msg("normalize \"%s\" = \"%s\", want \"%s\"", in, got, want);
  free(got);
}

static void normalizes_how_people_type(void **st) {
  (void)st;
  norm("علي", "علی");                 /* Arabic yeh */
  norm("موسى", "موسی");               /* alef maksura */
  norm("كتاب", "کتاب");               /* Arabic kaf */
  norm("مدرسة", "مدرسه");             /* teh marbuta */
  norm("خانۀ من", "خانه من");         /* heh with hamza */
  norm("مـــالیـات", "مالیات");        /* tatweel */
  norm("بِسْمِ", "بسم");               /* harakat */
  norm("می‌خواهم", "می خواهم");       /* ZWNJ = space */
  norm("  دو   فاصله\t ", "دو فاصله");
  norm("۱۴۰۳ ١٤٠٣ 1403", "1403 1403 1403");
  norm("\uFEFB\uFEB3\uFEE0\uFEE4", "لاسلم"); /* presentation forms (NFKC) */
  norm("Tax OFFICE", "tax office");
  norm("إسلامی آزاد", "اسلامی ازاد");
  norm("\u202Eabc", "abc");
  norm("", "");
}

static int by_collation(const void *a, const void *b) {
  return pk_collate_fa(*(const char *const *)a, *(const char *const *)b);
}

static void sorts_in_persian_order(void **st) {
  (void)st;
  const char *v[] = {"گل", "کتاب", "ژاله", "زهره", "چای", "جام", "پدر", "بابا", "آب", "یاس"};
  const char *want[] = {"آب", "بابا", "پدر", "جام", "چای", "زهره", "ژاله", "کتاب", "گل", "یاس"};
  qsort(v, 10, sizeof *v, by_collation); /* how net/catalog_load.c orders agencies */
  for (int i = 0; i < 10; i++) assert_string_equal(v[i], want[i]);
  assert_true(pk_collate_fa("ب", "پ") < 0);
  assert_true(pk_collate_fa("ک", "گ") < 0);
}

/* The kiosk's service search (pk_catalog_search) folds Persian the way citizens type it. */
static pk_catalog *catalog_of(const char *const titles[][2], size_t n) {
  char body[4096];
  int at = snprintf(body, sizeof body, "{\"version\": 1, \"agencies\": [{\"id\": \"a\", \"name_fa\": \"الف\", "
                    "\"name_en\": \"A\", \"service_count\": %zu}], \"services\": [", n);
  for (size_t i = 0; i < n; i++)
    at += snprintf(body + at, sizeof body - (size_t)at,
                   "%s{\"id\": \"a-%04zu\", \"agency_id\": \"a\", \"title_fa\": \"%s\", \"title_en\": \"%s\", "
                   "\"description_fa\": \"\", \"description_en\": \"\", \"auth_level\": 1, \"smart\": false, "
                   "\"proactive\": false, \"offline_capable\": false, \"channels\": [\"kiosk\"], "
                   "\"fee_rials\": 0, \"documents\": [], \"rev\": 1, \"form\": {\"fields\": []}}",
                   i ? ", " : "", i + 1, titles[i][0], titles[i][1]);
  snprintf(body + at, sizeof body - (size_t)at, "]}");
  pk_catalog *c = pk_catalog_open(":memory:", NULL);
  char err[256] = "";
  assert_non_null(c);
  assert_int_equal(pk_catalog_replace_json(c, body, strlen(body), "\"e1\"", err, sizeof err), 0);
  return c;
}

static void searches_a_catalog(void **st) {
  (void)st;
  const char *const titles[][2] = {{"صدور کارت ملی", "National card"}, {"تمديد گواهينامه", "Licence renewal"},
                                   {"استعلام مالیات", "Tax inquiry"}, {"بازپرداخت", "Tax refund"}};
  pk_catalog *c = catalog_of(titles, 4);
  const pk_service *hits[4];
  assert_int_equal(pk_catalog_search(c, "گواهی", hits, 4), 1); /* Persian yeh finds Arabic yeh */
  assert_string_equal(hits[0]->id, "a-0002");
  assert_int_equal(pk_catalog_search(c, "كارت ملي", hits, 4), 1); /* Arabic kaf/yeh typed */
  assert_string_equal(hits[0]->id, "a-0001");
  assert_int_equal(pk_catalog_search(c, "TAX", hits, 4), 2);
  assert_int_equal(pk_catalog_search(c, "گذرنامه", hits, 4), 0);
  pk_catalog_close(c);
}

static void validates_national_code(void **st) {
  (void)st;
  assert_true(pk_national_code_valid("0012345679"));
  assert_true(pk_national_code_valid("۴۴۹۸۷۶۵۴۳۵"));
  assert_true(pk_national_code_valid("٠٠١-٢٣٤٥٦٧-٩"));
  assert_false(pk_national_code_valid("0012345678"));   /* check digit */
  assert_false(pk_national_code_valid("1111111111"));   /* passes the sum, all same */
  assert_false(pk_national_code_valid("001234567"));
  assert_false(pk_national_code_valid("00123456790"));
  assert_false(pk_national_code_valid("00123x5679"));
  assert_null(pk_validate_national_code("1234567891"));
  assert_string_equal(pk_validate_national_code("123"), "کد ملی ده رقم دارد.");
  assert_string_equal(pk_validate_national_code("1234567890"),
                      "این کد ملی درست نیست. لطفاً رقم‌ها را بررسی کنید.");
}

/* A sign is not part of a code; the dashes printed on the card are, in any digit script. */
static void national_code_refuses_a_sign_keeps_card_dashes(void **st) {
  (void)st;
  assert_true(pk_national_code_valid("3250106488"));
  assert_true(pk_national_code_valid("325-010648-8"));
  assert_true(pk_national_code_valid("۳۲۵-۰۱۰۶۴۸-۸"));
  assert_true(pk_national_code_valid("٣٢٥-٠١٠٦٤٨-٨"));
  assert_true(pk_national_code_valid(" 325 010648 8 "));
  const char *bad[] = {"-3250106488", "+3250106488", "-۳۲۵۰۱۰۶۴۸۸", "+٣٢٥٠١٠٦٤٨٨", "- 3250106488",
                       "3250106488-", "325--0106488", "۱۱۱۱۱۱۱۱۱۱", "٠٠٠-٠٠٠٠٠٠-٠"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) assert_false(pk_national_code_valid(bad[i]));
  assert_string_equal(pk_validate_national_code("-3250106488"), "کد ملی ده رقم دارد.");
}

static void national_code_stored_form_is_ascii_only(void **st) {
  (void)st;
  assert_true(pk_national_code_digits_valid("3250106488"));
  assert_false(pk_national_code_digits_valid("325-010648-8"));
  assert_false(pk_national_code_digits_valid("۳۲۵۰۱۰۶۴۸۸"));
  assert_false(pk_national_code_digits_valid("2222222222"));
  assert_false(pk_national_code_digits_valid(NULL));
}

static void validates_mobile_postal_sheba(void **st) {
  (void)st;
  const char *ok[] = {"09121234567", "+989121234567", "00989121234567", "۰۹۱۲ ۱۲۳ ۴۵۶۷", "0912-123-4567"};
  for (int i = 0; i < 5; i++) {
    char *c = pk_mobile_canonical(ok[i]);
    assert_non_null(c);
    assert_string_equal(c, "09121234567");
    free(c);
  }
  assert_false(pk_mobile_valid("0912123456"));
  assert_false(pk_mobile_valid("02112345678"));
  assert_false(pk_mobile_valid("+9891212345678"));
  assert_non_null(pk_validate_mobile("abc"));
  assert_true(pk_postal_code_valid("۱۳۱۴۵۶۷۸۹۱"));
  assert_false(pk_postal_code_valid("131456789"));
  assert_false(pk_postal_code_valid("0000000000"));
  assert_true(pk_sheba_valid("IR062960000000100324200001"));
  assert_true(pk_sheba_valid("ir06 2960 0000 0010 0324 2000 01"));
  assert_true(pk_sheba_valid("۰۶۲۹۶۰۰۰۰۰۰۰۱۰۰۳۲۴۲۰۰۰۰۱"));
  assert_false(pk_sheba_valid("IR062960000000100324200002"));
  assert_false(pk_sheba_valid("IR06296000000010032420000"));
  assert_string_equal(pk_validate_sheba("IR062960000000100324200002"),
                      "این شماره شبا درست نیست. لطفاً رقم‌ها را بررسی کنید.");
}

static void str_is(char *got, const char *want) {
  assert_non_null(got);
  assert_string_equal(got, want);
  free(got);
}

static void formats_amounts(void **st) {
  (void)st;
  str_is(pk_amount_format(1200000), "۱٬۲۰۰٬۰۰۰");
  str_is(pk_amount_words_rials_fa(1200000), "یک میلیون و دویست هزار ریال");
  str_is(pk_amount_words_rials_fa(1234567), "یک میلیون و دویست و سی و چهار هزار و پانصد و شصت و هفت ریال");
  str_is(pk_amount_words_rials_fa(0), "صفر ریال");
  pk_i18n_set_lang(PK_LANG_EN);
  str_is(pk_amount_format(1200000), "1,200,000");
  /* A printed receipt is Persian even when the screen is in English. */
  str_is(pk_amount_words_rials_fa(1200000), "یک میلیون و دویست هزار ریال");
  pk_i18n_set_lang(PK_LANG_FA);
}

int main(void) {
  const struct CMUnitTest t[] = {
      cmocka_unit_test(normalizes_how_people_type), cmocka_unit_test(sorts_in_persian_order),
      cmocka_unit_test(searches_a_catalog),         cmocka_unit_test(validates_national_code),
      cmocka_unit_test(national_code_refuses_a_sign_keeps_card_dashes),
      cmocka_unit_test(national_code_stored_form_is_ascii_only),
      cmocka_unit_test(validates_mobile_postal_sheba), cmocka_unit_test(formats_amounts),
  };
  return cmocka_run_group_tests(t, setup, NULL);
}
