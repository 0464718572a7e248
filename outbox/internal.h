/* Shared between the outbox module's files; not public. */
#ifndef PK_OUTBOX_INTERNAL_H
#define PK_OUTBOX_INTERNAL_H
#include <pthread.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "pishkhan/outbox.h"

struct pk_outbox {
  sqlite3 *db;
  pthread_mutex_t lock;
  pk_outbox_limits lim;
};

/* What a state change writes; NULL / -1 fields keep the column. */
typedef struct ob_change {
  pk_outbox_state to;
  unsigned from;          /* bit mask of the states it may leave */
  const char *code;       /* last_error */
  const char *tracking, *receipt;
  int64_t next_attempt;   /* -1 keep */
  int attempts_add;
  bool drop_sealed;
  int64_t export_seq;     /* -1 keep */
} ob_change;
#define OB_BIT(s) (1u << (s))

void ob_set_err(char *err, size_t errsz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int ob_db_err(pk_outbox *ob, char *err, size_t errsz); /* PK_OB_EIO with SQLite's words */
int ob_exec(pk_outbox *ob, const char *sql);
int ob_begin(pk_outbox *ob);  /* BEGIN IMMEDIATE */
int ob_commit(pk_outbox *ob); /* COMMIT; on failure the caller reads the error, then rolls back */
int ob_change_history(pk_outbox *ob, const char *ref, pk_outbox_state s, const char *code, int64_t now);
void ob_rollback(pk_outbox *ob);
/* Inside a transaction: 0, 1 no row, PK_OB_EINVAL wrong state, PK_OB_EIO. */
int ob_change_locked(pk_outbox *ob, const char *ref, const ob_change *ch, int64_t now);

/* Random digits / UUID v4 from RAND_bytes. */
bool ob_random_ref(char ref[PK_OUTBOX_REF_DIGITS + 1]);
bool ob_uuid4(char out[37]);
bool ob_uuid_valid(const char *s);
bool ob_id_valid(const char *s, size_t max); /* [A-Za-z0-9._-]{1,max}: service and kiosk ids */

/* The parts of a compact JOSE serialization (JWS 3, JWE 5), pointing into text. */
typedef struct ob_parts {
  const char *p[5];
  size_t n[5];
} ob_parts;
bool ob_split_compact(const char *text, size_t len, size_t want, ob_parts *out);
/* Base64url-decoded JSON object of a header part, NULL if not one. */
struct json_t;
struct json_t *ob_b64_json(const char *b64, size_t len);

/* Bundle payload check (fuzzed): JWS verified against the JWKS, claims parsed, expiry checked.
 * Returns the payload object (caller decrefs) or NULL with err. */
/* Why a (verified) bundle payload is refused, or NULL when it is acceptable at now. */
const char *ob_bundle_payload_problem(const struct json_t *pl, int64_t now);
struct json_t *ob_bundle_verify(const char *text, size_t len, const char *device_jwks, int64_t now, char *err,
                                size_t errsz);

#endif
