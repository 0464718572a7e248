/* Receipt signing (JWS compact, ES256) and the window's JWKS. The key id is the RFC 7638
 * thumbprint of the public key, the same value scripts/gen-tls-pki writes. */
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pishkhan/b64url.h"
#include "pishkhan/receipt.h"
#include "sim_internal.h"


unsigned char *sim_b64_decode(const char *in, size_t *outlen) {
  size_t n = strlen(in);
  if (n > 65536) return NULL;
  char *t = malloc(n + 4);
  if (!t) return NULL;
  size_t j = 0;
  for (size_t i = 0; i < n; i++) {
    char c = in[i];
    if (c == '-') c = '+';
    else if (c == '_') c = '/';
    else if (c == '=' ) continue;
    else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/')) {
      free(t);
      return NULL;
    }
    t[j++] = c;
  }
  size_t pad = (4 - j % 4) % 4;
  if (pad == 3) { free(t); return NULL; }
  for (size_t i = 0; i < pad; i++) t[j++] = '=';
  t[j] = 0;
  unsigned char *out = malloc(j / 4 * 3 + 1);
  if (!out) { free(t); return NULL; }
  int m = EVP_DecodeBlock(out, (unsigned char *)t, (int)j);
  free(t);
  if (m < 0) { free(out); return NULL; }
  *outlen = (size_t)m - pad;
  return out;
}

void sim_random_b64url(char *out, size_t nbytes) {
  unsigned char buf[64];
  if (nbytes > sizeof buf) nbytes = sizeof buf;
  RAND_bytes(buf, (int)nbytes);
  char *s = pk_b64url_encode(buf, nbytes);
  strcpy(out, s ? s : "x");
  free(s);
}

static int coord(EVP_PKEY *k, const char *name, unsigned char out[32]) {
  BIGNUM *bn = NULL;
  if (!EVP_PKEY_get_bn_param(k, name, &bn)) return -1;
  int rc = BN_bn2binpad(bn, out, 32) == 32 ? 0 : -1;
  BN_free(bn);
  return rc;
}

int sim_jws_init(pk_window_sim *s, const char *key_path, char **err) {
  if (key_path) {
    FILE *f = fopen(key_path, "r");
    if (f) {
      s->receipt_key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
      fclose(f);
    }
    if (!s->receipt_key) {
      if (err && asprintf(err, "cannot read the receipt signing key %s", key_path) < 0) *err = NULL;
      return -1;
    }
  } else {
    s->receipt_key = EVP_EC_gen("P-256");
  }
  unsigned char x[32], y[32];
  if (!s->receipt_key || !EVP_PKEY_is_a(s->receipt_key, "EC") || coord(s->receipt_key, OSSL_PKEY_PARAM_EC_PUB_X, x) ||
      coord(s->receipt_key, OSSL_PKEY_PARAM_EC_PUB_Y, y)) {
    if (err) *err = strdup("the receipt signing key must be an EC P-256 key");
    return -1;
  }
  char *xs = pk_b64url_encode(x, 32), *ys = pk_b64url_encode(y, 32);
  char thumb_in[256];
  snprintf(thumb_in, sizeof thumb_in, "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"%s\",\"y\":\"%s\"}", xs, ys);
  unsigned char md[32];
  unsigned int ml;
  EVP_Digest(thumb_in, strlen(thumb_in), md, &ml, EVP_sha256(), NULL);
  /* A short key id ("w-" + 8 characters of the RFC 7638 thumbprint), like the kiosk's
   * device key: every byte of the receipt token counts against the QR's size. */
  char *thumb = pk_b64url_encode(md, 32);
  char kid[16];
  snprintf(kid, sizeof kid, "w-%.8s", thumb ? thumb : "");
  free(thumb);
  snprintf(s->receipt_kid, sizeof s->receipt_kid, "%s", kid);
  json_t *jwks = json_pack("{s:[{s:s, s:s, s:s, s:s, s:s, s:s, s:s}]}", "keys", "kty", "EC", "crv", "P-256", "x", xs,
                           "y", ys, "kid", kid, "use", "sig", "alg", "ES256");
  s->jwks = json_dumps(jwks, JSON_COMPACT);
  json_decref(jwks);
  free(xs);
  free(ys);
  return s->jwks ? 0 : -1;
}

void sim_jws_free(pk_window_sim *s) {
  EVP_PKEY_free(s->receipt_key);
  s->receipt_key = NULL;
  free(s->jwks);
  s->jwks = NULL;
}

char *sim_jws_sign(pk_window_sim *s, json_t *payload) {
  char *p = json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS);
  char *out = p ? pk_jws_sign_es256(s->receipt_key, s->receipt_kid, p) : NULL;
  free(p);
  return out;
}

char *pk_window_sim_jwks(const char *receipt_key_path) {
  pk_window_sim tmp;
  memset(&tmp, 0, sizeof tmp);
  char *err = NULL;
  if (!receipt_key_path || sim_jws_init(&tmp, receipt_key_path, &err) != 0) {
    free(err);
    sim_jws_free(&tmp);
    return NULL;
  }
  char *out = tmp.jwks;
  tmp.jwks = NULL;
  sim_jws_free(&tmp);
  return out;
}
