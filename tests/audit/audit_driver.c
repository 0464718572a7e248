/* Builds a real audit log as the kiosk would, through pk_audit_*: `audit_driver LOG KEY KID N
 * EVERY` writes N entries of every kind (automatic checkpoints every EVERY) and one checkpoint
 * on demand at the end, as at shift end. */
#include <stdio.h>
#include <stdlib.h>

#include "pishkhan/audit.h"

static const char *const kinds[] = {"clerk_login", "citizen_auth", "request_submitted", "request_queued",
                                    "print", "request_delivered", "reprint", "request_failed", "clerk_lock"};

static void fields(int i, char *out, size_t outsz) {
  const char *k = kinds[i % 9];
  char ref[16]; /* grouped as pk_outbox_ref_group prints a queue reference */
  snprintf(ref, sizeof ref, "%03d %03d %04d", 100 + i % 900, i % 1000, i % 10000);
  if (k[0] == 'c' && k[1] == 'l') snprintf(out, outsz, "{\"clerk\":\"clerk-%d\"}", i % 3);
  else if (k[1] == 'i') snprintf(out, outsz, "{\"method\":\"card\",\"level\":3,\"national_masked\":\"001****%03d\"}", i % 1000);
  else snprintf(out, outsz, "{\"ref\":\"%s\",\"service\":\"svc.%d\"}", ref, i % 7);
}

int main(int argc, char **argv) {
  if (argc != 6) return fprintf(stderr, "usage: audit_driver LOG KEY KID N EVERY\n"), 2;
  char err[256], f[256];
  pk_audit *a = pk_audit_open(&(pk_audit_opts){.path = argv[1], .kiosk_id = "kiosk-t1", .device_key_pem = argv[2],
                                               .kid = argv[3], .checkpoint_every = atoi(argv[5])}, err, sizeof err);
  if (!a) return fprintf(stderr, "open: %s\n", err), 1;
  int n = atoi(argv[4]), rc = pk_audit_append(a, "config_at_start", "{\"sha256\":\"9f2c\"}", err, sizeof err);
  for (int i = 1; i < n && !rc; i++) {
    fields(i, f, sizeof f);
    rc = pk_audit_append(a, kinds[i % 9], f, err, sizeof err);
  }
  if (!rc) rc = pk_audit_checkpoint(a, err, sizeof err);
  if (rc) fprintf(stderr, "append: %s\n", err);
  pk_audit_close(a);
  return rc ? 1 : 0;
}
