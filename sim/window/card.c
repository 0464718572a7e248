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
  if (!s->card_store || X509_STORE_load_file(s->card_store, ca) != 1) {
    if (err && asprintf(err, "cannot load the card issuer CA %s", ca) < 0) *err = NULL;
    return -1;
  }
  if (crl) {
    FILE *f = fopen(crl, "r");
    X509_CRL *c = f ? PEM_read_X509_CRL(f, NULL, NULL, NULL) : NULL;
    if (f) fclose(f);
    if (!c || X509_STORE_add_crl(s->card_store, c) != 1) {
      X509_CRL_free(c);
      if (err && asprintf(err, "cannot load the card CRL %s", crl) < 0) *err = NULL;
      return -1;
    }
    X509_CRL_free(c);
    X509_STORE_set_flags(s->card_store, X509_V_FLAG_CRL_CHECK);
  }
  return 0;
}

void sim_card_free(pk_window_sim *s) {
  X509_STORE_free(s->card_store);
  s->card_store = NULL;
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
static const char *persian_name(const char *nc, const char *fallback) {
  static const char *const names[][2] = {
    {"0071234561", "زهرا محمدی"}, {"1234567891", "رضا حسینی"}, {"0512345678", "مریم کریمی"},
    {"2276543213", "امیر رضایی"}, {"4701122335", "فاطمه احمدی"}, {"2938475616", "حسین موسوی"},
    {"1122334451", "نرگس جعفری"},
  };
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
    if (!strcmp(names[i][0], nc)) return names[i][1];
  return fallback;
}

int sim_card_verify(pk_window_sim *s, const unsigned char *der, size_t der_len, const unsigned char *sig,
                    size_t sig_len, const unsigned char *tbs, size_t tbs_len, char nc[16], char name_fa[128],
                    char name_en[128], const char **code) {
  *code = "card_certificate_invalid";
  const unsigned char *p = der;
  X509 *x = d2i_X509(NULL, &p, (long)der_len);
  if (!x) return -1;
  int rc = -1;
  X509_STORE_CTX *ctx = X509_STORE_CTX_new();
  if (ctx && X509_STORE_CTX_init(ctx, s->card_store, x, NULL) == 1) {
    if (X509_verify_cert(ctx) == 1) {
      rc = 0;
    } else if (X509_STORE_CTX_get_error(ctx) == X509_V_ERR_CERT_REVOKED) {
      *code = "card_revoked";
    }
  }
  X509_STORE_CTX_free(ctx);
  if (rc == 0) {
    rc = -1;
    *code = "card_signature_invalid";
    EVP_PKEY *k = X509_get0_pubkey(x);
    /* Cards that sign with ECDSA often give r||s; OpenSSL verifies DER. */
    unsigned char conv[PK_ECDSA_SIG_DER_MAX];
    if (k && EVP_PKEY_is_a(k, "EC") && (sig_len == 64 || sig_len == 96 || sig_len == 132) && sig[0] != 0x30) {
      size_t conv_len = pk_ecdsa_sig_to_der(sig, sig_len, conv, sizeof conv);
      if (conv_len) sig = conv, sig_len = conv_len;
    }
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (k && md && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, k) == 1 &&
        EVP_DigestVerify(md, sig, sig_len, tbs, tbs_len) == 1)
      rc = 0;
    EVP_MD_CTX_free(md);
  }
  if (rc == 0) {
    subject_field(x, NID_serialNumber, nc, 16);
    if (!sim_national_code_valid(nc)) {
      /* Fall back to the first 10-digit run in the CN. */
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
    snprintf(name_fa, 128, "%s", persian_name(nc, name_en));
    if (!sim_national_code_valid(nc)) {
      rc = -1;
      *code = "card_certificate_invalid";
    }
  }
  X509_free(x);
  return rc;
}
