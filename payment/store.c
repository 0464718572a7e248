/* The payment store: SQLite in WAL mode with synchronous=FULL, so a state that was committed is
 * on the disk before the terminal hears the next thing; a history row for every transition. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

static const char *const METHOD_NAMES[PK_PAY_METHOD_COUNT] = {"card", "phone", "cash"};

const char *pk_pay_method_name(pk_pay_method m) {
  return (unsigned)m < PK_PAY_METHOD_COUNT ? METHOD_NAMES[m] : "unknown";
}

static pk_pay_method method_from(const char *name) {
  for (int i = 0; i < PK_PAY_METHOD_COUNT; i++)
    if (name && strcmp(name, METHOD_NAMES[i]) == 0) return (pk_pay_method)i;
  return PK_PAY_METHOD_COUNT;
}

static const char *const STATE_NAMES[PK_PAY_STATE_COUNT] = {
    "created", "sent", "approved", "declined", "uncertain", "reversed", "settled", "submitted"};

const char *pk_pay_state_name(pk_pay_state st) {
  return (unsigned)st < PK_PAY_STATE_COUNT ? STATE_NAMES[st] : "unknown";
}

static pk_pay_state state_from(const char *name) {
  for (int i = 0; i < PK_PAY_STATE_COUNT; i++)
    if (name && strcmp(name, STATE_NAMES[i]) == 0) return (pk_pay_state)i;
  return PK_PAY_STATE_COUNT;
}

/* Traces start from the creation time so a store made afresh does not reuse a terminal's old
 * trace numbers; the partial index allows one live payment per request (a declined card may be
 * followed by another card, never a second live sale). */
static const char SCHEMA[] =
    "CREATE TABLE IF NOT EXISTS payments(id INTEGER PRIMARY KEY AUTOINCREMENT, trace TEXT NOT NULL UNIQUE,"
    " idem_key TEXT NOT NULL, invoice TEXT NOT NULL, amount INTEGER NOT NULL, state TEXT NOT NULL,"
    " rc TEXT NOT NULL DEFAULT '', approval TEXT NOT NULL DEFAULT '', rrn TEXT NOT NULL DEFAULT '',"
    " pan_masked TEXT NOT NULL DEFAULT '', tracking_code TEXT NOT NULL DEFAULT '',"
    " created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, method TEXT NOT NULL DEFAULT 'card');"
    "CREATE UNIQUE INDEX IF NOT EXISTS live_by_key ON payments(idem_key)"
    " WHERE state NOT IN ('declined', 'reversed');"
    "CREATE INDEX IF NOT EXISTS by_state ON payments(state, id);"
    "CREATE TABLE IF NOT EXISTS history(id INTEGER PRIMARY KEY, trace TEXT NOT NULL, at INTEGER NOT NULL,"
    " state TEXT NOT NULL, note TEXT NOT NULL DEFAULT '');"
    "INSERT INTO sqlite_sequence(name, seq) SELECT 'payments', (strftime('%s', 'now') % 100000) * 1000000"
    " WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'payments');";

static int exec(pk_pay_store *s, const char *sql) {
  return sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : PK_PAY_EIO;
}

/* A store made before payments to the window existed holds card payments only. */
static int upgrade(pk_pay_store *s) {
  sqlite3_stmt *st = NULL;
  bool has = false;
  if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM pragma_table_info('payments') WHERE name = 'method'", -1, &st, NULL) ==
      SQLITE_OK)
    has = sqlite3_step(st) == SQLITE_ROW;
  sqlite3_finalize(st);
  return has ? 0 : exec(s, "ALTER TABLE payments ADD COLUMN method TEXT NOT NULL DEFAULT 'card'");
}

static void rollback(pk_pay_store *s) {
  if (!sqlite3_get_autocommit(s->db)) sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

static bool pragma_is(sqlite3 *db, const char *sql, const char *want) {
  sqlite3_stmt *st = NULL;
  bool ok = sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
            strcmp((const char *)sqlite3_column_text(st, 0), want) == 0;
  sqlite3_finalize(st);
  return ok;
}

pk_pay_store *pk_pay_store_open(const char *path, const pk_pay_opts *opts, char *err, size_t errsz) {
  int fd = path ? open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600) : -1;
  if (fd < 0) {
    if (err) snprintf(err, errsz, "cannot create %s: %s", path ? path : "(null)", strerror(errno));
    return NULL;
  }
  close(fd);
  pk_pay_store *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->opts = opts ? *opts : PK_PAY_OPTS_DEFAULT;
  pthread_mutex_init(&s->lock, NULL);
  bool ok = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, NULL) == SQLITE_OK;
  if (ok) sqlite3_busy_timeout(s->db, 5000);
  ok = ok && pragma_is(s->db, "PRAGMA journal_mode=WAL", "wal") && exec(s, "PRAGMA synchronous=FULL") == 0 &&
       exec(s, "BEGIN IMMEDIATE") == 0 && exec(s, SCHEMA) == 0 && upgrade(s) == 0 && exec(s, "COMMIT") == 0 &&
       pragma_is(s->db, "PRAGMA synchronous", "2");
  if (!ok) {
    if (err) snprintf(err, errsz, "%s", s->db ? sqlite3_errmsg(s->db) : "cannot open");
    pk_pay_store_close(s);
    return NULL;
  }
  return s;
}

void pk_pay_store_close(pk_pay_store *s) {
  if (!s) return;
  sqlite3_close(s->db);
  pthread_mutex_destroy(&s->lock);
  free(s);
}

#define COLS                                                                                                  \
  "trace, idem_key, invoice, amount, state, rc, approval, rrn, pan_masked, tracking_code, created_at, updated_at," \
  " method"

static void col(sqlite3_stmt *st, int i, char *dst, size_t cap) {
  const char *v = (const char *)sqlite3_column_text(st, i);
  snprintf(dst, cap, "%s", v ? v : "");
}

static void record_from(sqlite3_stmt *st, pk_pay_record *r) {
  memset(r, 0, sizeof *r);
  col(st, 0, r->trace, sizeof r->trace);
  col(st, 1, r->idem_key, sizeof r->idem_key);
  col(st, 2, r->invoice, sizeof r->invoice);
  r->amount = sqlite3_column_int64(st, 3);
  r->state = state_from((const char *)sqlite3_column_text(st, 4));
  col(st, 5, r->rc, sizeof r->rc);
  col(st, 6, r->approval, sizeof r->approval);
  col(st, 7, r->rrn, sizeof r->rrn);
  col(st, 8, r->pan_masked, sizeof r->pan_masked);
  col(st, 9, r->tracking_code, sizeof r->tracking_code);
  r->created_at = sqlite3_column_int64(st, 10);
  r->updated_at = sqlite3_column_int64(st, 11);
  r->method = method_from((const char *)sqlite3_column_text(st, 12));
}

/* The first row of sql (?1 = val) into out; caller holds the lock. */
static int get_locked(pk_pay_store *s, const char *sql, const char *val, pk_pay_record *out) {
  sqlite3_stmt *st = NULL;
  int rc = PK_PAY_EIO;
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, val, -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    rc = r == SQLITE_ROW ? PK_PAY_OK : r == SQLITE_DONE ? PK_PAY_NOTFOUND : PK_PAY_EIO;
    if (rc == PK_PAY_OK && out) record_from(st, out);
  }
  sqlite3_finalize(st);
  return rc;
}

static int get_one(pk_pay_store *s, const char *sql, const char *val, pk_pay_record *out) {
  if (!s || !val) return PK_PAY_EINVAL;
  pthread_mutex_lock(&s->lock);
  int rc = get_locked(s, sql, val, out);
  pthread_mutex_unlock(&s->lock);
  return rc;
}

static const char BY_TRACE[] = "SELECT " COLS " FROM payments WHERE trace = ?1";
static const char LIVE_BY_KEY[] =
    "SELECT " COLS " FROM payments WHERE idem_key = ?1 AND state NOT IN ('declined', 'reversed')";

int pk_pay_get(pk_pay_store *s, const char *trace, pk_pay_record *out) { return get_one(s, BY_TRACE, trace, out); }

int pk_pay_find(pk_pay_store *s, const char *idem_key, pk_pay_record *out) {
  return get_one(s, "SELECT " COLS " FROM payments WHERE idem_key = ?1 ORDER BY id DESC LIMIT 1", idem_key, out);
}

static bool run(sqlite3 *db, const char *sql, const char *const *texts, int ntexts, int64_t num) {
  sqlite3_stmt *st = NULL;
  bool ok = sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK;
  for (int i = 0; ok && i < ntexts; i++) sqlite3_bind_text(st, i + 1, texts[i], -1, SQLITE_STATIC);
  if (ok && sqlite3_bind_parameter_count(st) > ntexts) sqlite3_bind_int64(st, ntexts + 1, num);
  ok = ok && sqlite3_step(st) == SQLITE_DONE;
  sqlite3_finalize(st);
  return ok;
}

static bool history(pk_pay_store *s, const char *trace, pk_pay_state st, const char *note) {
  const char *t[] = {trace, pk_pay_state_name(st), note ? note : ""};
  return run(s->db, "INSERT INTO history(trace, state, note, at) VALUES (?1, ?2, ?3, ?4)", t, 3, (int64_t)time(NULL));
}

static bool insert_new(pk_pay_store *s, pk_pay_method m, int64_t amount, const char *invoice, const char *idem_key) {
  const char *t[] = {idem_key, invoice, pk_pay_method_name(m)};
  if (!run(s->db, "INSERT INTO payments(trace, idem_key, invoice, method, state, created_at, updated_at, amount)"
           " VALUES ('', ?1, ?2, ?3, 'created', unixepoch(), unixepoch(), ?4)", t, 3, amount))
    return false;
  int64_t id = sqlite3_last_insert_rowid(s->db);
  char trace[32];
  snprintf(trace, sizeof trace, "%012lld", (long long)id);
  const char *u[] = {trace};
  return run(s->db, "UPDATE payments SET trace = ?1 WHERE id = ?2", u, 1, id) && history(s, trace, PK_PAY_CREATED, "");
}

static bool key_ok(const char *k, size_t cap) {
  size_t n = k ? strnlen(k, cap) : cap;
  return n > 0 && n < cap;
}

static int begin(pk_pay_store *s, pk_pay_method m, int64_t amount, const char *invoice, const char *idem_key,
                 pk_pay_record *out) {
  if (!s || !out || amount <= 0 || amount > 999999999999LL || !key_ok(idem_key, 65) || !invoice || strlen(invoice) > 32)
    return PK_PAY_EINVAL;
  pthread_mutex_lock(&s->lock);
  int rc = exec(s, "BEGIN IMMEDIATE");
  if (rc == 0) rc = get_locked(s, LIVE_BY_KEY, idem_key, out);
  /* The same request with another amount, invoice or way is not the same payment: refused, not merged. */
  if (rc == 0 && (out->amount != amount || strcmp(out->invoice, invoice) != 0 || out->method != m)) rc = PK_PAY_ESTATE;
  if (rc == PK_PAY_NOTFOUND) {
    rc = insert_new(s, m, amount, invoice, idem_key) ? PK_PAY_OK : PK_PAY_EIO;
    if (rc == 0) rc = get_locked(s, LIVE_BY_KEY, idem_key, out);
  }
  if (rc == 0) rc = exec(s, "COMMIT");
  if (rc != 0) rollback(s);
  pthread_mutex_unlock(&s->lock);
  return rc;
}

int pk_pay_begin(pk_pay_store *s, int64_t amount, const char *invoice, const char *idem_key, pk_pay_record *out) {
  return begin(s, PK_PAY_CARD, amount, invoice, idem_key, out);
}

int pk_pay_begin_at_window(pk_pay_store *s, pk_pay_method m, int64_t amount, const char *invoice, const char *idem_key,
                           pk_pay_record *out) {
  if (m != PK_PAY_PHONE && m != PK_PAY_CASH) return PK_PAY_EINVAL;
  return begin(s, m, amount, invoice, idem_key, out);
}

/* Only letters and digits of a bank reference are kept; anything else and it is refused. */
static void clean_ref(const char *in, char *out, size_t cap) {
  size_t n = strnlen(in, cap - 1);
  for (size_t i = 0; i < n; i++) {
    char c = in[i];
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) n = 0;
  }
  memcpy(out, in, n);
  out[n] = 0;
}

static bool store_refs(pk_pay_store *s, const char *trace, const pk_pay_msg *ans) {
  char rc[3], ac[7], rrn[13], pan[24];
  clean_ref(ans->rc, rc, sizeof rc);
  clean_ref(ans->approval, ac, sizeof ac);
  clean_ref(ans->rrn, rrn, sizeof rrn);
  pk_pay_mask_pan(ans->pan, pan, sizeof pan);
  const char *t[] = {rc, ac, rrn, pan, trace};
  return run(s->db, "UPDATE payments SET rc = ?1, approval = CASE WHEN ?2 = '' THEN approval ELSE ?2 END,"
             " rrn = CASE WHEN ?3 = '' THEN rrn ELSE ?3 END, pan_masked = CASE WHEN ?4 = '' THEN pan_masked"
             " ELSE ?4 END WHERE trace = ?5", t, 5, 0);
}

static int transition_locked(pk_pay_store *s, const char *trace, unsigned from_mask, pk_pay_state to,
                             const pk_pay_msg *ans, const char *note) {
  pk_pay_record r;
  int rc = get_locked(s, BY_TRACE, trace, &r);
  if (rc != PK_PAY_OK) return rc;
  if ((unsigned)r.state >= PK_PAY_STATE_COUNT || !(from_mask & PAY_BIT(r.state))) return PK_PAY_ESTATE;
  const char *t[] = {pk_pay_state_name(to), trace};
  bool ok = run(s->db, "UPDATE payments SET state = ?1, updated_at = ?3 WHERE trace = ?2", t, 2, (int64_t)time(NULL)) &&
            (!ans || store_refs(s, trace, ans)) && history(s, trace, to, note);
  return ok ? PK_PAY_OK : PK_PAY_EIO;
}

int pay_set_state(pk_pay_store *s, const char *trace, unsigned from_mask, pk_pay_state to, const pk_pay_msg *ans,
                  const char *note) {
  pthread_mutex_lock(&s->lock);
  int rc = exec(s, "BEGIN IMMEDIATE");
  if (rc == 0) rc = transition_locked(s, trace, from_mask, to, ans, note);
  if (rc == 0) rc = exec(s, "COMMIT");
  if (rc != 0) rollback(s);
  pthread_mutex_unlock(&s->lock);
  return rc;
}

int pk_pay_mark_submitted(pk_pay_store *s, const char *trace, const char *tracking_code) {
  if (!s || !trace || !key_ok(tracking_code, 33)) return PK_PAY_EINVAL;
  pthread_mutex_lock(&s->lock);
  int rc = exec(s, "BEGIN IMMEDIATE");
  if (rc == 0) rc = transition_locked(s, trace, PAY_BIT(PK_PAY_APPROVED), PK_PAY_SUBMITTED, NULL, tracking_code);
  const char *t[] = {tracking_code, trace};
  if (rc == 0 && !run(s->db, "UPDATE payments SET tracking_code = ?1 WHERE trace = ?2", t, 2, 0))
    rc = PK_PAY_EIO;
  if (rc == 0) rc = exec(s, "COMMIT");
  if (rc != 0) rollback(s);
  pthread_mutex_unlock(&s->lock);
  return rc;
}

int pk_pay_mark_settled(pk_pay_store *s, const char *trace) {
  if (!s || !trace) return PK_PAY_EINVAL;
  pk_pay_record r;
  int rc = pk_pay_get(s, trace, &r);
  if (rc == PK_PAY_OK && r.state == PK_PAY_SETTLED) return PK_PAY_OK;
  if (rc == PK_PAY_OK && r.method != PK_PAY_CARD) return PK_PAY_ESTATE;
  return rc ? rc : pay_set_state(s, trace, PAY_BIT(PK_PAY_SUBMITTED), PK_PAY_SETTLED, NULL, "batch closed");
}

size_t pay_list(pk_pay_store *s, unsigned mask, char (*traces)[PK_PAY_TRACE_LEN + 1], size_t n) {
  size_t got = 0;
  pthread_mutex_lock(&s->lock);
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(s->db, "SELECT trace, state FROM payments"
                         " WHERE state NOT IN ('declined', 'reversed', 'settled', 'submitted') AND method = 'card' ORDER BY id", -1, &st, NULL) == SQLITE_OK)
    while (got < n && sqlite3_step(st) == SQLITE_ROW) {
      pk_pay_state ps = state_from((const char *)sqlite3_column_text(st, 1));
      if (ps < PK_PAY_STATE_COUNT && (mask & PAY_BIT(ps))) col(st, 0, traces[got++], PK_PAY_TRACE_LEN + 1);
    }
  sqlite3_finalize(st);
  pthread_mutex_unlock(&s->lock);
  return got;
}

/* Every row of sql (?1, ?2 bound to a, b when given), oldest first, into *out (malloc'd). */
static int list_rows(pk_pay_store *s, const char *sql, const int64_t *a, const int64_t *b, pk_pay_record **out) {
  *out = NULL;
  size_t n = 0, cap = 0;
  int rc = 0;
  pthread_mutex_lock(&s->lock);
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) rc = PK_PAY_EIO;
  if (a) sqlite3_bind_int64(st, 1, *a);
  if (b) sqlite3_bind_int64(st, 2, *b);
  while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
    pk_pay_record *more = n == cap ? realloc(*out, (cap = cap ? 2 * cap : 16) * sizeof **out) : *out;
    if (!more) rc = PK_PAY_EIO;
    else record_from(st, &(*out = more)[n++]);
  }
  sqlite3_finalize(st);
  pthread_mutex_unlock(&s->lock);
  if (rc) free(*out), *out = NULL;
  return rc ? rc : (int)n;
}

int pk_pay_list_between(pk_pay_store *s, int64_t from, int64_t to, pk_pay_record **out) {
  if (!s || !out) return PK_PAY_EINVAL;
  return list_rows(s, "SELECT " COLS " FROM payments WHERE created_at >= ?1 AND created_at < ?2 ORDER BY id", &from, &to,
                   out);
}

int pk_pay_list_open_at_window(pk_pay_store *s, pk_pay_record **out) {
  if (!s || !out) return PK_PAY_EINVAL;
  return list_rows(s, "SELECT " COLS " FROM payments WHERE method != 'card'"
                   " AND state IN ('created', 'sent', 'approved') ORDER BY id", NULL, NULL, out);
}

/* The steps a payment to the window may take (its money is the window's to give back). */
static unsigned window_from(pk_pay_state to) {
  switch (to) {
  case PK_PAY_SENT: return PAY_BIT(PK_PAY_CREATED);
  case PK_PAY_APPROVED:
  case PK_PAY_DECLINED: return PAY_BIT(PK_PAY_CREATED) | PAY_BIT(PK_PAY_SENT);
  case PK_PAY_REVERSED: return PAY_BIT(PK_PAY_CREATED) | PAY_BIT(PK_PAY_SENT) | PAY_BIT(PK_PAY_APPROVED);
  default: return 0;
  }
}

int pk_pay_window_step(pk_pay_store *s, const char *trace, pk_pay_state to, const char *ref, const char *note) {
  pk_pay_record r;
  int rc = s && trace ? pk_pay_get(s, trace, &r) : PK_PAY_EINVAL;
  if (rc != PK_PAY_OK) return rc;
  if (r.method == PK_PAY_CARD || !window_from(to)) return PK_PAY_ESTATE;
  pk_pay_msg refs = {0};
  snprintf(refs.rrn, sizeof refs.rrn, "%s", ref ? ref : "");
  return pay_set_state(s, trace, window_from(to), to, ref ? &refs : NULL, note);
}
