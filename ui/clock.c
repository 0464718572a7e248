/* The header's date and time: the Jalali calendar, with the weekday, in the UI language. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "draw.h"
#include "pishkhan/i18n.h"

char *ui_clock_text(void) {
  time_t t = time(NULL);
  struct tm tm;
  localtime_r(&t, &tm);
  int jy, jm, jd;
  char *date = NULL;
  if (pk_jalali_from_time((long long)t, &jy, &jm, &jd) == 0) date = pk_jalali_format(jy, jm, jd, PK_JDATE_WEEKDAY);
  char hm[8];
  snprintf(hm, sizeof hm, "%02d:%02d", tm.tm_hour, tm.tm_min);
  char *time_txt = ui_digits(hm);
  char *line = ui_fmt("%s  %s", date ? date : "", time_txt ? time_txt : hm);
  free(date);
  free(time_txt);
  return line;
}
