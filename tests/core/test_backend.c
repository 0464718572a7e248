/* The state machine with the live backend: the real card profile on the backend's worker
 * against the virtual card in process, and the window client against the simulator over
 * HTTPS with mutual TLS. What the citizen types reaches the card and the window for real. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "../net/harness.h"
#include "../net/sealer.h"
#include "failing_calloc.h"
#include "pishkhan/app.h"
#include "pishkhan/backend.h"
#include "pishkhan/vcard.h"

typedef struct {
  harness h;
  pk_vcard *card;
  pk_backend *be;
  pk_app *app;
  char data_dir[64];
  char old_crl[64];
} fixture;

/* A gate in the card opener, which runs on the backend's worker: closed, it holds the worker
 * busy, so the jobs asked meanwhile wait in its queue. */
static pthread_mutex_t gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static bool gate_closed, worker_waiting;

static void gate_set(bool closed) {
  pthread_mutex_lock(&gate_mu);
  gate_closed = closed;
  pthread_cond_broadcast(&gate_cv);
  pthread_mutex_unlock(&gate_mu);
}

static void gate_wait_for_worker(void) {
  pthread_mutex_lock(&gate_mu);
  while (!worker_waiting) pthread_cond_wait(&gate_cv, &gate_mu);
  pthread_mutex_unlock(&gate_mu);
}

static pk_transport *open_card(void *ud, const char *reader, pk_card_status *st) {
  pthread_mutex_lock(&gate_mu);
  worker_waiting = gate_closed;
  pthread_cond_broadcast(&gate_cv);
  while (gate_closed) pthread_cond_wait(&gate_cv, &gate_mu);
  worker_waiting = false;
  pthread_mutex_unlock(&gate_mu);
  pk_transport *t = pk_vcard_present(ud) ? pk_transport_inproc_new(ud) : NULL;
  if (!t) *st = PK_CARD_REMOVED;
  return t;
}

/* A fixture whose settings a test may change before the backend opens. */
static int setup_with(void **state, void (*tweak)(fixture *f)) {
  fixture *f = calloc(1, sizeof *f);
  h_start(&f->h, NULL, true);
  h_path(&f->h, f->h.cfg.issuer_ca, sizeof f->h.cfg.issuer_ca, "card/ca.crt.pem");
  h_path(&f->h, f->h.cfg.crl, sizeof f->h.cfg.crl, "card/crl.pem");
  if (tweak) tweak(f);
  h_path(&f->h, f->h.cfg.jwks, sizeof f->h.cfg.jwks, "window/window-jwks.json");
  h_path(&f->h, f->h.cfg.device_key, sizeof f->h.cfg.device_key, "device/key.pem");
  snprintf(f->data_dir, sizeof f->data_dir, "/tmp/pk-backend-XXXXXX");
  assert_non_null(mkdtemp(f->data_dir));
  snprintf(f->h.cfg.data_dir, sizeof f->h.cfg.data_dir, "%s", f->data_dir);
  char dir[256], *err = NULL;
  h_path(&f->h, dir, sizeof dir, "card");
  f->card = pk_vcard_new("citizen", dir, &err);
  assert_non_null(f->card);
  f->be = pk_backend_new(f->h.loop, &f->h.cfg, f->h.net, open_card, f->card, &err);
  if (!f->be) fail_msg("backend: %s", err ? err : "?");
  f->app = pk_app_new(&f->h.cfg, &pk_backend_live_ops, f->be);
  *state = f;
  return 0;
}

static int setup(void **state) { return setup_with(state, NULL); }

static int teardown(void **state) {
  fixture *f = *state;
  pk_app_free(f->app);
  pk_backend_free(f->be);
  pk_vcard_free(f->card);
  h_stop(&f->h);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->data_dir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", f->data_dir);
  free(f);
  return 0;
}

static void run_until_screen(fixture *f, pk_screen_id s) {
  uint64_t end = pk_now_ms() + 10000;
  while (pk_app_screen(f->app) != s && pk_now_ms() < end) pk_loop_run_once(f->h.loop, 50);
  if (pk_app_screen(f->app) != s)
    fail_msg("waited for %s, at %s", pk_screen_name(s), pk_screen_name(pk_app_screen(f->app)));
}

static void insert(fixture *f) {
  pk_vcard_set_present(f->card, true);
  pk_app_card_inserted(f->app, "Reader 0", pk_now_ms());
  run_until_screen(f, PK_SCREEN_PIN);
  assert_int_equal(pk_app_pin_tries(f->app), 3);
}

static void type(fixture *f, const char *digits) {
  for (; *digits; digits++) pk_app_key(f->app, (pk_key){PK_KEY_CHAR, (uint32_t)*digits}, pk_now_ms());
}

static void enter(fixture *f) { pk_app_key(f->app, (pk_key){PK_KEY_ENTER, 0}, pk_now_ms()); }

static void test_card_pin_and_signature_open_a_session(void **state) {
  fixture *f = *state;
  insert(f);
  type(f, "1234");
  enter(f);
  run_until_screen(f, PK_SCREEN_DASHBOARD);
  assert_int_equal(pk_app_session_level(f->app), 3);
  assert_string_equal(pk_app_citizen(f->app)->national_code, "0071234561");
  assert_true(pk_net_has_session(f->h.net));
  pk_vcard_set_present(f->card, false);
  pk_app_card_removed(f->app, "Reader 0", pk_now_ms());
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_HOME);
  assert_false(pk_net_has_session(f->h.net));
}

/* Nine digits typed: the ninth is refused on the PIN screen, and what reaches the card is a
 * PIN it can take. A wrong one is "wrong PIN, 2 tries left", never "card error". */
static void test_a_pin_too_long_for_the_card_is_refused_where_it_is_typed(void **state) {
  fixture *f = *state;
  insert(f);
  type(f, "123456789");
  assert_int_equal(pk_app_pin_length(f->app), 8);
  assert_string_equal(pk_app_message(f->app), "The PIN has at most 8 digits.");
  enter(f);
  run_until_screen(f, PK_SCREEN_PIN);
  assert_string_equal(pk_app_message(f->app), "Wrong PIN.");
  assert_int_equal(pk_app_pin_tries(f->app), 2);
  type(f, "1234");
  enter(f);
  run_until_screen(f, PK_SCREEN_DASHBOARD);
}

static void test_card_pulled_during_login_goes_home(void **state) {
  fixture *f = *state;
  insert(f);
  type(f, "1234");
  enter(f);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_AUTH);
  pk_vcard_set_present(f->card, false);
  pk_app_card_removed(f->app, "Reader 0", pk_now_ms());
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_HOME);
  /* Whatever the worker and the window still answer for the wiped session is dropped. */
  for (int i = 0; i < 20; i++) pk_loop_run_once(f->h.loop, 20);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_HOME);
  assert_null(pk_app_citizen(f->app));
  assert_false(pk_net_has_session(f->h.net));
}

/* A window that answers login with errors is "has a problem", not "cannot be reached". */
static void test_a_window_failing_login_is_not_called_unreachable(void **state) {
  fixture *f = *state;
  insert(f);
  pk_window_sim_faults broken = {.error_ratio = 1.0};
  pk_window_sim_set_faults(f->h.sim, &broken);
  type(f, "1234");
  enter(f);
  run_until_screen(f, PK_SCREEN_CARD_ERROR);
  assert_int_equal(pk_app_card_result(f->app), PK_CARDRES_WINDOW_DOWN);
}

/* The card worker cannot take the job (no memory): the citizen is told the card could not be
 * read, instead of a spinner that never ends. */
static void test_a_refused_card_job_still_answers(void **state) {
  fixture *f = *state;
  pk_vcard_set_present(f->card, true);
  fail_calloc_after(1); /* the backend's job is made; the worker's queue entry is not */
  pk_app_card_inserted(f->app, "Reader 0", pk_now_ms());
  assert_int_equal(calloc_failures(), 1);
  run_until_screen(f, PK_SCREEN_CARD_ERROR);
  assert_int_equal(pk_app_card_result(f->app), PK_CARDRES_COMM);
}

/* Two logins queued behind a busy worker, each with its own PIN: the first is checked with
 * the PIN typed for it (wrong: 2 tries left), never with the one asked after it. */
static void test_each_login_keeps_its_own_pin(void **state) {
  fixture *f = *state;
  insert(f);
  gate_set(true);
  pk_backend_live_ops.card_open(f->be, f->app, pk_app_generation(f->app)); /* busies the worker */
  gate_wait_for_worker();
  type(f, "9999");
  enter(f);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_AUTH);
  pk_secret *later = pk_secret_new(PK_CARD_PIN_MAX);
  for (const char *d = "1234"; *d; d++) pk_secret_push(later, (uint8_t)*d);
  pk_backend_live_ops.card_login(f->be, f->app, pk_app_generation(f->app), later);
  pk_secret_free(later);
  gate_set(false);
  run_until_screen(f, PK_SCREEN_PIN);
  assert_string_equal(pk_app_message(f->app), "Wrong PIN.");
  assert_int_equal(pk_app_pin_tries(f->app), 2);
}

/* A CRL issued a month ago, revoking another citizen: what a kiosk installed long ago holds. */
static void old_crl(fixture *f) {
  snprintf(f->old_crl, sizeof f->old_crl, "/tmp/pk-old-crl-XXXXXX");
  int fd = mkstemp(f->old_crl);
  assert_true(fd >= 0);
  close(fd);
  t_write_crl_at(&f->h, f->old_crl, "citizen2", time(NULL) - 40 * 86400, time(NULL) - 30 * 86400);
  snprintf(f->h.cfg.crl, sizeof f->h.cfg.crl, "%s", f->old_crl);
}
static int setup_old_crl(void **state) { return setup_with(state, old_crl); }

/* With the link up, the kiosk takes the window's newer CRL (signed by the card issuer) into its
 * data folder, and the card layer uses that copy: offline sign-in is only as good as its age. */
static void test_the_window_s_newer_crl_replaces_the_kiosk_s(void **state) {
  fixture *f = *state;
  char mine[128];
  snprintf(mine, sizeof mine, "%s/crl.pem", f->data_dir);
  long long old = pk_card_crl_issued(f->old_crl), now_have = pk_card_crl_issued(mine);
  assert_true(old > 0);
  assert_int_equal(now_have, old); /* seeded from the configured one */
  uint64_t end = pk_now_ms() + 10000;
  while (pk_card_crl_issued(mine) <= old && pk_now_ms() < end) pk_loop_run_once(f->h.loop, 50);
  assert_true(pk_card_crl_issued(mine) > old);
  unlink(f->old_crl);
}

/* Offline, a CRL past [offline] crl_hard_limit_h: sign-in refused, in words, not "card error". */
static void stale(fixture *f) {
  old_crl(f);
  f->h.cfg.crl_hard_limit_h = 24;
  f->h.cfg.crl_max_age_h = 12;
  pk_window_sim_set_reachable(f->h.sim, false);
}
static int setup_stale(void **state) { return setup_with(state, stale); }

static void test_offline_sign_in_with_a_stale_crl_is_refused(void **state) {
  fixture *f = *state;
  insert(f);
  type(f, "1234");
  enter(f);
  run_until_screen(f, PK_SCREEN_CARD_ERROR);
  assert_int_equal(pk_app_card_result(f->app), PK_CARDRES_CRL_STALE);
  unlink(f->old_crl);
}

/* The window answers 404 for a tracking code it never issued: the citizen hears that no request
 * has this number, not that the window refused a request. */
static void test_an_unknown_tracking_code_is_told_as_not_found(void **state) {
  fixture *f = *state;
  insert(f);
  type(f, "1234");
  enter(f);
  run_until_screen(f, PK_SCREEN_DASHBOARD);
  type(f, "3");
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_STATUS);
  type(f, "1400000000000001");
  enter(f);
  uint64_t end = pk_now_ms() + 10000;
  while (!pk_app_message(f->app) && pk_now_ms() < end) pk_loop_run_once(f->h.loop, 50);
  assert_non_null(pk_app_message(f->app));
  assert_string_equal(pk_app_message(f->app), "No request has this number; compare it with your receipt.");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_card_pin_and_signature_open_a_session, setup, teardown),
      cmocka_unit_test_setup_teardown(test_the_window_s_newer_crl_replaces_the_kiosk_s, setup_old_crl, teardown),
      cmocka_unit_test_setup_teardown(test_offline_sign_in_with_a_stale_crl_is_refused, setup_stale, teardown),
      cmocka_unit_test_setup_teardown(test_a_pin_too_long_for_the_card_is_refused_where_it_is_typed, setup, teardown),
      cmocka_unit_test_setup_teardown(test_card_pulled_during_login_goes_home, setup, teardown),
      cmocka_unit_test_setup_teardown(test_a_window_failing_login_is_not_called_unreachable, setup, teardown),
      cmocka_unit_test_setup_teardown(test_a_refused_card_job_still_answers, setup, teardown),
      cmocka_unit_test_setup_teardown(test_each_login_keeps_its_own_pin, setup, teardown),
      cmocka_unit_test_setup_teardown(test_an_unknown_tracking_code_is_told_as_not_found, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
