/* Shared by the outbox tests, tools and benchmarks: temp dirs, a window encryption key, a
 * software P-256 key standing in for the card, and requests sealed as the kiosk seals them. */
#ifndef PK_TEST_OUTBOX_FIXTURE_H
#define PK_TEST_OUTBOX_FIXTURE_H
#include <stddef.h>
#include <stdint.h>

#include "pishkhan/outbox.h"

/* A fresh directory under TMPDIR (or /tmp); removed with everything in it by fx_rm_rf. */
void fx_tmpdir(char *out, size_t n);
void fx_rm_rf(const char *dir);
/* A window encryption key: the private JWK (malloc'd) and the public JWKS ("use":"enc", kid "w-enc-1"). */
char *fx_window_key(char **jwks_out);
/* The card stand-in: signs SHA-256 digests with a process-wide P-256 key (DER ECDSA). */
size_t fx_card_sign(const uint8_t digest[32], uint8_t *der, size_t cap);
/* A request as the kiosk seals it: consent over JCS(request) by the card stand-in. malloc'd JWE. */
char *fx_seal(const char *jwks, const pk_outbox_row *row, const char *national_code, const char *fields_json);
/* A row ready for insert (draft + clear columns), queued and sealed offline. */
void fx_row(pk_outbox *ob, pk_outbox_row *row, const char *service_id, int64_t created_at);
/* Whole file into memory (NUL-terminated), NULL if unreadable. */
char *fx_read(const char *path, size_t *len);
#endif
