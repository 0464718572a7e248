/* Jalali dates as people read and type them: names from the catalogs, digits of the UI
 * language, and a parser for typed dates. The parser is a three-field tokenizer: ICU's
 * udat_parse takes one fixed pattern and one digit set, and a citizen may type any of
 * "1403/2/1", "۱۴۰۳-۰۲-۰۱" or "1 اردیبهشت 1403". */
#include "internal.h"
#include "pishkhan/i18n.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const k_months[12] = {
    N_("Farvardin"), N_("Ordibehesht"), N_("Khordad"), N_("Tir"),   N_("Mordad"), N_("Shahrivar"),
    N_("Mehr"),      N_("Aban"),        N_("Azar"),    N_("Dey"),   N_("Bahman"), N_("Esfand")};
static const char *const k_months_fa[12] = {"فروردین", "اردیبهشت", "خرداد", "تیر",
                                            "مرداد",   "شهریور",   "مهر",   "آبان",
                                            "آذر",     "دی",       "بهمن",  "اسفند"};
static const char *const k_weekdays[7] = {N_("Saturday"), N_("Sunday"),   N_("Monday"),
                                          N_("Tuesday"),  N_("Wednesday"), N_("Thursday"),
                                          N_("Friday")};



/* tr picks the catalog (the screen's, or Persian for print); the digits follow it. */
static char *format_with(int jy, int jm, int jd, pk_jdate_style style, const char *(*tr)(const char *),
                         char *(*digits)(const char *)) {
  char buf[160];
  if (!pk_jalali_valid(jy, jm, jd)) return NULL;
  if (style == PK_JDATE_NUMERIC)
    snprintf(buf, sizeof buf, "%04d/%02d/%02d", jy, jm, jd);
  else if (style == PK_JDATE_LONG)
    snprintf(buf, sizeof buf, "%d %s %d", jd, tr(k_months[jm - 1]), jy);
  else
    snprintf(buf, sizeof buf, "%s %d %s %d", tr(k_weekdays[pk_jalali_weekday(jy, jm, jd)]), jd,
             tr(k_months[jm - 1]), jy);
  return digits(buf);
}

char *pk_jalali_format(int jy, int jm, int jd, pk_jdate_style style) {
  return format_with(jy, jm, jd, style, pk_tr, pk_digits_localize);
}

char *pk_jalali_format_fa(int jy, int jm, int jd, pk_jdate_style style) {
  return format_with(jy, jm, jd, style, pk_tr_fa, pk_digits_to_persian);
}

const char *pk_date_error_message(pk_date_err err) {
  switch (err) {
  case PK_DATE_OK: return "";
  case PK_DATE_EYEAR: return pk_tr("Enter the year with four digits, for example 1403.");
  case PK_DATE_EMONTH: return pk_tr("The month must be between 1 and 12.");
  case PK_DATE_EDAY: return pk_tr("That month does not have this day in that year.");
  case PK_DATE_EFORMAT:
  default: return pk_tr("Enter the date as year/month/day, for example 1403/02/01.");
  }
}

typedef struct {
  long num[3];
  int digits[3], month_name, n;
} tokens;

static int month_by_name(const char *w, size_t len) {
  for (int i = 0; i < 12; i++) {
    if (strlen(k_months_fa[i]) == len && !memcmp(w, k_months_fa[i], len)) return i + 1;
    if (strlen(k_months[i]) == len && !strncasecmp(w, k_months[i], len)) return i + 1;
  }
  return 0;
}

static bool is_sep(const char *p, size_t *len) {
  static const char *const seps[] = {"/", "-", ".", " ", "\t", ",", "\xD9\xAB", "\xD8\x8C", "\xE2\x80\x8C"};
  for (size_t i = 0; i < sizeof seps / sizeof *seps; i++) {
    *len = strlen(seps[i]);
    if (!strncmp(p, seps[i], *len)) return true;
  }
  return false;
}

/* Splits into numbers and at most one month name; false on anything else. */
static bool tokenize(const char *s, tokens *t) {
  memset(t, 0, sizeof *t);
  t->month_name = -1;
  for (const char *p = s; *p;) {
    size_t sl;
    if (is_sep(p, &sl)) { p += sl; continue; }
    if (t->n == 3) return false;
    if (isdigit((unsigned char)*p)) {
      const char *q = p;
      while (isdigit((unsigned char)*q)) q++;
      if (q - p > 6) return false;
      t->digits[t->n] = (int)(q - p);
      t->num[t->n++] = strtol(p, NULL, 10);
      p = q;
      continue;
    }
    const char *q = p;
    while (*q && !isdigit((unsigned char)*q) && !is_sep(q, &sl)) q++;
    int m = month_by_name(p, (size_t)(q - p));
    if (!m || t->month_name >= 0) return false;
    t->month_name = t->n;
    t->digits[t->n] = 2;
    t->num[t->n++] = m;
    p = q;
  }
  return t->n == 3;
}

/* Year first (1403/02/01), or day first when the year comes last with four digits. */
static pk_date_err fields(const tokens *t, long *y, long *m, long *d) {
  bool day_first = t->month_name == 1 || (t->month_name < 0 && t->digits[2] >= 3 && t->digits[0] <= 2);
  if (t->month_name >= 0 && t->month_name != 1) return PK_DATE_EFORMAT;
  *y = day_first ? t->num[2] : t->num[0];
  *m = t->num[1];
  *d = day_first ? t->num[0] : t->num[2];
  if ((day_first ? t->digits[2] : t->digits[0]) != 4) return PK_DATE_EYEAR;
  return PK_DATE_OK;
}

pk_date_err pk_jalali_parse(const char *utf8, int *jy, int *jm, int *jd) {
  char *s = pk_digits_to_ascii(utf8);
  tokens t;
  long y = 0, m = 0, d = 0;
  bool ok = s && tokenize(s, &t);
  free(s);
  if (!ok) return PK_DATE_EFORMAT;
  pk_date_err err = fields(&t, &y, &m, &d);
  if (err) return err;
  if (y < 1000 || y > 9377) return PK_DATE_EYEAR;
  if (m < 1 || m > 12) return PK_DATE_EMONTH;
  if (d < 1 || d > pk_jalali_month_days((int)y, (int)m)) return PK_DATE_EDAY;
  *jy = (int)y;
  *jm = (int)m;
  *jd = (int)d;
  return PK_DATE_OK;
}
