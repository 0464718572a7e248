/* The fleet's metrics file: what a Prometheus textfile collector reads must parse with an
 * independent parser (promtool check metrics, Debian's prometheus package), the counters must
 * move with what they count, and a reader must never see half a file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pishkhan/config.h"
#include "pishkhan/doctor.h"
#include "pishkhan/metrics.h"
#include "pishkhan/outbox.h"

static char *format_now(const char *kiosk_id) {
  pk_config cfg;
  pk_config_defaults(&cfg);
  snprintf(cfg.kiosk_id, sizeof cfg.kiosk_id, "%s", kiosk_id);
  snprintf(cfg.crl, sizeof cfg.crl, "%s/pki/card/crl.pem", getenv("PK_BINARY_DIR"));
  char *t = pk_metrics_format(&cfg, 2000000000);
  pk_config_free(&cfg);
  assert_non_null(t);
  return t;
}

/* promtool's verdict on text: 0 when it parses and follows the naming conventions. */
static int promtool(const char *text, char *out, size_t outsz) {
  char path[] = "/tmp/pkmetricsXXXXXX", cmd[256];
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
  close(fd);
  snprintf(cmd, sizeof cmd, "promtool check metrics < %s 2>&1", path);
  FILE *p = popen(cmd, "r");
  assert_non_null(p);
  size_t n = fread(out, 1, outsz - 1, p);
  out[n] = '\0';
  int rc = pclose(p);
  unlink(path);
  return rc;
}

static void test_promtool_accepts_the_file(void **state) {
  (void)state;
  pk_metrics_reset();
  pk_metrics_inc(PK_M_REQUESTS, "submitted");
  pk_metrics_observe_window(NULL, 0.3, PK_NET_OK);
  pk_metrics_catalog_synced(2000000000 - 90);
  char *t = format_now("KIOSK-0001"), verdict[4096];
  int rc = promtool(t, verdict, sizeof verdict);
  if (rc != 0) fail_msg("promtool check metrics refused the file (%d): %s\n%s", rc, verdict, t);
  assert_non_null(strstr(t, "pishkhan_catalog_age_seconds 90\n"));
  assert_non_null(strstr(t, "pishkhan_crl_age_seconds "));
  free(t);
}

static void test_a_hostile_kiosk_id_stays_one_label(void **state) {
  (void)state;
  char *t = format_now("K\"1\\\n} 9"), verdict[4096];
  assert_non_null(strstr(t, "kiosk_id=\"K\\\"1\\\\\\n} 9\"} 1\n"));
  assert_int_equal(promtool(t, verdict, sizeof verdict), 0);
  free(t);
}

/* rate() needs every series from the start: a result never seen yet is there, at 0. */
static void test_counters_start_at_zero_and_move(void **state) {
  (void)state;
  pk_metrics_reset();
  char *t = format_now("k");
  assert_non_null(strstr(t, "pishkhan_card_sessions_total{result=\"pin_blocked\"} 0\n"));
  assert_non_null(strstr(t, "pishkhan_requests_total{outcome=\"delivered\"} 0\n"));
  assert_null(strstr(t, "pishkhan_catalog_age_seconds")); /* unknown is absent, not 0 */
  free(t);
  pk_metrics_card(PK_CARD_PIN_WRONG);
  pk_metrics_card(PK_CARD_PIN_WRONG);
  pk_metrics_card(PK_CARD_UNTRUSTED);
  pk_metrics_card(PK_CARD_COMM);
  pk_metrics_delivery(PK_OB_DELIVERED);
  pk_metrics_delivery(PK_OB_QUEUED);
  pk_metrics_inc(PK_M_PRINT_JOBS, "error");
  pk_metrics_inc(PK_M_REQUESTS, "no-such-outcome");
  t = format_now("k");
  assert_non_null(strstr(t, "pishkhan_card_sessions_total{result=\"pin_wrong\"} 2\n"));
  assert_non_null(strstr(t, "pishkhan_card_sessions_total{result=\"tampered\"} 1\n"));
  assert_non_null(strstr(t, "pishkhan_card_sessions_total{result=\"other\"} 1\n"));
  assert_non_null(strstr(t, "pishkhan_requests_total{outcome=\"delivered\"} 1\n"));
  assert_non_null(strstr(t, "pishkhan_requests_total{outcome=\"retry\"} 1\n"));
  assert_non_null(strstr(t, "pishkhan_requests_total{outcome=\"other\"} 1\n"));
  assert_non_null(strstr(t, "pishkhan_print_jobs_total{result=\"error\"} 1\n"));
  free(t);
}

static void test_histogram_buckets_are_cumulative(void **state) {
  (void)state;
  pk_metrics_reset();
  pk_metrics_observe_window(NULL, 0.3, PK_NET_OK);
  pk_metrics_observe_window(NULL, 7, PK_NET_TIMEOUT);
  char *t = format_now("k");
  assert_non_null(strstr(t, "pishkhan_window_request_seconds_bucket{le=\"0.25\"} 0\n"));
  assert_non_null(strstr(t, "pishkhan_window_request_seconds_bucket{le=\"0.5\"} 1\n"));
  assert_non_null(strstr(t, "pishkhan_window_request_seconds_bucket{le=\"10\"} 2\n"));
  assert_non_null(strstr(t, "pishkhan_window_request_seconds_bucket{le=\"+Inf\"} 2\n"));
  assert_non_null(strstr(t, "pishkhan_window_request_seconds_count 2\n"));
  assert_non_null(strstr(t, "pishkhan_window_request_seconds_sum 7.300000\n"));
  free(t);
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) return NULL;
  static char buf[8192];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  fclose(f);
  return buf;
}

static int entries(const char *dir) {
  DIR *d = opendir(dir);
  int n = 0;
  for (struct dirent *e; d && (e = readdir(d));) n += e->d_name[0] != '.' || strstr(e->d_name, ".tmp") != NULL;
  if (d) closedir(d);
  return n;
}

/* Replaced whole, no temp file left behind; a failed write leaves the previous file. */
static void test_write_replaces_the_file_whole(void **state) {
  (void)state;
  char dir[] = "/tmp/pkpromXXXXXX", path[64];
  assert_non_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/pishkhan.prom", dir);
  assert_int_equal(pk_metrics_write_file(dir, "pishkhan.prom", "a 1\n"), 0);
  assert_int_equal(pk_metrics_write_file(dir, "pishkhan.prom", "a 2\n"), 0);
  assert_string_equal(slurp(path), "a 2\n");
  assert_int_equal(entries(dir), 1);
  struct stat st;
  assert_int_equal(stat(path, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0644); /* node_exporter runs as its own user */
  if (geteuid() != 0) { /* root writes anywhere: the refusal is only seen as another user */
    chmod(dir, 0555);
    assert_int_equal(pk_metrics_write_file(dir, "pishkhan.prom", "a 3\n"), -1);
    chmod(dir, 0755);
    assert_string_equal(slurp(path), "a 2\n");
  }
  char missing[80];
  snprintf(missing, sizeof missing, "%s/none", dir);
  assert_int_equal(pk_metrics_write_file(missing, "pishkhan.prom", "a 3\n"), -1);
  unlink(path);
  rmdir(dir);
}

static void test_doctor_gauges_parse(void **state) {
  (void)state;
  pk_doctor_report r = {.n = 2};
  r.checks[0] = (pk_doctor_check){.name = "window", .ok = false, .severity = PK_DOCTOR_CRITICAL};
  r.checks[1] = (pk_doctor_check){.name = "disk", .ok = true, .severity = PK_DOCTOR_INFO};
  char *t = pk_metrics_format_doctor(&r), verdict[4096];
  assert_non_null(strstr(t, "pishkhan_doctor_check_ok{check=\"window\",severity=\"critical\"} 0\n"));
  assert_non_null(strstr(t, "pishkhan_doctor_check_ok{check=\"disk\",severity=\"info\"} 1\n"));
  int rc = promtool(t, verdict, sizeof verdict);
  if (rc != 0) fail_msg("promtool: %s", verdict);
  free(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_promtool_accepts_the_file),
      cmocka_unit_test(test_a_hostile_kiosk_id_stays_one_label),
      cmocka_unit_test(test_counters_start_at_zero_and_move),
      cmocka_unit_test(test_histogram_buckets_are_cumulative),
      cmocka_unit_test(test_write_replaces_the_file_whole),
      cmocka_unit_test(test_doctor_gauges_parse),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
