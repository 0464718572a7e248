/* The outbox store: states and their transitions, the store-and-forward limits, delivery order,
 * purge, durability settings, and a file that holds no citizen's data in clear. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <cmocka.h>

#include "../../outbox/internal.h"
#include "fixture.h"

static const char FAKE_JWE[] = "eyJhbGciOiJ4In0.a2V5.aXY.Y2lwaGVy.dGFn";

typedef struct fx {
  char dir[256], db[300];
  pk_outbox *ob;
} fx;

static int setup(void **state) {
  fx *f = calloc(1, sizeof *f);
  fx_tmpdir(f->dir, sizeof f->dir);
  snprintf(f->db, sizeof f->db, "%s/outbox.db", f->dir);
  char err[256];
  f->ob = pk_outbox_open(f->db, &(pk_outbox_limits){3, 7}, err, sizeof err);
  if (!f->ob) fail_msg("open: %s", err);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fx *f = *state;
  pk_outbox_close(f->ob);
  fx_rm_rf(f->dir);
  free(f);
  return 0;
}

static void insert_ok(pk_outbox *ob, pk_outbox_row *r) {
  char err[256] = "";
  int rc = pk_outbox_insert(ob, r, FAKE_JWE, err, sizeof err);
  if (rc) fail_msg("insert %d: %s", rc, err);
}

static const char *pragma(pk_outbox *ob, const char *sql, char *out, size_t n) {
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_prepare_v2(ob->db, sql, -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  return out;
}

/* A row is on the disk when insert returns: WAL with synchronous=FULL fsyncs every commit. */
static void test_durability_settings(void **state) {
  fx *f = *state;
  char v[32];
  assert_string_equal(pragma(f->ob, "PRAGMA journal_mode", v, sizeof v), "wal");
  assert_string_equal(pragma(f->ob, "PRAGMA synchronous", v, sizeof v), "2");
  assert_string_equal(pragma(f->ob, "PRAGMA secure_delete", v, sizeof v), "1");
  struct stat st;
  assert_int_equal(stat(f->db, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0600);
}

static void test_draft_ref_and_key(void **state) {
  fx *f = *state;
  pk_outbox_row a, b;
  assert_true(pk_outbox_draft(f->ob, &a));
  assert_true(pk_outbox_draft(f->ob, &b));
  assert_true(pk_outbox_ref_valid(a.ref));
  assert_string_not_equal(a.ref, b.ref);
  assert_string_not_equal(a.idem_key, b.idem_key);
  assert_int_equal(strlen(a.idem_key), 36);
  assert_int_equal(a.idem_key[14], '4'); /* version 4 */
  assert_non_null(strchr("89ab", a.idem_key[19]));
  char g[16];
  pk_outbox_ref_group(a.ref, g, sizeof g);
  assert_int_equal(strlen(g), 12);
  assert_int_equal(g[3], ' ');
}

/* A citizen typing the reference: every wrong digit and every swap of neighbours is caught. */
static void test_ref_check_digit(void **state) {
  fx *f = *state;
  for (int n = 0; n < 50; n++) {
    pk_outbox_row r;
    assert_true(pk_outbox_draft(f->ob, &r));
    char t[16];
    for (int i = 0; i < PK_OUTBOX_REF_DIGITS; i++) {
      for (char d = '0'; d <= '9'; d++) {
        if (d == r.ref[i]) continue;
        memcpy(t, r.ref, sizeof t);
        t[i] = d;
        assert_false(pk_outbox_ref_valid(t));
      }
      if (i + 1 < PK_OUTBOX_REF_DIGITS && r.ref[i] != r.ref[i + 1]) {
        memcpy(t, r.ref, sizeof t);
        t[i] = r.ref[i + 1], t[i + 1] = r.ref[i];
        assert_false(pk_outbox_ref_valid(t));
      }
    }
  }
  assert_false(pk_outbox_ref_valid("12345"));
  assert_false(pk_outbox_ref_valid("12345678a0"));
}

static void test_states(void **state) {
  fx *f = *state;
  pk_outbox_row r, got;
  fx_row(f->ob, &r, "svc.passport", 0);
  r.state = PK_OB_SENDING;
  insert_ok(f->ob, &r);
  assert_int_equal(pk_outbox_get(f->ob, r.ref, true, &got), 0);
  assert_int_equal(got.state, PK_OB_SENDING);
  assert_string_equal(got.idem_key, r.idem_key);
  assert_string_equal(got.sealed, FAKE_JWE);
  assert_true(got.sealed_offline);
  assert_int_equal(got.level, 3);
  pk_outbox_row_clear(&got);

  assert_int_equal(pk_outbox_retry_later(f->ob, r.ref, "timeout", 12345), 0);
  assert_int_equal(pk_outbox_get_by_key(f->ob, r.idem_key, false, &got), 0);
  assert_int_equal(got.state, PK_OB_QUEUED);
  assert_int_equal(got.attempts, 1);
  assert_int_equal(got.next_attempt_at, 12345);
  assert_string_equal(got.last_error, "timeout");
  assert_null(got.sealed);
  pk_outbox_row_clear(&got);

  assert_int_equal(pk_outbox_sending(f->ob, r.ref), 0);
  assert_int_equal(pk_outbox_failed(f->ob, r.ref, "validation_failed"), 0);
  assert_int_equal(pk_outbox_sending(f->ob, r.ref), PK_OB_EINVAL); /* a failed row waits for a clerk */
  assert_int_equal(pk_outbox_requeue(f->ob, r.ref), 0);
  assert_int_equal(pk_outbox_get(f->ob, r.ref, false, &got), 0);
  assert_int_equal(got.state, PK_OB_QUEUED);
  assert_int_equal(got.attempts, 1); /* kept */
  assert_int_equal(got.next_attempt_at, 0);
  pk_outbox_row_clear(&got);

  assert_int_equal(pk_outbox_delivered(f->ob, r.ref, "1403-0215-4823", "h.p.s"), 0);
  assert_int_equal(pk_outbox_get(f->ob, r.ref, true, &got), 0);
  assert_int_equal(got.state, PK_OB_DELIVERED);
  assert_string_equal(got.tracking_code, "1403-0215-4823");
  assert_string_equal(got.receipt_jws, "h.p.s");
  assert_null(got.sealed); /* the window has it: nothing left to send or steal */
  assert_string_equal(got.last_error, "");
  pk_outbox_row_clear(&got);
  /* Delivered is final: no late answer can turn it into a failure. */
  assert_int_equal(pk_outbox_failed(f->ob, r.ref, "late"), PK_OB_EINVAL);
  assert_int_equal(pk_outbox_retry_later(f->ob, r.ref, "late", 0), PK_OB_EINVAL);
  assert_int_equal(pk_outbox_not_registered(f->ob, r.ref), PK_OB_EINVAL);
  assert_int_equal(pk_outbox_delivered(f->ob, "1234567890", "x", NULL), PK_OB_NOTFOUND);
  assert_int_equal(pk_outbox_get(f->ob, "1234567890", false, &got), PK_OB_NOTFOUND);

  pk_outbox_row n;
  fx_row(f->ob, &n, "svc.passport", 0);
  n.state = PK_OB_SENDING;
  insert_ok(f->ob, &n);
  assert_int_equal(pk_outbox_not_registered(f->ob, n.ref), 0);
  assert_int_equal(pk_outbox_requeue(f->ob, n.ref), PK_OB_EINVAL); /* final */
  char v[32];
  assert_string_equal(pragma(f->ob, "SELECT count(*) FROM history", v, sizeof v), "8");
}

static void test_insert_refuses_bad_rows(void **state) {
  fx *f = *state;
  pk_outbox_row r;
  char err[256];
  fx_row(f->ob, &r, "svc.passport", 0);
  snprintf(r.national_masked, sizeof r.national_masked, "0073649181");
  assert_int_equal(pk_outbox_insert(f->ob, &r, FAKE_JWE, err, sizeof err), PK_OB_EINVAL);
  fx_row(f->ob, &r, "svc.passport", 0);
  assert_int_equal(pk_outbox_insert(f->ob, &r, "{\"plain\":1}", err, sizeof err), PK_OB_EINVAL);
  r.state = PK_OB_DELIVERED;
  assert_int_equal(pk_outbox_insert(f->ob, &r, FAKE_JWE, err, sizeof err), PK_OB_EINVAL);
  r.state = PK_OB_QUEUED;
  insert_ok(f->ob, &r);
  pk_outbox_row again = r;
  assert_true(ob_random_ref(again.ref)); /* same key, another reference: a key is never reused */
  assert_int_equal(pk_outbox_insert(f->ob, &again, FAKE_JWE, err, sizeof err), PK_OB_EINVAL);
}

static void test_limit_max_rows(void **state) {
  fx *f = *state;
  pk_outbox_row r[4];
  char err[256];
  for (int i = 0; i < 3; i++) {
    fx_row(f->ob, &r[i], "svc.passport", 0);
    insert_ok(f->ob, &r[i]);
  }
  fx_row(f->ob, &r[3], "svc.passport", 0);
  assert_int_equal(pk_outbox_insert(f->ob, &r[3], FAKE_JWE, err, sizeof err), PK_OB_EFULL);
  assert_non_null(strstr(err, "max_rows"));
  pk_outbox_row got;
  assert_int_equal(pk_outbox_get(f->ob, r[3].ref, false, &got), PK_OB_NOTFOUND);
  /* Online submits are delivered at once and are not store-and-forward risk. */
  pk_outbox_row online;
  fx_row(f->ob, &online, "svc.passport", 0);
  online.sealed_offline = false;
  online.state = PK_OB_SENDING;
  insert_ok(f->ob, &online);
  /* A delivery makes room. */
  assert_int_equal(pk_outbox_delivered(f->ob, r[0].ref, "T-1", NULL), 0);
  insert_ok(f->ob, &r[3]);
}

static void test_limit_max_age(void **state) {
  fx *f = *state;
  int64_t now = (int64_t)time(NULL);
  pk_outbox_row old, fresh;
  char err[256];
  fx_row(f->ob, &old, "svc.passport", now - 8 * 86400);
  insert_ok(f->ob, &old);
  fx_row(f->ob, &fresh, "svc.passport", now);
  assert_int_equal(pk_outbox_insert(f->ob, &fresh, FAKE_JWE, err, sizeof err), PK_OB_EFULL);
  assert_non_null(strstr(err, "max_age_days"));
  assert_int_equal(pk_outbox_failed(f->ob, old.ref, "card_revoked"), 0);
  insert_ok(f->ob, &fresh);
}

/* Order is the order of insertion, whatever the kiosk's clock said: a clock set back (or
 * forward) by hours must not let a later request overtake an earlier one. */
static void test_due_order_list_counts(void **state) {
  fx *f = *state;
  pk_outbox_row r[5];
  int64_t created[5] = {500, 100, 300, 200, 400}; /* the clock jumped back and forth */
  for (int i = 0; i < 5; i++) {
    fx_row(f->ob, &r[i], "svc.tax", created[i]);
    r[i].sealed_offline = false;
    insert_ok(f->ob, &r[i]);
  }
  assert_int_equal(pk_outbox_retry_later(f->ob, r[3].ref, "offline", 1000), 0); /* created 200, not yet due */
  assert_int_equal(pk_outbox_delivered(f->ob, r[2].ref, "T", NULL), 0);           /* created 300, done */
  pk_outbox_row due[8];
  size_t n = pk_outbox_due(f->ob, 999, due, 8);
  assert_int_equal(n, 3);
  assert_string_equal(due[0].ref, r[0].ref);
  assert_string_equal(due[1].ref, r[1].ref);
  assert_string_equal(due[2].ref, r[4].ref);
  for (size_t i = 0; i < n; i++) pk_outbox_row_clear(&due[i]);
  assert_int_equal(pk_outbox_due(f->ob, 1000, due, 8), 4);
  for (size_t i = 0; i < 4; i++) pk_outbox_row_clear(&due[i]);
  assert_int_equal(pk_outbox_due(f->ob, 1000, due, 2), 2);
  for (size_t i = 0; i < 2; i++) pk_outbox_row_clear(&due[i]);

  pk_outbox_row l[2];
  assert_int_equal(pk_outbox_list(f->ob, l, 2, 0), 2);
  assert_string_equal(l[0].ref, r[4].ref);
  assert_string_equal(l[1].ref, r[3].ref);
  pk_outbox_row_clear(&l[0]), pk_outbox_row_clear(&l[1]);
  assert_int_equal(pk_outbox_list(f->ob, l, 2, 4), 1);
  assert_string_equal(l[0].ref, r[0].ref);
  pk_outbox_row_clear(&l[0]);

  size_t counts[PK_OB_STATE_COUNT];
  int64_t oldest;
  assert_int_equal(pk_outbox_counts(f->ob, counts, &oldest), 0);
  assert_int_equal(counts[PK_OB_QUEUED], 4);
  assert_int_equal(counts[PK_OB_DELIVERED], 1);
  assert_int_equal(oldest, 100);
}

static void test_purge_delivered(void **state) {
  fx *f = *state;
  pk_outbox_row a, b;
  fx_row(f->ob, &a, "svc.tax", 0);
  fx_row(f->ob, &b, "svc.tax", 0);
  insert_ok(f->ob, &a);
  insert_ok(f->ob, &b);
  assert_int_equal(pk_outbox_delivered(f->ob, a.ref, "T", NULL), 0);
  int64_t now = (int64_t)time(NULL);
  assert_int_equal(pk_outbox_purge_delivered(f->ob, now - 86400), 0); /* delivered just now: kept */
  assert_int_equal(pk_outbox_purge_delivered(f->ob, now + 1), 1);
  pk_outbox_row got;
  assert_int_equal(pk_outbox_get(f->ob, a.ref, false, &got), PK_OB_NOTFOUND);
  assert_int_equal(pk_outbox_get(f->ob, b.ref, false, &got), 0); /* a queued row is never purged */
  pk_outbox_row_clear(&got);
}

static bool file_has(const char *path, const char *needle) {
  size_t n = 0;
  char *buf = fx_read(path, &n);
  if (!buf) return false;
  bool found = memmem(buf, n, needle, strlen(needle)) != NULL;
  free(buf);
  return found;
}

/* A stolen disk: the store file and its WAL hold no national code, name or field value. */
static void test_no_plaintext_on_disk(void **state) {
  fx *f = *state;
  char *jwks = NULL, *priv = fx_window_key(&jwks);
  const char *needles[] = {"0073649181", "Farahani", "زهرا", "Khiaban-Azadi-42", "09121234567"};
  const char *fields = "{\"first_name\":\"زهرا\",\"last_name\":\"Farahani\",\"address\":\"Khiaban-Azadi-42\","
                       "\"mobile\":\"09121234567\"}";
  for (int i = 0; i < 3; i++) {
    pk_outbox_row r;
    fx_row(f->ob, &r, "svc.passport", 0);
    char *jwe = fx_seal(jwks, &r, "0073649181", fields);
    assert_non_null(jwe);
    char err[256];
    assert_int_equal(pk_outbox_insert(f->ob, &r, jwe, err, sizeof err), 0);
    free(jwe);
  }
  char wal[320];
  snprintf(wal, sizeof wal, "%s-wal", f->db);
  for (size_t i = 0; i < sizeof needles / sizeof *needles; i++) {
    assert_false(file_has(f->db, needles[i]));
    assert_false(file_has(wal, needles[i]));
  }
  assert_true(file_has(wal, "007****181") || file_has(f->db, "007****181")); /* the grep can see clear text */
  free(priv);
  free(jwks);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_durability_settings, setup, teardown),
      cmocka_unit_test_setup_teardown(test_draft_ref_and_key, setup, teardown),
      cmocka_unit_test_setup_teardown(test_ref_check_digit, setup, teardown),
      cmocka_unit_test_setup_teardown(test_states, setup, teardown),
      cmocka_unit_test_setup_teardown(test_insert_refuses_bad_rows, setup, teardown),
      cmocka_unit_test_setup_teardown(test_limit_max_rows, setup, teardown),
      cmocka_unit_test_setup_teardown(test_limit_max_age, setup, teardown),
      cmocka_unit_test_setup_teardown(test_due_order_list_counts, setup, teardown),
      cmocka_unit_test_setup_teardown(test_purge_delivered, setup, teardown),
      cmocka_unit_test_setup_teardown(test_no_plaintext_on_disk, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
