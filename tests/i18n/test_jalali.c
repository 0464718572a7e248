/* Jalali calendar: every day 1300-1500 AP against the jalaali-js table, round trips,
 * month lengths and leap years, formatting and parsing of typed dates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pishkhan/i18n.h"

static int setup(void **st) {
  (void)st;
  setlocale(LC_ALL, "C");
  pk_i18n_init(NULL);
  pk_i18n_set_lang(PK_LANG_FA);
  return 0;
}

static void check_day(int jy, int jm, int jd, int gy, int gm, int gd, int wd) {
  int y, m, d;
  if (pk_gregorian_from_jalali(jy, jm, jd, &y, &m, &d) != 0 || y != gy || m != gm || d != gd)
    fail_msg("%04d/%02d/%02d -> %04d-%02d-%02d, table says %04d-%02d-%02d", jy, jm, jd, y, m, d, gy, gm, gd);
  if (pk_jalali_from_gregorian(gy, gm, gd, &y, &m, &d) != 0 || y != jy || m != jm || d != jd)
    fail_msg("%04d-%02d-%02d -> %04d/%02d/%02d, table says %04d/%02d/%02d", gy, gm, gd, y, m, d, jy, jm, jd);
  if (pk_jalali_weekday(jy, jm, jd) != wd) fail_msg("weekday of %04d/%02d/%02d", jy, jm, jd);
}

/* Month ends: the table's last day is the last valid one, the next is rejected. */
static void check_month_end(int jy, int jm, int last) {
  if (pk_jalali_month_days(jy, jm) != last) fail_msg("%04d/%02d has %d days", jy, jm, last);
  assert_false(pk_jalali_valid(jy, jm, last + 1));
  int y, m, d;
  assert_int_equal(pk_gregorian_from_jalali(jy, jm, last + 1, &y, &m, &d), -1);
}

static void every_day_1300_1500_matches_reference(void **st) {
  (void)st;
  char path[1024], line[128];
  const char *src = getenv("PK_SOURCE_DIR");
  snprintf(path, sizeof path, "%s/tests/i18n/data/jalali_1300_1500.txt", src ? src : PK_SOURCE_DIR);
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  int days = 0, py = 0, pm = 0, pd = 0, leaps = 0;
  while (fgets(line, sizeof line, f)) {
    int jy, jm, jd, gy, gm, gd, wd;
    if (line[0] == '#') continue;
    assert_int_equal(sscanf(line, "%4d%2d%2d %4d%2d%2d %d", &jy, &jm, &jd, &gy, &gm, &gd, &wd), 7);
    if (pm && jm != pm) check_month_end(py, pm, pd);
    if (pm == 12 && jm != 12) leaps += pd == 30;
    check_day(jy, jm, jd, gy, gm, gd, wd);
    py = jy, pm = jm, pd = jd;
    days++;
  }
  fclose(f);
  check_month_end(py, pm, pd);
  leaps += pd == 30;
  assert_int_equal(py, 1500);
  assert_int_equal(leaps, 49);    /* leap years 1300..1500 in the reference */
  assert_int_equal(days, 73414); /* 201 years */
}

static void rejects_invalid_dates(void **st) {
  (void)st;
  int y, m, d;
  assert_int_equal(pk_gregorian_from_jalali(1403, 13, 1, &y, &m, &d), -1);
  assert_int_equal(pk_gregorian_from_jalali(1403, 0, 1, &y, &m, &d), -1);
  assert_int_equal(pk_gregorian_from_jalali(1403, 7, 31, &y, &m, &d), -1);
  assert_int_equal(pk_gregorian_from_jalali(1402, 12, 30, &y, &m, &d), -1);
  assert_int_equal(pk_gregorian_from_jalali(1403, 12, 30, &y, &m, &d), 0); /* 1403 is leap */
  assert_int_equal(pk_jalali_from_gregorian(2023, 2, 29, &y, &m, &d), -1);
  assert_int_equal(pk_jalali_from_gregorian(2024, 2, 29, &y, &m, &d), 0);
  assert_int_equal(pk_jalali_from_gregorian(2024, 4, 31, &y, &m, &d), -1);
  assert_int_equal(pk_jalali_from_gregorian(0, 1, 1, &y, &m, &d), -1);
  assert_true(pk_jalali_is_leap(1403));
  assert_false(pk_jalali_is_leap(1404));
}

static void formats_in_persian_and_english(void **st) {
  (void)st;
  char *a = pk_jalali_format(1403, 2, 1, PK_JDATE_NUMERIC);
  char *b = pk_jalali_format(1403, 2, 1, PK_JDATE_LONG);
  char *c = pk_jalali_format(1403, 2, 1, PK_JDATE_WEEKDAY);
  assert_string_equal(a, "۱۴۰۳/۰۲/۰۱");
  assert_string_equal(b, "۱ اردیبهشت ۱۴۰۳");
  assert_string_equal(c, "شنبه ۱ اردیبهشت ۱۴۰۳");
  free(a), free(b), free(c);
  pk_i18n_set_lang(PK_LANG_EN);
  a = pk_jalali_format(1403, 12, 30, PK_JDATE_WEEKDAY);
  assert_string_equal(a, "Thursday 30 Esfand 1403");
  free(a);
  pk_i18n_set_lang(PK_LANG_FA);
  assert_null(pk_jalali_format(1402, 12, 30, PK_JDATE_LONG));
}

static void expect_parse(const char *in, pk_date_err want, int y, int m, int d) {
  int jy = 0, jm = 0, jd = 0;
  pk_date_err e = pk_jalali_parse(in, &jy, &jm, &jd);
  if (e != want) fail_msg("parse \"%s\": %d, want %d", in, e, want);
  if (!want && (jy != y || jm != m || jd != d)) fail_msg("parse \"%s\": %d/%d/%d", in, jy, jm, jd);
}

static void parses_typed_dates_in_any_digits(void **st) {
  (void)st;
  expect_parse("1403/02/01", PK_DATE_OK, 1403, 2, 1);
  expect_parse("۱۴۰۳/۲/۱", PK_DATE_OK, 1403, 2, 1);
  expect_parse("١٤٠٣-٠٢-٠١", PK_DATE_OK, 1403, 2, 1);
  expect_parse(" 1403.2.1 ", PK_DATE_OK, 1403, 2, 1);
  expect_parse("۱ اردیبهشت ۱۴۰۳", PK_DATE_OK, 1403, 2, 1);
  expect_parse("30 esfand 1403", PK_DATE_OK, 1403, 12, 30);
  expect_parse("01/02/1403", PK_DATE_OK, 1403, 2, 1);
  expect_parse("۱۴۰۲/۱۲/۳۰", PK_DATE_EDAY, 0, 0, 0);
  expect_parse("1403/07/31", PK_DATE_EDAY, 0, 0, 0);
  expect_parse("1403/13/01", PK_DATE_EMONTH, 0, 0, 0);
  expect_parse("03/02/01", PK_DATE_EYEAR, 0, 0, 0);
  expect_parse("1403/02", PK_DATE_EFORMAT, 0, 0, 0);
  expect_parse("1403/02/01/5", PK_DATE_EFORMAT, 0, 0, 0);
  expect_parse("fooday 1 1403", PK_DATE_EFORMAT, 0, 0, 0);
  expect_parse("", PK_DATE_EFORMAT, 0, 0, 0);
  expect_parse("99999999999999999999/1/1", PK_DATE_EFORMAT, 0, 0, 0);
  assert_string_not_equal(pk_date_error_message(PK_DATE_EDAY), "");
}

int main(void) {
  const struct CMUnitTest t[] = {
      cmocka_unit_test(every_day_1300_1500_matches_reference),
      cmocka_unit_test(rejects_invalid_dates),
      cmocka_unit_test(formats_in_persian_and_english),
      cmocka_unit_test(parses_typed_dates_in_any_digits),
  };
  return cmocka_run_group_tests(t, setup, NULL);
}
