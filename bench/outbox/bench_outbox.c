/* Enqueue (consent digest + card signature by a software P-256 key + seal + durable insert) p50
 * and p99, against the floor measured alternately in the same run and directory: one bare SQLite
 * insert of a row as large, WAL with synchronous=FULL. Target p99 <= 3x the floor's p99.
 * Then export and import of a 500-request bundle: target < 2 s each. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../bench_clock.h"
#include "pishkhan/outbox.h"
#include "../../tests/outbox/fixture.h"

#define N 300
#define BUNDLE_ROWS 500

static const char FIELDS[] = "{\"first_name\":\"زهرا\",\"last_name\":\"فراهانی\",\"father_name\":\"علی\","
                             "\"birth_date\":\"1365-04-12\",\"mobile\":\"09121234567\",\"postal_code\":\"1234567890\","
                             "\"address\":\"تهران، خیابان آزادی، کوچه ۱۲، پلاک ۴\"}";

static int enqueue(pk_outbox *ob, const char *jwks, size_t *sealed_len) {
  pk_outbox_row row;
  fx_row(ob, &row, "svc.passport", (int64_t)time(NULL));
  char *jwe = fx_seal(jwks, &row, "0073649181", FIELDS); /* tbs, digest, card signature, seal */
  char err[256];
  int rc = jwe ? pk_outbox_insert(ob, &row, jwe, err, sizeof err) : -1;
  if (rc) fprintf(stderr, "enqueue: %s\n", err);
  if (jwe) *sealed_len = strlen(jwe);
  free(jwe);
  return rc;
}

static sqlite3 *floor_db(const char *dir) {
  char path[400];
  snprintf(path, sizeof path, "%s/floor.db", dir);
  sqlite3 *db = NULL;
  sqlite3_open(path, &db);
  sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE t(id INTEGER PRIMARY KEY, body TEXT)",
               NULL, NULL, NULL);
  return db;
}

static int floor_insert(sqlite3 *db, const char *body) {
  sqlite3_stmt *st = NULL;
  sqlite3_prepare_v2(db, "INSERT INTO t(body) VALUES(?1)", -1, &st, NULL);
  sqlite3_bind_text(st, 1, body, -1, SQLITE_STATIC);
  int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : 1;
  sqlite3_finalize(st);
  return rc;
}

static int take(void *ud, const pk_outbox_row *meta, const char *sealed) {
  (void)meta, (void)sealed;
  ++*(size_t *)ud;
  return 0;
}

static int bundle(const char *dir, const char *jwks) {
  char db[400], err[256], path[600], pem[512], kidfile[512], kid[64] = "";
  snprintf(db, sizeof db, "%s/bundle.db", dir);
  snprintf(pem, sizeof pem, "%s/pki/device/key.pem", PK_BINARY_DIR);
  snprintf(kidfile, sizeof kidfile, "%s/pki/device/kid", PK_BINARY_DIR);
  char *k = fx_read(kidfile, NULL), *dev_jwks;
  snprintf(kidfile, sizeof kidfile, "%s/pki/device/jwks.json", PK_BINARY_DIR);
  dev_jwks = fx_read(kidfile, NULL);
  if (!k || !dev_jwks) return 1;
  snprintf(kid, sizeof kid, "%.*s", (int)strcspn(k, "\n"), k);
  free(k);
  pk_outbox *ob = pk_outbox_open(db, NULL, err, sizeof err);
  size_t len = 0, count = 0, got = 0;
  for (int i = 0; i < BUNDLE_ROWS; i++)
    if (enqueue(ob, jwks, &len)) return 1;
  double t0 = bench_now_ms();
  if (pk_outbox_export(ob, dir, pem, kid, "kiosk-7", (int64_t)time(NULL), 86400, path, sizeof path, &count, err,
                       sizeof err))
    return fprintf(stderr, "export: %s\n", err), 1;
  double t_export = bench_now_ms() - t0;
  snprintf(db, sizeof db, "%s/import.db", dir);
  pk_outbox *in = pk_outbox_open(db, NULL, err, sizeof err);
  t0 = bench_now_ms();
  if (pk_outbox_import(in, path, dev_jwks, (int64_t)time(NULL), take, &got, &count, err, sizeof err))
    return fprintf(stderr, "import: %s\n", err), 1;
  double t_import = bench_now_ms() - t0;
  struct stat st;
  stat(path, &st);
  printf("bundle of %zu requests (%lld bytes): export %.3f s, import %.3f s  (target < 2 s each: %s)\n", got,
         (long long)st.st_size, t_export / 1e3, t_import / 1e3,
         t_export < 2000 && t_import < 2000 ? "met" : "MISSED");
  pk_outbox_close(ob);
  pk_outbox_close(in);
  free(dev_jwks);
  return 0;
}

int main(void) {
  char dir[256];
  const char *base = getenv("PK_BENCH_DIR"); /* the disk a kiosk's data_dir is on; default TMPDIR */
  if (base) {
    snprintf(dir, sizeof dir, "%s/pk-outbox-bench-XXXXXX", base);
    if (!mkdtemp(dir)) {
      perror(dir);
      return 1;
    }
  } else {
    fx_tmpdir(dir, sizeof dir);
  }
  char *jwks = NULL, *priv = fx_window_key(&jwks);
  char db[400], err[256];
  snprintf(db, sizeof db, "%s/outbox.db", dir);
  pk_outbox *ob = pk_outbox_open(db, &(pk_outbox_limits){100000, 7}, err, sizeof err);
  sqlite3 *fl = floor_db(dir);
  size_t len = 0;
  if (!ob || enqueue(ob, jwks, &len)) return 1; /* warm-up, and the sealed size for the floor's rows */
  char *body = malloc(len + 1);
  memset(body, 'x', len);
  body[len] = '\0';
  floor_insert(fl, body);
  static double te[N], tf[N];
  for (int i = 0; i < N; i++) {
    double t0 = bench_now_ms();
    if (enqueue(ob, jwks, &len)) return 1;
    te[i] = bench_now_ms() - t0;
    t0 = bench_now_ms();
    if (floor_insert(fl, body)) return 1;
    tf[i] = bench_now_ms() - t0;
  }
  qsort(te, N, sizeof *te, bench_cmp_double);
  qsort(tf, N, sizeof *tf, bench_cmp_double);
  double ratio = te[N * 99 / 100] / tf[N * 99 / 100];
  printf("floor: bare SQLite insert (WAL, synchronous=FULL, %zu bytes)  p50 %6.2f ms  p99 %6.2f ms\n", len, tf[N / 2],
         tf[N * 99 / 100]);
  printf("enqueue: sign + seal + durable insert             p50 %6.2f ms  p99 %6.2f ms\n", te[N / 2], te[N * 99 / 100]);
  printf("enqueue p99 / floor p99 = %.2fx (p50 %.2fx)  (target <= 3x: %s)\n", ratio, te[N / 2] / tf[N / 2],
         ratio <= 3 ? "met" : "MISSED");
  sqlite3_close(fl);
  pk_outbox_close(ob);
  int rc = bundle(dir, jwks);
  free(body), free(jwks), free(priv);
  fx_rm_rf(dir);
  return rc;
}
