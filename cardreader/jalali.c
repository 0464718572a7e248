/* Jalali dates through ICU's Persian calendar (the same arithmetic the UI uses),
 * rather than a hand-written conversion. */
#include "card_internal.h"

#include <time.h>
#include <unicode/ucal.h>

static UCalendar *persian(void) {
  UErrorCode err = U_ZERO_ERROR;
  UCalendar *cal = ucal_open(NULL, -1, "en@calendar=persian", UCAL_TRADITIONAL, &err);
  if (U_FAILURE(err)) return NULL;
  return cal;
}

int pk_jalali_today(long long t) {
  if (t == 0) t = (long long)time(NULL);
  UCalendar *cal = persian();
  if (!cal) return 0;
  UErrorCode err = U_ZERO_ERROR;
  ucal_setMillis(cal, (UDate)t * 1000.0, &err);
  int y = ucal_get(cal, UCAL_EXTENDED_YEAR, &err);
  int m = ucal_get(cal, UCAL_MONTH, &err) + 1;
  int d = ucal_get(cal, UCAL_DATE, &err);
  ucal_close(cal);
  return U_FAILURE(err) ? 0 : y * 10000 + m * 100 + d;
}

bool pk_jalali_valid(int y, int m, int d) {
  if (m < 1 || m > 12 || d < 1 || d > 31) return false;
  if (m <= 6) return true;
  if (d <= 29) return true;
  if (m <= 11) return d <= 30;
  /* Esfand has 30 days in leap years only: ask the calendar. */
  UCalendar *cal = persian();
  if (!cal) return false;
  UErrorCode err = U_ZERO_ERROR;
  ucal_clear(cal);
  ucal_set(cal, UCAL_EXTENDED_YEAR, y);
  ucal_set(cal, UCAL_MONTH, 11);
  ucal_set(cal, UCAL_DATE, 1);
  int max = ucal_getLimit(cal, UCAL_DATE, UCAL_ACTUAL_MAXIMUM, &err);
  ucal_close(cal);
  return U_SUCCESS(err) && d <= max;
}
