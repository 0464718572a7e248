/* USB bundles: exported on one store, imported on another; altered, expired, replayed or
 * wrongly signed bundles are refused; a stick that lies on read-back fails the export loudly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../outbox/internal.h"
#include "fixture.h"

typedef struct fx {
  char dir[256], usb[300], pem[512], kid[64], *jwks, *win_priv, *win_jwks;
  pk_outbox *a, *b;
  pk_outbox_row rows[3];
} fx;

static pk_outbox *open_store(fx *f, const char *name) {
  char path[400], err[256];
  snprintf(path, sizeof path, "%s/%s.db", f->dir, name);
  pk_outbox *ob = pk_outbox_open(path, NULL, err, sizeof err);
  if (!ob) fail_msg("open %s: %s", path, err);
  return ob;
}

static int setup(void **state) {
  fx *f = calloc(1, sizeof *f);
  fx_tmpdir(f->dir, sizeof f->dir);
  snprintf(f->usb, sizeof f->usb, "%s/usb", f->dir);
  mkdir(f->usb, 0700);
  const char *bin = getenv("PK_BINARY_DIR");
  snprintf(f->pem, sizeof f->pem, "%s/pki/device/key.pem", bin ? bin : ".");
  char path[600];
  snprintf(path, sizeof path, "%s/pki/device/jwks.json", bin ? bin : ".");
  f->jwks = fx_read(path, NULL);
  snprintf(path, sizeof path, "%s/pki/device/kid", bin ? bin : ".");
  char *kid = fx_read(path, NULL);
  if (!f->jwks || !kid) fail_msg("device key missing under %s/pki/device", bin);
  kid[strcspn(kid, "\n")] = '\0';
  snprintf(f->kid, sizeof f->kid, "%s", kid);
  free(kid);
  f->win_priv = fx_window_key(&f->win_jwks);
  f->a = open_store(f, "a");
  f->b = open_store(f, "b");
  int64_t now = (int64_t)time(NULL);
  for (int i = 0; i < 3; i++) {
    fx_row(f->a, &f->rows[i], "svc.passport", now - 100 + i);
    char *jwe = fx_seal(f->win_jwks, &f->rows[i], "0073649181", "{\"last_name\":\"Farahani\"}");
    char err[256];
    if (pk_outbox_insert(f->a, &f->rows[i], jwe, err, sizeof err)) fail_msg("insert: %s", err);
    free(jwe);
  }
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fx *f = *state;
  pk_outbox_close(f->a);
  pk_outbox_close(f->b);
  fx_rm_rf(f->dir);
  free(f->jwks), free(f->win_priv), free(f->win_jwks), free(f);
  return 0;
}

typedef struct got {
  size_t n;
  char refs[8][16];
  int fail_at;
  const char *win_priv;
} got;

static int take(void *ud, const pk_outbox_row *meta, const char *sealed) {
  got *g = ud;
  if (g->fail_at >= 0 && (size_t)g->fail_at == g->n) return -1;
  snprintf(g->refs[g->n++ % 8], 16, "%s", meta->ref);
  char err[128];
  size_t len;
  uint8_t *plain = pk_unseal(g->win_priv, sealed, &len, err, sizeof err);
  assert_non_null(plain); /* the window can open what came on the stick */
  free(plain);
  return 0;
}

static int export_now(fx *f, int64_t now, char *path, size_t *count, char *err) {
  return pk_outbox_export(f->a, f->usb, f->pem, f->kid, "kiosk-7", now, 3 * 86400, path, 600, count, err, 256);
}

static void test_round_trip(void **state) {
  fx *f = *state;
  int64_t now = (int64_t)time(NULL);
  pk_outbox_row online;
  fx_row(f->a, &online, "svc.tax", now);
  online.sealed_offline = false; /* needs a session: not for another office to forward */
  char err[256], path[600];
  assert_int_equal(pk_outbox_insert(f->a, &online, "a.b.c.d.e", err, sizeof err), 0);
  size_t count = 0;
  if (export_now(f, now, path, &count, err)) fail_msg("export: %s", err);
  assert_int_equal(count, 3);
  char want[600];
  snprintf(want, sizeof want, "%s/kiosk-7-1.pkq", f->usb);
  assert_string_equal(path, want);
  pk_outbox_row r;
  assert_int_equal(pk_outbox_get(f->a, f->rows[0].ref, false, &r), 0);
  assert_int_equal(r.state, PK_OB_EXPORTED);
  assert_int_equal(r.export_seq, 1);
  pk_outbox_row_clear(&r);
  pk_outbox_row due[8];
  assert_int_equal(pk_outbox_due(f->a, now + 10, due, 8), 1); /* only the online row */
  pk_outbox_row_clear(&due[0]);

  got g = {.fail_at = -1, .win_priv = f->win_priv};
  if (pk_outbox_import(f->b, path, f->jwks, now + 60, take, &g, &count, err, sizeof err)) fail_msg("import: %s", err);
  assert_int_equal(count, 3);
  assert_int_equal(g.n, 3);
  for (int i = 0; i < 3; i++) assert_string_equal(g.refs[i], f->rows[i].ref);
  /* The same bundle again: a replay, refused; the window would have deduplicated anyway. */
  assert_int_equal(pk_outbox_import(f->b, path, f->jwks, now + 60, take, &g, &count, err, sizeof err),
                   PK_OB_EBUNDLE);
  assert_non_null(strstr(err, "already imported"));
  assert_int_equal(g.n, 3);
  /* Nothing left to export: no file, no sequence number used. */
  assert_int_equal(export_now(f, now, path, &count, err), 0);
  assert_int_equal(count, 0);
  assert_int_equal(pk_outbox_requeue(f->a, f->rows[1].ref), 0); /* the stick was lost */
  assert_int_equal(export_now(f, now, path, &count, err), 0);
  assert_int_equal(count, 1);
  snprintf(want, sizeof want, "%s/kiosk-7-2.pkq", f->usb);
  assert_string_equal(path, want);
}

static void test_refused_bundles(void **state) {
  fx *f = *state;
  int64_t now = (int64_t)time(NULL);
  char err[256], path[600];
  size_t count, len;
  assert_int_equal(export_now(f, now, path, &count, err), 0);
  got g = {.fail_at = -1, .win_priv = f->win_priv};
  /* Expired. */
  assert_int_equal(pk_outbox_import(f->b, path, f->jwks, now + 3 * 86400 + 1, take, &g, &count, err, sizeof err),
                   PK_OB_EBUNDLE);
  assert_non_null(strstr(err, "expired"));
  /* Signed by another kiosk's key. */
  char *other_jwks, *other = fx_window_key(&other_jwks);
  assert_int_equal(pk_outbox_import(f->b, path, other_jwks, now, take, &g, &count, err, sizeof err), PK_OB_EBUNDLE);
  free(other), free(other_jwks);
  /* One byte altered, at several places of header, payload and signature. */
  char *text = fx_read(path, &len);
  char bad[700];
  snprintf(bad, sizeof bad, "%s/bad.pkq", f->usb);
  for (size_t pos = 3; pos < len - 2; pos += len / 23) {
    if (text[pos] == '.') continue;
    char *t = strdup(text);
    t[pos] = t[pos] == 'A' ? 'B' : 'A';
    FILE *o = fopen(bad, "wb");
    fwrite(t, 1, len, o);
    fclose(o);
    free(t);
    if (pk_outbox_import(f->b, bad, f->jwks, now, take, &g, &count, err, sizeof err) != PK_OB_EBUNDLE)
      fail_msg("a byte changed at %zu was imported", pos);
  }
  free(text);
  assert_int_equal(g.n, 0);
  /* The window unreachable half-way: nothing recorded, so the clerk can import again. */
  g.fail_at = 1;
  assert_int_equal(pk_outbox_import(f->b, path, f->jwks, now, take, &g, &count, err, sizeof err), PK_OB_ECB);
  assert_int_equal(count, 1);
  g = (got){.fail_at = -1, .win_priv = f->win_priv};
  assert_int_equal(pk_outbox_import(f->b, path, f->jwks, now, take, &g, &count, err, sizeof err), 0);
  assert_int_equal(count, 3);
}

static const char *export_outcome(pk_outbox *ob, int64_t seq, char *out, size_t n) {
  sqlite3_stmt *st = NULL;
  sqlite3_prepare_v2(ob->db, "SELECT outcome FROM exports WHERE seq = ?1", -1, &st, NULL);
  sqlite3_bind_int64(st, 1, seq);
  snprintf(out, n, "%s", sqlite3_step(st) == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : "(none)");
  sqlite3_finalize(st);
  return out;
}

/* Run with shim_readback preloaded: the stick returns other bytes than were written. */
static void test_readback_fails(void **state) {
  fx *f = *state;
  const char *pre = getenv("LD_PRELOAD");
  if (!pre || !strstr(pre, "shim_readback")) fail_msg("run with the read-back shim preloaded");
  int64_t now = (int64_t)time(NULL);
  char err[256] = "", path[600], outcome[256];
  size_t count = 99;
  setenv("PK_SHIM_FLIP_SUFFIX", ".pkq", 1);
  assert_int_equal(export_now(f, now, path, &count, err), PK_OB_EIO);
  unsetenv("PK_SHIM_FLIP_SUFFIX");
  assert_non_null(strstr(err, "read-back"));
  assert_int_equal(count, 0);
  char file[700];
  snprintf(file, sizeof file, "%s/kiosk-7-1.pkq", f->usb);
  assert_int_not_equal(access(file, F_OK), 0); /* no bad bundle left for the clerk to carry */
  assert_non_null(strstr(export_outcome(f->a, 1, outcome, sizeof outcome), "failed: read-back"));
  pk_outbox_row r;
  assert_int_equal(pk_outbox_get(f->a, f->rows[0].ref, false, &r), 0);
  assert_int_equal(r.state, PK_OB_QUEUED); /* still this kiosk's to deliver */
  pk_outbox_row_clear(&r);
  /* The next export takes the next number: seq 1 stays burned, and says why. */
  assert_int_equal(export_now(f, now, path, &count, err), 0);
  assert_int_equal(count, 3);
  assert_non_null(strstr(path, "kiosk-7-2.pkq"));
  assert_string_equal(export_outcome(f->a, 2, outcome, sizeof outcome), "ok");
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
      cmocka_unit_test_setup_teardown(test_refused_bundles, setup, teardown),
  };
  const struct CMUnitTest readback[] = {cmocka_unit_test_setup_teardown(test_readback_fails, setup, teardown)};
  if (argc > 1 && strcmp(argv[1], "readback") == 0) return cmocka_run_group_tests(readback, NULL, NULL);
  return cmocka_run_group_tests(tests, NULL, NULL);
}
