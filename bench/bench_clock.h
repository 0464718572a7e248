/* What every benchmark here times with: a monotonic clock in milliseconds, and samples sorted
 * for their percentiles. */
#ifndef PK_BENCH_CLOCK_H
#define PK_BENCH_CLOCK_H
#include <stdlib.h>
#include <time.h>

static inline double bench_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static inline int bench_cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Sorts v in place; the p-th percentile (0..1) of its n samples. */
static inline double bench_percentile(double *v, size_t n, double p) {
  qsort(v, n, sizeof *v, bench_cmp_double);
  return n ? v[(size_t)(p * (double)(n - 1))] : 0;
}

#endif
