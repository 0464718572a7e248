/* The virtual card's files and key, built from a persona and the test PKI. */
#ifndef PK_VCARD_FILES_H
#define PK_VCARD_FILES_H
#include <openssl/evp.h>

#include "vcard_internal.h"

typedef struct pk_vcard_files {
  uint8_t *file[3]; /* EF.ID, EF.SOD, EF.CERT (index = SFI - 1) */
  size_t len[3];
  EVP_PKEY *key;    /* the citizen's authentication key */
} pk_vcard_files;

/* Returns 0, or -1 with a malloc'd message in *err (err may be NULL). */
int pk_vcard_files_build(pk_vcard_files *f, const pk_vcard_persona *p, const char *pki_dir, char **err);
void pk_vcard_files_free(pk_vcard_files *f);

#endif
