/* The outbox: every submit, online or offline, is written here durably with its idempotency key
 * before the first byte leaves (docs/offline.md). A request's content lives only in its sealed
 * envelope (a JWE to the window's encryption key); the store keeps in clear what a clerk needs.
 * Also: RFC 8785 canonical JSON (the consent's to-be-signed form), sealing, and USB bundles.
 * All functions are thread-safe on one pk_outbox (one lock around the SQLite connection). */
#ifndef PISHKHAN_OUTBOX_H
#define PISHKHAN_OUTBOX_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct pk_outbox pk_outbox;

/* sending = written, delivery started or in doubt; queued = offline, waiting for the link;
 * not_registered = resolution proved the window never stored it (final); exported = carried off
 * in a USB bundle (not delivered by this kiosk unless a clerk requeues it). */
typedef enum {
  PK_OB_SENDING,
  PK_OB_QUEUED,
  PK_OB_DELIVERED,
  PK_OB_FAILED,
  PK_OB_NOT_REGISTERED,
  PK_OB_EXPORTED,
  PK_OB_STATE_COUNT
} pk_outbox_state;
const char *pk_outbox_state_name(pk_outbox_state s); /* "sending", ..., stable: CLI --json */

/* Results: 0 ok, 1 no such row (get, state changes), negative errors. */
enum {
  PK_OB_OK = 0,
  PK_OB_NOTFOUND = 1,
  PK_OB_EINVAL = -1, /* bad argument, or a state change the row's state does not allow */
  PK_OB_EFULL = -2,  /* a limit (max_rows, max_age_days): err says which */
  PK_OB_EIO = -3,    /* disk full, I/O error, corrupt store: err has SQLite's words */
  PK_OB_EBUNDLE = -4,/* export/import: bad signature, expired, replayed, malformed (err says) */
  PK_OB_ECB = -5,    /* import: the envelope callback refused; nothing recorded, import again later */
};

typedef struct pk_outbox_limits {
  int max_rows;     /* pending offline rows (sending, queued, exported); default 500 */
  int max_age_days; /* age of the oldest pending offline row; default 7 */
} pk_outbox_limits;
#define PK_OUTBOX_LIMITS_DEFAULT ((pk_outbox_limits){500, 7})

#define PK_OUTBOX_REF_DIGITS 10
typedef struct pk_outbox_row {
  char ref[16];            /* 10 ASCII digits, the last a Damm check digit; unique in the store */
  char idem_key[37];       /* UUID v4 from RAND_bytes, never reused */
  char service_id[32];
  char national_masked[16];/* ASCII "001****003"; insert refuses more than 6 digits */
  int level;               /* authentication level of the session */
  bool sealed_offline;     /* consent-signed, deliverable without a session; the limits apply */
  pk_outbox_state state;
  int attempts;
  int64_t created_at, updated_at, next_attempt_at; /* unix seconds */
  char last_error[64];     /* window's machine code or local cause, for the clerk */
  char tracking_code[32];
  char *receipt_jws;       /* window-signed receipt when delivered; malloc'd or NULL */
  char *sealed;            /* JWE compact; malloc'd; NULL unless asked for */
  int64_t export_seq;      /* bundle that carried it (state exported), else 0 */
} pk_outbox_row;

/* Opens or creates the store (file mode 0600, WAL, synchronous=FULL, secure_delete). lim NULL:
 * defaults. NULL on failure with err filled. */
pk_outbox *pk_outbox_open(const char *path, const pk_outbox_limits *lim, char *err, size_t errsz);
void pk_outbox_close(pk_outbox *ob);
/* A fresh ref (not in the store) and idem key; zeroes the rest. False only if RAND_bytes fails. */
bool pk_outbox_draft(pk_outbox *ob, pk_outbox_row *draft);
/* Writes the row durably (one transaction, synchronous=FULL) with its sealed body; for a
 * sealed_offline row checks the limits first. created_at 0 means now. State must be sending or
 * queued. 0 ok; PK_OB_EFULL, PK_OB_EIO, PK_OB_EINVAL. Only after 0 may anyone print a receipt or
 * send a byte. */
int pk_outbox_insert(pk_outbox *ob, pk_outbox_row *row, const char *sealed, char *err, size_t errsz);
int pk_outbox_get(pk_outbox *ob, const char *ref, bool with_sealed, pk_outbox_row *out); /* 0, 1 none, <0 */
int pk_outbox_get_by_key(pk_outbox *ob, const char *idem_key, bool with_sealed, pk_outbox_row *out);

/* State changes are durable before return: 0, 1 no such ref, PK_OB_EINVAL when the row's state
 * does not allow it (a delivered row stays delivered), PK_OB_EIO. Each is kept in the row's
 * history for audit. Delivered and not_registered drop the sealed body (nothing left to send). */
int pk_outbox_sending(pk_outbox *ob, const char *ref); /* queued → sending: a delivery starts */
int pk_outbox_delivered(pk_outbox *ob, const char *ref, const char *tracking, const char *receipt_jws);
int pk_outbox_failed(pk_outbox *ob, const char *ref, const char *code); /* permanent refusal */
int pk_outbox_not_registered(pk_outbox *ob, const char *ref);
/* sending/queued → queued, attempts++, last_error = code. */
int pk_outbox_retry_later(pk_outbox *ob, const char *ref, const char *code, int64_t next_attempt_at);
/* `queue retry`: failed or exported → queued, attempts kept, due now. */
int pk_outbox_requeue(pk_outbox *ob, const char *ref);

/* Rows to deliver at `now` (sending or queued, next_attempt_at <= now, or created after now: the
 * clock was set back), oldest first (in order of insertion, whatever the clock said); fills up
 * to n. */
size_t pk_outbox_due(pk_outbox *ob, int64_t now, pk_outbox_row *out, size_t n);
size_t pk_outbox_list(pk_outbox *ob, pk_outbox_row *out, size_t n, size_t offset); /* newest inserted first */
/* counts per state; *oldest_pending = created_at of the oldest sending/queued/exported row, 0 if none. */
int pk_outbox_counts(pk_outbox *ob, size_t counts[PK_OB_STATE_COUNT], int64_t *oldest_pending);
int pk_outbox_purge_delivered(pk_outbox *ob, int64_t older_than); /* rows removed, or <0 */
void pk_outbox_row_clear(pk_outbox_row *r);                        /* frees and wipes */

/* Queue references: ASCII digits only, for a keypad. valid = 10 digits with a correct check
 * digit (catches every single wrong digit and every swap of two neighbours). */
bool pk_outbox_ref_valid(const char *ref);
/* "123 456 7890" for print and screen (out >= 13 bytes). */
void pk_outbox_ref_group(const char *ref, char *out, size_t outsz);

/* RFC 8785 canonical JSON of a JSON text (objects, arrays, strings, integers, true/false/null;
 * a non-integer number, an integer beyond ±(2^53-1), a duplicate key, a NUL in a key (jansson
 * cannot hold one) or invalid UTF-8 is refused): malloc'd, NULL on error. */
char *pk_jcs(const char *json, size_t len);

/* JWE compact, ECDH-ES+A256KW / A256GCM, to the key with "use":"enc" in the window's JWKS text
 * (kid in the protected header). malloc'd, NULL with err on failure. */
char *pk_seal(const char *jwks_json, const uint8_t *plain, size_t len, char *err, size_t errsz);
/* The plaintext of an envelope, for tests and tools holding the private JWK; only
 * ECDH-ES+A256KW / A256GCM is accepted. Free with pk_free_wiped. */
uint8_t *pk_unseal(const char *private_jwk_json, const char *jwe, size_t *len, char *err, size_t errsz);

/* The consent: the request object the card signs, then the sealed envelope the window expects
 * ({"v":1,"request":{...},"certificate":b64url,"consent":b64url}, docs/offline.md). */
typedef struct pk_outbox_request {
  const char *service_id;
  const char *fields_json;  /* a JSON object of the form's values (strings or integers) */
  const char *kiosk_id;
  const char *idem_key;
  int64_t created_at;
  const char *national_code;
  int level;
  /* At a counter (each NULL when not): the company acted for (11 digits) and the assisting
   * clerk's id. Inside the request, so the citizen's consent signature covers them too. */
  const char *on_behalf_of, *assisted_by;
} pk_outbox_request;
/* The request object as JCS text (malloc'd; free with pk_free_wiped), NULL if a value is bad. */
char *pk_outbox_consent_tbs(const pk_outbox_request *rq);
/* SHA-256(JCS(request_json)). 0 or PK_OB_EINVAL. */
int pk_outbox_consent_digest(const char *request_json, uint8_t digest[32]);
/* Builds the envelope around request_json (as pk_outbox_consent_tbs made it), the card's
 * certificate (DER) and the consent signature (DER ECDSA), and seals it to the window's JWKS. */
char *pk_outbox_seal_request(const char *jwks_json, const char *request_json, const uint8_t *cert_der,
                             size_t cert_len, const uint8_t *consent_der, size_t consent_len, char *err,
                             size_t errsz);

/* USB bundles: one file, a JWS (ES256, the device key: a PEM path, kid) over
 * {"v":1,"kiosk_id","seq","created_at","expires_at","envelopes":[{"ref","idem_key","service_id",
 * "created_at","sealed"}...]} of every sealed_offline row in state sending or queued, written to
 * DIR/<kiosk>-<seq>.pkq via a temp file + fsync + rename + fsync(dir), then read back from the
 * device and verified. The seq is reserved durably before the file is written and never reused;
 * every attempt is kept in the store's export log with its outcome. On success the rows move to
 * exported (export_seq = seq). count = rows in the bundle (0: no file written, returns 0). */
int pk_outbox_export(pk_outbox *ob, const char *dir, const char *device_key_pem, const char *kid,
                     const char *kiosk_id, int64_t now, int valid_s, char *path_out, size_t path_cap,
                     size_t *count, char *err, size_t errsz);
/* meta has ref, idem_key, service_id, created_at (and sealed) filled; other fields zero. A
 * non-zero return stops the import (PK_OB_ECB) without recording it, so it can be imported again. */
typedef int (*pk_outbox_envelope_cb)(void *ud, const pk_outbox_row *meta, const char *sealed);
/* Verifies with the exporter's device JWKS, refuses an expired bundle or a (kiosk_id, seq)
 * already imported into this store, hands each envelope to cb, then records (kiosk_id, seq). */
int pk_outbox_import(pk_outbox *ob, const char *file, const char *device_jwks, int64_t now,
                     pk_outbox_envelope_cb cb, void *ud, size_t *count, char *err, size_t errsz);

#endif
