/* The simulator's state in SQLite, so that requests, tracking codes and receipts survive
 * a restart when a file is given. One connection, used under s->lock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"

static const char *schema =
  "PRAGMA journal_mode=WAL;"
  "PRAGMA synchronous=NORMAL;"
  "CREATE TABLE IF NOT EXISTS challenges(nonce TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL,"
  "  expires_at INTEGER NOT NULL, used INTEGER NOT NULL DEFAULT 0);"
  "CREATE TABLE IF NOT EXISTS sessions(token TEXT PRIMARY KEY, national_code TEXT NOT NULL,"
  "  name_fa TEXT NOT NULL DEFAULT '', name_en TEXT NOT NULL DEFAULT '', level INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);"
  "CREATE TABLE IF NOT EXISTS clerk_cards(token TEXT PRIMARY KEY);" /* sessions of a clerk's certificate */
  "CREATE TABLE IF NOT EXISTS citizens(national_code TEXT PRIMARY KEY, mobile TEXT NOT NULL);"
  "CREATE TABLE IF NOT EXISTS otps(otp_id TEXT PRIMARY KEY, national_code TEXT NOT NULL, mobile TEXT NOT NULL,"
  "  code TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,"
  "  attempts INTEGER NOT NULL DEFAULT 0, used INTEGER NOT NULL DEFAULT 0);"
  "CREATE INDEX IF NOT EXISTS otps_nc ON otps(national_code, created_at);"
  "CREATE TABLE IF NOT EXISTS requests(tracking_code TEXT PRIMARY KEY, idem_key TEXT UNIQUE NOT NULL,"
  "  body_hash TEXT NOT NULL, national_code TEXT NOT NULL, service_id TEXT NOT NULL, fields TEXT NOT NULL,"
  "  submitted_at INTEGER NOT NULL, response TEXT NOT NULL, kiosk_id TEXT NOT NULL DEFAULT '',"
  "  channel TEXT NOT NULL DEFAULT 'online', level INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL DEFAULT 0);"
  "CREATE TABLE IF NOT EXISTS inbox(id TEXT PRIMARY KEY, national_code TEXT NOT NULL, kind TEXT NOT NULL,"
  "  title_fa TEXT NOT NULL, title_en TEXT NOT NULL, body_fa TEXT NOT NULL, body_en TEXT NOT NULL,"
  "  tracking_code TEXT NOT NULL DEFAULT '', created_at INTEGER NOT NULL, read INTEGER NOT NULL DEFAULT 0);"
  "CREATE INDEX IF NOT EXISTS inbox_nc ON inbox(national_code, created_at);"
  "CREATE TABLE IF NOT EXISTS invoices(id TEXT PRIMARY KEY, service_id TEXT NOT NULL, national_code TEXT NOT NULL,"
  "  idem_key TEXT NOT NULL, amount INTEGER NOT NULL, payable_until INTEGER NOT NULL,"
  "  status TEXT NOT NULL DEFAULT 'unpaid', bank_ref TEXT UNIQUE, terminal_id TEXT, trace TEXT, paid_at INTEGER,"
  "  used_by TEXT UNIQUE, UNIQUE(national_code, service_id, idem_key));"
  "CREATE TABLE IF NOT EXISTS level1_misses(national_code TEXT NOT NULL, at INTEGER NOT NULL);"
  "CREATE TABLE IF NOT EXISTS provider(bank_ref TEXT PRIMARY KEY, amount INTEGER NOT NULL, invoice_id TEXT);";

/* Columns added after the first release: a state file made by an older simulator gains them
 * (the ALTER fails harmlessly where the column is already there). */
static void add_columns(sqlite3 *db, const char *table, const char *const *cols, size_t n) {
  for (size_t i = 0; i < n; i++) {
    char *sql = sqlite3_mprintf("ALTER TABLE %s ADD COLUMN %s", table, cols[i]);
    sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_free(sql);
  }
}

static void upgrade(sqlite3 *db) {
  static const char *const cols[] = {"kiosk_id TEXT NOT NULL DEFAULT ''", "channel TEXT NOT NULL DEFAULT 'online'",
                                     "level INTEGER NOT NULL DEFAULT 0", "created_at INTEGER NOT NULL DEFAULT 0",
                                     "on_behalf_of TEXT", "assisted_by TEXT", "invoice_id TEXT"};
  static const char *const inv[] = {"method TEXT NOT NULL DEFAULT ''", "link_token TEXT", "link_until INTEGER",
                                    "cash_clerk TEXT"};
  add_columns(db, "requests", cols, sizeof cols / sizeof cols[0]);
  add_columns(db, "invoices", inv, sizeof inv / sizeof inv[0]);
}

int sim_db_open(pk_window_sim *s, const char *path, char **err) {
  if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL) !=
      SQLITE_OK) {
    if (err && asprintf(err, "cannot open the simulator database %s: %s", path, sqlite3_errmsg(s->db)) < 0)
      *err = NULL;
    return -1;
  }
  sqlite3_busy_timeout(s->db, 5000);
  char *e = NULL;
  if (sqlite3_exec(s->db, schema, NULL, NULL, &e) != SQLITE_OK) {
    if (err && asprintf(err, "simulator schema: %s", e ? e : "?") < 0) *err = NULL;
    sqlite3_free(e);
    return -1;
  }
  upgrade(s->db);
  return 0;
}

void sim_db_close(pk_window_sim *s) {
  if (s->db) sqlite3_close(s->db);
  s->db = NULL;
}

long pk_window_sim_request_count(pk_window_sim *s) {
  long n = -1;
  sqlite3_stmt *st;
  pthread_mutex_lock(&s->lock);
  if (sqlite3_prepare_v2(s->db, "SELECT count(*) FROM requests", -1, &st, NULL) == SQLITE_OK) {
    if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
  }
  pthread_mutex_unlock(&s->lock);
  return n;
}

/* One code from the otps table: sql with at most one text parameter (NULL: none). */
static int otp_code(pk_window_sim *s, const char *sql, const char *param, char out[8]) {
  int rc = -1;
  sqlite3_stmt *st;
  pthread_mutex_lock(&s->lock);
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK) {
    if (param) sqlite3_bind_text(st, 1, param, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW) {
      snprintf(out, 8, "%s", (const char *)sqlite3_column_text(st, 0));
      rc = 0;
    }
    sqlite3_finalize(st);
  }
  pthread_mutex_unlock(&s->lock);
  return rc;
}

int pk_window_sim_last_otp(pk_window_sim *s, const char *otp_id, char out[8]) {
  return otp_code(s, "SELECT code FROM otps WHERE otp_id=?", otp_id, out);
}

int pk_window_sim_latest_otp(pk_window_sim *s, char out[8]) {
  return otp_code(s, "SELECT code FROM otps ORDER BY rowid DESC LIMIT 1", NULL, out);
}
