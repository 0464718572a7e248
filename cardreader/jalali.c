/* Today's Jalali date for the card's expiry check, from the i18n module's calendar
 * (ICU's Persian calendar): one copy of calendar arithmetic in the library. */
#include <time.h>

#include "card_internal.h"
#include "pishkhan/i18n.h"

int pk_jalali_today(long long t) {
  if (t == 0) t = (long long)time(NULL);
  int y, m, d;
  if (pk_jalali_from_time(t, &y, &m, &d) != 0) return 0;
  return y * 10000 + m * 100 + d;
}
