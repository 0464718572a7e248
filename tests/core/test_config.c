/* The shipped sample config must load, every key is read, and a bad value is refused with
 * its key, its line and what is allowed. */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <ini.h>

#include "pishkhan/config.h"

static void test_sample_config_loads(void **state) {
  (void)state;
  pk_config c;
  pk_config_defaults(&c);
  char err[256];
  assert_int_equal(pk_config_load(&c, PK_SOURCE_DIR "/packaging/pishkhan.conf", err, sizeof err), 0);
  assert_string_equal(c.lang, "fa");
  assert_int_equal(c.idle_timeout_s, 60);
  assert_int_equal(c.idle_warning_s, 20);
  assert_int_equal(c.paper_mm, 80);
  pk_config_free(&c);
}

static const char *write_tmp(const char *text) {
  static char path[] = "/tmp/pkcfgXXXXXX";
  strcpy(path, "/tmp/pkcfgXXXXXX");
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
  close(fd);
  return path;
}

static void test_bad_value_is_reported_with_line(void **state) {
  (void)state;
  pk_config c;
  pk_config_defaults(&c);
  char err[256];
  const char *p = write_tmp("[kiosk]\nid = K1\nidle_timeout = soon\n");
  assert_int_equal(pk_config_load(&c, p, err, sizeof err), -1);
  assert_non_null(strstr(err, "idle_timeout"));
  assert_non_null(strstr(err, "line 3"));
  assert_string_equal(c.kiosk_id, "K1");
  unlink(p);
  pk_config_free(&c);
}

static void test_unknown_keys_are_kept(void **state) {
  (void)state;
  pk_config c;
  pk_config_defaults(&c);
  const char *p = write_tmp("[printer]\nfont = Noto Naskh Arabic\n");
  assert_int_equal(pk_config_load(&c, p, NULL, 0), 0);
  assert_string_equal(pk_config_get(&c, "printer", "font"), "Noto Naskh Arabic");
  assert_null(pk_config_get(&c, "printer", "nothing"));
  unlink(p);
  pk_config_free(&c);
}

/* Every key set to something other than its default. */
static const char every_key[] =
    "[kiosk]\n"
    "id = KIOSK-0777\n"
    "office = office 12\n"
    "lang = en\n"
    "bidi = terminal\n"
    "idle_timeout = 120\n"
    "idle_warning = 20\n"
    "theme = high-contrast\n"
    "kiosk_mode = true\n"
    "data_dir = /srv/pk\n"
    "[card]\n"
    "reader = Omnikey\n"
    "issuer_ca = /etc/pk/ca.pem\n"
    "crl = /etc/pk/ca.crl\n"
    "[window]\n"
    "url = https://window.example/api/v1\n"
    "ca_bundle = /etc/pk/window.pem\n"
    "client_cert = /etc/pk/kiosk.crt\n"
    "client_key = /etc/pk/kiosk.key\n"
    "pinned_pubkey = sha256//AAAA\n"
    "proxy = http://proxy:3128\n"
    "connect_timeout_ms = 1500\n"
    "total_timeout_ms = 9000\n"
    "max_retries = 2\n"
    "[receipt]\n"
    "jwks = /etc/pk/jwks.json\n"
    "device_key = /etc/pk/device.pem\n"
    "printer = escpos-tcp\n"
    "printer_dest = 10.0.0.9:9100\n"
    "paper_mm = 58\n"
    "confirm_timeout_ms = 5000\n"
    "[offline]\n"
    "mode = always\n"
    "crl_max_age_h = 24\n"
    "crl_hard_limit_h = 48\n"
    "max_rows = 50\n"
    "max_age_days = 3\n"
    "parallel = 4\n"
    "[payment]\n"
    "terminal = pos-tcp\n"
    "terminal_dest = 127.0.0.1:7001\n"
    "terminal_id = T0001\n"
    "sale_timeout_ms = 60000\n"
    "[counter]\n"
    "mode = counter\n"
    "clerk_reader = Clerk*\n"
    "citizen_reader = Citizen*\n"
    "citizen_keypad = /dev/input/by-id/usb-pad-event-kbd\n"
    "desk_lock = 120\n"
    "shift_max_h = 9\n"
    "pinned = tamin-0002 judiciary-0002\n"
    "[metrics]\n"
    "textfile_dir = /var/lib/prometheus/node-exporter\n"
    "[log]\n"
    "level = 7\n"
    "stderr = yes\n";

static void test_every_key_is_read(void **state) {
  (void)state;
  pk_config c;
  pk_config_defaults(&c);
  char err[256];
  assert_int_equal(pk_config_load_string(&c, every_key, err, sizeof err), 0);
  assert_string_equal(c.kiosk_id, "KIOSK-0777");
  assert_string_equal(c.office, "office 12");
  assert_string_equal(c.lang, "en");
  assert_int_equal(c.bidi, PK_BIDI_TERMINAL);
  assert_int_equal(c.idle_timeout_s, 120);
  assert_int_equal(c.idle_warning_s, 20);
  assert_int_equal(c.theme, PK_THEME_HIGH_CONTRAST);
  assert_true(c.kiosk_mode);
  assert_string_equal(c.data_dir, "/srv/pk");
  assert_string_equal(c.reader_pattern, "Omnikey");
  assert_string_equal(c.issuer_ca, "/etc/pk/ca.pem");
  assert_string_equal(c.crl, "/etc/pk/ca.crl");
  assert_string_equal(c.url, "https://window.example/api/v1");
  assert_string_equal(c.ca_bundle, "/etc/pk/window.pem");
  assert_string_equal(c.client_cert, "/etc/pk/kiosk.crt");
  assert_string_equal(c.client_key, "/etc/pk/kiosk.key");
  assert_string_equal(c.pinned_pubkey, "sha256//AAAA");
  assert_string_equal(c.proxy, "http://proxy:3128");
  assert_int_equal(c.connect_timeout_ms, 1500);
  assert_int_equal(c.total_timeout_ms, 9000);
  assert_int_equal(c.max_retries, 2);
  assert_string_equal(c.jwks, "/etc/pk/jwks.json");
  assert_string_equal(c.device_key, "/etc/pk/device.pem");
  assert_string_equal(c.printer, "escpos-tcp");
  assert_string_equal(c.printer_dest, "10.0.0.9:9100");
  assert_int_equal(c.paper_mm, 58);
  assert_int_equal(c.print_confirm_ms, 5000);
  assert_int_equal(c.offline_mode, PK_OFFLINE_ALWAYS);
  assert_int_equal(c.crl_max_age_h, 24);
  assert_int_equal(c.crl_hard_limit_h, 48);
  assert_int_equal(c.queue_max_rows, 50);
  assert_int_equal(c.queue_max_age_days, 3);
  assert_int_equal(c.queue_parallel, 4);
  assert_string_equal(c.pay_terminal, "pos-tcp");
  assert_string_equal(c.pay_terminal_dest, "127.0.0.1:7001");
  assert_string_equal(c.pay_terminal_id, "T0001");
  assert_int_equal(c.pay_sale_timeout_ms, 60000);
  assert_int_equal(c.face, PK_FACE_COUNTER);
  assert_string_equal(c.clerk_reader, "Clerk*");
  assert_string_equal(c.citizen_reader, "Citizen*");
  assert_string_equal(c.citizen_keypad, "/dev/input/by-id/usb-pad-event-kbd");
  assert_int_equal(c.desk_lock_s, 120);
  assert_int_equal(c.shift_max_h, 9);
  assert_string_equal(c.pinned, "tamin-0002 judiciary-0002");
  assert_string_equal(c.metrics_dir, "/var/lib/prometheus/node-exporter");
  assert_int_equal(c.log_level, 7);
  assert_true(c.log_stderr);
  assert_null(c.extra); /* every key above is a known one */
  pk_config_free(&c);
}

typedef struct {
  char keys[64][64];
  int n;
} key_list;

static int collect_key(void *user, const char *section, const char *name, const char *value) {
  (void)value;
  key_list *l = user;
  if (l->n < 64) snprintf(l->keys[l->n++], sizeof l->keys[0], "[%s] %s", section, name);
  return 1;
}

/* A key added to the sample (the documentation of every key) must be added above too. */
static void test_every_key_covers_the_sample(void **state) {
  (void)state;
  static key_list sample, tested;
  assert_int_equal(ini_parse(PK_SOURCE_DIR "/packaging/pishkhan.conf", collect_key, &sample), 0);
  assert_int_equal(ini_parse_string(every_key, collect_key, &tested), 0);
  for (int i = 0; i < sample.n; i++) {
    bool found = false;
    for (int j = 0; j < tested.n; j++) found = found || !strcmp(sample.keys[i], tested.keys[j]);
    if (!found) fail_msg("%s is in packaging/pishkhan.conf but not in every_key", sample.keys[i]);
  }
}

static void test_directory_is_refused(void **state) {
  (void)state;
  char dir[] = "/tmp/pkcfgdirXXXXXX";
  assert_non_null(mkdtemp(dir));
  pk_config c;
  pk_config_defaults(&c);
  char err[256];
  assert_int_equal(pk_config_load(&c, dir, err, sizeof err), -1);
  assert_non_null(strstr(err, "is a directory"));
  assert_non_null(strstr(err, "allowed: a settings file"));
  rmdir(dir);
  pk_config_free(&c);
}

/* A value longer than inih's line buffer must not turn into a "syntax error" on a line the
 * file does not have. */
static void test_long_value_names_its_key_and_line(void **state) {
  (void)state;
  size_t n = 5000;
  char *text = malloc(n + 64);
  assert_non_null(text);
  strcpy(text, "[kiosk]\noffice = ");
  memset(text + strlen(text), 'x', n);
  strcpy(text + strlen("[kiosk]\noffice = ") + n, "\n");
  pk_config c;
  pk_config_defaults(&c);
  char err[256];
  const char *p = write_tmp(text);
  assert_int_equal(pk_config_load(&c, p, err, sizeof err), -1);
  assert_non_null(strstr(err, "[kiosk] office (line 2)"));
  assert_null(strstr(err, "syntax error"));
  assert_non_null(strstr(err, "allowed: at most"));
  assert_string_equal(c.office, "");
  unlink(p);
  free(text);
  pk_config_free(&c);
}

static void expect_refused(const char *text, const char *where, const char *allowed) {
  pk_config c;
  pk_config_defaults(&c);
  char err[256];
  assert_int_equal(pk_config_load_string(&c, text, err, sizeof err), -1);
  if (!strstr(err, where) || !strstr(err, allowed))
    fail_msg("for \"%s\": want \"%s\" and \"%s\" in \"%s\"", text, where, allowed, err);
  pk_config_free(&c);
}

static void test_enumerated_values_are_checked(void **state) {
  (void)state;
  pk_config c;
  pk_config_defaults(&c);
  assert_int_equal(pk_config_load_string(&c, "[receipt]\nprinter = laserjet\n", NULL, 0), -1);
  assert_string_equal(c.printer, "none");
  pk_config_free(&c);
  expect_refused("[receipt]\nprinter = laserjet\n", "printer (line 2)", "none | png | escpos-tcp | escpos-dev | cups");
  expect_refused("[kiosk]\ntheme = dark\n", "theme (line 2)", "default | high-contrast | mono");
  expect_refused("[kiosk]\nbidi = rtl\n", "bidi (line 2)", "app | terminal");
  expect_refused("[kiosk]\nlang = de\n", "lang (line 2)", "fa | en");
  expect_refused("[receipt]\npaper_mm = 70\n", "paper_mm (line 2)", "58 | 80");
  expect_refused("[log]\nlevel = 9\n", "level (line 2)", "from 0 to 7");
  expect_refused("[log]\nstderr = maybe\n", "stderr (line 2)", "true or false");
  expect_refused("[kiosk]\nkiosk_mode = on\n", "kiosk_mode (line 2)", "true or false");
}

static void test_numbers_are_checked_by_meaning(void **state) {
  (void)state;
  expect_refused("[kiosk]\nidle_timeout = 5\n", "idle_timeout (line 2)", "from 30 to 3600 seconds");
  expect_refused("[kiosk]\nidle_warning = 10\n", "idle_warning (line 2)", "from 20 to 120 seconds");
  expect_refused("[window]\nmax_retries = 11\n", "max_retries (line 2)", "from 0 to 10");
  expect_refused("[window]\nconnect_timeout_ms = 99999999999999999999\n", "connect_timeout_ms (line 2)",
                 "from 100 to 120000 milliseconds");
  expect_refused("[kiosk]\nid = 0123456789012345678901234567890123456789012345678901234567890123456789\n",
                 "id (line 2)", "at most 63 bytes");
  /* The warning counts down inside the idle time; a longer one could never be shown whole. */
  expect_refused("[kiosk]\nidle_warning = 40\nidle_timeout = 35\n", "idle_timeout (line 3)",
                 "idle_warning shorter than idle_timeout (35)");
  expect_refused("[window]\ntotal_timeout_ms = 1000\nconnect_timeout_ms = 3000\n", "connect_timeout_ms (line 3)",
                 "no longer than total_timeout_ms (1000)");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sample_config_loads),
      cmocka_unit_test(test_bad_value_is_reported_with_line),
      cmocka_unit_test(test_unknown_keys_are_kept),
      cmocka_unit_test(test_every_key_is_read),
      cmocka_unit_test(test_every_key_covers_the_sample),
      cmocka_unit_test(test_directory_is_refused),
      cmocka_unit_test(test_long_value_names_its_key_and_line),
      cmocka_unit_test(test_enumerated_values_are_checked),
      cmocka_unit_test(test_numbers_are_checked_by_meaning),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
