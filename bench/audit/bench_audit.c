/* `pishkhan audit verify`'s work over 1,000,000 entries (issue 12: under 2 s). The log is made
 * through pk_audit_append on tmpfs (fsync is free there; the generation is not timed), with the
 * default checkpoint every 1000 entries; only pk_audit_verify is timed. PK_BENCH_AUDIT_N
 * changes the count. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pishkhan/audit.h"

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "r");
  char *b = f ? calloc(1, 1 << 16) : NULL;
  if (b) b[fread(b, 1, (1 << 16) - 1, f)] = 0;
  if (f) fclose(f);
  return b;
}

static int generate(const char *log, const char *key, const char *kid, long n) {
  char err[256], f[128];
  pk_audit *a = pk_audit_open(&(pk_audit_opts){.path = log, .kiosk_id = "kiosk-bench", .device_key_pem = key, .kid = kid},
                              err, sizeof err);
  if (!a) return fprintf(stderr, "bench_audit: %s\n", err), 1;
  int rc = 0;
  for (long i = 0; pk_audit_size(a, NULL) < (uint64_t)n && !rc; i++) {
    snprintf(f, sizeof f, "{\"ref\":\"%03ld %03ld %04ld\",\"service\":\"svc.%ld\"}", 100 + i % 900, i % 1000, i % 10000, i % 40);
    rc = pk_audit_append(a, i % 2 ? "request_delivered" : "request_submitted", f, err, sizeof err);
  }
  if (rc) fprintf(stderr, "bench_audit: %s\n", err);
  pk_audit_close(a);
  return rc;
}

int main(void) {
  const char *env = getenv("PK_BENCH_AUDIT_N");
  long n = env ? atol(env) : 1000000;
  char dir[] = "/dev/shm/pk-bench-audit-XXXXXX", log[64], side[80], key[512], p[512];
  if (!mkdtemp(dir)) return perror("mkdtemp"), 1;
  snprintf(log, sizeof log, "%s/audit.log", dir);
  snprintf(side, sizeof side, "%s.checkpoint", log);
  snprintf(key, sizeof key, "%s/pki/device/key.pem", PK_BINARY_DIR);
  snprintf(p, sizeof p, "%s/pki/device/kid", PK_BINARY_DIR);
  char *kid = slurp(p);
  snprintf(p, sizeof p, "%s/pki/device/jwks.json", PK_BINARY_DIR);
  char *jwks = slurp(p);
  if (!kid || !jwks) return fprintf(stderr, "bench_audit: no device key in %s/pki (build pk_device_key)\n", PK_BINARY_DIR), 1;
  kid[strcspn(kid, "\n")] = 0;
  double t0 = now();
  int rc = generate(log, key, kid, n);
  double t1 = now();
  pk_audit_report r;
  int vr = rc ? -1 : pk_audit_verify(log, jwks, &r);
  double t2 = now();
  if (vr == 0)
    printf("audit verify: %llu entries (%llu checkpoints) in %.3f s (target < 2 s; %.2f us/entry; generating took %.1f s)\n",
           (unsigned long long)r.entries, (unsigned long long)r.checkpoints, t2 - t1, (t2 - t1) * 1e6 / (double)r.entries, t1 - t0);
  else fprintf(stderr, "bench_audit: verify failed (%d): %s\n", vr, vr < 0 ? "-" : r.detail);
  unlink(side), unlink(log), rmdir(dir);
  free(kid), free(jwks);
  return vr == 0 ? 0 : 1;
}
