/* ES256 (RFC 7518 §3.4) with OpenSSL 3 EVP: JOSE carries r||s (64 bytes), OpenSSL wants DER. */
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "pishkhan/ecdsa_sig.h"

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
  return ok && pk_ecdsa_sig_from_der(der, derlen, sig, 64) ? 0 : -1;
}

int rc_es256_verify(EVP_PKEY *key, const unsigned char *data, size_t len, const unsigned char sig[64]) {
  if (!is_p256(key)) return -1;
  unsigned char der[PK_ECDSA_SIG_DER_MAX];
  size_t derlen = pk_ecdsa_sig_to_der(sig, 64, der, sizeof der);
  if (!derlen) return -1;
  EVP_MD_CTX *ctx = EVP_MD_CTX_new();
  int ok = ctx && EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
           EVP_DigestVerify(ctx, der, derlen, data, len) == 1;
  EVP_MD_CTX_free(ctx);
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
