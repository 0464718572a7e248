/* Every fault mode of the simulator against the client: 5xx, dropped connections,
 * truncated bodies, latency past the timeout, slow drip; TLS failures (wrong CA, wrong pin,
 * missing or foreign kiosk certificate), a server that is gone, and keyed submits under
 * mixed faults that must end with exactly one request per key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

typedef struct {
  bool done;
  pk_net_result st;
  size_t n;
  pk_net_receipt rec;
  char tc[32];
} ctx;

static void on_inbox(const pk_net_inbox *r, void *ud) {
  ctx *c = ud;
  c->st = r->st;
  c->n = r->n;
  c->done = true;
}

static void on_rec(const pk_net_receipt *r, void *ud) {
  ctx *c = ud;
  c->rec = *r;
  c->rec.receipt_jws = NULL;
  c->st = r->st;
  snprintf(c->tc, sizeof c->tc, "%s", r->tracking_code);
  c->done = true;
}

static int setup(void **state) {
  harness *h = calloc(1, sizeof *h);
  h_start(h, NULL, true);
  assert_int_equal(h_login_otp(h, "1234567891"), 2);
  *state = h;
  return 0;
}

static int teardown(void **state) {
  h_stop(*state);
  free(*state);
  return 0;
}

static pk_net_result inbox(harness *h) {
  ctx c = {0};
  pk_net_inbox_get(h->net, on_inbox, &c);
  h_run_until(h, &c.done, 60000);
  return c.st;
}

static void faults(harness *h, pk_window_sim_faults f) { pk_window_sim_set_faults(h->sim, &f); }

static void test_5xx_retried_then_server(void **state) {
  harness *h = *state;
  faults(h, (pk_window_sim_faults){.error_ratio = 1.0});
  pk_net_result st = inbox(h);
  assert_int_equal(st.err, PK_NET_SERVER);
  assert_int_equal(st.http_status, 503);
  assert_string_equal(st.code, "unavailable");
  assert_true(strlen(st.message_fa) > 0);
  assert_int_equal(st.attempts, h->cfg.max_retries + 1);
  faults(h, (pk_window_sim_faults){0});
  assert_int_equal(inbox(h).err, PK_NET_OK);
}

static void test_dropped_connections_offline(void **state) {
  harness *h = *state;
  faults(h, (pk_window_sim_faults){.drop_ratio = 1.0});
  pk_net_result st = inbox(h);
  assert_int_equal(st.err, PK_NET_OFFLINE);
  assert_int_equal(st.attempts, h->cfg.max_retries + 1);
}

static void test_truncated_body_protocol(void **state) {
  harness *h = *state;
  faults(h, (pk_window_sim_faults){.truncate_ratio = 1.0});
  pk_net_result st = inbox(h);
  assert_int_equal(st.err, PK_NET_PROTOCOL);
  assert_string_equal(st.code, "truncated_response");
  /* Half of the answers cut: the retries get through. A call fails only when all of its
   * attempts were cut (1 in 32 with 5 attempts), so 20 calls tell retries from luck: with them
   * at least 15 get through (a false failure about once in 10^5 runs; 6 calls needing 5 failed
   * one run in 70), and a call that fails has used every attempt. */
  faults(h, (pk_window_sim_faults){.truncate_ratio = 0.5});
  int ok = 0, retried = 0;
  for (int i = 0; i < 20; i++) {
    pk_net_result r = inbox(h);
    ok += r.err == PK_NET_OK;
    retried += r.err == PK_NET_OK && r.attempts > 1;
    if (r.err != PK_NET_OK) {
      assert_string_equal(r.code, "truncated_response");
      assert_int_equal(r.attempts, h->cfg.max_retries + 1);
    }
  }
  assert_true(ok >= 15);
  assert_true(retried > 0); /* got through on a retry, not on the first attempt alone */
}

static void test_latency_and_timeout(void **state) {
  harness *h = *state;
  faults(h, (pk_window_sim_faults){.latency_ms = 200});
  uint64_t t0 = pk_now_ms();
  assert_int_equal(inbox(h).err, PK_NET_OK);
  assert_true(pk_now_ms() - t0 >= 200);
  h->cfg.total_timeout_ms = 300;
  h->cfg.max_retries = 1;
  h_renet(h);
  /* The window's added latency comes before any answer (here a 401: no session). */
  faults(h, (pk_window_sim_faults){.latency_ms = 1500});
  pk_net_result st = inbox(h);
  assert_int_equal(st.err, PK_NET_TIMEOUT);
  assert_int_equal(st.attempts, 2);
}

static void test_slow_drip(void **state) {
  harness *h = *state;
  faults(h, (pk_window_sim_faults){.drip_ms = 5});
  pk_net_result st = inbox(h);
  assert_int_equal(st.err, PK_NET_OK);
  /* A drip slower than the total timeout is a timeout, not a hang. */
  h->cfg.total_timeout_ms = 400;
  h->cfg.max_retries = 0;
  h_renet(h);
  faults(h, (pk_window_sim_faults){.drip_ms = 100});
  st = inbox(h);
  assert_int_equal(st.err, PK_NET_TIMEOUT);
}

static void test_keyed_submits_under_faults_exactly_once(void **state) {
  harness *h = *state;
  h->cfg.max_retries = 10;
  /* Keep the session: re-login through the new client. */
  h_renet(h);
  assert_int_equal(h_login_otp(h, "0071234561"), 2);
  /* Submits go on until the window has lost at least 3 answers of stored requests (the faults
   * are drawn at random): a run that saw no fault would prove nothing. */
  enum { MIN_N = 12, MAX_N = 48, MIN_LOST = 3 };
  char keys[MAX_N][37], tcs[MAX_N][32];
  faults(h, (pk_window_sim_faults){.error_ratio = 0.3, .drop_ratio = 0.2, .truncate_ratio = 0.1,
                                   .after_commit = true});
  long lost0 = pk_window_sim_faulted_answers(h->sim);
  int N = 0;
  while (N < MAX_N && (N < MIN_N || pk_window_sim_faulted_answers(h->sim) - lost0 < MIN_LOST)) {
    int i = N++;
    pk_net_new_idem_key(keys[i]);
    ctx c = {0};
    pk_net_submit(h->net, "tamin-0001",
                  "{\"national_code\":\"0071234561\",\"mobile\":\"09121234567\",\"birth_date\":\"1370/01/01\"}",
                  keys[i], on_rec, &c);
    h_run_until(h, &c.done, 60000);
    assert_int_equal(c.st.err, PK_NET_OK);
    snprintf(tcs[i], sizeof tcs[i], "%s", c.tc);
  }
  assert_true(pk_window_sim_faulted_answers(h->sim) - lost0 >= MIN_LOST); /* the faults really happened */
  faults(h, (pk_window_sim_faults){0});
  /* Exactly one request per key, and each key still names its own tracking code. */
  assert_int_equal(pk_window_sim_request_count(h->sim), N);
  for (int i = 0; i < N; i++) {
    ctx c = {0};
    pk_net_submit(h->net, "tamin-0001",
                  "{\"national_code\":\"0071234561\",\"mobile\":\"09121234567\",\"birth_date\":\"1370/01/01\"}",
                  keys[i], on_rec, &c);
    h_run_until(h, &c.done, 10000);
    assert_int_equal(c.st.err, PK_NET_OK);
    assert_true(c.rec.replayed);
    assert_string_equal(c.tc, tcs[i]);
  }
  assert_int_equal(pk_window_sim_request_count(h->sim), N);
}

/* The backoff waits go through a timer the test holds: it sees the retry being scheduled,
 * with what delay, and fires it (or not) itself. */
typedef struct {
  int started, cancelled;
  uint64_t ms;
  pk_timer_cb cb;
  void *cb_ud;
} held_timer;

static unsigned hold_start(void *ud, uint64_t ms, pk_timer_cb cb, void *cb_ud) {
  held_timer *t = ud;
  t->started++;
  t->ms = ms;
  t->cb = cb;
  t->cb_ud = cb_ud;
  return (unsigned)t->started;
}

static void hold_cancel(void *ud, unsigned id) {
  held_timer *t = ud;
  if (id == (unsigned)t->started) t->cancelled++, t->cb = NULL;
}

static void test_cancel_during_backoff(void **state) {
  harness *h = *state;
  held_timer t = {0};
  pk_net_set_retry_timers(h->net, &(pk_net_timers){hold_start, hold_cancel, &t});
  pk_net_set_backoff_ms(h->net, 2000, 4000);
  faults(h, (pk_window_sim_faults){.error_ratio = 1.0});
  ctx c = {0};
  pk_net_req *r = pk_net_inbox_get(h->net, on_inbox, &c);
  uint64_t end = pk_now_ms() + 10000;
  while (!t.started && !c.done && pk_now_ms() < end) pk_loop_run_once(h->loop, 20);
  assert_int_equal(t.started, 1);
  assert_false(c.done); /* waiting for its retry */
  assert_in_range(t.ms, 1000, 2000); /* equal jitter: half the base delay, up to all of it */
  pk_net_cancel(r);
  assert_true(c.done);
  assert_int_equal(c.st.err, PK_NET_CANCELLED);
  assert_int_equal(c.st.attempts, 1);
  assert_int_equal(t.cancelled, 1); /* the held retry will never fire */
}

/* A held retry fired by the test: the second attempt goes out at once, the third waits longer. */
static void test_backoff_grows_per_attempt(void **state) {
  harness *h = *state;
  held_timer t = {0};
  pk_net_set_retry_timers(h->net, &(pk_net_timers){hold_start, hold_cancel, &t});
  pk_net_set_backoff_ms(h->net, 1000, 8000);
  faults(h, (pk_window_sim_faults){.error_ratio = 1.0});
  ctx c = {0};
  pk_net_inbox_get(h->net, on_inbox, &c);
  uint64_t lo[] = {500, 1000, 2000, 4000}, hi[] = {1000, 2000, 4000, 8000};
  for (int i = 0; i < h->cfg.max_retries; i++) {
    uint64_t end = pk_now_ms() + 10000;
    while (t.started == i && !c.done && pk_now_ms() < end) pk_loop_run_once(h->loop, 20);
    assert_int_equal(t.started, i + 1);
    assert_in_range(t.ms, lo[i], hi[i]);
    pk_timer_cb cb = t.cb;
    t.cb = NULL;
    cb(h->loop, (unsigned)t.started, t.cb_ud);
  }
  h_run_until(h, &c.done, 10000);
  assert_int_equal(c.st.err, PK_NET_SERVER);
  assert_int_equal(c.st.attempts, h->cfg.max_retries + 1);
}

static pk_net_result with_cfg(harness *h) {
  h_renet(h);
  return inbox(h);
}

static void test_tls_identity(void **state) {
  harness *h = *state;
  /* Wrong pin. */
  snprintf(h->cfg.pinned_pubkey, sizeof h->cfg.pinned_pubkey, "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
  pk_net_result st = with_cfg(h);
  assert_int_equal(st.err, PK_NET_TLS);
  assert_string_equal(st.code, "tls_failed");
  assert_int_equal(st.attempts, 1);
  /* Right pin: reaches the window (no session in a new client: 401). */
  char pin_path[PK_CFG_STR];
  h_path(h, pin_path, sizeof pin_path, "tls/server-pin.txt");
  FILE *f = fopen(pin_path, "r");
  assert_non_null(f);
  assert_non_null(fgets(h->cfg.pinned_pubkey, sizeof h->cfg.pinned_pubkey, f));
  fclose(f);
  h->cfg.pinned_pubkey[strcspn(h->cfg.pinned_pubkey, "\n")] = 0;
  st = with_cfg(h);
  assert_int_equal(st.err, PK_NET_AUTH);
  assert_string_equal(st.code, "unauthorized");
  /* A CA that did not sign the server. */
  h_path(h, h->cfg.ca_bundle, sizeof h->cfg.ca_bundle, "card/ca.crt.pem");
  st = with_cfg(h);
  assert_int_equal(st.err, PK_NET_TLS);
  assert_string_equal(st.code, "tls_failed");
  h_path(h, h->cfg.ca_bundle, sizeof h->cfg.ca_bundle, "tls/ca.pem");
  /* No kiosk certificate, then one from a foreign CA: refused by the window. */
  h->cfg.client_cert[0] = h->cfg.client_key[0] = 0;
  st = with_cfg(h);
  assert_int_equal(st.err, PK_NET_AUTH);
  assert_string_equal(st.code, "kiosk_certificate_required");
  h_path(h, h->cfg.client_cert, sizeof h->cfg.client_cert, "tls/rogue-kiosk.pem");
  h_path(h, h->cfg.client_key, sizeof h->cfg.client_key, "tls/rogue-kiosk-key.pem");
  st = with_cfg(h);
  assert_int_equal(st.err, PK_NET_AUTH);
  assert_string_equal(st.code, "kiosk_certificate_required");
}

static void test_window_gone_offline(void **state) {
  harness *h = *state;
  h->cfg.max_retries = 2;
  h_renet(h);
  pk_window_sim_stop(h->sim);
  h->sim = NULL;
  pk_net_result st = inbox(h);
  assert_int_equal(st.err, PK_NET_OFFLINE);
  assert_int_equal(st.attempts, 3);
  /* Restart on a fresh port for teardown. */
  pk_window_sim_opts o;
  pk_window_sim_opts_defaults(&o);
  harness tmp;
  h_start(&tmp, &o, true);
  h_stop(h);
  *h = tmp;
}

static void test_token_expiry(void **state) {
  harness *h = *state;
  h_stop(h);
  pk_window_sim_opts o;
  pk_window_sim_opts_defaults(&o);
  o.token_ttl_s = 1;
  h_start(h, &o, true);
  assert_int_equal(h_login_otp(h, "1234567891"), 2);
  assert_int_equal(inbox(h).err, PK_NET_OK);
  pk_window_sim_advance_clock(h->sim, 2);
  pk_net_result st = inbox(h);
  assert_int_equal(st.err, PK_NET_AUTH);
  assert_string_equal(st.code, "token_expired");
  assert_false(pk_net_has_session(h->net));
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_5xx_retried_then_server, setup, teardown),
    cmocka_unit_test_setup_teardown(test_dropped_connections_offline, setup, teardown),
    cmocka_unit_test_setup_teardown(test_truncated_body_protocol, setup, teardown),
    cmocka_unit_test_setup_teardown(test_latency_and_timeout, setup, teardown),
    cmocka_unit_test_setup_teardown(test_slow_drip, setup, teardown),
    cmocka_unit_test_setup_teardown(test_keyed_submits_under_faults_exactly_once, setup, teardown),
    cmocka_unit_test_setup_teardown(test_cancel_during_backoff, setup, teardown),
    cmocka_unit_test_setup_teardown(test_backoff_grows_per_attempt, setup, teardown),
    cmocka_unit_test_setup_teardown(test_tls_identity, setup, teardown),
    cmocka_unit_test_setup_teardown(test_window_gone_offline, setup, teardown),
    cmocka_unit_test_setup_teardown(test_token_expiry, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
