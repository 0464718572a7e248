/* The state machine from insertion to a logged-in citizen, and the two ways any
 * session must end: card removal and idle timeout, from every screen. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fake_backend.h"
#include "pishkhan/app.h"

typedef struct {
  pk_config cfg;
  fake_backend fb;
  pk_app *app;
  uint64_t now;
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  pk_config_defaults(&f->cfg);
  f->app = pk_app_new(&f->cfg, &fake_backend_ops, &f->fb);
  f->now = 1000;
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  pk_app_free(f->app);
  free(f);
  return 0;
}

static pk_citizen zahra(void) {
  pk_citizen c = {0};
  strcpy(c.name_fa, "زهرا محمدی");
  strcpy(c.name_en, "Zahra Mohammadi");
  strcpy(c.national_code, "0012345679");
  return c;
}

static void key(fixture *f, pk_key_code code, uint32_t cp) {
  f->now += 100;
  pk_app_key(f->app, (pk_key){code, cp}, f->now);
}

static void type_pin(fixture *f, const uint32_t *cps, int n) {
  for (int i = 0; i < n; i++) key(f, PK_KEY_CHAR, cps[i]);
}

static void insert_and_read(fixture *f, int tries) {
  pk_app_card_inserted(f->app, "Reader 0", f->now);
  pk_citizen c = zahra();
  pk_app_card_open_done(f->app, f->fb.last_gen, PK_CARDRES_OK, &c, tries);
}

static void login(fixture *f) {
  insert_and_read(f, 3);
  const uint32_t pin[] = {'1', '2', '3', '4'};
  type_pin(f, pin, 4);
  key(f, PK_KEY_ENTER, 0);
  pk_app_card_login_done(f->app, f->fb.last_gen, PK_CARDRES_OK, 3);
}

static void test_insert_pin_login_dashboard(void **state) {
  fixture *f = *state;
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_HOME);
  pk_app_card_inserted(f->app, "Reader 0", f->now);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_CARD_READ);
  assert_int_equal(f->fb.opens, 1);
  pk_citizen c = zahra();
  pk_app_card_open_done(f->app, f->fb.last_gen, PK_CARDRES_OK, &c, 3);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_PIN);
  assert_int_equal(pk_app_pin_tries(f->app), 3);
  assert_null(pk_app_citizen(f->app)); /* no name before the PIN */
  const uint32_t persian_pin[] = {0x06F1, 0x06F2, 0x06F3, 0x06F4}; /* ۱۲۳۴ */
  type_pin(f, persian_pin, 4);
  assert_int_equal(pk_app_pin_length(f->app), 4);
  key(f, PK_KEY_ENTER, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_AUTH);
  assert_string_equal(f->fb.last_pin, "1234");
  assert_int_equal(pk_app_pin_length(f->app), 0); /* the app's copy is gone */
  pk_app_card_login_done(f->app, f->fb.last_gen, PK_CARDRES_OK, 3);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_DASHBOARD);
  assert_string_equal(pk_app_citizen(f->app)->name_fa, "زهرا محمدی");
}

static void test_pin_backspace_and_short_pin(void **state) {
  fixture *f = *state;
  insert_and_read(f, 3);
  const uint32_t pin[] = {'1', '2', '3'};
  type_pin(f, pin, 3);
  key(f, PK_KEY_BACK, 0);
  assert_int_equal(pk_app_pin_length(f->app), 2);
  key(f, PK_KEY_ENTER, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_PIN);
  assert_int_equal(f->fb.logins, 0);
  assert_string_equal(pk_app_message(f->app), "The PIN has at least 4 digits.");
  key(f, PK_KEY_CHAR, 'x'); /* letters are not PIN digits */
  assert_int_equal(pk_app_pin_length(f->app), 2);
}

static void test_wrong_pin_then_blocked(void **state) {
  fixture *f = *state;
  insert_and_read(f, 3);
  const uint32_t pin[] = {'9', '9', '9', '9'};
  type_pin(f, pin, 4);
  key(f, PK_KEY_ENTER, 0);
  pk_app_card_login_done(f->app, f->fb.last_gen, PK_CARDRES_PIN_WRONG, 2);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_PIN);
  assert_int_equal(pk_app_pin_tries(f->app), 2);
  assert_string_equal(pk_app_message(f->app), "Wrong PIN.");
  type_pin(f, pin, 4);
  key(f, PK_KEY_ENTER, 0);
  pk_app_card_login_done(f->app, f->fb.last_gen, PK_CARDRES_PIN_BLOCKED, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_PIN_BLOCKED);
  assert_false(pk_app_has_session(f->app));
}

static void test_blocked_card_goes_straight_to_blocked(void **state) {
  fixture *f = *state;
  insert_and_read(f, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_PIN_BLOCKED);
}

static void test_refused_cards(void **state) {
  fixture *f = *state;
  const pk_card_result refusals[] = {PK_CARDRES_EXPIRED, PK_CARDRES_TAMPERED, PK_CARDRES_REVOKED,
                                     PK_CARDRES_UNKNOWN_CARD};
  for (size_t i = 0; i < sizeof refusals / sizeof *refusals; i++) {
    pk_app_card_inserted(f->app, "Reader 0", f->now);
    pk_app_card_open_done(f->app, f->fb.last_gen, refusals[i], NULL, -1);
    assert_int_equal(pk_app_screen(f->app), PK_SCREEN_CARD_ERROR);
    assert_int_equal(pk_app_card_result(f->app), refusals[i]);
    pk_app_card_removed(f->app, "Reader 0", f->now);
    assert_int_equal(pk_app_screen(f->app), PK_SCREEN_HOME);
  }
}

static void test_stale_completion_is_dropped(void **state) {
  fixture *f = *state;
  pk_app_card_inserted(f->app, "Reader 0", f->now);
  unsigned old = f->fb.last_gen;
  pk_app_card_removed(f->app, "Reader 0", f->now);
  pk_citizen c = zahra();
  pk_app_card_open_done(f->app, old, PK_CARDRES_OK, &c, 3);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_HOME);
  assert_null(pk_app_citizen(f->app));
}

/* Drive a fresh app to each screen reachable in the login flow. */
static void drive_to(fixture *f, pk_screen_id s) {
  switch (s) {
  case PK_SCREEN_CARD_READ: pk_app_card_inserted(f->app, "R", f->now); break;
  case PK_SCREEN_PIN: insert_and_read(f, 3); break;
  case PK_SCREEN_PIN_BLOCKED: insert_and_read(f, 0); break;
  case PK_SCREEN_CARD_ERROR:
    pk_app_card_inserted(f->app, "R", f->now);
    pk_app_card_open_done(f->app, f->fb.last_gen, PK_CARDRES_EXPIRED, NULL, -1);
    break;
  case PK_SCREEN_AUTH: {
    insert_and_read(f, 3);
    const uint32_t pin[] = {'1', '2', '3', '4'};
    type_pin(f, pin, 4);
    key(f, PK_KEY_ENTER, 0);
    break;
  }
  case PK_SCREEN_DASHBOARD: login(f); break;
  default: fail_msg("no route to %s", pk_screen_name(s));
  }
  assert_int_equal(pk_app_screen(f->app), s);
}

static const pk_screen_id session_screens[] = {PK_SCREEN_CARD_READ, PK_SCREEN_PIN, PK_SCREEN_PIN_BLOCKED,
                                               PK_SCREEN_CARD_ERROR, PK_SCREEN_AUTH, PK_SCREEN_DASHBOARD};

static void test_card_removal_from_every_screen_wipes(void **state) {
  fixture *f = *state;
  for (size_t i = 0; i < sizeof session_screens / sizeof *session_screens; i++) {
    drive_to(f, session_screens[i]);
    int closes = f->fb.closes;
    pk_app_card_removed(f->app, "R", f->now);
    assert_int_equal(pk_app_screen(f->app), PK_SCREEN_HOME);
    assert_null(pk_app_citizen(f->app));
    assert_false(pk_app_has_session(f->app));
    assert_int_equal(pk_app_pin_length(f->app), 0);
    assert_true(f->fb.closes > closes);
  }
}

static void test_idle_timeout_from_every_screen(void **state) {
  fixture *f = *state;
  for (size_t i = 0; i < sizeof session_screens / sizeof *session_screens; i++) {
    drive_to(f, session_screens[i]);
    uint64_t t = f->now;
    pk_app_tick(f->app, t + 39000);
    assert_int_equal(pk_app_idle_countdown(f->app), -1);
    pk_app_tick(f->app, t + 40000); /* the default warning: 20 s */
    assert_int_equal(pk_app_idle_countdown(f->app), 20);
    pk_app_tick(f->app, t + 55500);
    assert_int_equal(pk_app_idle_countdown(f->app), 5);
    pk_app_tick(f->app, t + 60000);
    assert_int_equal(pk_app_screen(f->app), PK_SCREEN_HOME);
    assert_null(pk_app_citizen(f->app));
    f->now = t + 60000;
    /* The card is still in: the next citizen must not inherit it. */
    pk_app_card_removed(f->app, "R", f->now);
  }
}

static void test_key_during_countdown_keeps_session(void **state) {
  fixture *f = *state;
  drive_to(f, PK_SCREEN_DASHBOARD);
  uint64_t t = f->now;
  pk_app_tick(f->app, t + 52000);
  assert_int_equal(pk_app_idle_countdown(f->app), 8);
  pk_app_key(f->app, (pk_key){PK_KEY_DOWN, 0}, t + 52500);
  assert_int_equal(pk_app_idle_countdown(f->app), -1);
  pk_app_tick(f->app, t + 61000);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_DASHBOARD);
}

static void test_home_never_times_out_and_asks_to_remove_card(void **state) {
  fixture *f = *state;
  pk_app_tick(f->app, f->now + 3600000);
  assert_int_equal(pk_app_idle_countdown(f->app), -1);
  drive_to(f, PK_SCREEN_DASHBOARD);
  key(f, PK_KEY_CHAR, '0'); /* logout with the card still inserted */
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_HOME);
  assert_string_equal(pk_app_message(f->app), "Please remove your card.");
}

static void test_pinpad_reader_never_takes_the_pin_on_screen(void **state) {
  fixture *f = *state;
  pk_app_card_inserted(f->app, "Pinpad reader", f->now);
  pk_app_card_pinpad(f->app, f->fb.last_gen);
  pk_citizen c = zahra();
  pk_app_card_open_done(f->app, f->fb.last_gen, PK_CARDRES_OK, &c, 3);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_AUTH); /* straight to the reader's keypad */
  assert_true(pk_app_pinpad(f->app));
  assert_int_equal(f->fb.logins, 1);
  assert_string_equal(f->fb.last_pin, "");
  key(f, PK_KEY_CHAR, '1'); /* digits on the kiosk keyboard go nowhere */
  assert_int_equal(pk_app_pin_length(f->app), 0);
  pk_app_card_login_done(f->app, f->fb.last_gen, PK_CARDRES_PIN_WRONG, 2);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_AUTH);
  assert_int_equal(f->fb.logins, 2);
  assert_string_equal(pk_app_message(f->app), "Wrong PIN.");
  assert_int_equal(pk_app_pin_tries(f->app), 2);
  pk_app_card_login_done(f->app, f->fb.last_gen, PK_CARDRES_OK, 2);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_DASHBOARD);
  pk_app_card_removed(f->app, "Pinpad reader", f->now);
  assert_false(pk_app_pinpad(f->app));
}

/* The card takes 4 to 8 digits: a ninth is refused where it is typed, with a message, so
 * nobody is sent to the card-error screen for a PIN the card could never take. */
static void test_pin_longer_than_the_card_takes_is_refused_on_screen(void **state) {
  fixture *f = *state;
  insert_and_read(f, 3);
  const uint32_t nine[] = {'1', '2', '3', '4', '5', '6', '7', '8', '9'};
  type_pin(f, nine, 9);
  assert_int_equal(pk_app_pin_length(f->app), 8);
  assert_string_equal(pk_app_message(f->app), "The PIN has at most 8 digits.");
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_PIN);
  key(f, PK_KEY_ENTER, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_AUTH);
  assert_string_equal(f->fb.last_pin, "12345678");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_insert_pin_login_dashboard, setup, teardown),
      cmocka_unit_test_setup_teardown(test_pin_backspace_and_short_pin, setup, teardown),
      cmocka_unit_test_setup_teardown(test_wrong_pin_then_blocked, setup, teardown),
      cmocka_unit_test_setup_teardown(test_blocked_card_goes_straight_to_blocked, setup, teardown),
      cmocka_unit_test_setup_teardown(test_refused_cards, setup, teardown),
      cmocka_unit_test_setup_teardown(test_stale_completion_is_dropped, setup, teardown),
      cmocka_unit_test_setup_teardown(test_card_removal_from_every_screen_wipes, setup, teardown),
      cmocka_unit_test_setup_teardown(test_idle_timeout_from_every_screen, setup, teardown),
      cmocka_unit_test_setup_teardown(test_key_during_countdown_keeps_session, setup, teardown),
      cmocka_unit_test_setup_teardown(test_home_never_times_out_and_asks_to_remove_card, setup, teardown),
      cmocka_unit_test_setup_teardown(test_pinpad_reader_never_takes_the_pin_on_screen, setup, teardown),
      cmocka_unit_test_setup_teardown(test_pin_longer_than_the_card_takes_is_refused_on_screen, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
