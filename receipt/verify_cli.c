/* `pishkhan receipt verify`: what a receipt says, in Persian, and whether its signature
 * holds for a key in the configured JWKS. Exit 0 valid, 1 not valid, 2 unusable input.
 * Window-signed receipts are checked against the window's JWKS only and device-signed
 * ones against the kiosks' JWKS only, so a kiosk key can never pass as the window. */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "strings.h"

static void usage(void) {
  fputs("usage: pishkhan receipt verify [--jwks FILE] [--device-jwks FILE] [--config FILE] TOKEN|FILE.png|FILE.pdf|-\n",
        stderr);
}

static char *read_text(FILE *f) {
  size_t cap = 8192;
  char *b = malloc(cap);
  if (!b) return NULL;
  size_t n = fread(b, 1, cap - 1, f);
  b[n] = '\0';
  char *e = b + strcspn(b, "\r\n"); /* the token is the first line */
  *e = '\0';
  return b;
}

static char *input_token(const char *arg, char *err, size_t errsz) {
  struct stat st;
  char *text = NULL;
  if (!strcmp(arg, "-")) return read_text(stdin);
  if (stat(arg, &st) == 0 && S_ISREG(st.st_mode)) {
    int rc = pk_receipt_decode_file(arg, &text, err, errsz);
    if (rc == -PK_RECEIPT_EINVAL && !text && strstr(err, "neither")) { /* a text file holding the token */
      FILE *f = fopen(arg, "r");
      text = f ? read_text(f) : NULL;
      if (f) fclose(f);
    }
    return text;
  }
  return strdup(arg);
}

static void show(const pk_receipt *r) {
  char a[PK_RECEIPT_TEXT * 2], b[PK_RECEIPT_TEXT * 2];
  printf("%s\n", FA_HEADING);
  rc_sanitize(r->tracking_code, a, sizeof a);
  rc_digits_fa(a, b, sizeof b);
  printf("%s: %s (%s)\n", FA_TRACKING, b, a);
  rc_sanitize(r->service_title, a, sizeof a);
  rc_sanitize(r->service_id, b, sizeof b);
  printf("%s: %s (%s: %s)\n", FA_SERVICE, a, FA_SERVICE_ID, b);
  if (r->agency[0]) rc_sanitize(r->agency, a, sizeof a), printf("%s: %s\n", FA_AGENCY, a);
  if (r->office[0]) rc_sanitize(r->office, a, sizeof a), printf("%s: %s\n", FA_OFFICE, a);
  rc_jalali_date(r->issued_at, a, sizeof a);
  rc_gregorian_date(r->issued_at, b, sizeof b);
  printf("%s: %s (%s)\n", FA_DATE, a, b);
  printf("%s: %s\n", FA_STATUS, r->status == PK_RECEIPT_QUEUED ? FA_QUEUED : FA_SUBMITTED);
  if (r->amount_rials > 0) rc_amount_fa(r->amount_rials, a, sizeof a), printf("%s: %s\n", FA_AMOUNT, a);
  if (r->payment_ref[0]) rc_sanitize(r->payment_ref, a, sizeof a), printf("%s: %s\n", FA_PAYMENT_REF, a);
  if (r->national_code_last4[0]) {
    snprintf(a, sizeof a, "******%s", r->national_code_last4);
    rc_digits_fa(a, b, sizeof b);
    printf("%s: %s\n", FA_NATIONAL_CODE, b);
  }
  rc_sanitize(r->kiosk_id, a, sizeof a);
  printf("%s: %s\n", FA_KIOSK, a);
  rc_sanitize(r->kid, a, sizeof a);
  printf("%s (%s: %s)\n", r->signer == PK_SIGNER_DEVICE ? FA_SIGNED_DEVICE : FA_SIGNED_WINDOW, FA_KEY, a);
}

static char *slurp(const char *path) {
  FILE *f = path ? fopen(path, "rb") : NULL;
  if (!f) return NULL;
  char *b = NULL;
  size_t cap = 0, n = 0, k;
  do {
    if (n + 4096 + 1 > cap) {
      char *nb = realloc(b, cap = cap * 2 + 8192);
      if (!nb) break;
      b = nb;
    }
    k = fread(b + n, 1, 4096, f);
    n += k;
  } while (k > 0 && n < (1 << 20));
  fclose(f);
  if (b) b[n] = '\0';
  return b;
}

int pk_receipt_verify_cli(int argc, char **argv, pk_receipt_keys_fn keys_fn) {
  int i = 0;
  for (int j = 0; j < argc && j < 3; j++)
    if (!strcmp(argv[j], "verify")) i = j + 1;
  const char *jwks = NULL, *djwks = NULL, *cfgpath = NULL, *input = NULL;
  for (; i < argc; i++) {
    if (!strcmp(argv[i], "--jwks") && i + 1 < argc) jwks = argv[++i];
    else if (!strcmp(argv[i], "--device-jwks") && i + 1 < argc) djwks = argv[++i];
    else if (!strcmp(argv[i], "--config") && i + 1 < argc) cfgpath = argv[++i];
    else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) return usage(), 0;
    else if (argv[i][0] == '-' && argv[i][1]) return usage(), 2;
    else if (!input) input = argv[i];
    else return usage(), 2;
  }
  if (!input) return usage(), 2;
  char err[256] = "", *cfg_jwks = NULL, *cfg_djwks = NULL;
  if (keys_fn(cfgpath, &cfg_jwks, &cfg_djwks, err, sizeof err)) {
    fprintf(stderr, "%s: %s\n", cfgpath ? cfgpath : "settings", err);
    return 2;
  }
  char *token = input_token(input, err, sizeof err), *keys = NULL;
  pk_receipt r;
  int code = 2;
  if (!token) {
    printf("%s: %s\n", FA_NO_INPUT, err);
    goto done;
  }
  if (pk_receipt_parse(token, &r)) {
    printf("%s\n", FA_NOT_RECEIPT);
    goto done;
  }
  const char *kpath = r.signer == PK_SIGNER_DEVICE ? (djwks ? djwks : cfg_djwks) : (jwks ? jwks : cfg_jwks);
  keys = slurp(kpath);
  show(&r);
  if (!keys) {
    printf("%s: %s\n", FA_NO_JWKS, kpath && *kpath ? kpath : "--jwks");
    goto done;
  }
  char why[160];
  int rc = pk_receipt_verify(token, keys, &r, why, sizeof why);
  code = rc ? 1 : 0;
  if (!rc) printf("✔ %s\n", FA_VALID);
  else
    printf("✘ %s\n%s: %s\n",
           rc == -PK_RECEIPT_EKEY ? FA_UNKNOWN_KEY : rc == -PK_RECEIPT_EPOLICY ? FA_POLICY : FA_INVALID, FA_REASON,
           why);
done:
  free(token), free(keys), free(cfg_jwks), free(cfg_djwks);
  return code;
}
