/* A shift's audit log as the shift report counts it (a log copied off a kiosk, or edited):
 * pk_shift_tally_read never crashes or leaks, its per-service rows add up to its totals, and
 * the report's text and CSV are made from whatever it counted. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pishkhan/app.h"
#include "pishkhan/shift.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  int fd = memfd_create("audit.log", MFD_CLOEXEC);
  if (fd < 0 || write(fd, data, size) != (ssize_t)size) abort();
  char path[64], err[200];
  snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  pk_shift_tally t;
  if (pk_shift_tally_read(path, 0, 0, "clk-7f3a21", &t, err, sizeof err) == 0) {
    unsigned sent = 0, queued = 0, failed = 0;
    long long paid = 0;
    for (size_t i = 0; i < t.nservices; i++)
      sent += t.services[i].submitted, queued += t.services[i].queued, failed += t.services[i].failed,
          paid += t.services[i].paid_rials;
    if (sent != t.submitted || queued != t.queued || failed != t.failed || paid != t.paid_rials) abort();
    pk_app_shift s = {.ticket = 3};
    pk_shift_report_in in = {.shift = &s, .tally = &t};
    free(pk_shift_report_text(&in));
    free(pk_shift_report_csv(&in));
    pk_shift_tally_free(&t);
  }
  close(fd);
  return 0;
}
