/* The outbox store: SQLite in WAL mode with synchronous=FULL, so a commit that returned is on
 * the disk; one mutex around the connection, so the UI and the delivery workers share it. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pishkhan/secret.h"

static const char *const STATE_NAMES[PK_OB_STATE_COUNT] = {
    "sending", "queued", "delivered", "failed", "not_registered", "exported"};

const char *pk_outbox_state_name(pk_outbox_state s) {
  return (unsigned)s < PK_OB_STATE_COUNT ? STATE_NAMES[s] : "unknown";
}

static pk_outbox_state state_from_name(const char *name) {
  for (int s = 0; s < PK_OB_STATE_COUNT; s++)
    if (name && strcmp(name, STATE_NAMES[s]) == 0) return (pk_outbox_state)s;
  return PK_OB_STATE_COUNT;
}

void ob_set_err(char *err, size_t errsz, const char *fmt, ...) {
  if (!err || !errsz) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errsz, fmt, ap);
  va_end(ap);
}

int ob_db_err(pk_outbox *ob, char *err, size_t errsz) {
  int code = sqlite3_extended_errcode(ob->db);
  ob_set_err(err, errsz, "%s (%s)", sqlite3_errmsg(ob->db), sqlite3_errstr(code));
  return PK_OB_EIO;
}

int ob_exec(pk_outbox *ob, const char *sql) {
  return sqlite3_exec(ob->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : PK_OB_EIO;
}

int ob_begin(pk_outbox *ob) { return ob_exec(ob, "BEGIN IMMEDIATE"); }

void ob_rollback(pk_outbox *ob) {
  if (!sqlite3_get_autocommit(ob->db)) sqlite3_exec(ob->db, "ROLLBACK", NULL, NULL, NULL);
}

int ob_commit(pk_outbox *ob) { return ob_exec(ob, "COMMIT"); }

/* State names are kept as text so an auditor reading the file with sqlite3 sees words. */
static const char SCHEMA[] =
    "CREATE TABLE IF NOT EXISTS rows("
    " ref TEXT PRIMARY KEY, idem_key TEXT NOT NULL UNIQUE, service_id TEXT NOT NULL,"
    " national_masked TEXT NOT NULL, level INTEGER NOT NULL, sealed_offline INTEGER NOT NULL,"
    " state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL,"
    " updated_at INTEGER NOT NULL, next_attempt_at INTEGER NOT NULL DEFAULT 0,"
    " last_error TEXT NOT NULL DEFAULT '', tracking_code TEXT NOT NULL DEFAULT '', receipt_jws TEXT,"
    " sealed TEXT, export_seq INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX IF NOT EXISTS rows_by_state ON rows(state, created_at);"
    "CREATE TABLE IF NOT EXISTS history(id INTEGER PRIMARY KEY, ref TEXT NOT NULL, at INTEGER NOT NULL,"
    " state TEXT NOT NULL, code TEXT NOT NULL DEFAULT '');"
    "CREATE TABLE IF NOT EXISTS exports(seq INTEGER PRIMARY KEY, started_at INTEGER NOT NULL,"
    " rows INTEGER NOT NULL DEFAULT 0, outcome TEXT NOT NULL, file TEXT NOT NULL DEFAULT '');"
    "CREATE TABLE IF NOT EXISTS imports(kiosk_id TEXT NOT NULL, seq INTEGER NOT NULL,"
    " imported_at INTEGER NOT NULL, rows INTEGER NOT NULL, PRIMARY KEY(kiosk_id, seq));";

/* The file is the kiosk's alone: made 0600 before SQLite opens it (its WAL takes the same mode). */
static bool create_private(const char *path) {
  int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  close(fd);
  return true;
}

static bool pragma_is(sqlite3 *db, const char *sql, const char *want) {
  sqlite3_stmt *st = NULL;
  bool ok = sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
            strcmp((const char *)sqlite3_column_text(st, 0), want) == 0;
  sqlite3_finalize(st);
  return ok;
}

static bool configure(pk_outbox *ob) {
  sqlite3_busy_timeout(ob->db, 5000);
  return pragma_is(ob->db, "PRAGMA journal_mode=WAL", "wal") && ob_exec(ob, "PRAGMA synchronous=FULL") == 0 &&
         ob_exec(ob, "PRAGMA secure_delete=ON") == 0 && ob_exec(ob, SCHEMA) == 0 &&
         pragma_is(ob->db, "PRAGMA synchronous", "2");
}

pk_outbox *pk_outbox_open(const char *path, const pk_outbox_limits *lim, char *err, size_t errsz) {
  if (!path || !create_private(path)) {
    ob_set_err(err, errsz, "cannot create %s: %s", path ? path : "(null)", strerror(errno));
    return NULL;
  }
  pk_outbox *ob = calloc(1, sizeof *ob);
  if (!ob) return NULL;
  ob->lim = lim ? *lim : PK_OUTBOX_LIMITS_DEFAULT;
  pthread_mutex_init(&ob->lock, NULL);
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX;
  if (sqlite3_open_v2(path, &ob->db, flags, NULL) != SQLITE_OK || !configure(ob)) {
    ob_db_err(ob, err, errsz);
    pk_outbox_close(ob);
    return NULL;
  }
  return ob;
}

void pk_outbox_close(pk_outbox *ob) {
  if (!ob) return;
  sqlite3_close(ob->db);
  pthread_mutex_destroy(&ob->lock);
  free(ob);
}

void pk_outbox_row_clear(pk_outbox_row *r) {
  if (!r) return;
  pk_free_wiped(r->receipt_jws);
  pk_free_wiped(r->sealed);
  pk_wipe(r, sizeof *r);
}

/* ---- reading rows ------------------------------------------------------------------ */

#define ROW_COLUMNS                                                                                         \
  "ref, idem_key, service_id, national_masked, level, sealed_offline, state, attempts, created_at,"     \
  " updated_at, next_attempt_at, last_error, tracking_code, receipt_jws, export_seq"

static void col_copy(sqlite3_stmt *st, int i, char *dst, size_t cap) {
  const char *s = (const char *)sqlite3_column_text(st, i);
  snprintf(dst, cap, "%s", s ? s : "");
}

static char *col_dup(sqlite3_stmt *st, int i) {
  const char *s = (const char *)sqlite3_column_text(st, i);
  return s ? strdup(s) : NULL;
}

/* Columns in ROW_COLUMNS order, then sealed when asked for. */
static void row_from(sqlite3_stmt *st, bool with_sealed, pk_outbox_row *r) {
  memset(r, 0, sizeof *r);
  col_copy(st, 0, r->ref, sizeof r->ref);
  col_copy(st, 1, r->idem_key, sizeof r->idem_key);
  col_copy(st, 2, r->service_id, sizeof r->service_id);
  col_copy(st, 3, r->national_masked, sizeof r->national_masked);
  r->level = sqlite3_column_int(st, 4);
  r->sealed_offline = sqlite3_column_int(st, 5) != 0;
  r->state = state_from_name((const char *)sqlite3_column_text(st, 6));
  r->attempts = sqlite3_column_int(st, 7);
  r->created_at = sqlite3_column_int64(st, 8);
  r->updated_at = sqlite3_column_int64(st, 9);
  r->next_attempt_at = sqlite3_column_int64(st, 10);
  col_copy(st, 11, r->last_error, sizeof r->last_error);
  col_copy(st, 12, r->tracking_code, sizeof r->tracking_code);
  r->receipt_jws = col_dup(st, 13);
  r->export_seq = sqlite3_column_int64(st, 14);
  if (with_sealed) r->sealed = col_dup(st, 15);
}

static int get_one(pk_outbox *ob, const char *col, const char *val, bool with_sealed, pk_outbox_row *out) {
  if (!val || !out) return PK_OB_EINVAL;
  char sql[256];
  snprintf(sql, sizeof sql, "SELECT " ROW_COLUMNS ", sealed FROM rows WHERE %s = ?1", col);
  pthread_mutex_lock(&ob->lock);
  sqlite3_stmt *st = NULL;
  int rc = PK_OB_EIO;
  if (sqlite3_prepare_v2(ob->db, sql, -1, &st, NULL) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, val, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    rc = s == SQLITE_ROW ? 0 : s == SQLITE_DONE ? PK_OB_NOTFOUND : PK_OB_EIO;
    if (rc == 0) row_from(st, with_sealed, out);
  }
  sqlite3_finalize(st);
  pthread_mutex_unlock(&ob->lock);
  return rc;
}

int pk_outbox_get(pk_outbox *ob, const char *ref, bool with_sealed, pk_outbox_row *out) {
  return get_one(ob, "ref", ref, with_sealed, out);
}

int pk_outbox_get_by_key(pk_outbox *ob, const char *idem_key, bool with_sealed, pk_outbox_row *out) {
  return get_one(ob, "idem_key", idem_key, with_sealed, out);
}

/* Runs a SELECT of ROW_COLUMNS whose ?1 and ?2 are integers, filling up to n rows. */
static size_t select_rows(pk_outbox *ob, const char *sql, int64_t a, int64_t b, pk_outbox_row *out, size_t n) {
  size_t got = 0;
  pthread_mutex_lock(&ob->lock);
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(ob->db, sql, -1, &st, NULL) == SQLITE_OK) {
    sqlite3_bind_int64(st, 1, a);
    sqlite3_bind_int64(st, 2, b);
    while (got < n && sqlite3_step(st) == SQLITE_ROW) row_from(st, false, &out[got++]);
  }
  sqlite3_finalize(st);
  pthread_mutex_unlock(&ob->lock);
  return got;
}

/* Rows come in insertion order (rowid), never by created_at: the kiosk's clock may be set back
 * or forward by hours, and a later request must not overtake an earlier one. */
size_t pk_outbox_due(pk_outbox *ob, int64_t now, pk_outbox_row *out, size_t n) {
  if (!ob || !out || !n) return 0;
  /* A row made "after" now was made while the clock was ahead, and the clock has since been set
   * back (NTP often corrects it just as the link returns): its wait is measured by a clock that
   * no longer holds, so it is due now rather than hours later. An early attempt is harmless. */
  return select_rows(ob,
                     "SELECT " ROW_COLUMNS " FROM rows WHERE state IN ('sending','queued')"
                     " AND (next_attempt_at <= ?1 OR created_at > ?1) ORDER BY rowid LIMIT ?2",
                     now, (int64_t)n, out, n);
}

size_t pk_outbox_list(pk_outbox *ob, pk_outbox_row *out, size_t n, size_t offset) {
  if (!ob || !out || !n) return 0;
  return select_rows(ob, "SELECT " ROW_COLUMNS " FROM rows ORDER BY rowid DESC LIMIT ?1 OFFSET ?2",
                     (int64_t)n, (int64_t)offset, out, n);
}

int pk_outbox_counts(pk_outbox *ob, size_t counts[PK_OB_STATE_COUNT], int64_t *oldest_pending) {
  if (!ob || !counts) return PK_OB_EINVAL;
  memset(counts, 0, sizeof(size_t) * PK_OB_STATE_COUNT);
  if (oldest_pending) *oldest_pending = 0;
  pthread_mutex_lock(&ob->lock);
  sqlite3_stmt *st = NULL;
  int rc = PK_OB_EIO;
  if (sqlite3_prepare_v2(ob->db,
                         "SELECT state, count(*), min(created_at) FROM rows GROUP BY state", -1, &st,
                         NULL) == SQLITE_OK) {
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
      pk_outbox_state state = state_from_name((const char *)sqlite3_column_text(st, 0));
      if (state == PK_OB_STATE_COUNT) continue;
      counts[state] = (size_t)sqlite3_column_int64(st, 1);
      int64_t oldest = sqlite3_column_int64(st, 2);
      bool pending = state == PK_OB_SENDING || state == PK_OB_QUEUED || state == PK_OB_EXPORTED;
      if (pending && oldest_pending && (!*oldest_pending || oldest < *oldest_pending)) *oldest_pending = oldest;
    }
    rc = s == SQLITE_DONE ? 0 : PK_OB_EIO;
  }
  sqlite3_finalize(st);
  pthread_mutex_unlock(&ob->lock);
  return rc;
}

/* ---- writing ----------------------------------------------------------------------- */

int ob_change_history(pk_outbox *ob, const char *ref, pk_outbox_state s, const char *code, int64_t now) {
  sqlite3_stmt *st = NULL;
  int rc = PK_OB_EIO;
  if (sqlite3_prepare_v2(ob->db, "INSERT INTO history(ref, at, state, code) VALUES(?1, ?2, ?3, ?4)", -1, &st,
                         NULL) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_text(st, 3, pk_outbox_state_name(s), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, code ? code : "", -1, SQLITE_STATIC);
    rc = sqlite3_step(st) == SQLITE_DONE ? 0 : PK_OB_EIO;
  }
  sqlite3_finalize(st);
  return rc;
}

static int state_locked(pk_outbox *ob, const char *ref, pk_outbox_state *out) {
  sqlite3_stmt *st = NULL;
  int rc = PK_OB_EIO;
  if (sqlite3_prepare_v2(ob->db, "SELECT state FROM rows WHERE ref = ?1", -1, &st, NULL) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
    int s = sqlite3_step(st);
    rc = s == SQLITE_ROW ? 0 : s == SQLITE_DONE ? PK_OB_NOTFOUND : PK_OB_EIO;
    if (rc == 0) *out = state_from_name((const char *)sqlite3_column_text(st, 0));
  }
  sqlite3_finalize(st);
  return rc;
}

static void bind_opt_text(sqlite3_stmt *st, int i, const char *s) {
  if (s) sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
  else sqlite3_bind_null(st, i);
}

static void bind_opt_int(sqlite3_stmt *st, int i, int64_t v) {
  if (v >= 0) sqlite3_bind_int64(st, i, v);
  else sqlite3_bind_null(st, i);
}

int ob_change_locked(pk_outbox *ob, const char *ref, const ob_change *ch, int64_t now) {
  pk_outbox_state cur;
  int rc = state_locked(ob, ref, &cur);
  if (rc != 0) return rc;
  if (cur == PK_OB_STATE_COUNT || !(ch->from & OB_BIT(cur))) return PK_OB_EINVAL;
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(ob->db,
                         "UPDATE rows SET state=?1, updated_at=?2, last_error=COALESCE(?3, last_error),"
                         " tracking_code=COALESCE(?4, tracking_code), receipt_jws=COALESCE(?5, receipt_jws),"
                         " next_attempt_at=COALESCE(?6, next_attempt_at), attempts=attempts+?7,"
                         " sealed=CASE WHEN ?8 THEN NULL ELSE sealed END, export_seq=COALESCE(?9, export_seq)"
                         " WHERE ref=?10",
                         -1, &st, NULL) != SQLITE_OK)
    return PK_OB_EIO;
  sqlite3_bind_text(st, 1, pk_outbox_state_name(ch->to), -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, now);
  bind_opt_text(st, 3, ch->code);
  bind_opt_text(st, 4, ch->tracking);
  bind_opt_text(st, 5, ch->receipt);
  bind_opt_int(st, 6, ch->next_attempt);
  sqlite3_bind_int(st, 7, ch->attempts_add);
  sqlite3_bind_int(st, 8, ch->drop_sealed);
  bind_opt_int(st, 9, ch->export_seq);
  sqlite3_bind_text(st, 10, ref, -1, SQLITE_STATIC);
  rc = sqlite3_step(st) == SQLITE_DONE ? 0 : PK_OB_EIO;
  sqlite3_finalize(st);
  return rc ? rc : ob_change_history(ob, ref, ch->to, ch->code, now);
}

static int change(pk_outbox *ob, const char *ref, const ob_change *ch) {
  if (!ob || !ref) return PK_OB_EINVAL;
  pthread_mutex_lock(&ob->lock);
  int rc = ob_begin(ob);
  if (rc == 0) rc = ob_change_locked(ob, ref, ch, (int64_t)time(NULL));
  if (rc == 0) rc = ob_commit(ob);
  if (rc) ob_rollback(ob);
  pthread_mutex_unlock(&ob->lock);
  return rc;
}

#define PENDING (OB_BIT(PK_OB_SENDING) | OB_BIT(PK_OB_QUEUED) | OB_BIT(PK_OB_EXPORTED))

int pk_outbox_sending(pk_outbox *ob, const char *ref) {
  return change(ob, ref, &(ob_change){PK_OB_SENDING, OB_BIT(PK_OB_QUEUED) | OB_BIT(PK_OB_SENDING),
                                      .next_attempt = -1, .export_seq = -1});
}

/* An exported row may be delivered by this kiosk too (a clerk requeued it, or the window answered
 * a lookup): the window deduplicates, the row records the truth. */
int pk_outbox_delivered(pk_outbox *ob, const char *ref, const char *tracking, const char *receipt_jws) {
  if (!tracking) return PK_OB_EINVAL;
  return change(ob, ref, &(ob_change){PK_OB_DELIVERED, PENDING, "", tracking, receipt_jws, .next_attempt = -1,
                                      .drop_sealed = true, .export_seq = -1});
}

int pk_outbox_failed(pk_outbox *ob, const char *ref, const char *code) {
  return change(ob, ref, &(ob_change){PK_OB_FAILED, PENDING, code ? code : "", .next_attempt = -1,
                                      .export_seq = -1});
}

int pk_outbox_not_registered(pk_outbox *ob, const char *ref) {
  return change(ob, ref, &(ob_change){PK_OB_NOT_REGISTERED, OB_BIT(PK_OB_SENDING) | OB_BIT(PK_OB_QUEUED),
                                      "not_registered", .next_attempt = -1, .drop_sealed = true,
                                      .export_seq = -1});
}

int pk_outbox_retry_later(pk_outbox *ob, const char *ref, const char *code, int64_t next_attempt_at) {
  return change(ob, ref, &(ob_change){PK_OB_QUEUED, OB_BIT(PK_OB_SENDING) | OB_BIT(PK_OB_QUEUED),
                                      code ? code : "", .next_attempt = next_attempt_at < 0 ? 0 : next_attempt_at,
                                      .attempts_add = 1, .export_seq = -1});
}

int pk_outbox_requeue(pk_outbox *ob, const char *ref) {
  return change(ob, ref, &(ob_change){PK_OB_QUEUED, OB_BIT(PK_OB_FAILED) | OB_BIT(PK_OB_EXPORTED),
                                      .next_attempt = 0, .export_seq = -1});
}

int pk_outbox_purge_delivered(pk_outbox *ob, int64_t older_than) {
  if (!ob) return PK_OB_EINVAL;
  pthread_mutex_lock(&ob->lock);
  sqlite3_stmt *st = NULL;
  int rc = ob_begin(ob);
  if (rc == 0 && sqlite3_prepare_v2(ob->db, "DELETE FROM rows WHERE state = 'delivered' AND updated_at < ?1",
                                    -1, &st, NULL) == SQLITE_OK) {
    sqlite3_bind_int64(st, 1, older_than);
    rc = sqlite3_step(st) == SQLITE_DONE ? sqlite3_changes(ob->db) : PK_OB_EIO;
  } else {
    rc = PK_OB_EIO;
  }
  sqlite3_finalize(st);
  if (rc >= 0 && ob_commit(ob) != 0) rc = PK_OB_EIO;
  if (rc < 0) ob_rollback(ob);
  pthread_mutex_unlock(&ob->lock);
  return rc;
}
