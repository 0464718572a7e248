/* LD_PRELOAD shim for clock-skew tests: a kiosk whose wall clock is $PK_CLOCK_SHIFT_S seconds
 * off (negative: behind). time() and the realtime clock move; monotonic clocks do not, as on a
 * kiosk whose clock was set wrong. */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long shift_s(void) {
  const char *s = getenv("PK_CLOCK_SHIFT_S");
  return s ? strtol(s, NULL, 10) : 0;
}

int clock_gettime(clockid_t id, struct timespec *ts) {
  static int (*real)(clockid_t, struct timespec *);
  if (!real) {
    void *sym = dlsym(RTLD_NEXT, "clock_gettime");
    memcpy(&real, &sym, sizeof real); /* POSIX's sanctioned object-to-function pointer move */
  }
  int rc = real(id, ts);
  if (rc == 0 && (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE)) ts->tv_sec += shift_s();
  return rc;
}

time_t time(time_t *out) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  if (out) *out = ts.tv_sec;
  return ts.tv_sec;
}
