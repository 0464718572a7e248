/* The audit log: append-only, hash-chained, with signed checkpoints (docs/audit.md). One RFC 8785
 * canonical JSON entry per line in data_dir/audit.log; an entry's hash is SHA-256(previous hash ||
 * the line's bytes). Every N entries and on demand a checkpoint entry (tree size, head hash) is
 * signed with the kiosk's device key (JWS ES256) and also copied to audit.log.checkpoint.
 * Nothing secret may enter: pk_audit_append refuses a run of 10 digits and fields named pin/otp.
 * All functions are thread-safe on one pk_audit. */
#ifndef PISHKHAN_AUDIT_H
#define PISHKHAN_AUDIT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct pk_audit pk_audit;

enum {
  PK_AUDIT_OK = 0,
  PK_AUDIT_EINVAL = -1,  /* unknown kind, missing field, bad value */
  PK_AUDIT_ESECRET = -2, /* a field that looks like a secret or a full national code */
  PK_AUDIT_EIO = -3,     /* the file cannot be written or synced; err says why */
  PK_AUDIT_EKEY = -4,    /* the device key cannot be read or sign */
};

typedef struct pk_audit_opts {
  const char *path;           /* data_dir/audit.log */
  const char *kiosk_id;
  const char *device_key_pem; /* the device key (receipts of queued requests); NULL: no checkpoints */
  const char *kid;            /* its kid in the device JWKS */
  int checkpoint_every;       /* entries between automatic checkpoints; 0: 1000 */
  int64_t (*clock)(void);     /* unix seconds; NULL: time() (tests) */
} pk_audit_opts;

/* Opens or creates the log (0600). A torn last line (a crash in the middle of a write) is cut off
 * and an entry of kind "torn_tail" records how many bytes were dropped. NULL with err on failure. */
pk_audit *pk_audit_open(const pk_audit_opts *o, char *err, size_t errsz);
void pk_audit_close(pk_audit *a);
/* Appends one entry of kind with fields_json (a flat JSON object of strings and integers), durably
 * (one write with O_APPEND, then fsync) before returning. Kinds and their required fields:
 * clerk_login, clerk_logout, clerk_lock {clerk}; citizen_auth {method, level, national_masked};
 * request_submitted, request_queued, request_delivered, request_failed, print, reprint {ref, service}
 * (recorded requests may add level, clerk and paid: docs/audit.md)
 * with ref grouped as pk_outbox_ref_group prints it; config_at_start {sha256}; queue_export,
 * queue_import {count}. May add a checkpoint after it. 0 or PK_AUDIT_E*. */
int pk_audit_append(pk_audit *a, const char *kind, const char *fields_json, char *err, size_t errsz);
/* A signed checkpoint now (shift end). 0 or PK_AUDIT_E*. */
int pk_audit_checkpoint(pk_audit *a, char *err, size_t errsz);
/* Entries in the log, and the head hash (lowercase hex, 65 bytes). */
uint64_t pk_audit_size(pk_audit *a, char head_hex[65]);

/* The secret check alone: 0, or PK_AUDIT_ESECRET naming the field in err. */
int pk_audit_check_fields(const char *fields_json, char *err, size_t errsz);

/* ---- Verification -------------------------------------------------------------------------- */
typedef enum {
  PK_AUDIT_V_OK = 0,
  PK_AUDIT_V_CHANGED,   /* the entry's bytes are not what was written */
  PK_AUDIT_V_REMOVED,   /* the entry with seq is missing before line */
  PK_AUDIT_V_INSERTED,  /* line holds an entry that does not belong there */
  PK_AUDIT_V_REORDERED, /* lines line and line+1 are swapped */
  PK_AUDIT_V_CHECKPOINT,/* the checkpoint's signature or content does not verify */
  PK_AUDIT_V_TORN,      /* the last line is incomplete (a crash while writing) */
  PK_AUDIT_V_TRUNCATED, /* the log ends before the last checkpoint's copy says it should */
  PK_AUDIT_V_IO,        /* the log cannot be read */
} pk_audit_verdict;

typedef struct pk_audit_report {
  pk_audit_verdict verdict;
  uint64_t seq, line;      /* where (seq: the entry's expected seq) */
  uint64_t entries, checkpoints;
  uint64_t unsigned_tail;  /* entries after the last checkpoint */
  char head_hex[65];
  char detail[160];        /* English words for the technician */
} pk_audit_report;

/* Checks the chain and every checkpoint of the log at path against the device JWKS text (NULL:
 * signatures are not checked and detail says so), and the side copy path.checkpoint when it
 * exists. 0 when intact, 1 when not (report says the first place), -1 when unreadable. */
int pk_audit_verify(const char *path, const char *jwks_json, pk_audit_report *rep);

/* One line of the log parsed (untrusted input): NULL unless it is a canonical flat entry with
 * seq, time, kiosk, kind and prev. Returned object is the caller's (json_decref). */
struct json_t;
struct json_t *pk_audit_parse_line(const char *line, size_t len);

#endif
