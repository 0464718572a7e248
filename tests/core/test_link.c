/* The link's word on screen at start (issue 15, defect 14): until the first probe answers, the
 * kiosk says it is checking the connection, not that there is none; the first answer, even one
 * that confirms the safe guess "offline", is told to the view. Against the window simulator
 * over HTTPS, reachable and not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../net/harness.h"
#include "pishkhan/link.h"

static void changed(void *ud, pk_link_state now) {
  (void)now;
  ++*(int *)ud;
}

static void run_until_told(harness *h, const int *told) {
  uint64_t end = pk_now_ms() + 15000;
  while (!*told && pk_now_ms() < end) pk_loop_run_once(h->loop, 50);
  assert_true(*told > 0);
}

static void test_checking_then_connected(void **state) {
  harness *h = *state;
  int told = 0;
  pk_link *l = pk_link_new(h->loop, h->net, PK_OFFLINE_AUTO, changed, &told);
  assert_string_equal(pk_link_state_msgid(l), "Checking the connection to the national window...");
  assert_true(pk_link_queue_new(l)); /* still the safe guess: nothing is sent into an unchecked link */
  run_until_told(h, &told);
  assert_string_equal(pk_link_state_msgid(l), "Connected to the national window.");
  pk_link_free(l);
}

static void test_checking_then_no_connection(void **state) {
  harness *h = *state;
  assert_int_equal(pk_window_sim_set_reachable(h->sim, false), 0);
  int told = 0;
  pk_link *l = pk_link_new(h->loop, h->net, PK_OFFLINE_AUTO, changed, &told);
  assert_string_equal(pk_link_state_msgid(l), "Checking the connection to the national window...");
  run_until_told(h, &told); /* the state stayed "offline": the view is told all the same */
  assert_string_equal(pk_link_state_msgid(l), "No connection: your request is kept safely and sent later.");
  assert_true(pk_link_known_down(l));
  pk_link_free(l);
  assert_int_equal(pk_window_sim_set_reachable(h->sim, true), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_checking_then_connected, h_setup, h_teardown),
      cmocka_unit_test_setup_teardown(test_checking_then_no_connection, h_setup, h_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
