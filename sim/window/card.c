/* Card authentication checks in the simulator: the card's certificate must chain to the
 * issuer CA and not be on its CRL; its key must have signed the to-be-signed bytes. */
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pishkhan/ecdsa_sig.h"
#include "sim_internal.h"

int sim_card_init(pk_window_sim *s, const char *ca, const char *crl, char **err) {
  if (!ca) return 0; /* card auth answers 503 */
  s->card_store = X509_STORE_new();
  s->card_ca_pem = sim_slurp(ca);
  if (!s->card_store || !s->card_ca_pem || X509_STORE_load_file(s->card_store, ca) != 1) {
    if (err && asprintf(err, "cannot load the card issuer CA %s", ca) < 0) *err = NULL;
    return -1;
  }
  if (crl) {
    FILE *f = fopen(crl, "r");
    s->card_crl = f ? PEM_read_X509_CRL(f, NULL, NULL, NULL) : NULL;
    if (f) fclose(f);
    s->card_crl_pem = sim_slurp(crl);
    if (!s->card_crl || !s->card_crl_pem) {
      if (err && asprintf(err, "cannot load the card CRL %s", crl) < 0) *err = NULL;
      return -1;
    }
  }
  return 0;
}

void sim_card_free(pk_window_sim *s) {
  X509_STORE_free(s->card_store);
  X509_CRL_free(s->card_crl);
  free(s->card_ca_pem);
  free(s->card_crl_pem);
  s->card_store = NULL;
  s->card_crl = NULL;
  s->card_ca_pem = s->card_crl_pem = NULL;
}

/* The chain to the issuer CA as it stood at `at`: a consent signed while the card was valid
 * stays valid after the card expires. Revocation is judged apart, by date (revoked_by). */
static int chain_ok(pk_window_sim *s, X509 *x, time_t at) {
  X509_STORE_CTX *ctx = X509_STORE_CTX_new();
  int ok = ctx && X509_STORE_CTX_init(ctx, s->card_store, x, NULL) == 1;
  if (ok) {
    X509_STORE_CTX_set_time(ctx, 0, at);
    ok = X509_verify_cert(ctx) == 1;
  }
  X509_STORE_CTX_free(ctx);
  return ok;
}

/* Whether the CRL revokes x from `at` or earlier. A revocation dated after a consent was
 * signed does not void it: the card was good when the citizen used it. */
static int revoked_by(pk_window_sim *s, X509 *x, time_t at) {
  X509_REVOKED *rev = NULL;
  if (!s->card_crl || X509_CRL_get0_by_cert(s->card_crl, &rev, x) != 1 || !rev) return 0;
  return X509_cmp_time(X509_REVOKED_get0_revocationDate(rev), &at) <= 0;
}

static int signature_ok(X509 *x, const unsigned char *sig, size_t sig_len, const unsigned char *tbs,
                        size_t tbs_len) {
  EVP_PKEY *k = X509_get0_pubkey(x);
  /* Cards that sign with ECDSA often give r||s; OpenSSL verifies DER. */
  unsigned char conv[PK_ECDSA_SIG_DER_MAX];
  if (k && EVP_PKEY_is_a(k, "EC") && (sig_len == 64 || sig_len == 96 || sig_len == 132) && sig[0] != 0x30) {
    size_t conv_len = pk_ecdsa_sig_to_der(sig, sig_len, conv, sizeof conv);
    if (conv_len) sig = conv, sig_len = conv_len;
  }
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  int ok = k && md && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, k) == 1 &&
           EVP_DigestVerify(md, sig, sig_len, tbs, tbs_len) == 1;
  EVP_MD_CTX_free(md);
  return ok;
}

static void subject_field(X509 *x, int nid, char *out, size_t n) {
  out[0] = 0;
  X509_NAME *nm = X509_get_subject_name(x);
  int i = X509_NAME_get_index_by_NID(nm, nid, -1);
  if (i < 0) return;
  ASN1_STRING *d = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(nm, i));
  unsigned char *u = NULL;
  int l = ASN1_STRING_to_UTF8(&u, d);
  if (l > 0) snprintf(out, n, "%.*s", l, (char *)u);
  OPENSSL_free(u);
}

/* The test cards carry Latin names; the window's registry knows them in Persian. */
static const char *persona_name(const char *nc, const char *fallback) {
  const sim_person *p = sim_person_find(nc);
  return p ? p->name_fa : fallback;
}

/* The holder's national code (serialNumber, else the first 10-digit run in the CN) and
 * names. 0, or -1 when the certificate names no valid national code. */
static int holder(X509 *x, char nc[16], char name_fa[128], char name_en[128]) {
  subject_field(x, NID_serialNumber, nc, 16);
  if (!sim_national_code_valid(nc)) {
    char cn[128];
    subject_field(x, NID_commonName, cn, sizeof cn);
    nc[0] = 0;
    for (char *c = cn; *c; c++)
      if (strspn(c, "0123456789") >= 10) {
        snprintf(nc, 16, "%.10s", c);
        break;
      }
  }
  subject_field(x, NID_commonName, name_en, 128);
  snprintf(name_fa, 128, "%s", persona_name(nc, name_en));
  return sim_national_code_valid(nc) ? 0 : -1;
}

int sim_card_verify_at(pk_window_sim *s, const unsigned char *der, size_t der_len, const unsigned char *sig,
                       size_t sig_len, const unsigned char *tbs, size_t tbs_len, time_t at, char nc[16],
                       char name_fa[128], char name_en[128], const char **code) {
  const unsigned char *p = der;
  X509 *x = d2i_X509(NULL, &p, (long)der_len);
  *code = "card_certificate_invalid";
  int rc = -1;
  if (!x || !chain_ok(s, x, at)) *code = "card_certificate_invalid";
  else if (revoked_by(s, x, at)) *code = "card_revoked";
  else if (!signature_ok(x, sig, sig_len, tbs, tbs_len)) *code = "card_signature_invalid";
  else if (holder(x, nc, name_fa, name_en) != 0) *code = "card_certificate_invalid";
  else rc = 0;
  X509_free(x);
  return rc;
}

int sim_card_verify(pk_window_sim *s, const unsigned char *der, size_t der_len, const unsigned char *sig,
                    size_t sig_len, const unsigned char *tbs, size_t tbs_len, char nc[16], char name_fa[128],
                    char name_en[128], const char **code) {
  return sim_card_verify_at(s, der, der_len, sig, sig_len, tbs, tbs_len, sim_now(s), nc, name_fa, name_en, code);
}
