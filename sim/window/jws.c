/* Receipt signing (JWS compact, ES256) and the window's JWKS: the receipt key ("use":"sig")
 * and the key kiosks seal queued requests to ("use":"enc", ECDH-ES+A256KW). Key ids come
 * from the RFC 7638 thumbprint of the public key, the same values scripts/gen-tls-pki writes. */
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

/* An EC P-256 private key from a PEM file, or a fresh one without a file. */
static EVP_PKEY *load_key(const char *path, const char *what, char **err) {
  EVP_PKEY *k = NULL;
  if (path) {
    FILE *f = fopen(path, "r");
    if (f) {
      k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
      fclose(f);
    }
    if (!k) {
      if (err && asprintf(err, "cannot read the %s %s", what, path) < 0) *err = NULL;
      return NULL;
    }
  } else {
    k = EVP_EC_gen("P-256");
  }
  if (!k || !EVP_PKEY_is_a(k, "EC") || EVP_PKEY_get_bits(k) != 256) {
    if (err && asprintf(err, "the %s must be an EC P-256 key", what) < 0) *err = NULL;
    EVP_PKEY_free(k);
    return NULL;
  }
  return k;
}

/* The public JWK of k with its use and algorithm. The key id is prefix + 8 characters of
 * the RFC 7638 thumbprint: short, like the kiosk's device key, since every byte of the
 * receipt token counts against the QR's size. */
static json_t *public_jwk(EVP_PKEY *k, const char *prefix, const char *use, const char *alg, char kid[16]) {
  unsigned char x[32], y[32];
  if (coord(k, OSSL_PKEY_PARAM_EC_PUB_X, x) || coord(k, OSSL_PKEY_PARAM_EC_PUB_Y, y)) return NULL;
  char *xs = pk_b64url_encode(x, 32), *ys = pk_b64url_encode(y, 32);
  char thumb_in[256];
  snprintf(thumb_in, sizeof thumb_in, "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"%s\",\"y\":\"%s\"}", xs, ys);
  unsigned char md[32];
  unsigned int ml;
  EVP_Digest(thumb_in, strlen(thumb_in), md, &ml, EVP_sha256(), NULL);
  char *thumb = pk_b64url_encode(md, 32);
  snprintf(kid, 16, "%s%.8s", prefix, thumb ? thumb : "");
  free(thumb);
  json_t *j = xs && ys ? json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "kty", "EC", "crv", "P-256", "x", xs, "y",
                                   ys, "kid", kid, "use", use, "alg", alg)
                       : NULL;
  free(xs);
  free(ys);
  return j;
}

int sim_jws_init(pk_window_sim *s, const char *key_path, const char *enc_path, char **err) {
  s->receipt_key = load_key(key_path, "receipt signing key", err);
  if (!s->receipt_key) return -1;
  s->enc_key = load_key(enc_path, "request encryption key", err);
  if (!s->enc_key) return -1;
  json_t *sig = public_jwk(s->receipt_key, "w-", "sig", "ES256", s->receipt_kid);
  json_t *enc = public_jwk(s->enc_key, "e-", "enc", "ECDH-ES+A256KW", s->enc_kid);
  json_t *jwks = sig && enc ? json_pack("{s:[o, o]}", "keys", sig, enc) : NULL;
  if (!jwks) json_decref(sig), json_decref(enc);
  s->jwks = jwks ? json_dumps(jwks, JSON_COMPACT) : NULL;
  json_decref(jwks);
  return s->jwks ? 0 : -1;
}

void sim_jws_free(pk_window_sim *s) {
  EVP_PKEY_free(s->receipt_key);
  EVP_PKEY_free(s->enc_key);
  s->receipt_key = s->enc_key = NULL;
  free(s->jwks);
  s->jwks = NULL;
}

char *sim_jws_sign(pk_window_sim *s, json_t *payload) {
  char *p = json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS);
  char *out = p ? pk_jws_sign_es256(s->receipt_key, s->receipt_kid, p) : NULL;
  free(p);
  return out;
}

/* The JWKS with its first key alone: the receipt key's, without the fresh encryption key
 * that a printout of the receipt key's JWKS would otherwise carry. */
static char *signing_only(const char *jwks) {
  json_t *j = json_loads(jwks, 0, NULL);
  json_array_remove(json_object_get(j, "keys"), 1);
  char *out = j ? json_dumps(j, JSON_COMPACT) : NULL;
  json_decref(j);
  return out;
}

char *pk_window_sim_jwks(const char *receipt_key_path, const char *enc_key_path) {
  pk_window_sim tmp;
  memset(&tmp, 0, sizeof tmp);
  char *err = NULL;
  if (!receipt_key_path || sim_jws_init(&tmp, receipt_key_path, enc_key_path, &err) != 0) {
    free(err);
    sim_jws_free(&tmp);
    return NULL;
  }
  char *out = enc_key_path ? tmp.jwks : signing_only(tmp.jwks);
  if (out == tmp.jwks) tmp.jwks = NULL;
  sim_jws_free(&tmp);
  return out;
}
