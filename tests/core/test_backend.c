/* The state machine with the live backend: the real card profile on the backend's worker
 * against the virtual card in process, and the window client against the simulator over
 * HTTPS with mutual TLS. What the citizen types reaches the card and the window for real. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../net/harness.h"
#include "failing_calloc.h"
#include "pishkhan/app.h"
#include "pishkhan/backend.h"
#include "pishkhan/vcard.h"

typedef struct {
  harness h;
  pk_vcard *card;
  pk_backend *be;
  pk_app *app;
} fixture;

static pk_transport *open_card(void *ud, const char *reader, pk_card_status *st) {
  pk_transport *t = pk_vcard_present(ud) ? pk_transport_inproc_new(ud) : NULL;
  if (!t) *st = PK_CARD_REMOVED;
  return t;
}

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  h_start(&f->h, NULL, true);
  h_path(&f->h, f->h.cfg.issuer_ca, sizeof f->h.cfg.issuer_ca, "card/ca.crt.pem");
  h_path(&f->h, f->h.cfg.crl, sizeof f->h.cfg.crl, "card/crl.pem");
  char dir[256], *err = NULL;
  h_path(&f->h, dir, sizeof dir, "card");
  f->card = pk_vcard_new("citizen", dir, &err);
  assert_non_null(f->card);
  f->be = pk_backend_new(f->h.loop, &f->h.cfg, f->h.net, open_card, f->card);
  assert_non_null(f->be);
  f->app = pk_app_new(&f->h.cfg, &pk_backend_live_ops, f->be);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  pk_app_free(f->app);
  pk_backend_free(f->be);
  pk_vcard_free(f->card);
  h_stop(&f->h);
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

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_card_pin_and_signature_open_a_session, setup, teardown),
      cmocka_unit_test_setup_teardown(test_a_pin_too_long_for_the_card_is_refused_where_it_is_typed, setup, teardown),
      cmocka_unit_test_setup_teardown(test_card_pulled_during_login_goes_home, setup, teardown),
      cmocka_unit_test_setup_teardown(test_a_window_failing_login_is_not_called_unreachable, setup, teardown),
      cmocka_unit_test_setup_teardown(test_a_refused_card_job_still_answers, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
