/* pishkhan doctor's local checks, with the clock and the disk set by the test: the words a
 * technician reads for each failure, the severities that decide the exit code, the JSON shape. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pishkhan/config.h"
#include "pishkhan/doctor.h"
#include "pishkhan/i18n.h"
#include "pishkhan/outbox.h"

static char data_dir[] = "/tmp/pkdoctorXXXXXX";
static uint64_t disk_free = 10ull << 30;

static int fake_disk(const char *dir, uint64_t *avail, uint64_t *total) {
  *avail = disk_free;
  *total = 20ull << 30;
  return 0;
}

static void setup_cfg(pk_config *c) {
  const char *b = getenv("PK_BINARY_DIR");
  pk_config_defaults(c);
  snprintf(c->data_dir, sizeof c->data_dir, "%s", data_dir);
  snprintf(c->issuer_ca, sizeof c->issuer_ca, "%s/pki/card/ca.crt.pem", b);
  snprintf(c->crl, sizeof c->crl, "%s/pki/card/crl.pem", b);
  snprintf(c->client_cert, sizeof c->client_cert, "%s/pki/tls/kiosk.pem", b);
}

static const pk_doctor_check *find(const pk_doctor_report *r, const char *name) {
  for (size_t i = 0; i < r->n; i++)
    if (!strcmp(r->checks[i].name, name)) return &r->checks[i];
  fail_msg("no check %s", name);
  return NULL;
}

static void run_at(int64_t now, pk_doctor_report *r) {
  pk_config c;
  setup_cfg(&c);
  pk_doctor_opts o = {.now = now, .disk_space = fake_disk, .skip_window = true};
  pk_doctor_run(&c, &o, r);
  pk_config_free(&c);
}

static void assert_says(const pk_doctor_check *c, bool ok, pk_doctor_severity sev, const char *words) {
  if (c->ok != ok || c->severity != sev || !strstr(c->message, words))
    fail_msg("%s: ok %d severity %s: %s (wanted '%s')", c->name, c->ok, pk_doctor_severity_name(c->severity),
             c->message, words);
}

static void test_certificates_and_crl_age_with_the_clock(void **state) {
  (void)state;
  pk_doctor_report r;
  int64_t now = (int64_t)time(NULL);
  run_at(now + 200 * 3600, &r); /* the build's CRL, 200 hours on */
  assert_says(find(&r, "crl"), false, PK_DOCTOR_CRITICAL, "hours old (past its next update)");
  run_at(now + 100 * 3600, &r);
  assert_says(find(&r, "crl"), false, PK_DOCTOR_WARNING, "crl_max_age_h = 72");
  run_at(now, &r);
  assert_says(find(&r, "crl"), true, PK_DOCTOR_INFO, "next update in");
  assert_says(find(&r, "client_cert"), true, PK_DOCTOR_INFO, "more days");
  run_at(now + 25LL * 365 * 86400, &r); /* far enough that the kiosk certificate and the CA lapsed */
  assert_says(find(&r, "client_cert"), false, PK_DOCTOR_CRITICAL, "expired");
  assert_says(find(&r, "issuer_ca"), false, PK_DOCTOR_CRITICAL, "install a new one now");
  assert_false(pk_doctor_ok(&r));
}

static void test_disk_thresholds(void **state) {
  (void)state;
  pk_doctor_report r;
  disk_free = 10ull << 20;
  run_at(0, &r);
  assert_says(find(&r, "disk"), false, PK_DOCTOR_CRITICAL, "Only 10 MiB free");
  disk_free = 100ull << 20;
  run_at(0, &r);
  assert_says(find(&r, "disk"), false, PK_DOCTOR_WARNING, "free some space soon");
  disk_free = 10ull << 30;
  run_at(0, &r);
  assert_says(find(&r, "disk"), true, PK_DOCTOR_INFO, "10240 MiB free");
}

static void insert_queued(pk_outbox *ob, int64_t created) {
  pk_outbox_row row;
  assert_true(pk_outbox_draft(ob, &row));
  snprintf(row.service_id, sizeof row.service_id, "svc-1");
  snprintf(row.national_masked, sizeof row.national_masked, "******0003");
  row.sealed_offline = true;
  row.state = PK_OB_QUEUED;
  row.created_at = created;
  char err[128];
  assert_int_equal(pk_outbox_insert(ob, &row, "e.n.v.e.l", err, sizeof err), 0);
}

static void test_queue_depth_and_oldest_age(void **state) {
  (void)state;
  pk_doctor_report r;
  run_at(0, &r);
  assert_says(find(&r, "queue"), true, PK_DOCTOR_INFO, "No request has been recorded");
  char path[64], err[128];
  snprintf(path, sizeof path, "%s/outbox.db", data_dir);
  pk_outbox *ob = pk_outbox_open(path, NULL, err, sizeof err);
  assert_non_null(ob);
  int64_t now = (int64_t)time(NULL);
  insert_queued(ob, now - 5 * 86400); /* 5 of the 7 days allowed */
  insert_queued(ob, now - 3600);
  pk_outbox_close(ob);
  run_at(now, &r);
  assert_says(find(&r, "queue"), false, PK_DOCTOR_WARNING, "2 requests wait for delivery (the oldest 120 hours)");
  run_at(now + 3 * 86400, &r);
  assert_says(find(&r, "queue"), false, PK_DOCTOR_CRITICAL, "pishkhan queue export");
  unlink(path);
}

static void test_json_shape_and_exit_decision(void **state) {
  (void)state;
  pk_doctor_report r = {.n = 2};
  r.checks[0] = (pk_doctor_check){.name = "printer", .ok = false, .severity = PK_DOCTOR_WARNING, .message = "\"low\""};
  r.checks[1] = (pk_doctor_check){.name = "disk", .ok = true, .severity = PK_DOCTOR_INFO, .message = "m"};
  assert_true(pk_doctor_ok(&r)); /* a warning alone: the kiosk serves */
  char *s = pk_doctor_json(&r);
  json_t *j = json_loads(s, 0, NULL);
  assert_non_null(j);
  assert_true(json_is_true(json_object_get(j, "ok")));
  json_t *c0 = json_array_get(json_object_get(j, "checks"), 0);
  assert_int_equal(json_object_size(c0), 4);
  assert_string_equal(json_string_value(json_object_get(c0, "severity")), "warning");
  assert_string_equal(json_string_value(json_object_get(c0, "message")), "\"low\"");
  json_decref(j);
  free(s);
  r.checks[1] = (pk_doctor_check){.name = "disk", .ok = false, .severity = PK_DOCTOR_CRITICAL};
  assert_false(pk_doctor_ok(&r));
}

static void test_config_error_names_the_file(void **state) {
  (void)state;
  pk_config c;
  setup_cfg(&c);
  pk_doctor_opts o = {.config_path = "/etc/pishkhan/pishkhan.conf",
                      .config_error = "invalid value for [kiosk] idle_timeout (line 9); allowed: 15 to 3600",
                      .disk_space = fake_disk,
                      .skip_window = true};
  pk_doctor_report r;
  pk_doctor_run(&c, &o, &r);
  assert_says(find(&r, "config"), false, PK_DOCTOR_CRITICAL, "/etc/pishkhan/pishkhan.conf has a mistake: invalid "
                                                               "value for [kiosk] idle_timeout (line 9)");
  pk_i18n_set_lang(PK_LANG_FA); /* Persian, as a kiosk's settings say by default */
  pk_doctor_run(&c, &o, &r);
  assert_non_null(strstr(find(&r, "config")->message, "در پرونده تنظیمات"));
  pk_i18n_set_lang(PK_LANG_EN);
  pk_config_free(&c);
}

static int setup(void **state) {
  (void)state;
  setenv("PCSCLITE_CSOCK_NAME", "/nonexistent/pcscd.comm", 1); /* the host's pcscd is not this test's */
  pk_i18n_init(NULL);
  pk_i18n_set_lang(PK_LANG_EN);
  return mkdtemp(data_dir) ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  rmdir(data_dir);
  pk_i18n_shutdown();
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_certificates_and_crl_age_with_the_clock),
      cmocka_unit_test(test_disk_thresholds),
      cmocka_unit_test(test_queue_depth_and_oldest_age),
      cmocka_unit_test(test_json_shape_and_exit_decision),
      cmocka_unit_test(test_config_error_names_the_file),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
