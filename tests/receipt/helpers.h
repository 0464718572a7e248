/* Test helpers for the receipt module: a sample receipt, fresh keys and JWKS. */
#ifndef PK_TEST_RECEIPT_HELPERS_H
#define PK_TEST_RECEIPT_HELPERS_H
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pishkhan/module_opts.h"
#include "pishkhan/receipt.h"

static inline void sample_receipt(pk_receipt *r) {
  memset(r, 0, sizeof *r);
  snprintf(r->tracking_code, sizeof r->tracking_code, "1403-0215-4823");
  snprintf(r->service_id, sizeof r->service_id, "SV-10231");
  snprintf(r->service_title, sizeof r->service_title, "درخواست گواهی عدم سوء پیشینه");
  snprintf(r->agency, sizeof r->agency, "قوه قضاییه");
  snprintf(r->office, sizeof r->office, "دفتر پیشخوان دولت کد ۱۲۳۴ تهران");
  snprintf(r->kiosk_id, sizeof r->kiosk_id, "KIOSK-0001");
  r->issued_at = 1713612300; /* 2024-04-20 */
  r->status = PK_RECEIPT_SUBMITTED;
  r->amount_rials = 1200000;
  pk_receipt_set_national_code(r, "0012345678");
  r->signer = PK_SIGNER_WINDOW;
}

static inline void read_small(const char *path, char *buf, size_t n) {
  FILE *f = fopen(path, "r");
  size_t k = f ? fread(buf, 1, n - 1, f) : 0;
  buf[k] = '\0';
  while (k && (buf[k - 1] == '\n')) buf[--k] = '\0';
  if (f) fclose(f);
}

static inline char *b64u(const unsigned char *p, size_t n) {
  static const char A[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  char *o = malloc(n * 2 + 4), *q = o;
  for (size_t i = 0; i < n; i += 3) {
    unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
    *q++ = A[v >> 18 & 63], *q++ = A[v >> 12 & 63];
    if (i + 1 < n) *q++ = A[v >> 6 & 63];
    if (i + 2 < n) *q++ = A[v & 63];
  }
  *q = 0;
  return o;
}

/* A fresh P-256 key written to pem_path; returns its JWKS (malloc'd) under kid. */
static inline char *fresh_key(const char *pem_path, const char *kid) {
  EVP_PKEY *k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
  FILE *f = fopen(pem_path, "w");
  PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL);
  fclose(f);
  unsigned char pt[65];
  size_t n = 0;
  EVP_PKEY_get_octet_string_param(k, OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof pt, &n);
  EVP_PKEY_free(k);
  char *x = b64u(pt + 1, 32), *y = b64u(pt + 33, 32), *out = malloc(512);
  snprintf(out, 512, "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"%s\",\"x\":\"%s\",\"y\":\"%s\"}]}", kid, x, y);
  free(x), free(y);
  return out;
}

static inline char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  rewind(f);
  char *b = malloc((size_t)n + 1);
  size_t k = fread(b, 1, (size_t)n, f);
  b[k] = 0;
  fclose(f);
  return b;
}

#endif
