/* Test driver: makes a sample device-signed receipt and renders or prints it.
 *   t_receipt_tool sample DIR             -> DIR/token.txt receipt.png receipt58.png receipt.pdf receipt.escpos
 *   t_receipt_tool large DIR              -> the same PNGs of a receipt whose QR is of the largest version
 *   t_receipt_tool print TYPE DEST         -> prints (config printer=TYPE, printer_dest=DEST); token on stdout
 *   t_receipt_tool state TYPE DEST         -> printer state name on stdout */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "pishkhan/module_opts.h"

static char *sample_token(pk_receipt *r) {
  char key[512], kidp[512], kid[64];
  snprintf(key, sizeof key, "%s/pki/device/key.pem", PK_BINARY_DIR);
  snprintf(kidp, sizeof kidp, "%s/pki/device/kid", PK_BINARY_DIR);
  read_small(kidp, kid, sizeof kid);
  sample_receipt(r);
  snprintf(r->payment_ref, sizeof r->payment_ref, "504812734019"); /* a paid fee: the paper shows it */
  char *jws = NULL;
  if (pk_receipt_sign_device(r, key, kid, &jws)) return NULL;
  char office[sizeof r->office];
  memcpy(office, r->office, sizeof office);
  pk_receipt_parse(jws, r); /* print what was signed, plus the office name that the QR may omit */
  memcpy(r->office, office, sizeof office);
  return jws;
}

/* A fee service's receipt with a long name: the token is of the largest QR version allowed. */
static char *large_token(pk_receipt *r) {
  char key[512];
  snprintf(key, sizeof key, "%s/pki/device/key.pem", PK_BINARY_DIR);
  sample_receipt(r);
  r->office[0] = 0;
  snprintf(r->service_title, sizeof r->service_title, "ارسال اظهارنامه مالیاتی اشخاص حقیقی");
  snprintf(r->agency, sizeof r->agency, "سازمان امور مالیاتی");
  snprintf(r->tracking_code, sizeof r->tracking_code, "1457143582487267");
  snprintf(r->invoice_id, sizeof r->invoice_id, "inv_AbCdEfGhIjKlMnOpQrStUv");
  char *jws = NULL;
  if (pk_receipt_sign(r, key, "w-xt-vI0Js", &jws)) return NULL;
  pk_receipt_parse(jws, r);
  return jws;
}

static int save(const char *dir, const char *name, const unsigned char *b, size_t n) {
  char p[1024];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  FILE *f = fopen(p, "wb");
  if (!f || fwrite(b, 1, n, f) != n) return -1;
  return fclose(f);
}

int main(int argc, char **argv) {
  pk_receipt r;
  char *jws = argc > 1 && !strcmp(argv[1], "large") ? large_token(&r) : sample_token(&r);
  if (!jws || argc < 3) return 2;
  int rc = 0;
  bool large = !strcmp(argv[1], "large");
  if (large || !strcmp(argv[1], "sample")) {
    unsigned char *b;
    size_t n;
    char p[1024];
    rc |= save(argv[2], "token.txt", (const unsigned char *)jws, strlen(jws));
    snprintf(p, sizeof p, "%s/receipt.png", argv[2]);
    rc |= pk_receipt_render_png(&r, jws, 80, p);
    snprintf(p, sizeof p, "%s/receipt58.png", argv[2]);
    rc |= pk_receipt_render_png(&r, jws, 58, p);
    if (!large) {
      rc |= pk_receipt_render_pdf(&r, jws, 210, &b, &n) || save(argv[2], "receipt.pdf", b, n);
      free(b);
      rc |= pk_receipt_render_escpos(&r, jws, 80, &b, &n) || save(argv[2], "receipt.escpos", b, n);
      free(b);
    }
  } else if (argc >= 4) {
    pk_config cfg;
    pk_config_defaults(&cfg);
    snprintf(cfg.printer, sizeof cfg.printer, "%s", argv[2]);
    snprintf(cfg.printer_dest, sizeof cfg.printer_dest, "%s", argv[3]);
    pk_printer_opts po;
    pk_config_printer_opts(&cfg, &po);
    char err[256];
    if (!strcmp(argv[1], "print")) {
      rc = pk_print_receipt(&po, &r, jws, err, sizeof err);
      if (rc) fprintf(stderr, "print failed: %s\n", err);
      else printf("%s\n", jws);
    } else {
      pk_printer_state_t s = pk_printer_state(&po, err, sizeof err);
      printf("%s\n", pk_printer_state_name(s));
      fprintf(stderr, "%s\n", err);
    }
    pk_config_free(&cfg);
  } else {
    rc = 2;
  }
  free(jws);
  pk_receipt_shutdown();
  return rc ? 1 : 0;
}
