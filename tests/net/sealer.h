/* Test-only sealer: builds what a kiosk's outbox sends to POST /requests/sealed (the request,
 * the card's consent signature over SHA-256 of its canonical form, sealed with libjose to the
 * window's encryption key), with knobs to break each part. */
#ifndef PK_TEST_NET_SEALER_H
#define PK_TEST_NET_SEALER_H
#include <jansson.h>
#include <openssl/evp.h>
#include <stddef.h>
#include <stdint.h>

#include "harness.h"

typedef struct t_seal {
  json_t *request;          /* borrowed: the "request" object */
  const char *signer;       /* persona whose card key signs the consent */
  const char *cert_of;      /* persona whose certificate goes along (NULL: signer) */
  EVP_PKEY *sign_key;       /* instead of the signer's key */
  const uint8_t *cert_der;  /* instead of a persona's certificate */
  size_t cert_len;
  const char *canon;        /* the text signed (NULL: the request as jansson's sorted compact JSON) */
  const char *kid;          /* NULL: the window's encryption key id */
  json_t *to;               /* public JWK sealed to (NULL: the window's, from pki/window/enc-jwks.json) */
} t_seal;

/* {"service_id","fields","kiosk_id","idempotency_key","created_at","national_code","level":3} */
json_t *t_request(const char *sid, const char *fields_json, const char *kiosk, const char *key, long long created_at,
                  const char *nc);
/* The compact JWE (malloc'd); fails the test when it cannot be made. */
char *t_seal_make(const harness *h, const t_seal *in);
/* A self-signed card-like certificate for national code nc, with its key. */
void t_self_signed(const char *nc, EVP_PKEY **key, uint8_t **der, size_t *len);
/* Writes a CRL of the test card issuer revoking persona as of revoked_at. */
void t_write_crl(const harness *h, const char *path, const char *persona, time_t revoked_at);
/* The same, issued (thisUpdate) at a given time. */
void t_write_crl_at(const harness *h, const char *path, const char *persona, time_t revoked_at, time_t issued);
/* notBefore (end: notAfter) of a persona's certificate. */
time_t t_validity(const harness *h, const char *persona, bool end);

#endif
