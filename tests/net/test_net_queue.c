/* The window's side of the offline queue, against the simulator over HTTPS + mTLS on
 * loopback: lookup by idempotency key (200 / 404 / 409 while a submit is in flight). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define FIELDS "{\"national_code\":\"1234567891\",\"mobile\":\"09121234567\",\"birth_date\":\"1365/04/12\"}"

typedef struct {
  bool done;
  pk_net_receipt rec;
  pk_net_result st;
  char jws[4096];
} ctx;

static void on_rec(const pk_net_receipt *r, void *ud) {
  ctx *c = ud;
  c->rec = *r;
  c->st = r->st;
  snprintf(c->jws, sizeof c->jws, "%s", r->receipt_jws ? r->receipt_jws : "");
  c->rec.receipt_jws = NULL;
  c->done = true;
}

static int setup(void **state) {
  harness *h = calloc(1, sizeof *h);
  h_start(h, NULL, true);
  *state = h;
  return 0;
}

static int teardown(void **state) {
  h_stop(*state);
  free(*state);
  return 0;
}

static ctx submit(harness *h, const char *key) {
  ctx c = {0};
  pk_net_submit(h->net, "tamin-0001", FIELDS, key, on_rec, &c);
  h_run_until(h, &c.done, 20000);
  return c;
}

static ctx lookup(harness *h, const char *key) {
  ctx c = {0};
  pk_net_request_lookup(h->net, key, on_rec, &c);
  h_run_until(h, &c.done, 20000);
  return c;
}

static void test_lookup_stored_and_unknown(void **state) {
  harness *h = *state;
  assert_int_equal(h_login_otp(h, "1234567891"), 2);
  char key[37];
  assert_true(pk_net_new_idem_key(key));
  /* Never sent: the window says so, and that is the evidence the kiosk acts on. */
  ctx c = lookup(h, key);
  assert_int_equal(c.st.err, PK_NET_VALIDATION);
  assert_int_equal(c.st.http_status, 404);
  assert_string_equal(c.st.code, "request_unknown");
  ctx s = submit(h, key);
  assert_int_equal(s.st.err, PK_NET_OK);
  c = lookup(h, key);
  assert_int_equal(c.st.err, PK_NET_OK);
  assert_int_equal(c.st.http_status, 200);
  assert_true(c.rec.replayed);
  assert_string_equal(c.rec.tracking_code, s.rec.tracking_code);
  assert_string_equal(c.rec.status, "received");
  assert_int_equal(c.rec.submitted_at, s.rec.submitted_at);
  assert_string_equal(c.jws, s.jws);
  /* Asking never creates a request. */
  assert_int_equal(pk_window_sim_request_count(h->sim), 1);
}

/* Without a session the kiosk's certificate is its identity: no login needed to ask. */
static void test_lookup_by_kiosk_identity_alone(void **state) {
  harness *h = *state;
  assert_int_equal(h_login_otp(h, "1234567891"), 2);
  char key[37];
  assert_true(pk_net_new_idem_key(key));
  assert_int_equal(submit(h, key).st.err, PK_NET_OK);
  pk_net_clear_session(h->net);
  ctx c = lookup(h, key);
  assert_int_equal(c.st.err, PK_NET_OK);
  assert_true(c.rec.replayed);
}

/* Without mutual TLS a session sees only its own citizen's requests. */
static void test_lookup_by_session_sees_only_its_citizen(void **state) {
  harness *h = *state;
  h_stop(h);
  h_start(h, NULL, false);
  assert_int_equal(h_login_otp(h, "1234567891"), 2);
  char key[37];
  assert_true(pk_net_new_idem_key(key));
  assert_int_equal(submit(h, key).st.err, PK_NET_OK);
  assert_int_equal(lookup(h, key).st.err, PK_NET_OK);
  assert_int_equal(h_login_otp(h, "0071234561"), 2);
  ctx c = lookup(h, key);
  assert_int_equal(c.st.err, PK_NET_VALIDATION);
  assert_string_equal(c.st.code, "request_unknown");
  pk_net_clear_session(h->net);
  assert_int_equal(lookup(h, key).st.err, PK_NET_AUTH);
}

static void test_lookup_while_submit_in_flight(void **state) {
  harness *h = *state;
  assert_int_equal(h_login_otp(h, "1234567891"), 2);
  char key[37];
  assert_true(pk_net_new_idem_key(key));
  pk_window_sim_set_faults(h->sim, &(pk_window_sim_faults){.latency_ms = 1500});
  ctx s = {0};
  pk_net_submit(h->net, "tamin-0001", FIELDS, key, on_rec, &s);
  uint64_t end = pk_now_ms() + 5000;
  while (!pk_window_sim_in_flight(h->sim, key) && pk_now_ms() < end) pk_loop_run_once(h->loop, 5);
  assert_true(pk_window_sim_in_flight(h->sim, key));
  /* The submit has drawn its latency; the lookup gets none. */
  pk_window_sim_set_faults(h->sim, &(pk_window_sim_faults){0});
  ctx c = {0};
  pk_net_request_lookup(h->net, key, on_rec, &c);
  h_run_until(h, &c.done, 1400);
  assert_false(s.done);
  assert_int_equal(c.st.err, PK_NET_SERVER);
  assert_int_equal(c.st.http_status, 409);
  assert_string_equal(c.st.code, "request_in_progress");
  assert_int_equal(c.st.attempts, h->cfg.max_retries + 1);
  h_run_until(h, &s.done, 10000);
  assert_int_equal(s.st.err, PK_NET_OK);
  c = lookup(h, key);
  assert_int_equal(c.st.err, PK_NET_OK);
  assert_string_equal(c.rec.tracking_code, s.rec.tracking_code);
  assert_false(pk_window_sim_in_flight(h->sim, key));
}

/* A submit that failed before its commit leaves no trace: 404, not 409 for ever. */
static void test_lookup_after_failed_submit(void **state) {
  harness *h = *state;
  assert_int_equal(h_login_otp(h, "1234567891"), 2);
  char key[37];
  assert_true(pk_net_new_idem_key(key));
  pk_window_sim_set_faults(h->sim, &(pk_window_sim_faults){.error_ratio = 1.0});
  assert_int_equal(submit(h, key).st.err, PK_NET_SERVER);
  pk_window_sim_set_faults(h->sim, &(pk_window_sim_faults){0});
  ctx c = lookup(h, key);
  assert_int_equal(c.st.err, PK_NET_VALIDATION);
  assert_string_equal(c.st.code, "request_unknown");
  assert_int_equal(pk_window_sim_request_count(h->sim), 0);
}

/* Lost answers: the request was stored, the kiosk heard nothing; the lookup finds it. */
static void test_lookup_after_lost_answer(void **state) {
  harness *h = *state;
  assert_int_equal(h_login_otp(h, "1234567891"), 2);
  char key[37];
  assert_true(pk_net_new_idem_key(key));
  pk_window_sim_set_faults(h->sim, &(pk_window_sim_faults){.drop_ratio = 1.0, .after_commit = true});
  assert_int_equal(submit(h, key).st.err, PK_NET_OFFLINE);
  pk_window_sim_set_faults(h->sim, &(pk_window_sim_faults){0});
  ctx c = lookup(h, key);
  assert_int_equal(c.st.err, PK_NET_OK);
  assert_true(c.rec.replayed);
  assert_int_equal(pk_window_sim_request_count(h->sim), 1);
}

static void test_lookup_refuses_bad_key(void **state) {
  harness *h = *state;
  ctx c = lookup(h, "no spaces allowed");
  assert_int_equal(c.st.err, PK_NET_VALIDATION);
  assert_string_equal(c.st.code, "invalid_argument");
  assert_int_equal(c.st.attempts, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_lookup_stored_and_unknown, setup, teardown),
    cmocka_unit_test_setup_teardown(test_lookup_by_kiosk_identity_alone, setup, teardown),
    cmocka_unit_test_setup_teardown(test_lookup_by_session_sees_only_its_citizen, setup, teardown),
    cmocka_unit_test_setup_teardown(test_lookup_while_submit_in_flight, setup, teardown),
    cmocka_unit_test_setup_teardown(test_lookup_after_failed_submit, setup, teardown),
    cmocka_unit_test_setup_teardown(test_lookup_after_lost_answer, setup, teardown),
    cmocka_unit_test_setup_teardown(test_lookup_refuses_bad_key, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
