/* Passive authentication of the card's data (docs/card-profile.md sections 4-5) with
 * OpenSSL: the SOD's CMS signature, the document signer and citizen certificate chains
 * against the configured issuer CAs and CRL, and the hashes of EF.ID and EF.CERT. */
#include "card_internal.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/cms.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "pishkhan/log.h"

static bool sha256(const uint8_t *d, size_t n, uint8_t out[32]) {
  unsigned int len = 0;
  return EVP_Digest(d, n, out, &len, EVP_sha256(), NULL) == 1 && len == 32;
}

static size_t put_entry(uint8_t *out, size_t cap, uint16_t fid, const uint8_t *file, size_t n) {
  uint8_t body[64], h[32], f[2] = {(uint8_t)(fid >> 8), (uint8_t)fid};
  if (!sha256(file, n, h)) return 0;
  size_t a = pk_tlv_put(body, sizeof body, 0x80, f, 2);
  size_t b = a ? pk_tlv_put(body + a, sizeof body - a, 0x81, h, 32) : 0;
  return b ? pk_tlv_put(out, cap, 0xA0, body, a + b) : 0;
}

size_t pk_sod_content_encode(const uint8_t *efid, size_t efid_len, const uint8_t *cert, size_t cert_len,
                             uint8_t *out, size_t cap) {
  uint8_t body[256], alg = 1;
  size_t a = pk_tlv_put(body, sizeof body, 0x80, &alg, 1);
  size_t b = a ? put_entry(body + a, sizeof body - a, PK_FID_ID, efid, efid_len) : 0;
  size_t c = b ? put_entry(body + a + b, sizeof body - a - b, PK_FID_CERT, cert, cert_len) : 0;
  return c ? pk_tlv_put(out, cap, 0x71, body, a + b + c) : 0;
}

/* The hash the SOD holds for fid, or -1. */
static int sod_hash(const uint8_t *content, size_t n, uint16_t fid, pk_tlv *hash) {
  pk_tlv outer, alg;
  if (pk_tlv_parse_one(content, n, &outer) < 0 || outer.tag != 0x71) return -1;
  if (pk_tlv_find(outer.val, outer.len, 0x80, &alg) < 0 || alg.len != 1 || alg.val[0] != 1) return -1;
  const uint8_t *p = outer.val, *end = outer.val + outer.len;
  while (p < end) {
    pk_tlv e, f;
    if (pk_tlv_next(&p, end, &e) < 0) return -1;
    if (e.tag != 0xA0) continue;
    if (pk_tlv_find(e.val, e.len, 0x80, &f) < 0 || f.len != 2) return -1;
    if (((f.val[0] << 8) | f.val[1]) != fid) continue;
    if (pk_tlv_find(e.val, e.len, 0x81, hash) < 0 || hash->len != 32) return -1;
    return 0;
  }
  return -1;
}

static X509_STORE *trust_load(const pk_card_trust *trust) {
  X509_STORE *st = X509_STORE_new();
  if (!st) return NULL;
  X509_LOOKUP *lk = X509_STORE_add_lookup(st, X509_LOOKUP_file());
  if (!lk || X509_STORE_load_file(st, trust->issuer_ca) != 1 ||
      X509_load_crl_file(lk, trust->crl, X509_FILETYPE_PEM) < 1) {
    pk_warn("card: cannot load issuer CA %s or CRL %s", trust->issuer_ca, trust->crl);
    X509_STORE_free(st);
    return NULL;
  }
  X509_STORE_set_flags(st, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_X509_STRICT);
  return st;
}

/* The parsed CA bundle and CRL are kept between sessions and reloaded when either file
 * changes (a new CRL is dropped in place), so a card read costs no PEM parsing. */
static struct {
  pthread_mutex_t mu;
  char ca[PATH_MAX], crl[PATH_MAX];
  struct timespec ca_m, crl_m;
  X509_STORE *st;
} cache = {.mu = PTHREAD_MUTEX_INITIALIZER};

static bool same_time(struct timespec a, struct timespec b) { return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec; }

static X509_STORE *trust_store(const pk_card_trust *trust) {
  if (!trust || !trust->issuer_ca || !*trust->issuer_ca || !trust->crl || !*trust->crl) return NULL;
  struct stat a, b;
  if (stat(trust->issuer_ca, &a) < 0 || stat(trust->crl, &b) < 0) {
    pk_warn("card: cannot read issuer CA %s or CRL %s", trust->issuer_ca, trust->crl);
    return NULL;
  }
  pthread_mutex_lock(&cache.mu);
  if (!cache.st || strcmp(cache.ca, trust->issuer_ca) != 0 || strcmp(cache.crl, trust->crl) != 0 ||
      !same_time(cache.ca_m, a.st_mtim) || !same_time(cache.crl_m, b.st_mtim)) {
    X509_STORE_free(cache.st);
    cache.st = trust_load(trust);
    snprintf(cache.ca, sizeof cache.ca, "%s", trust->issuer_ca);
    snprintf(cache.crl, sizeof cache.crl, "%s", trust->crl);
    cache.ca_m = a.st_mtim;
    cache.crl_m = b.st_mtim;
  }
  X509_STORE *st = cache.st;
  if (st && X509_STORE_up_ref(st) != 1) st = NULL;
  pthread_mutex_unlock(&cache.mu);
  return st;
}

/* Verifies cert up to a configured CA; returns the X509_V_ERR code (X509_V_OK = fine). */
static int chain_verify(X509_STORE *st, X509 *cert, int purpose, const pk_card_trust *trust) {
  X509_STORE_CTX *ctx = X509_STORE_CTX_new();
  if (!ctx || X509_STORE_CTX_init(ctx, st, cert, NULL) != 1) {
    X509_STORE_CTX_free(ctx);
    return X509_V_ERR_UNSPECIFIED;
  }
  if (purpose) X509_STORE_CTX_set_purpose(ctx, purpose);
  if (trust->now) X509_STORE_CTX_set_time(ctx, 0, (time_t)trust->now);
  int ok = X509_verify_cert(ctx);
  int err = ok == 1 ? X509_V_OK : X509_STORE_CTX_get_error(ctx);
  if (err == X509_V_OK && ok != 1) err = X509_V_ERR_UNSPECIFIED;
  X509_STORE_CTX_free(ctx);
  return err;
}

static pk_card_status map_chain_error(int err, const char *what) {
  if (err == X509_V_OK) return PK_CARD_OK;
  pk_info("card: %s certificate refused: %s", what, X509_verify_cert_error_string(err));
  switch (err) {
  case X509_V_ERR_CERT_HAS_EXPIRED: return PK_CARD_EXPIRED;
  case X509_V_ERR_CERT_REVOKED: return PK_CARD_REVOKED;
  case X509_V_ERR_UNABLE_TO_GET_CRL:
  case X509_V_ERR_CRL_HAS_EXPIRED:
  case X509_V_ERR_CRL_NOT_YET_VALID:
  case X509_V_ERR_CRL_SIGNATURE_FAILURE: return PK_CARD_TRUST_CONFIG;
  default: return PK_CARD_UNTRUSTED;
  }
}

static pk_card_status check_hash(const uint8_t *content, size_t n, uint16_t fid, const uint8_t *file,
                                 size_t file_len) {
  pk_tlv h;
  uint8_t mine[32];
  if (sod_hash(content, n, fid, &h) < 0) return PK_CARD_BAD_DATA;
  if (!sha256(file, file_len, mine)) return PK_CARD_COMM;
  return CRYPTO_memcmp(mine, h.val, 32) == 0 ? PK_CARD_OK : PK_CARD_TAMPERED;
}

static pk_card_status verify_cms(CMS_ContentInfo *cms, X509_STORE *st, const pk_card_trust *trust,
                                 const uint8_t *efid, size_t efid_len, const uint8_t *cert, size_t cert_len) {
  if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed ||
      OBJ_obj2nid(CMS_get0_eContentType(cms)) != NID_pkcs7_data)
    return PK_CARD_BAD_DATA;
  BIO *out = BIO_new(BIO_s_mem());
  if (!out) return PK_CARD_COMM;
  pk_card_status rc = PK_CARD_OK;
  /* Signature first (tampering), the signer's chain second (trust). */
  if (CMS_verify(cms, NULL, st, NULL, out, CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY) != 1) {
    rc = PK_CARD_TAMPERED;
    goto done;
  }
  STACK_OF(X509) *signers = CMS_get0_signers(cms);
  if (!signers || sk_X509_num(signers) != 1) {
    sk_X509_free(signers);
    rc = PK_CARD_BAD_DATA;
    goto done;
  }
  int err = chain_verify(st, sk_X509_value(signers, 0), 0, trust);
  sk_X509_free(signers);
  if (err != X509_V_OK) {
    rc = map_chain_error(err, "document signer");
    if (rc == PK_CARD_EXPIRED || rc == PK_CARD_REVOKED) rc = PK_CARD_UNTRUSTED;
    goto done;
  }
  const uint8_t *content;
  long n = BIO_get_mem_data(out, (char **)&content);
  if (n <= 0) {
    rc = PK_CARD_BAD_DATA;
    goto done;
  }
  rc = check_hash(content, (size_t)n, PK_FID_ID, efid, efid_len);
  if (rc == PK_CARD_OK) rc = check_hash(content, (size_t)n, PK_FID_CERT, cert, cert_len);
done:
  BIO_free(out);
  return rc;
}

pk_card_status pk_sod_verify(const uint8_t *sod, size_t sod_len, const uint8_t *efid, size_t efid_len,
                             const uint8_t *cert, size_t cert_len, const pk_card_trust *trust) {
  X509_STORE *st = trust_store(trust);
  if (!st) return PK_CARD_TRUST_CONFIG;
  const uint8_t *p = sod;
  CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)sod_len);
  pk_card_status rc;
  if (!cms || p != sod + sod_len) {
    /* Unparseable SOD: the card is not what the issuer wrote. */
    rc = PK_CARD_TAMPERED;
  } else {
    rc = verify_cms(cms, st, trust, efid, efid_len, cert, cert_len);
  }
  CMS_ContentInfo_free(cms);
  X509_STORE_free(st);
  return rc;
}

static bool binds_to(X509 *x, const char *national_code) {
  X509_NAME *name = X509_get_subject_name(x);
  int i = X509_NAME_get_index_by_NID(name, NID_serialNumber, -1);
  if (i < 0 || X509_NAME_get_index_by_NID(name, NID_serialNumber, i) >= 0) return false;
  const ASN1_STRING *s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
  size_t n = strlen(national_code);
  return s && (size_t)ASN1_STRING_length(s) == n && memcmp(ASN1_STRING_get0_data(s), national_code, n) == 0;
}

static bool is_p256(X509 *x) {
  EVP_PKEY *k = X509_get0_pubkey(x);
  char group[32];
  size_t len = 0;
  return k && EVP_PKEY_get_group_name(k, group, sizeof group, &len) == 1 && strcmp(group, "prime256v1") == 0;
}

bool pk_card_cert_has_policy(const uint8_t *der, size_t len, const char *oid) {
  const uint8_t *p = der;
  X509 *x = d2i_X509(NULL, &p, (long)len);
  CERTIFICATEPOLICIES *pols = x ? X509_get_ext_d2i(x, NID_certificate_policies, NULL, NULL) : NULL;
  bool found = false;
  for (int i = 0; pols && i < sk_POLICYINFO_num(pols) && !found; i++) {
    char text[128];
    const POLICYINFO *pi = sk_POLICYINFO_value(pols, i);
    found = OBJ_obj2txt(text, sizeof text, pi->policyid, 1) > 0 && !strcmp(text, oid);
  }
  CERTIFICATEPOLICIES_free(pols);
  X509_free(x);
  return found;
}

pk_card_status pk_cert_verify(const uint8_t *der, size_t len, const char *national_code,
                              const pk_card_trust *trust) {
  X509_STORE *st = trust_store(trust);
  if (!st) return PK_CARD_TRUST_CONFIG;
  const uint8_t *p = der;
  X509 *x = d2i_X509(NULL, &p, (long)len);
  pk_card_status rc;
  if (!x || p != der + len || !is_p256(x)) {
    rc = PK_CARD_BAD_DATA;
  } else {
    rc = map_chain_error(chain_verify(st, x, X509_PURPOSE_SSL_CLIENT, trust), "citizen");
    if (rc == PK_CARD_OK && !binds_to(x, national_code)) rc = PK_CARD_TAMPERED;
  }
  X509_free(x);
  X509_STORE_free(st);
  return rc;
}

/* thisUpdate in unix seconds (or -1), and the CRL freed: what both callers want of it. */
static long long issued_and_free(X509_CRL *crl, bool trusted) {
  const ASN1_TIME *t = crl && trusted ? X509_CRL_get0_lastUpdate(crl) : NULL;
  struct tm tm;
  long long at = t && ASN1_TIME_to_tm(t, &tm) == 1 ? (long long)timegm(&tm) : -1;
  X509_CRL_free(crl);
  return at;
}

long long pk_card_crl_issued(const char *crl_path) {
  FILE *f = crl_path && *crl_path ? fopen(crl_path, "r") : NULL;
  X509_CRL *crl = f ? PEM_read_X509_CRL(f, NULL, NULL, NULL) : NULL;
  if (f) fclose(f);
  return issued_and_free(crl, true);
}

long long pk_card_crl_accept(const uint8_t *pem, size_t len, const char *issuer_ca_path) {
  BIO *b = BIO_new_mem_buf(pem, (int)len);
  X509_CRL *crl = b ? PEM_read_bio_X509_CRL(b, NULL, NULL, NULL) : NULL;
  BIO_free(b);
  FILE *f = crl && issuer_ca_path && *issuer_ca_path ? fopen(issuer_ca_path, "r") : NULL;
  bool signed_ok = false;
  X509 *ca;
  while (f && !signed_ok && (ca = PEM_read_X509(f, NULL, NULL, NULL))) {
    signed_ok = !X509_NAME_cmp(X509_get_subject_name(ca), X509_CRL_get_issuer(crl)) &&
                X509_CRL_verify(crl, X509_get0_pubkey(ca)) == 1;
    X509_free(ca);
  }
  if (f) fclose(f);
  return issued_and_free(crl, signed_ok);
}
