/* New rows: references, keys, and the one durable insert that comes before any receipt. */
#include "internal.h"

#include <ctype.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Damm's quasigroup (order 10, weakly totally anti-symmetric): one check digit that catches
 * every single-digit error and every transposition of adjacent digits, which Luhn does not (09/90). */
static const unsigned char DAMM[10][10] = {
    {0, 3, 1, 7, 5, 9, 8, 6, 4, 2}, {7, 0, 9, 2, 1, 5, 4, 8, 6, 3}, {4, 2, 0, 6, 8, 7, 1, 3, 5, 9},
    {1, 7, 5, 0, 9, 8, 3, 4, 2, 6}, {6, 1, 2, 3, 0, 4, 5, 9, 7, 8}, {3, 6, 7, 4, 2, 0, 9, 5, 8, 1},
    {5, 8, 6, 9, 7, 2, 0, 1, 3, 4}, {8, 9, 4, 5, 3, 6, 2, 0, 1, 7}, {9, 4, 3, 8, 6, 1, 7, 2, 0, 5},
    {2, 5, 8, 1, 4, 3, 6, 7, 9, 0}};

static int damm(const char *digits, size_t n) {
  int interim = 0;
  for (size_t i = 0; i < n; i++) interim = DAMM[interim][digits[i] - '0'];
  return interim;
}

bool pk_outbox_ref_valid(const char *ref) {
  if (!ref || strlen(ref) != PK_OUTBOX_REF_DIGITS) return false;
  for (size_t i = 0; i < PK_OUTBOX_REF_DIGITS; i++)
    if (!isdigit((unsigned char)ref[i])) return false;
  return damm(ref, PK_OUTBOX_REF_DIGITS) == 0;
}

void pk_outbox_ref_group(const char *ref, char *out, size_t outsz) {
  if (!pk_outbox_ref_valid(ref)) {
    snprintf(out, outsz, "%s", ref ? ref : "");
    return;
  }
  snprintf(out, outsz, "%.3s %.3s %.4s", ref, ref + 3, ref + 6);
}

/* The first digit is never 0, so a reference keeps its length in any spreadsheet an office keeps. */
bool ob_random_ref(char ref[PK_OUTBOX_REF_DIGITS + 1]) {
  unsigned char r[PK_OUTBOX_REF_DIGITS - 1];
  if (RAND_bytes(r, sizeof r) != 1) return false;
  ref[0] = (char)('1' + r[0] % 9);
  for (size_t i = 1; i < sizeof r; i++) ref[i] = (char)('0' + r[i] % 10); /* bias < 3%, not a secret */
  ref[PK_OUTBOX_REF_DIGITS - 1] = (char)('0' + damm(ref, PK_OUTBOX_REF_DIGITS - 1));
  ref[PK_OUTBOX_REF_DIGITS] = '\0';
  return true;
}

bool ob_uuid4(char out[37]) {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) return false;
  b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
  b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
  snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3],
           b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return true;
}

bool ob_uuid_valid(const char *s) {
  if (!s || strlen(s) != 36) return false;
  for (int i = 0; i < 36; i++) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i])) return false;
  }
  return true;
}

bool ob_id_valid(const char *s, size_t max) {
  size_t n = s ? strlen(s) : 0;
  if (n == 0 || n > max) return false;
  for (size_t i = 0; i < n; i++)
    if (!isalnum((unsigned char)s[i]) && !strchr("._-", s[i])) return false;
  return true;
}

static bool ref_taken(pk_outbox *ob, const char *ref) {
  pk_outbox_row r;
  int rc = pk_outbox_get(ob, ref, false, &r);
  if (rc == 0) pk_outbox_row_clear(&r);
  return rc != PK_OB_NOTFOUND;
}

bool pk_outbox_draft(pk_outbox *ob, pk_outbox_row *draft) {
  if (!ob || !draft) return false;
  memset(draft, 0, sizeof *draft);
  for (int tries = 0; tries < 16; tries++) {
    if (!ob_random_ref(draft->ref) || !ob_uuid4(draft->idem_key)) return false;
    if (!ref_taken(ob, draft->ref)) return true;
  }
  return false;
}

/* A masked code shows at most six digits (three at each end); anything more is refused so a
 * caller's slip cannot put a whole national code on the disk. */
static bool masked_ok(const char *m) {
  size_t digits = 0, n = strlen(m);
  for (size_t i = 0; i < n; i++) {
    if (isdigit((unsigned char)m[i])) digits++;
    else if (m[i] != '*') return false;
  }
  return digits <= 6 && n < 16;
}

static int check_row(const pk_outbox_row *row, const char *sealed, char *err, size_t errsz) {
  ob_parts parts;
  const char *why = !pk_outbox_ref_valid(row->ref)               ? "bad queue reference"
                    : !ob_uuid_valid(row->idem_key)              ? "bad idempotency key"
                    : !ob_id_valid(row->service_id, 31)          ? "bad service id"
                    : !masked_ok(row->national_masked)           ? "national code not masked"
                    : row->state != PK_OB_SENDING && row->state != PK_OB_QUEUED ? "new rows are sending or queued"
                    : !sealed || !ob_split_compact(sealed, strlen(sealed), 5, &parts) ? "sealed body is not a JWE"
                                                                                      : NULL;
  if (!why) return 0;
  ob_set_err(err, errsz, "%s", why);
  return PK_OB_EINVAL;
}

/* Store-and-forward limits, counted inside the insert's transaction. */
static int check_limits(pk_outbox *ob, int64_t now, char *err, size_t errsz) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(ob->db,
                         "SELECT count(*), min(created_at) FROM rows WHERE sealed_offline = 1"
                         " AND state IN ('sending','queued','exported')",
                         -1, &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
    sqlite3_finalize(st);
    return ob_db_err(ob, err, errsz);
  }
  int64_t count = sqlite3_column_int64(st, 0), oldest = sqlite3_column_int64(st, 1);
  bool any = sqlite3_column_type(st, 1) != SQLITE_NULL;
  sqlite3_finalize(st);
  if (count >= ob->lim.max_rows) {
    ob_set_err(err, errsz, "max_rows: %lld requests are waiting (limit %d)", (long long)count, ob->lim.max_rows);
    return PK_OB_EFULL;
  }
  if (any && oldest < now - (int64_t)ob->lim.max_age_days * 86400) {
    ob_set_err(err, errsz, "max_age_days: a waiting request is older than %d days", ob->lim.max_age_days);
    return PK_OB_EFULL;
  }
  return 0;
}

static int insert_locked(pk_outbox *ob, const pk_outbox_row *r, const char *sealed, char *err, size_t errsz) {
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(ob->db,
                         "INSERT INTO rows(ref, idem_key, service_id, national_masked, level, sealed_offline,"
                         " state, created_at, updated_at, next_attempt_at, sealed)"
                         " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, ?10)",
                         -1, &st, NULL) != SQLITE_OK)
    return ob_db_err(ob, err, errsz);
  sqlite3_bind_text(st, 1, r->ref, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, r->idem_key, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 3, r->service_id, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, r->national_masked, -1, SQLITE_STATIC);
  sqlite3_bind_int(st, 5, r->level);
  sqlite3_bind_int(st, 6, r->sealed_offline);
  sqlite3_bind_text(st, 7, pk_outbox_state_name(r->state), -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 8, r->created_at);
  sqlite3_bind_int64(st, 9, r->next_attempt_at);
  sqlite3_bind_text(st, 10, sealed, -1, SQLITE_STATIC);
  int s = sqlite3_step(st);
  sqlite3_finalize(st);
  if (s == SQLITE_DONE) return 0;
  if (s == SQLITE_CONSTRAINT) {
    ob_set_err(err, errsz, "reference or idempotency key already in the outbox");
    return PK_OB_EINVAL;
  }
  return ob_db_err(ob, err, errsz);
}

int pk_outbox_insert(pk_outbox *ob, pk_outbox_row *row, const char *sealed, char *err, size_t errsz) {
  if (!ob || !row) return PK_OB_EINVAL;
  int rc = check_row(row, sealed, err, errsz);
  if (rc) return rc;
  int64_t now = (int64_t)time(NULL);
  if (!row->created_at) row->created_at = now;
  pthread_mutex_lock(&ob->lock);
  rc = ob_begin(ob) ? ob_db_err(ob, err, errsz) : 0;
  if (rc == 0 && row->sealed_offline) rc = check_limits(ob, row->created_at, err, errsz);
  if (rc == 0) rc = insert_locked(ob, row, sealed, err, errsz);
  if (rc == 0 && ob_change_history(ob, row->ref, row->state, "", row->created_at)) rc = ob_db_err(ob, err, errsz);
  if (rc == 0 && ob_commit(ob)) rc = ob_db_err(ob, err, errsz);
  if (rc) ob_rollback(ob);
  pthread_mutex_unlock(&ob->lock);
  if (rc == 0) row->updated_at = row->created_at;
  return rc;
}
