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

const char *pk_form_check(const pk_form_field *f, const char *v) {
  if (!v[0]) return f->required ? N_("This field is required.") : NULL;
  int jy, jm, jd;
  switch (f->type) {
  case PK_FIELD_TEXT: return check_length(f, v);
  case PK_FIELD_DIGITS: return all_digits(v) ? check_length(f, v) : N_("Digits only, please.");
  case PK_FIELD_NATIONAL_CODE: return pk_validate_national_code(v);
  case PK_FIELD_MOBILE: return pk_validate_mobile(v);
  case PK_FIELD_POSTAL_CODE: return pk_validate_postal_code(v);
  case PK_FIELD_JALALI_DATE: {
    pk_date_err e = pk_jalali_parse(v, &jy, &jm, &jd);
    return e == PK_DATE_OK ? NULL : pk_date_error_message(e);
  }
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

static void step_date(char *value, size_t size, int dir, long long now) {
  int jy, jm, jd, gy, gm, gd;
  if (pk_jalali_parse(value, &jy, &jm, &jd) != PK_DATE_OK) {
    if (pk_jalali_from_time(now, &jy, &jm, &jd) != 0) return;
    dir = 0; /* an empty picker starts on today */
  }
  if (pk_gregorian_from_jalali(jy, jm, jd, &gy, &gm, &gd) != 0) return;
  struct tm tm = {.tm_year = gy - 1900, .tm_mon = gm - 1, .tm_mday = gd + dir, .tm_hour = 12};
  time_t t = timegm(&tm);
  gmtime_r(&t, &tm);
  if (pk_jalali_from_gregorian(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, &jy, &jm, &jd) == 0)
    snprintf(value, size, "%04d/%02d/%02d", jy, jm, jd);
}

static void step_choice(const pk_form_field *f, char *value, size_t size, int dir) {
  if (f->nchoices == 0) return;
  size_t i = 0;
  while (i < f->nchoices && strcmp(f->choices[i].value, value)) i++;
  if (i == f->nchoices) i = dir > 0 ? f->nchoices - 1 : 0;
  i = (i + f->nchoices + (dir > 0 ? 1 : f->nchoices - 1)) % f->nchoices;
  snprintf(value, size, "%s", f->choices[i].value);
}

void pk_form_step(const pk_form_field *f, char *value, size_t size, int dir, long long now) {
  if (f->type == PK_FIELD_JALALI_DATE) step_date(value, size, dir, now);
  else if (f->type == PK_FIELD_CHOICE) step_choice(f, value, size, dir);
}
