/* Shared inside audit/: the chain's hash step and the line format's helpers. */
#ifndef PK_AUDIT_INTERNAL_H
#define PK_AUDIT_INTERNAL_H
#include <jansson.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "pishkhan/audit.h"

enum { AU_LINE_MAX = 8192 };
/* next = SHA-256(prev || line); prev of the first entry is 32 zero bytes. One hasher per walk:
 * fetching the digest and a context per line would cost more than the hash itself. */
typedef struct au_hasher au_hasher;
au_hasher *au_hasher_new(void);
void au_hasher_free(au_hasher *h);
void au_chain(au_hasher *h, const uint8_t prev[32], const char *line, size_t len, uint8_t next[32]);
void au_hex(const uint8_t h[32], char out[65]);
int au_unhex(const char *hex, uint8_t h[32]); /* 0, or -1 unless 64 lowercase hex digits */
void au_err(char *err, size_t errsz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The canonical text of obj (via pk_jcs), malloc'd, NULL if it cannot be. */
char *au_canonical(const json_t *obj);
/* The JWS payload a checkpoint entry signs: the entry without its "jws" member, canonical. */
char *au_checkpoint_payload(const json_t *entry);
#endif
