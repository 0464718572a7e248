/* JWKS (RFC 7517) lookup: only EC P-256 signature keys are accepted. */
#include <jansson.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int coord(json_t *k, const char *name, unsigned char out[32]) {
  const char *s = json_string_value(json_object_get(k, name));
  unsigned char *b = NULL;
  size_t n = 0;
  if (!s || pk_b64url_decode(s, strlen(s), &b, &n)) return -1;
  int ok = n == 32;
  if (ok) memcpy(out, b, 32);
  free(b);
  return ok ? 0 : -1;
}

static EVP_PKEY *ec_public(const unsigned char x[32], const unsigned char y[32]) {
  unsigned char pt[65];
  pt[0] = 0x04;
  memcpy(pt + 1, x, 32);
  memcpy(pt + 33, y, 32);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)"prime256v1", 0),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, pt, sizeof pt),
      OSSL_PARAM_construct_end(),
  };
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
  EVP_PKEY *key = NULL;
  if (!ctx || EVP_PKEY_fromdata_init(ctx) != 1 || EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1)
    key = NULL;
  EVP_PKEY_CTX_free(ctx);
  if (key) { /* the point must be on the curve */
    EVP_PKEY_CTX *chk = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
    if (!chk || EVP_PKEY_public_check(chk) != 1) {
      EVP_PKEY_free(key);
      key = NULL;
    }
    EVP_PKEY_CTX_free(chk);
  }
  return key;
}

static int str_is(json_t *o, const char *name, const char *want, int required) {
  json_t *v = json_object_get(o, name);
  if (!v) return !required;
  return json_is_string(v) && !strcmp(json_string_value(v), want);
}

EVP_PKEY *rc_jwks_find(const char *jwks_json, const char *kid, char *why, size_t whysz) {
  json_error_t jerr;
  json_t *root = jwks_json ? json_loads(jwks_json, JSON_REJECT_DUPLICATES, &jerr) : NULL;
  json_t *keys = json_object_get(root, "keys");
  EVP_PKEY *found = NULL;
  if (!json_is_array(keys)) {
    rc_set_err(why, whysz, "JWKS is not a JSON object with a \"keys\" array");
    json_decref(root);
    return NULL;
  }
  size_t i;
  json_t *k;
  int seen = 0;
  json_array_foreach(keys, i, k) {
    if (!str_is(k, "kid", kid, 1)) continue;
    seen = 1;
    unsigned char x[32], y[32];
    if (!str_is(k, "kty", "EC", 1) || !str_is(k, "crv", "P-256", 1) || !str_is(k, "use", "sig", 0) ||
        !str_is(k, "alg", "ES256", 0) || coord(k, "x", x) || coord(k, "y", y))
      continue;
    if ((found = ec_public(x, y))) break;
  }
  if (!found)
    rc_set_err(why, whysz, seen ? "key \"%s\" in the JWKS is not a usable EC P-256 signing key"
                                : "no key with kid \"%s\" in the JWKS", kid);
  json_decref(root);
  return found;
}
