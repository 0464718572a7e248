/* Date fields as a bare keypad enters them: digits only (yyyymmdd, or yymmdd where only one
 * century makes sense), in any digit set; the picker's day, month and year steps; and dates
 * checked by what the field means (a birth date is past, a validity date is to come). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "pishkhan/form.h"
#include "pishkhan/i18n.h"

static const long long NOW = 1764547200; /* 2025-12-01, 1404/09/10 */
static const pk_form_field birth = {.name = "member_birth_date", .type = PK_FIELD_JALALI_DATE, .required = true};
static const pk_form_field expiry = {.name = "passport_expiry", .type = PK_FIELD_JALALI_DATE, .required = true};
static const pk_form_field plain = {.name = "visit_date", .type = PK_FIELD_JALALI_DATE, .required = true};

/* ASCII and two-byte UTF-8 (the Persian and Arabic-Indic digits) are all these tests type. */
static int utf8_decode(const char *p, uint32_t *cp) {
  const unsigned char *u = (const unsigned char *)p;
  if (u[0] < 0x80) return *cp = u[0], 1;
  return *cp = (uint32_t)(u[0] & 0x1f) << 6 | (u[1] & 0x3f), 2;
}

/* The value as the form keeps it once the citizen presses Enter, and what is said about it. */
static const char *entered(const pk_form_field *f, const char *typed, char *v, size_t n) {
  v[0] = 0;
  for (const char *p = typed; *p;) {
    uint32_t cp = 0;
    p += utf8_decode(p, &cp);
    uint32_t c = pk_form_accept(f, cp);
    size_t l = strlen(v);
    if (c && c < 0x80 && l + 1 < n) v[l] = (char)c, v[l + 1] = 0;
  }
  pk_form_tidy(f, v, n, NOW);
  return pk_form_check(f, v, NOW);
}

static void test_digits_alone_are_a_date(void **state) {
  (void)state;
  char v[64];
  assert_null(entered(&birth, "13700512", v, sizeof v));
  assert_string_equal(v, "1370/05/12");
  assert_null(entered(&birth, "۱۳۷۰۰۵۱۲", v, sizeof v));
  assert_string_equal(v, "1370/05/12");
  assert_null(entered(&birth, "١٣٧٠٠٥١٢", v, sizeof v));
  assert_string_equal(v, "1370/05/12");
  assert_null(entered(&birth, "۱۳۷۰/۵/۱۲", v, sizeof v));
  assert_string_equal(v, "1370/05/12");
  assert_non_null(entered(&birth, "13701312", v, sizeof v)); /* no 13th month */
}

static void test_two_digit_years_only_when_one_century_fits(void **state) {
  (void)state;
  char v[64];
  assert_null(entered(&birth, "700512", v, sizeof v)); /* 1470 has not come */
  assert_string_equal(v, "1370/05/12");
  assert_null(entered(&expiry, "100101", v, sizeof v)); /* 1310 has gone */
  assert_string_equal(v, "1410/01/01");
  assert_non_null(entered(&birth, "030101", v, sizeof v)); /* 1303 or 1403: both past */
  assert_non_null(entered(&plain, "700512", v, sizeof v)); /* no meaning: 1370 or 1470 */
}

static void test_dates_are_checked_by_what_they_mean(void **state) {
  (void)state;
  char v[64];
  assert_non_null(entered(&birth, "14050101", v, sizeof v));
  assert_null(entered(&birth, "14040101", v, sizeof v));
  assert_non_null(entered(&expiry, "14040101", v, sizeof v));
  assert_null(entered(&expiry, "14100101", v, sizeof v));
  assert_null(entered(&plain, "14100101", v, sizeof v));
  assert_null(entered(&plain, "13700101", v, sizeof v));
}

static void test_the_picker_steps_days_months_and_years(void **state) {
  (void)state;
  char v[64] = "13700512";
  pk_form_step(&birth, v, sizeof v, 1, PK_STEP_MONTH, NOW);
  assert_string_equal(v, "1370/06/12");
  pk_form_step(&birth, v, sizeof v, -1, PK_STEP_YEAR, NOW);
  assert_string_equal(v, "1369/06/12");
  pk_form_step(&birth, v, sizeof v, 1, PK_STEP_DAY, NOW);
  assert_string_equal(v, "1369/06/13");
  strcpy(v, "1370/06/31");
  pk_form_step(&birth, v, sizeof v, 1, PK_STEP_MONTH, NOW); /* Mehr has 30 days */
  assert_string_equal(v, "1370/07/30");
  strcpy(v, "1370/12/25");
  pk_form_step(&birth, v, sizeof v, 1, PK_STEP_MONTH, NOW); /* over the year's end */
  assert_string_equal(v, "1371/01/25");
  v[0] = 0;
  pk_form_step(&birth, v, sizeof v, -1, PK_STEP_YEAR, NOW); /* an empty picker starts on today */
  assert_string_equal(v, "1404/09/10");
  /* + and - step years on a whole date (and on an empty one); while typing, - separates. */
  assert_int_equal(pk_form_year_key(&birth, v, '-'), -1);
  assert_int_equal(pk_form_year_key(&birth, v, '+'), 1);
  assert_int_equal(pk_form_year_key(&birth, "1370", '-'), 0); /* mid-typing: a separator */
}

int main(void) {
  pk_i18n_init(NULL);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_digits_alone_are_a_date),
      cmocka_unit_test(test_two_digit_years_only_when_one_century_fits),
      cmocka_unit_test(test_dates_are_checked_by_what_they_mean),
      cmocka_unit_test(test_the_picker_steps_days_months_and_years),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
