/* Builds the card's files at start from the persona and the test PKI: EF.ID (BER-TLV),
 * EF.CERT (DER of <persona>.crt.pem), EF.SOD (CMS SignedData by the document signer). */
#include "vcard_files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/cms.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

static char *fmt_err(const char *what, const char *path) {
  size_t n = strlen(what) + strlen(path) + 4;
  char *s = malloc(n);
  if (s) snprintf(s, n, "%s: %s", what, path);
  return s;
}

static void *load_pem(const char *dir, const char *name, const char *suffix, bool key, char **err) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s%s", dir, name, suffix);
  FILE *f = fopen(path, "r");
  if (!f) {
    if (err) *err = fmt_err("cannot open", path);
    return NULL;
  }
  void *obj = key ? (void *)PEM_read_PrivateKey(f, NULL, NULL, NULL) : (void *)PEM_read_X509(f, NULL, NULL, NULL);
  fclose(f);
  if (!obj && err) *err = fmt_err("cannot parse", path);
  return obj;
}

static int make_sod(pk_vcard_files *f, X509 *ds, EVP_PKEY *ds_key, char **err) {
  uint8_t content[512];
  size_t n = pk_sod_content_encode(f->file[0], f->len[0], f->file[2], f->len[2], content, sizeof content);
  BIO *in = n ? BIO_new_mem_buf(content, (int)n) : NULL;
  CMS_ContentInfo *cms = in ? CMS_sign(ds, ds_key, NULL, in, CMS_BINARY | CMS_NOSMIMECAP) : NULL;
  int len = cms ? i2d_CMS_ContentInfo(cms, NULL) : -1;
  int rc = -1;
  if (len > 0 && len <= PK_SOD_MAX && (f->file[1] = malloc((size_t)len))) {
    uint8_t *p = f->file[1];
    f->len[1] = (size_t)i2d_CMS_ContentInfo(cms, &p);
    rc = 0;
  }
  if (rc < 0 && err) *err = strdup("cannot sign EF.SOD");
  CMS_ContentInfo_free(cms);
  BIO_free(in);
  return rc;
}

int pk_vcard_files_build(pk_vcard_files *f, const pk_vcard_persona *p, const char *pki_dir, char **err) {
  memset(f, 0, sizeof *f);
  X509 *cert = NULL, *ds = NULL;
  EVP_PKEY *ds_key = NULL;
  int rc = -1;
  if (!(f->key = load_pem(pki_dir, p->name, ".key.pem", true, err))) goto out;
  if (!(cert = load_pem(pki_dir, p->name, ".crt.pem", false, err))) goto out;
  if (!(ds = load_pem(pki_dir, "ds", ".crt.pem", false, err))) goto out;
  if (!(ds_key = load_pem(pki_dir, "ds", ".key.pem", true, err))) goto out;
  int cl = i2d_X509(cert, NULL);
  if (cl <= 0 || cl > PK_CERT_MAX || !(f->file[2] = malloc((size_t)cl))) goto out;
  uint8_t *q = f->file[2];
  f->len[2] = (size_t)i2d_X509(cert, &q);
  uint8_t id[PK_EFID_MAX];
  size_t il = pk_efid_encode(&p->id, id, sizeof id);
  if (!il || !(f->file[0] = malloc(il))) goto out;
  memcpy(f->file[0], id, il);
  f->len[0] = il;
  if (make_sod(f, ds, ds_key, err) < 0) goto out;
  /* The attack the SOD exists for: a citizen card rewritten as a clerk card. */
  if (p->tamper) f->file[0][il - 1] ^= 0x03;
  rc = 0;
out:
  if (rc < 0 && err && !*err) *err = strdup("cannot build the card's files");
  X509_free(cert);
  X509_free(ds);
  EVP_PKEY_free(ds_key);
  if (rc < 0) pk_vcard_files_free(f);
  return rc;
}

void pk_vcard_files_free(pk_vcard_files *f) {
  for (int i = 0; i < 3; i++) free(f->file[i]);
  EVP_PKEY_free(f->key);
  memset(f, 0, sizeof *f);
}
