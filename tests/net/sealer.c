#include "sealer.h"

#include <jose/jose.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "pishkhan/b64url.h"

static void *read_pem(const harness *h, const char *rel, int key) {
  char p[600];
  h_path(h, p, sizeof p, rel);
  FILE *f = fopen(p, "r");
  assert_non_null(f);
  void *v = key ? (void *)PEM_read_PrivateKey(f, NULL, NULL, NULL) : (void *)PEM_read_X509(f, NULL, NULL, NULL);
  fclose(f);
  assert_non_null(v);
  return v;
}

static X509 *persona_cert(const harness *h, const char *persona) {
  char rel[128];
  snprintf(rel, sizeof rel, "card/%s.crt.pem", persona);
  return read_pem(h, rel, 0);
}

json_t *t_request(const char *sid, const char *fields_json, const char *kiosk, const char *key, long long created_at,
                  const char *nc) {
  json_t *fields = json_loads(fields_json, 0, NULL);
  assert_non_null(fields);
  return json_pack("{s:s, s:o, s:s, s:s, s:I, s:s, s:i}", "service_id", sid, "fields", fields, "kiosk_id", kiosk,
                   "idempotency_key", key, "created_at", (json_int_t)created_at, "national_code", nc, "level", 3);
}

static char *b64url_of(const unsigned char *p, size_t n) {
  char *s = pk_b64url_encode(p, n);
  assert_non_null(s);
  return s;
}

static char *consent(const harness *h, const t_seal *in) {
  EVP_PKEY *k = in->sign_key;
  if (!k) {
    char rel[128];
    snprintf(rel, sizeof rel, "card/%s.key.pem", in->signer);
    k = read_pem(h, rel, 1);
  }
  char *canon = in->canon ? strdup(in->canon) : json_dumps(in->request, JSON_COMPACT | JSON_SORT_KEYS);
  unsigned char sig[160];
  size_t sl = sizeof sig;
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  assert_int_equal(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k), 1);
  assert_int_equal(EVP_DigestSign(md, sig, &sl, (const unsigned char *)canon, strlen(canon)), 1);
  EVP_MD_CTX_free(md);
  free(canon);
  if (k != in->sign_key) EVP_PKEY_free(k);
  return b64url_of(sig, sl);
}

static char *certificate(const harness *h, const t_seal *in) {
  if (in->cert_der) return b64url_of(in->cert_der, in->cert_len);
  X509 *x = persona_cert(h, in->cert_of ? in->cert_of : in->signer);
  unsigned char *der = NULL;
  int dl = i2d_X509(x, &der);
  assert_true(dl > 0);
  char *s = b64url_of(der, (size_t)dl);
  OPENSSL_free(der);
  X509_free(x);
  return s;
}

static json_t *window_enc_jwk(const harness *h) {
  char p[600];
  h_path(h, p, sizeof p, "window/enc-jwks.json");
  json_t *jwks = json_load_file(p, 0, NULL);
  assert_non_null(jwks);
  json_t *k = json_incref(json_array_get(json_object_get(jwks, "keys"), 0));
  json_decref(jwks);
  return k;
}

/* libjose writes the ephemeral key into the recipient's header; a compact JWE has only the
 * protected one, so the header is merged into it before the content is encrypted (as the
 * jose command's own compact output does). */
static char *seal(json_t *to, const char *kid, const char *pt) {
  json_t *jwe = json_pack("{s:{s:s, s:s, s:s}}", "protected", "alg", "ECDH-ES+A256KW", "enc", "A256GCM", "kid", kid);
  json_t *cek = json_object();
  assert_true(jose_jwe_enc_jwk(NULL, jwe, NULL, to, cek));
  json_object_set_new(jwe, "protected", jose_jwe_hdr(jwe, jwe));
  json_object_del(jwe, "header");
  assert_true(jose_jwe_enc_cek(NULL, jwe, cek, pt, strlen(pt)));
  const char *part[5];
  assert_int_equal(json_unpack(jwe, "{s:s, s:s, s:s, s:s, s:s}", "protected", &part[0], "encrypted_key", &part[1],
                               "iv", &part[2], "ciphertext", &part[3], "tag", &part[4]), 0);
  char *out = NULL;
  assert_true(asprintf(&out, "%s.%s.%s.%s.%s", part[0], part[1], part[2], part[3], part[4]) > 0);
  json_decref(cek);
  json_decref(jwe);
  return out;
}

char *t_seal_make(const harness *h, const t_seal *in) {
  char *sig = consent(h, in), *cert = certificate(h, in);
  json_t *pt = json_pack("{s:i, s:O, s:s, s:s}", "v", 1, "request", in->request, "certificate", cert, "consent", sig);
  char *text = json_dumps(pt, JSON_COMPACT);
  json_t *to = in->to ? json_incref(in->to) : window_enc_jwk(h);
  const char *kid = in->kid ? in->kid : json_string_value(json_object_get(to, "kid"));
  char *out = seal(to, kid, text);
  json_decref(to);
  json_decref(pt);
  free(text);
  free(sig);
  free(cert);
  return out;
}

void t_self_signed(const char *nc, EVP_PKEY **key, uint8_t **der, size_t *len) {
  *key = EVP_EC_gen("P-256");
  X509 *x = X509_new();
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
  X509_gmtime_adj(X509_getm_notBefore(x), -86400 * 30);
  X509_gmtime_adj(X509_getm_notAfter(x), 86400 * 365);
  X509_NAME *n = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(n, "serialNumber", MBSTRING_ASC, (const unsigned char *)nc, -1, -1, 0);
  X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"Self Made", -1, -1, 0);
  X509_set_issuer_name(x, n);
  X509_set_pubkey(x, *key);
  assert_true(X509_sign(x, *key, EVP_sha256()) > 0);
  unsigned char *d = NULL;
  int dl = i2d_X509(x, &d);
  assert_true(dl > 0);
  *der = malloc((size_t)dl);
  memcpy(*der, d, (size_t)dl);
  *len = (size_t)dl;
  OPENSSL_free(d);
  X509_free(x);
}

void t_write_crl(const harness *h, const char *path, const char *persona, time_t revoked_at) {
  t_write_crl_at(h, path, persona, revoked_at, time(NULL) - 86400);
}

void t_write_crl_at(const harness *h, const char *path, const char *persona, time_t revoked_at, time_t issued) {
  X509 *ca = read_pem(h, "card/ca.crt.pem", 0), *who = persona_cert(h, persona);
  EVP_PKEY *cak = read_pem(h, "card/ca.key.pem", 1);
  X509_CRL *crl = X509_CRL_new();
  X509_CRL_set_version(crl, 1);
  X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca));
  ASN1_TIME *t = ASN1_TIME_set(NULL, issued);
  X509_CRL_set1_lastUpdate(crl, t);
  ASN1_TIME_set(t, time(NULL) + 86400 * 30);
  X509_CRL_set1_nextUpdate(crl, t);
  X509_REVOKED *rev = X509_REVOKED_new();
  X509_REVOKED_set_serialNumber(rev, X509_get_serialNumber(who));
  ASN1_TIME_set(t, revoked_at);
  X509_REVOKED_set_revocationDate(rev, t);
  X509_CRL_add0_revoked(crl, rev);
  X509_CRL_sort(crl);
  assert_true(X509_CRL_sign(crl, cak, EVP_sha256()) > 0);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  PEM_write_X509_CRL(f, crl);
  fclose(f);
  ASN1_TIME_free(t);
  X509_CRL_free(crl);
  EVP_PKEY_free(cak);
  X509_free(ca);
  X509_free(who);
}

time_t t_validity(const harness *h, const char *persona, bool end) {
  X509 *x = persona_cert(h, persona);
  struct tm tm;
  assert_int_equal(ASN1_TIME_to_tm(end ? X509_get0_notAfter(x) : X509_get0_notBefore(x), &tm), 1);
  X509_free(x);
  return timegm(&tm);
}
