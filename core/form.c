#include "pishkhan/form.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app_input.h"
#include "pishkhan/i18n.h"

static bool all_digits(const char *s) {
  for (; *s; s++)
    if (*s < '0' || *s > '9') return false;
  return true;
}

static const char *check_length(const pk_form_field *f, const char *v) {
  size_t n = pk_utf8_count(v);
  if (f->min_len > 0 && n < (size_t)f->min_len) return N_("This is too short.");
  if (f->max_len > 0 && n > (size_t)f->max_len) return N_("This is too long.");
  return NULL;
}

static const char *check_choice(const pk_form_field *f, const char *v) {
  for (size_t i = 0; i < f->nchoices; i++)
    if (!strcmp(f->choices[i].value, v)) return NULL;
  return N_("Choose one of the options.");
}

static const char *check_amount(const pk_form_field *f, const char *v) {
  if (!all_digits(v) || strlen(v) > 15) return N_("Enter the amount in rials, digits only.");
  long long a = atoll(v);
  if ((f->min || f->max) && (a < f->min || a > f->max)) return N_("The amount is outside the allowed range.");
  return NULL;
}

/* The contract says nothing of what a date means: the field's name does ("birth_date",
 * "member_birth_date", "passport_expiry", "valid_until"). -1: past, +1: to come, 0: any. */
static int date_meaning(const pk_form_field *f) {
  if (!f->name) return 0;
  if (strstr(f->name, "birth")) return -1;
  return strstr(f->name, "expir") || strstr(f->name, "valid") ? 1 : 0;
}

static const char *meaning_problem(const pk_form_field *f, int y, int m, int d, long long now) {
  int ty, tm, td, meaning = date_meaning(f);
  if (!meaning || pk_jalali_from_time(now, &ty, &tm, &td) != 0) return NULL;
  long date = y * 10000L + m * 100 + d, today = ty * 10000L + tm * 100 + td;
  if (meaning < 0 && date > today) return N_("A date of birth cannot be after today.");
  if (meaning > 0 && date < today) return N_("This date has already passed: it must be today or later.");
  return NULL;
}

static pk_date_err ymd_check(int y, int m, int d) {
  char buf[32];
  int jy, jm, jd;
  snprintf(buf, sizeof buf, "%04d/%02d/%02d", y, m, d);
  return pk_jalali_parse(buf, &jy, &jm, &jd);
}

/* yymmdd: the one century (13yy or 14yy) that makes a real date fitting the field's meaning. */
static pk_date_err two_digit_year(const pk_form_field *f, int yy, int m, int d, long long now, int *y) {
  int fits = 0;
  for (int c = 1300; c <= 1400; c += 100)
    if (ymd_check(c + yy, m, d) == PK_DATE_OK && !meaning_problem(f, c + yy, m, d, now)) *y = c + yy, fits++;
  return fits == 1 ? PK_DATE_OK : PK_DATE_EYEAR;
}

/* A date as typed: year/month/day with any separator, or digits alone. */
static pk_date_err read_date(const pk_form_field *f, const char *v, long long now, int *y, int *m, int *d) {
  size_t n = strlen(v);
  if (!all_digits(v) || (n != 8 && n != 6)) return pk_jalali_parse(v, y, m, d);
  long num = atol(v);
  *d = (int)(num % 100);
  *m = (int)(num / 100 % 100);
  if (n == 6) return two_digit_year(f, (int)(num / 10000), *m, *d, now, y);
  *y = (int)(num / 10000);
  return ymd_check(*y, *m, *d);
}

static const char *check_date(const pk_form_field *f, const char *v, long long now) {
  int y, m, d;
  pk_date_err e = read_date(f, v, now, &y, &m, &d);
  return e == PK_DATE_OK ? meaning_problem(f, y, m, d, now) : pk_date_error_message(e);
}

void pk_form_tidy(const pk_form_field *f, char *value, size_t size, long long now) {
  int y, m, d;
  if (f->type != PK_FIELD_JALALI_DATE || !value[0]) return;
  pk_date_err e = read_date(f, value, now, &y, &m, &d);
  /* Eight digits are always year, month, day: shown split, a wrong month or day is plain to see. */
  if (e == PK_DATE_OK || (all_digits(value) && strlen(value) == 8)) snprintf(value, size, "%04d/%02d/%02d", y, m, d);
}

const char *pk_form_check(const pk_form_field *f, const char *v, long long now) {
  if (!v[0]) return f->required ? N_("This field is required.") : NULL;
  switch (f->type) {
  case PK_FIELD_TEXT: return check_length(f, v);
  case PK_FIELD_DIGITS: return all_digits(v) ? check_length(f, v) : N_("Digits only, please.");
  case PK_FIELD_NATIONAL_CODE: return pk_validate_national_code(v);
  case PK_FIELD_MOBILE: return pk_validate_mobile(v);
  case PK_FIELD_POSTAL_CODE: return pk_validate_postal_code(v);
  case PK_FIELD_JALALI_DATE: return check_date(f, v, now);
  case PK_FIELD_CHOICE: return check_choice(f, v);
  case PK_FIELD_AMOUNT: return check_amount(f, v);
  }
  return NULL;
}

uint32_t pk_form_accept(const pk_form_field *f, uint32_t cp) {
  int d = pk_cp_digit(cp);
  switch (f->type) {
  case PK_FIELD_TEXT: return cp >= 0x20 ? cp : 0;
  case PK_FIELD_MOBILE:
    if (cp == '+') return cp;
    return d >= 0 ? (uint32_t)('0' + d) : 0;
  case PK_FIELD_JALALI_DATE:
    if (cp == '/' || cp == '-' || cp == '.' || cp == 0x066B) return '/';
    return d >= 0 ? (uint32_t)('0' + d) : 0;
  case PK_FIELD_CHOICE: return 0;
  default: return d >= 0 ? (uint32_t)('0' + d) : 0;
  }
}

static void step_day(int *y, int *m, int *d, int dir) {
  int gy, gm, gd;
  if (pk_gregorian_from_jalali(*y, *m, *d, &gy, &gm, &gd) != 0) return;
  struct tm tm = {.tm_year = gy - 1900, .tm_mon = gm - 1, .tm_mday = gd + dir, .tm_hour = 12};
  time_t t = timegm(&tm);
  gmtime_r(&t, &tm);
  pk_jalali_from_gregorian(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, y, m, d);
}

/* A month or a year on: the same day, or the month's last when it has fewer (31 Shahrivar, a
 * month on, is 30 Mehr). */
static void step_month(int *y, int *m, int *d, int months) {
  int index = *y * 12 + (*m - 1) + months;
  *y = index / 12;
  *m = index % 12 + 1;
  while (*d > 29 && ymd_check(*y, *m, *d) != PK_DATE_OK) (*d)--;
}

static void step_date(const pk_form_field *f, char *value, size_t size, int dir, pk_step_unit unit, long long now) {
  int y, m, d;
  if (read_date(f, value, now, &y, &m, &d) != PK_DATE_OK) {
    if (pk_jalali_from_time(now, &y, &m, &d) != 0) return;
    dir = 0; /* an empty picker starts on today */
  }
  if (unit == PK_STEP_DAY) step_day(&y, &m, &d, dir);
  else step_month(&y, &m, &d, unit == PK_STEP_YEAR ? 12 * dir : dir);
  snprintf(value, size, "%04d/%02d/%02d", y, m, d);
}

static void step_choice(const pk_form_field *f, char *value, size_t size, int dir) {
  if (f->nchoices == 0) return;
  size_t i = 0;
  while (i < f->nchoices && strcmp(f->choices[i].value, value)) i++;
  if (i == f->nchoices) i = dir > 0 ? f->nchoices - 1 : 0;
  i = (i + f->nchoices + (dir > 0 ? 1 : f->nchoices - 1)) % f->nchoices;
  snprintf(value, size, "%s", f->choices[i].value);
}

void pk_form_step(const pk_form_field *f, char *value, size_t size, int dir, pk_step_unit unit, long long now) {
  if (f->type == PK_FIELD_JALALI_DATE) step_date(f, value, size, dir, unit, now);
  else if (f->type == PK_FIELD_CHOICE) step_choice(f, value, size, dir);
}

int pk_form_year_key(const pk_form_field *f, const char *value, uint32_t cp) {
  int y, m, d;
  if (f->type != PK_FIELD_JALALI_DATE || (cp != '+' && cp != '-')) return 0;
  bool whole = !value[0] || pk_jalali_parse(value, &y, &m, &d) == PK_DATE_OK || (all_digits(value) && strlen(value) == 8);
  return whole ? (cp == '+' ? 1 : -1) : 0;
}
