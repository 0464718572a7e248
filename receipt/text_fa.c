/* Persian text for receipts: the ONE place where the receipt module calls the i18n
 * engine (pk_sanitize, pk_digits_to_persian, pk_jalali_from_gregorian). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pishkhan/i18n.h"

#include "internal.h"

static void copy_out(char *t, char *out, size_t outsz) {
  snprintf(out, outsz, "%s", t ? t : "");
  free(t);
}

/* Controls, escape sequences and bidi overrides removed, so that server text cannot
 * reorder or hide what a citizen reads on paper; cut at a character boundary. */
void rc_sanitize(const char *in, char *out, size_t outsz) {
  if (!outsz) return;
  copy_out(pk_sanitize(in ? in : "", outsz - 1), out, outsz);
}

/* Always Persian digits: the receipt is a Persian document whatever the screen language. */
void rc_digits_fa(const char *in, char *out, size_t outsz) { copy_out(pk_digits_to_persian(in), out, outsz); }

int rc_jalali_from_gregorian(int gy, int gm, int gd, int *jy, int *jm, int *jd) {
  return pk_jalali_from_gregorian(gy, gm, gd, jy, jm, jd);
}

/* Local time of the kiosk (run it with TZ=Asia/Tehran). */
static int local(int64_t t, struct tm *tm) {
  time_t tt = (time_t)t;
  return localtime_r(&tt, tm) ? 0 : -1;
}

/* «۱ اردیبهشت ۱۴۰۳، ساعت ۱۴:۳۵»: Persian whatever the screen language. */
void rc_jalali_date(int64_t t, char *out, size_t outsz) {
  struct tm tm;
  int jy, jm, jd;
  if (local(t, &tm) || rc_jalali_from_gregorian(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, &jy, &jm, &jd)) {
    snprintf(out, outsz, "?");
    return;
  }
  char *date = pk_jalali_format_fa(jy, jm, jd, PK_JDATE_LONG), hm[8], hm_fa[32];
  snprintf(hm, sizeof hm, "%02d:%02d", tm.tm_hour, tm.tm_min);
  rc_digits_fa(hm, hm_fa, sizeof hm_fa);
  /* TRANSLATORS: between a date and its time of day on a receipt */
  snprintf(out, outsz, "%s%s %s", date ? date : "?", pk_tr_fa(", at"), hm_fa);
  free(date);
}

void rc_gregorian_date(int64_t t, char *out, size_t outsz) {
  struct tm tm;
  if (local(t, &tm)) {
    snprintf(out, outsz, "?");
    return;
  }
  strftime(out, outsz, "%Y-%m-%d %H:%M", &tm);
}

void rc_amount_fa(int64_t rials, char *out, size_t outsz) {
  char *n = pk_amount_format_fa(rials); /* «۱٬۲۰۰٬۰۰۰» */
  snprintf(out, outsz, "%s %s", n ? n : "?", pk_tr_fa("rials"));
  free(n);
}
