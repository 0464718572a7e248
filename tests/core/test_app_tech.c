/* The technician's view over home: opened only while nobody is signed in, a report handed back
 * for the run that asked for it (a stale one is dropped), Enter checks again, any other key or
 * a card closes it, and the key does nothing during a citizen's session. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "app_fixture.h"
#include "pishkhan/app.h"
#include "pishkhan/doctor.h"

static pk_doctor_report one_check(bool ok) {
  pk_doctor_report r = {.n = 1};
  r.checks[0] = (pk_doctor_check){.name = "window", .ok = ok, .severity = PK_DOCTOR_CRITICAL};
  snprintf(r.checks[0].message, sizeof r.checks[0].message, "%s", ok ? "reachable" : "unreachable");
  return r;
}

static void test_opens_at_home_and_takes_its_own_report(void **state) {
  fixture *f = *state;
  assert_false(pk_app_tech_open(f->app));
  assert_int_equal(pk_app_tech_run(f->app), 0);
  fx_key(f, PK_KEY_TECH, 0);
  assert_true(pk_app_tech_open(f->app));
  unsigned first = pk_app_tech_run(f->app);
  assert_true(first > 0);
  assert_null(pk_app_tech_report(f->app)); /* running */
  fx_key(f, PK_KEY_ENTER, 0);              /* check again: a new run */
  unsigned second = pk_app_tech_run(f->app);
  assert_true(second != first);
  pk_doctor_report stale = one_check(false), fresh = one_check(true);
  pk_app_set_tech_report(f->app, first, &stale);
  assert_null(pk_app_tech_report(f->app)); /* the earlier run's answer is not this one's */
  pk_app_set_tech_report(f->app, second, &fresh);
  assert_non_null(pk_app_tech_report(f->app));
  assert_true(pk_app_tech_report(f->app)->checks[0].ok);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_HOME);
  fx_key(f, PK_KEY_CANCEL, 0);
  assert_false(pk_app_tech_open(f->app));
  assert_null(pk_app_tech_report(f->app));
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_HOME);
}

static void test_a_card_closes_it(void **state) {
  fixture *f = *state;
  fx_key(f, PK_KEY_TECH, 0);
  assert_true(pk_app_tech_open(f->app));
  fx_login(f); /* the next citizen's card: the checks give way */
  assert_false(pk_app_tech_open(f->app));
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_DASHBOARD);
}

static void test_not_during_a_session(void **state) {
  fixture *f = *state;
  fx_login(f);
  fx_key(f, PK_KEY_TECH, 0);
  assert_false(pk_app_tech_open(f->app));
  assert_int_equal(pk_app_tech_run(f->app), 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_DASHBOARD);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_opens_at_home_and_takes_its_own_report, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_a_card_closes_it, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_not_during_a_session, fx_setup, fx_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
