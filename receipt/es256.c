/* ES256 (RFC 7518 §3.4) with OpenSSL 3 EVP: JOSE carries r||s (64 bytes), OpenSSL wants DER. */
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int rc_sig_raw_to_der(const unsigned char raw[64], unsigned char **der, size_t *derlen) {
  ECDSA_SIG *s = ECDSA_SIG_new();
  BIGNUM *r = BN_bin2bn(raw, 32, NULL), *ss = BN_bin2bn(raw + 32, 32, NULL);
  if (!s || !r || !ss || !ECDSA_SIG_set0(s, r, ss)) {
    ECDSA_SIG_free(s), BN_free(r), BN_free(ss);
    return -1;
  }
  *der = NULL;
  int n = i2d_ECDSA_SIG(s, der);
  ECDSA_SIG_free(s);
  if (n <= 0) return -1;
  *derlen = (size_t)n;
  return 0;
}

int rc_sig_der_to_raw(const unsigned char *der, size_t derlen, unsigned char raw[64]) {
  const unsigned char *p = der;
  ECDSA_SIG *s = d2i_ECDSA_SIG(NULL, &p, (long)derlen);
  if (!s) return -1;
  const BIGNUM *r, *ss;
  ECDSA_SIG_get0(s, &r, &ss);
  int ok = BN_bn2binpad(r, raw, 32) == 32 && BN_bn2binpad(ss, raw + 32, 32) == 32;
  ECDSA_SIG_free(s);
  return ok ? 0 : -1;
}

static int is_p256(EVP_PKEY *key) {
  char name[64];
  size_t n = 0;
  if (!EVP_PKEY_is_a(key, "EC")) return 0;
  if (!EVP_PKEY_get_utf8_string_param(key, "group", name, sizeof name, &n)) return 0;
  return !strcmp(name, "prime256v1") || !strcmp(name, "P-256");
}

int rc_es256_sign(EVP_PKEY *key, const unsigned char *data, size_t len, unsigned char sig[64]) {
  if (!is_p256(key)) return -1;
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  unsigned char der[80];
  size_t derlen = sizeof der;
  int ok = ctx && EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
           EVP_DigestSign(ctx, der, &derlen, data, len) == 1;
  EVP_MD_CTX_free(ctx);
  return ok ? rc_sig_der_to_raw(der, derlen, sig) : -1;
}

int rc_es256_verify(EVP_PKEY *key, const unsigned char *data, size_t len, const unsigned char sig[64]) {
  if (!is_p256(key)) return -1;
  unsigned char *der = NULL;
  size_t derlen = 0;
  if (rc_sig_raw_to_der(sig, &der, &derlen)) return -1;
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  int ok = ctx && EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
           EVP_DigestVerify(ctx, der, derlen, data, len) == 1;
  EVP_MD_CTX_free(ctx);
  OPENSSL_free(der);
  return ok ? 0 : -1;
}

EVP_PKEY *rc_load_private_pem(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) return NULL;
  EVP_PKEY *k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
  fclose(f);
  if (k && !is_p256(k)) {
    EVP_PKEY_free(k);
    k = NULL;
  }
  return k;
}

/* Compact JWS (ES256) of any JSON payload: the simulator signs its documents with this,
 * so the kiosk and its peer share one JOSE implementation. */
char *pk_jws_sign_es256(struct evp_pkey_st *key, const char *kid, const char *payload_json) {
  if (!key || !kid || !payload_json) return NULL;
  char *hdr = NULL, *h = NULL, *p = NULL, *s = NULL, *out = NULL;
  if (asprintf(&hdr, "{\"alg\":\"ES256\",\"kid\":\"%s\",\"typ\":\"JWT\"}", kid) < 0) return NULL;
  h = pk_b64url_encode((const unsigned char *)hdr, strlen(hdr));
  p = pk_b64url_encode((const unsigned char *)payload_json, strlen(payload_json));
  char *input = NULL;
  unsigned char raw[64];
  if (h && p && asprintf(&input, "%s.%s", h, p) >= 0) {
    if (rc_es256_sign(key, (const unsigned char *)input, strlen(input), raw) == 0 &&
        (s = pk_b64url_encode(raw, sizeof raw)) != NULL && asprintf(&out, "%s.%s", input, s) < 0)
      out = NULL;
  }
  free(hdr), free(h), free(p), free(s), free(input);
  return out;
}
