/* Shared between the receipt module's files; not public. */
#ifndef PK_RECEIPT_INTERNAL_H
#define PK_RECEIPT_INTERNAL_H
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "pishkhan/receipt.h"

#include "pishkhan/b64url.h"

/* ES256 over data with a P-256 key; sig is the 64-byte JOSE form r||s. */
int rc_es256_sign(EVP_PKEY *key, const unsigned char *data, size_t len, unsigned char sig[64]);
int rc_es256_verify(EVP_PKEY *key, const unsigned char *data, size_t len, const unsigned char sig[64]);

/* The P-256 public key with this kid in a JWKS, or NULL (why says which rule failed). */
EVP_PKEY *rc_jwks_find(const char *jwks_json, const char *kid, char *why, size_t whysz);
EVP_PKEY *rc_load_private_pem(const char *path);

/* Claims <-> model. claims_json_fit shortens texts until the whole token fits. */
char *rc_claims_json(const pk_receipt *r);
char *rc_claims_json_fit(const pk_receipt *r, size_t header_b64_len);
int rc_claims_parse(const unsigned char *json, size_t len, pk_receipt *out);

/* Persian text helpers: the one place that calls (or stands in for) the i18n engine. */
void rc_sanitize(const char *in, char *out, size_t outsz);
void rc_digits_fa(const char *in, char *out, size_t outsz);
void rc_jalali_date(int64_t t, char *out, size_t outsz);   /* «۱ اردیبهشت ۱۴۰۳، ساعت ۱۴:۳۵» */
void rc_gregorian_date(int64_t t, char *out, size_t outsz); /* "2024-04-20 14:35" */
void rc_amount_fa(int64_t rials, char *out, size_t outsz);  /* «۱٬۲۰۰٬۰۰۰ ریال» */
int rc_jalali_from_gregorian(int gy, int gm, int gd, int *jy, int *jm, int *jd);

void rc_set_err(char *err, size_t errsz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* print_cups.c: the CUPS backend (libcups loaded on first use). */
int pk_print_cups(const pk_printer_opts *cfg, const pk_receipt *r, const char *jws, char *err, size_t errsz);
pk_printer_state_t pk_cups_state(const pk_printer_opts *cfg, char *detail, size_t dsz);

#endif
