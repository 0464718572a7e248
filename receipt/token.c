/* The receipt token: JWS ES256 compact, header {"alg":"ES256","kid":...}. */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MAX_TOKEN 4096 /* far above what a QR holds; bounds work on hostile input */

void rc_set_err(char *err, size_t errsz, const char *fmt, ...) {
  if (!err || !errsz) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errsz, fmt, ap);
  va_end(ap);
}

void pk_receipt_set_national_code(pk_receipt *r, const char *code) {
  char digits[32];
  size_t n = 0;
  for (const unsigned char *p = (const unsigned char *)code; p && *p && n < sizeof digits; p++) {
    if (*p >= '0' && *p <= '9') digits[n++] = (char)*p;
    /* Persian U+06F0..9 = DB B0..B9, Arabic-Indic U+0660..9 = D9 A0..A9 */
    else if ((p[0] == 0xDB && p[1] >= 0xB0 && p[1] <= 0xB9) || (p[0] == 0xD9 && p[1] >= 0xA0 && p[1] <= 0xA9))
      digits[n++] = (char)('0' + (p[1] & 0x0F)), p++;
  }
  if (n >= 4) memcpy(r->national_code_last4, digits + n - 4, 4), r->national_code_last4[4] = '\0';
  else r->national_code_last4[0] = '\0';
  explicit_bzero(digits, sizeof digits);
}


char *pk_receipt_claims_json(const pk_receipt *r) { return r ? rc_claims_json(r) : NULL; }

static char *header_b64(const char *kid) {
  json_t *h = json_pack("{s:s, s:s}", "alg", "ES256", "kid", kid);
  char *s = h ? json_dumps(h, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
  json_decref(h);
  char *b = s ? pk_b64url_encode((const unsigned char *)s, strlen(s)) : NULL;
  free(s);
  return b;
}

static int kid_ok(const char *kid) {
  size_t n = kid ? strlen(kid) : 0;
  return n > 0 && n < sizeof ((pk_receipt *)0)->kid;
}

int pk_receipt_sign(const pk_receipt *r, const char *key_pem_path, const char *kid, char **jws_out) {
  *jws_out = NULL;
  EVP_PKEY *key = rc_load_private_pem(key_pem_path);
  if (!key) return -PK_RECEIPT_EKEY;
  int rc = pk_receipt_sign_key(r, key, kid, jws_out);
  EVP_PKEY_free(key);
  return rc;
}

int pk_receipt_sign_key(const pk_receipt *r, struct evp_pkey_st *key, const char *kid, char **jws_out) {
  *jws_out = NULL;
  if (!r || !key || !kid_ok(kid) || !r->tracking_code[0] || !r->service_id[0] || !r->kiosk_id[0])
    return -PK_RECEIPT_EINVAL;
  int rc = -PK_RECEIPT_ENOMEM;
  char *h = header_b64(kid), *claims = NULL, *p = NULL, *sig = NULL, *out = NULL;
  if (!h) goto done;
  claims = rc_claims_json_fit(r, strlen(h));
  if (!claims) {
    rc = -PK_RECEIPT_ETOOBIG;
    goto done;
  }
  p = pk_b64url_encode((const unsigned char *)claims, strlen(claims));
  size_t n = strlen(h) + 1 + (p ? strlen(p) : 0);
  out = p ? malloc(n + 1 + 86 + 1) : NULL;
  if (!out) goto done;
  snprintf(out, n + 1, "%s.%s", h, p);
  unsigned char raw[64];
  if (rc_es256_sign(key, (const unsigned char *)out, n, raw)) {
    rc = -PK_RECEIPT_EKEY;
    goto done;
  }
  sig = pk_b64url_encode(raw, sizeof raw);
  if (!sig) goto done;
  out[n] = '.';
  strcpy(out + n + 1, sig);
  *jws_out = out, out = NULL;
  rc = 0;
done:
  free(h), free(claims), free(p), free(sig), free(out);
  return rc;
}

int pk_receipt_sign_device(const pk_receipt *r, const char *key, const char *kid, char **jws_out) {
  if (!r) return -PK_RECEIPT_EINVAL;
  pk_receipt d = *r;
  d.signer = PK_SIGNER_DEVICE;
  d.status = PK_RECEIPT_QUEUED; /* a kiosk can only vouch that it queued the request */
  return pk_receipt_sign(&d, key, kid, jws_out);
}

/* Splits and decodes; on success sig is the 64-byte r||s and signed_len the length of "h.p". */
typedef struct {
  size_t signed_len;
  unsigned char sig[64];
} split_t;

static int parse_header(const unsigned char *h, size_t n, pk_receipt *out) {
  json_error_t e;
  json_t *o = json_loadb((const char *)h, n, JSON_REJECT_DUPLICATES, &e);
  const char *alg = json_string_value(json_object_get(o, "alg"));
  const char *kid = json_string_value(json_object_get(o, "kid"));
  /* Only ES256: no "none", no HMAC with a public key as secret, no "crit" extensions we do not know. */
  int ok = json_is_object(o) && alg && !strcmp(alg, "ES256") && kid_ok(kid) && !json_object_get(o, "crit") &&
           !json_object_get(o, "jwk") && !json_object_get(o, "jku") && !json_object_get(o, "x5u");
  if (ok) snprintf(out->kid, sizeof out->kid, "%s", kid);
  json_decref(o);
  return ok ? 0 : -1;
}

static int split_parse(const char *jws, pk_receipt *out, split_t *sp) {
  if (!out) return -1;
  memset(out, 0, sizeof *out);
  if (!jws) return -1;
  size_t len = strnlen(jws, MAX_TOKEN + 1);
  while (len && (jws[len - 1] == '\n' || jws[len - 1] == '\r')) len--; /* scanners add a newline */
  if (len > MAX_TOKEN) return -1;
  const char *d1 = memchr(jws, '.', len);
  const char *d2 = d1 ? memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - jws)) : NULL;
  if (!d2 || memchr(d2 + 1, '.', len - (size_t)(d2 + 1 - jws))) return -1;
  unsigned char *h = NULL, *p = NULL, *s = NULL;
  size_t hn, pn, sn;
  int rc = -1;
  if (pk_b64url_decode(jws, (size_t)(d1 - jws), &h, &hn)) goto done;
  if (pk_b64url_decode(d1 + 1, (size_t)(d2 - d1 - 1), &p, &pn)) goto done;
  if (pk_b64url_decode(d2 + 1, len - (size_t)(d2 + 1 - jws), &s, &sn) || sn != 64) goto done;
  if (parse_header(h, hn, out) || rc_claims_parse(p, pn, out)) goto done;
  if (sp) sp->signed_len = (size_t)(d2 - jws), memcpy(sp->sig, s, 64);
  rc = 0;
done:
  free(h), free(p), free(s);
  if (rc) memset(out, 0, sizeof *out);
  return rc;
}

int pk_receipt_parse(const char *jws, pk_receipt *out) {
  return split_parse(jws, out, NULL) ? -PK_RECEIPT_EINVAL : 0;
}

int pk_receipt_verify(const char *jws, const char *jwks_json, pk_receipt *out, char *why, size_t whysz) {
  split_t sp;
  rc_set_err(why, whysz, "ok");
  if (split_parse(jws, out, &sp)) {
    rc_set_err(why, whysz, "not a receipt token (malformed JWS or claims)");
    return -PK_RECEIPT_EINVAL;
  }
  EVP_PKEY *key = rc_jwks_find(jwks_json, out->kid, why, whysz);
  if (!key) return -PK_RECEIPT_EKEY;
  int bad = rc_es256_verify(key, (const unsigned char *)jws, sp.signed_len, sp.sig);
  EVP_PKEY_free(key);
  if (bad) {
    rc_set_err(why, whysz, "signature does not match the claims (forged or altered)");
    return -PK_RECEIPT_ESIG;
  }
  if (out->signer == PK_SIGNER_DEVICE && out->status != PK_RECEIPT_QUEUED) {
    rc_set_err(why, whysz, "a device-signed receipt can only be for a queued request");
    return -PK_RECEIPT_EPOLICY;
  }
  return 0;
}
