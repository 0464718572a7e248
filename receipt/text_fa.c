/* Persian text for receipts. This is the ONE place that touches the i18n engine
 * (pk_sanitize, pk_jalali_from_gregorian, pk_digits_localize); until that engine
 * lands, small stand-ins live here so the receipt module builds on its own. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "internal.h"

/* Drops C0/C1 controls, bidi embeddings/overrides/isolates and invalid UTF-8, so that
 * server text cannot reorder or hide what a citizen reads on paper. */
void rc_sanitize(const char *in, char *out, size_t outsz) {
  size_t o = 0;
  const unsigned char *p = (const unsigned char *)(in ? in : "");
  while (*p && o + 1 < outsz) {
    unsigned c = *p;
    size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    size_t k = 1;
    while (n && k < n && (p[k] & 0xC0) == 0x80) k++;
    if (!n || k != n) { /* invalid: skip one byte */
      p++;
      continue;
    }
    unsigned cp = n == 1 ? c : n == 2 ? (c & 0x1F) << 6 | (p[1] & 0x3F)
                  : n == 3 ? (c & 0x0F) << 12 | (p[1] & 0x3F) << 6 | (p[2] & 0x3F)
                           : (c & 0x07) << 18 | (p[1] & 0x3F) << 12 | (p[2] & 0x3F) << 6 | (p[3] & 0x3F);
    int drop = cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || (cp >= 0x202A && cp <= 0x202E) ||
               (cp >= 0x2066 && cp <= 0x2069) || (n == 2 && cp < 0x80) || (n == 3 && cp < 0x800);
    if (!drop) {
      if (o + n >= outsz) break;
      memcpy(out + o, p, n);
      o += n;
    }
    p += n;
  }
  if (outsz) out[o] = '\0';
}

void rc_digits_fa(const char *in, char *out, size_t outsz) {
  size_t o = 0;
  for (; *in && o + 3 < outsz; in++) {
    if (*in >= '0' && *in <= '9') { /* U+06F0 + d */
      out[o++] = (char)0xDB;
      out[o++] = (char)(0xB0 + (*in - '0'));
    } else {
      out[o++] = *in;
    }
  }
  if (outsz) out[o] = '\0';
}

/* Jalali from Gregorian: the common 33-year-cycle arithmetic (jdf); a stand-in for
 * pk_jalali_from_gregorian of the i18n engine, which is tested day by day. */
static int jdiv(int a, int b) { return a / b; }

int rc_jalali_from_gregorian(int gy, int gm, int gd, int *jy, int *jm, int *jd) {
  static const int gdm[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
  if (gm < 1 || gm > 12 || gd < 1 || gd > 31) return -1;
  int gy2 = gm > 2 ? gy + 1 : gy;
  long days = 355666L + 365L * gy + jdiv(gy2 + 3, 4) - jdiv(gy2 + 99, 100) + jdiv(gy2 + 399, 400) + gd + gdm[gm - 1];
  long y = -1595 + 33 * (days / 12053);
  days %= 12053;
  y += 4 * (days / 1461);
  days %= 1461;
  if (days > 365) {
    y += (days - 1) / 365;
    days = (days - 1) % 365;
  }
  *jy = (int)y;
  if (days < 186) {
    *jm = 1 + (int)(days / 31);
    *jd = 1 + (int)(days % 31);
  } else {
    *jm = 7 + (int)((days - 186) / 30);
    *jd = 1 + (int)((days - 186) % 30);
  }
  return 0;
}

static const char *const MONTHS[] = {"فروردین", "اردیبهشت", "خرداد", "تیر",  "مرداد", "شهریور",
                                     "مهر",     "آبان",     "آذر",   "دی",   "بهمن",  "اسفند"};

/* Local time of the kiosk (run it with TZ=Asia/Tehran). */
static int local(int64_t t, struct tm *tm) {
  time_t tt = (time_t)t;
  return localtime_r(&tt, tm) ? 0 : -1;
}

void rc_jalali_date(int64_t t, char *out, size_t outsz) {
  struct tm tm;
  int jy, jm, jd;
  if (local(t, &tm) || rc_jalali_from_gregorian(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, &jy, &jm, &jd)) {
    snprintf(out, outsz, "?");
    return;
  }
  char ascii[128];
  snprintf(ascii, sizeof ascii, "%d %s %d، ساعت %02d:%02d", jd, MONTHS[jm - 1], jy, tm.tm_hour, tm.tm_min);
  rc_digits_fa(ascii, out, outsz);
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
  char d[32], g[64];
  int n = snprintf(d, sizeof d, "%lld", (long long)rials), o = 0;
  for (int i = 0; i < n; i++) {
    if (i && (n - i) % 3 == 0) o += snprintf(g + o, sizeof g - (size_t)o, "٬"); /* U+066C */
    g[o++] = d[i];
  }
  g[o] = '\0';
  char fa[128];
  rc_digits_fa(g, fa, sizeof fa);
  snprintf(out, outsz, "%s ریال", fa);
}
