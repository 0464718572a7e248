/* Jalali <-> Gregorian through ICU's Persian calendar (UTC, non-lenient so that ICU
 * itself rejects 31 Mehr or 30 Esfand of a common year). ICU 72's leap years agree with
 * the official calendar for 1300-1500 AP: tests/i18n/data/jalali_1300_1500.txt proves it. */
#include "internal.h"
#include "pishkhan/i18n.h"
#include <time.h>
#include <unicode/ucal.h>
#include <unicode/ustring.h>

#define PK_JY_MAX 9377

/* One calendar of each kind per thread; ICU calendars are not thread-safe. */
static _Thread_local UCalendar *g_cal[2];

void pk_jalali_release(void) {
  for (int i = 0; i < 2; i++) {
    if (g_cal[i]) ucal_close(g_cal[i]);
    g_cal[i] = NULL;
  }
}

static UCalendar *calendar(bool persian) {
  UCalendar **c = &g_cal[persian];
  if (*c) return *c;
  static const UChar utc[] = {'U', 'T', 'C', 0};
  UErrorCode e = U_ZERO_ERROR;
  *c = ucal_open(utc, -1, persian ? "fa_IR@calendar=persian" : "en_US@calendar=gregorian",
                 UCAL_DEFAULT, &e);
  if (U_FAILURE(e)) { *c = NULL; return NULL; }
  pk_i18n_thread_cached();
  ucal_setAttribute(*c, UCAL_LENIENT, 0);
  if (!persian) ucal_setGregorianChange(*c, -8.64e15, &e); /* proleptic Gregorian */
  return *c;
}

static int convert(bool from_persian, int y, int m, int d, int *oy, int *om, int *od) {
  UCalendar *from = calendar(from_persian), *to = calendar(!from_persian);
  if (!from || !to || y < 1 || y > PK_JY_MAX + 622 || m < 1 || m > 12 || d < 1 || d > 31)
    return -1;
  UErrorCode e = U_ZERO_ERROR;
  ucal_clear(from);
  ucal_setDate(from, y, m - 1, d, &e);
  UDate t = ucal_getMillis(from, &e);
  if (U_FAILURE(e)) return -1;
  ucal_setMillis(to, t, &e);
  int ry = ucal_get(to, UCAL_EXTENDED_YEAR, &e), rm = ucal_get(to, UCAL_MONTH, &e) + 1;
  int rd = ucal_get(to, UCAL_DATE, &e);
  if (U_FAILURE(e) || ry < 1) return -1;
  if (oy) *oy = ry;
  if (om) *om = rm;
  if (od) *od = rd;
  return 0;
}

int pk_jalali_from_gregorian(int gy, int gm, int gd, int *jy, int *jm, int *jd) {
  return convert(false, gy, gm, gd, jy, jm, jd);
}

int pk_gregorian_from_jalali(int jy, int jm, int jd, int *gy, int *gm, int *gd) {
  if (jy > PK_JY_MAX) return -1;
  return convert(true, jy, jm, jd, gy, gm, gd);
}

bool pk_jalali_valid(int jy, int jm, int jd) {
  return jy >= 1 && jy <= PK_JY_MAX && pk_gregorian_from_jalali(jy, jm, jd, NULL, NULL, NULL) == 0;
}

bool pk_jalali_is_leap(int jy) { return pk_jalali_valid(jy, 12, 30); }

int pk_jalali_month_days(int jy, int jm) {
  if (jm < 1 || jm > 12) return 0;
  if (jm <= 6) return 31;
  if (jm <= 11) return 30;
  return pk_jalali_is_leap(jy) ? 30 : 29;
}

int pk_jalali_weekday(int jy, int jm, int jd) {
  UCalendar *c = calendar(true);
  if (!c || !pk_jalali_valid(jy, jm, jd)) return -1;
  UErrorCode e = U_ZERO_ERROR;
  ucal_clear(c);
  ucal_setDate(c, jy, jm - 1, jd, &e);
  int dow = ucal_get(c, UCAL_DAY_OF_WEEK, &e); /* 1 = Sunday .. 7 = Saturday */
  return U_FAILURE(e) ? -1 : dow % 7;
}

int pk_jalali_from_time(long long unix_seconds, int *jy, int *jm, int *jd) {
  time_t t = (time_t)unix_seconds;
  struct tm tm;
  if (!localtime_r(&t, &tm)) return -1;
  return pk_jalali_from_gregorian(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, jy, jm, jd);
}
