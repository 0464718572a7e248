/* `pishkhan doctor`: what a technician needs to know about a kiosk that does not serve, each
 * failure with what to do about it, in the UI language. The checks only look: nothing is
 * written to the kiosk's stores, nothing is sent to the window but GET /health. */
#ifndef PISHKHAN_DOCTOR_H
#define PISHKHAN_DOCTOR_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pishkhan/config.h"

/* info: for the record; warning: works today, will not for long; critical: the kiosk cannot
 * serve (then the command exits 1). */
typedef enum { PK_DOCTOR_INFO, PK_DOCTOR_WARNING, PK_DOCTOR_CRITICAL } pk_doctor_severity;
const char *pk_doctor_severity_name(pk_doctor_severity s); /* "info", "warning", "critical" */

typedef struct pk_doctor_check {
  const char *name; /* stable: "pcscd", "window", ... (JSON, metrics label) */
  bool ok;
  pk_doctor_severity severity;
  char message[640]; /* translated */
} pk_doctor_check;

#define PK_DOCTOR_MAX 20
typedef struct pk_doctor_report {
  pk_doctor_check checks[PK_DOCTOR_MAX];
  size_t n;
} pk_doctor_report;

typedef struct pk_doctor_opts {
  const char *config_path;   /* for messages; NULL: the compiled-in defaults */
  const char *config_error;  /* pk_config_load's message, NULL when the file loaded */
  int64_t now;               /* 0: the clock; tests set it */
  /* Free and total bytes of the data folder's file system; NULL: statvfs(3). */
  int (*disk_space)(const char *dir, uint64_t *free_bytes, uint64_t *total_bytes);
  bool skip_window;          /* tests of the local checks */
} pk_doctor_opts;

void pk_doctor_run(const pk_config *cfg, const pk_doctor_opts *o, pk_doctor_report *out);
/* "ok", "FAIL" (critical), "WARN" or "--" (info): how a line of the report starts. */
const char *pk_doctor_mark(const pk_doctor_check *c);
/* false when a critical check failed. */
bool pk_doctor_ok(const pk_doctor_report *r);
/* {"ok": bool, "checks": [{"name","ok","severity","message"}...]}, malloc'd. */
char *pk_doctor_json(const pk_doctor_report *r);

#endif
