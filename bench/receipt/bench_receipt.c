/* Full 80 mm receipt (Persian text, QR v15) rendered to ESC/POS and to PNG:
 * median and p95 time per receipt, beside the job size in bytes. Target < 50 ms each. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../bench_clock.h"
#include "pishkhan/receipt.h"

#define N 60

typedef int (*render_fn)(const pk_receipt *, const char *, int, unsigned char **, size_t *);

static int run(const char *name, render_fn fn, const pk_receipt *r, const char *jws, int paper) {
  double t[N];
  size_t len = 0;
  unsigned char *b;
  if (fn(r, jws, paper, &b, &len)) return 1; /* warm-up: fontconfig and font loading */
  free(b);
  for (int i = 0; i < N; i++) {
    double t0 = bench_now_ms();
    if (fn(r, jws, paper, &b, &len)) return 1;
    t[i] = bench_now_ms() - t0;
    free(b);
  }
  qsort(t, N, sizeof t[0], bench_cmp_double);
  printf("%-22s %3d mm  median %6.2f ms  p95 %6.2f ms  job %7zu bytes  (target < 50 ms: %s)\n", name, paper,
         t[N / 2], t[N * 95 / 100], len, t[N / 2] < 50 ? "met" : "MISSED");
  return 0;
}

int main(void) {
  pk_receipt r;
  memset(&r, 0, sizeof r);
  snprintf(r.tracking_code, sizeof r.tracking_code, "1403-0215-4823");
  snprintf(r.service_id, sizeof r.service_id, "SV-10231");
  snprintf(r.service_title, sizeof r.service_title, "درخواست گواهی عدم سوء پیشینه");
  snprintf(r.agency, sizeof r.agency, "قوه قضاییه");
  snprintf(r.office, sizeof r.office, "دفتر پیشخوان دولت کد ۱۲۳۴ تهران");
  snprintf(r.kiosk_id, sizeof r.kiosk_id, "KIOSK-0001");
  r.issued_at = 1713612300;
  r.amount_rials = 1200000;
  pk_receipt_set_national_code(&r, "0012345678");
  char key[512];
  snprintf(key, sizeof key, "%s/pki/device/key.pem", PK_BINARY_DIR);
  char *jws = NULL;
  if (pk_receipt_sign_device(&r, key, "d-bench", &jws)) {
    fprintf(stderr, "cannot sign with %s\n", key);
    return 1;
  }
  pk_qr q;
  pk_qr_matrix(jws, &q);
  printf("receipt token %zu bytes, QR version %d (%d modules)\n", strlen(jws), q.version, q.size);
  pk_qr_free(&q);
  int rc = run("ESC/POS (GS v 0)", pk_receipt_render_escpos, &r, jws, 80) ||
           run("PNG", pk_receipt_render_png_mem, &r, jws, 80) ||
           run("PDF", pk_receipt_render_pdf, &r, jws, 80) ||
           run("ESC/POS (GS v 0)", pk_receipt_render_escpos, &r, jws, 58);
  free(jws);
  pk_receipt_shutdown();
  return rc;
}
