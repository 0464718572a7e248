/* Sealing to the window: JWE compact, ECDH-ES+A256KW with A256GCM, by latchset's libjose (the
 * library Clevis and Tang use). libjose works on the flattened JSON form; the compact form is the
 * five base64url fields joined by dots, with every header parameter protected (RFC 7516 §7.1). */
#include "internal.h"

#include <jansson.h>
#include <jose/jose.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pishkhan/b64url.h"
#include "pishkhan/secret.h"

static const char *const ALG = "ECDH-ES+A256KW", *const ENC = "A256GCM";
static const char *const JWE_FIELDS[5] = {"protected", "encrypted_key", "iv", "ciphertext", "tag"};

bool ob_split_compact(const char *text, size_t len, size_t want, ob_parts *out) {
  size_t k = 0, start = 0;
  for (size_t i = 0; i <= len; i++) {
    if (i < len && text[i] != '.') {
      unsigned char c = (unsigned char)text[i];
      if (!(c >= 'A' && c <= 'Z') && !(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '-' && c != '_')
        return false;
      continue;
    }
    if (k == want) return false;
    out->p[k] = text + start;
    out->n[k++] = i - start;
    start = i + 1;
  }
  return k == want;
}

json_t *ob_b64_json(const char *b64, size_t len) {
  unsigned char *raw = NULL;
  size_t n = 0;
  if (pk_b64url_decode(b64, len, &raw, &n) != 0) return NULL;
  json_t *v = json_loadb((const char *)raw, n, JSON_REJECT_DUPLICATES, NULL);
  pk_free_wiped(raw);
  if (v && !json_is_object(v)) {
    json_decref(v);
    v = NULL;
  }
  return v;
}

static bool str_eq(const json_t *o, const char *name, const char *want) {
  const char *s = json_string_value(json_object_get(o, name));
  return s && strcmp(s, want) == 0;
}

/* The window's encryption key: EC P-256, "use":"enc", alg absent or ours, with a kid. */
static const json_t *find_enc_key(const json_t *jwks) {
  const json_t *keys = json_object_get(jwks, "keys");
  for (size_t i = 0; i < json_array_size(keys); i++) {
    const json_t *k = json_array_get(keys, i);
    const json_t *alg = json_object_get(k, "alg");
    if (str_eq(k, "kty", "EC") && str_eq(k, "crv", "P-256") && str_eq(k, "use", "enc") &&
        json_is_string(json_object_get(k, "kid")) && (!alg || str_eq(k, "alg", ALG)))
      return k;
  }
  return NULL;
}

/* Key material that libjose keeps in jansson strings (the CEK's "k", a private "d"). */
static void wipe_key_json(json_t *k) {
  const char *names[] = {"k", "d"};
  for (size_t i = 0; i < 2; i++) {
    json_t *v = json_object_get(k, names[i]);
    if (json_is_string(v)) pk_wipe((char *)json_string_value(v), json_string_length(v));
  }
  json_decref(k);
}

static char *join_compact(const json_t *jwe) {
  size_t total = 5;
  for (int i = 0; i < 5; i++) total += json_string_length(json_object_get(jwe, JWE_FIELDS[i]));
  char *out = malloc(total);
  if (!out) return NULL;
  size_t n = 0;
  for (int i = 0; i < 5; i++) {
    const json_t *v = json_object_get(jwe, JWE_FIELDS[i]);
    if (!json_is_string(v)) {
      free(out);
      return NULL;
    }
    memcpy(out + n, json_string_value(v), json_string_length(v));
    n += json_string_length(v);
    out[n++] = i < 4 ? '.' : '\0';
  }
  return out;
}

/* Wraps a fresh CEK to jwk, then moves every header (the epk libjose writes unprotected) into
 * the protected one, as the compact form requires, and encrypts. */
static char *seal_to(const json_t *jwk, const uint8_t *plain, size_t len) {
  const char *kid = json_string_value(json_object_get(jwk, "kid"));
  json_t *jwe = json_pack("{s:{s:s,s:s,s:s}}", "protected", "alg", ALG, "enc", ENC, "kid", kid);
  json_t *cek = json_object(), *hdr = NULL;
  char *out = NULL;
  if (jwe && cek && jose_jwe_enc_jwk(NULL, jwe, NULL, jwk, cek) && (hdr = jose_jwe_hdr(jwe, jwe)) &&
      json_object_set_new(jwe, "protected", hdr) == 0 && json_object_del(jwe, "header") == 0 &&
      !json_object_get(jwe, "unprotected") && jose_jwe_enc_cek(NULL, jwe, cek, plain, len))
    out = join_compact(jwe);
  if (cek) wipe_key_json(cek);
  json_decref(jwe);
  return out;
}

char *pk_seal(const char *jwks_json, const uint8_t *plain, size_t len, char *err, size_t errsz) {
  json_t *jwks = jwks_json ? json_loads(jwks_json, 0, NULL) : NULL;
  const json_t *key = find_enc_key(jwks);
  char *out = NULL;
  if (!key) ob_set_err(err, errsz, "the window's JWKS has no P-256 key with \"use\":\"enc\"");
  else if (!plain || !(out = seal_to(key, plain, len))) ob_set_err(err, errsz, "JWE encryption failed");
  json_decref(jwks);
  return out;
}

/* The flattened JWE of a compact one whose header names exactly our algorithms. */
static json_t *parse_compact_jwe(const char *jwe, char *err, size_t errsz) {
  ob_parts p;
  if (!jwe || !ob_split_compact(jwe, strlen(jwe), 5, &p)) {
    ob_set_err(err, errsz, "not a compact JWE");
    return NULL;
  }
  json_t *hdr = ob_b64_json(p.p[0], p.n[0]);
  bool ok = hdr && str_eq(hdr, "alg", ALG) && str_eq(hdr, "enc", ENC) && !json_object_get(hdr, "zip");
  json_decref(hdr);
  if (!ok) {
    ob_set_err(err, errsz, "JWE header is not %s / %s", ALG, ENC);
    return NULL;
  }
  json_t *flat = json_object();
  for (int i = 0; flat && i < 5; i++)
    if (json_object_set_new(flat, JWE_FIELDS[i], json_stringn(p.p[i], p.n[i])) != 0) {
      json_decref(flat);
      flat = NULL;
    }
  return flat;
}

uint8_t *pk_unseal(const char *private_jwk_json, const char *jwe, size_t *len, char *err, size_t errsz) {
  json_t *flat = parse_compact_jwe(jwe, err, errsz);
  if (!flat) return NULL;
  json_t *jwk = private_jwk_json ? json_loads(private_jwk_json, 0, NULL) : NULL;
  size_t n = 0;
  uint8_t *plain = jwk ? jose_jwe_dec(NULL, flat, NULL, jwk, &n) : NULL;
  if (jwk) wipe_key_json(jwk);
  json_decref(flat);
  if (!plain) {
    ob_set_err(err, errsz, "JWE does not decrypt with this key (altered, or sealed to another)");
    return NULL;
  }
  if (len) *len = n;
  return plain;
}

/* ---- the consent and the sealed request ----------------------------------------------- */

static bool digits_only(const char *s, size_t n) {
  if (!s || strlen(s) != n) return false;
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

/* The form's values: an object of strings and integers only, as the window's schema has them. */
static json_t *fields_object(const char *fields_json) {
  json_t *f = fields_json ? json_loads(fields_json, JSON_REJECT_DUPLICATES, NULL) : NULL;
  const char *k;
  json_t *v;
  bool ok = json_is_object(f);
  if (ok) json_object_foreach(f, k, v) ok = ok && (json_is_string(v) || json_is_integer(v));
  if (!ok) json_decref(f), f = NULL;
  return f;
}

char *pk_outbox_consent_tbs(const pk_outbox_request *rq) {
  if (!rq || !ob_id_valid(rq->service_id, 31) || !ob_id_valid(rq->kiosk_id, 63) ||
      !ob_uuid_valid(rq->idem_key) || !digits_only(rq->national_code, 10) || rq->created_at <= 0 || rq->level < 0)
    return NULL;
  /* A clerk's id of digits alone could be a national code: never sealed (the window refuses it too). */
  if ((rq->on_behalf_of && !digits_only(rq->on_behalf_of, 11)) ||
      (rq->assisted_by && (!ob_id_valid(rq->assisted_by, 39) || strspn(rq->assisted_by, "0123456789") == strlen(rq->assisted_by))))
    return NULL;
  json_t *fields = fields_object(rq->fields_json);
  if (!fields) return NULL;
  json_t *o = json_pack("{s:s,s:o,s:s,s:s,s:I,s:s,s:i}", "service_id", rq->service_id, "fields", fields,
                        "kiosk_id", rq->kiosk_id, "idempotency_key", rq->idem_key, "created_at",
                        (json_int_t)rq->created_at, "national_code", rq->national_code, "level", rq->level);
  if (o && rq->on_behalf_of) json_object_set_new(o, "on_behalf_of", json_string(rq->on_behalf_of));
  if (o && rq->assisted_by) json_object_set_new(o, "assisted_by", json_string(rq->assisted_by));
  char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
  json_decref(o);
  char *jcs = text ? pk_jcs(text, strlen(text)) : NULL;
  pk_free_wiped(text);
  return jcs;
}

int pk_outbox_consent_digest(const char *request_json, uint8_t digest[32]) {
  char *jcs = request_json ? pk_jcs(request_json, strlen(request_json)) : NULL;
  if (!jcs || !digest) {
    pk_free_wiped(jcs);
    return PK_OB_EINVAL;
  }
  SHA256((const unsigned char *)jcs, strlen(jcs), digest);
  pk_free_wiped(jcs);
  return 0;
}

static json_t *b64_string(const uint8_t *der, size_t len) {
  char *s = der && len ? pk_b64url_encode(der, len) : NULL;
  json_t *v = s ? json_string(s) : NULL;
  free(s);
  return v;
}

char *pk_outbox_seal_request(const char *jwks_json, const char *request_json, const uint8_t *cert_der,
                             size_t cert_len, const uint8_t *consent_der, size_t consent_len, char *err,
                             size_t errsz) {
  json_t *req = request_json ? json_loads(request_json, JSON_REJECT_DUPLICATES, NULL) : NULL;
  json_t *cert = b64_string(cert_der, cert_len), *consent = b64_string(consent_der, consent_len);
  if (!json_is_object(req) || !cert || !consent) {
    ob_set_err(err, errsz, "request, certificate or consent missing");
    json_decref(req), json_decref(cert), json_decref(consent);
    return NULL;
  }
  json_t *env = json_pack("{s:i,s:o,s:o,s:o}", "v", 1, "request", req, "certificate", cert, "consent", consent);
  char *plain = env ? json_dumps(env, JSON_COMPACT) : NULL;
  json_decref(env);
  char *jwe = plain ? pk_seal(jwks_json, (const uint8_t *)plain, strlen(plain), err, errsz) : NULL;
  if (!plain) ob_set_err(err, errsz, "out of memory");
  pk_free_wiped(plain);
  return jwe;
}
