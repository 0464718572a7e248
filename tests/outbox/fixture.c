#include "fixture.h"

#include <ftw.h>
#include <jansson.h>
#include <jose/jose.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void fx_tmpdir(char *out, size_t n) {
  const char *t = getenv("TMPDIR");
  snprintf(out, n, "%s/pk-outbox-XXXXXX", t && *t ? t : "/tmp");
  if (!mkdtemp(out)) abort();
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw) {
  (void)st, (void)flag, (void)ftw;
  return remove(p);
}

void fx_rm_rf(const char *dir) { nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS); }

char *fx_window_key(char **jwks_out) {
  json_t *jwk = json_pack("{s:s,s:s}", "kty", "EC", "crv", "P-256");
  if (!jose_jwk_gen(NULL, jwk)) abort();
  json_object_set_new(jwk, "kid", json_string("w-enc-1"));
  json_object_set_new(jwk, "use", json_string("enc"));
  json_object_set_new(jwk, "alg", json_string("ECDH-ES+A256KW"));
  json_t *pub = json_deep_copy(jwk);
  if (!jose_jwk_pub(NULL, pub)) abort();
  json_t *set = json_pack("{s:[o]}", "keys", pub);
  *jwks_out = json_dumps(set, JSON_COMPACT);
  char *priv = json_dumps(jwk, JSON_COMPACT);
  json_decref(set);
  json_decref(jwk);
  return priv;
}

static EVP_PKEY *card_key(void) {
  static EVP_PKEY *key;
  if (!key) key = EVP_EC_gen("P-256");
  return key;
}

size_t fx_card_sign(const uint8_t digest[32], uint8_t *der, size_t cap) {
  EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(card_key(), NULL);
  size_t n = cap;
  if (!ctx || EVP_PKEY_sign_init(ctx) != 1 || EVP_PKEY_sign(ctx, der, &n, digest, 32) != 1) n = 0;
  EVP_PKEY_CTX_free(ctx);
  return n;
}

char *fx_seal(const char *jwks, const pk_outbox_row *row, const char *national_code, const char *fields_json) {
  pk_outbox_request rq = {row->service_id, fields_json, "kiosk-7", row->idem_key, row->created_at ? row->created_at : 1,
                          national_code, 3, NULL, NULL};
  char *tbs = pk_outbox_consent_tbs(&rq);
  uint8_t digest[32], sig[80];
  if (!tbs || pk_outbox_consent_digest(tbs, digest)) abort();
  size_t siglen = fx_card_sign(digest, sig, sizeof sig);
  static const uint8_t cert[] = {0x30, 0x82, 0x01, 0x0a, 0x02, 0x01, 0x01}; /* stands in for the DER */
  char err[128];
  char *jwe = pk_outbox_seal_request(jwks, tbs, cert, sizeof cert, sig, siglen, err, sizeof err);
  free(tbs);
  return jwe;
}

void fx_row(pk_outbox *ob, pk_outbox_row *row, const char *service_id, int64_t created_at) {
  if (!pk_outbox_draft(ob, row)) abort();
  snprintf(row->service_id, sizeof row->service_id, "%s", service_id);
  snprintf(row->national_masked, sizeof row->national_masked, "007****181");
  row->level = 3;
  row->sealed_offline = true;
  row->state = PK_OB_QUEUED;
  row->created_at = created_at;
}

char *fx_read(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  size_t got = buf ? fread(buf, 1, (size_t)n, f) : 0;
  fclose(f);
  if (buf) buf[got] = '\0';
  if (len) *len = got;
  return buf;
}
