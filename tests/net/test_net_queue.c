/* The window's side of the offline queue, against the simulator over HTTPS + mTLS on
 * loopback: lookup by idempotency key (200 / 404 / 409 while a submit is in flight), a link
 * cut and restored, the health probe, the card PKI for offline checks, the window's
 * encryption key in its JWKS. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <jansson.h>
#include <openssl/pem.h>

#include "harness.h"
#include "pishkhan/receipt.h"

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

/* A cut link is refused connections (offline), also for a kept-alive connection; restored,
 * the same port answers again. */
static void test_unreachable_then_reachable(void **state) {
  harness *h = *state;
  char key[37];
  assert_true(pk_net_new_idem_key(key));
  assert_string_equal(lookup(h, key).st.code, "request_unknown");
  assert_int_equal(pk_window_sim_set_reachable(h->sim, false), 0);
  assert_false(pk_window_sim_reachable(h->sim));
  ctx c = lookup(h, key);
  assert_int_equal(c.st.err, PK_NET_OFFLINE);
  assert_int_equal(c.st.http_status, 0);
  assert_int_equal(c.st.attempts, h->cfg.max_retries + 1);
  int port = pk_window_sim_port(h->sim);
  assert_int_equal(pk_window_sim_set_reachable(h->sim, true), 0);
  assert_int_equal(pk_window_sim_port(h->sim), port);
  c = lookup(h, key);
  assert_int_equal(c.st.http_status, 404);
  assert_string_equal(c.st.code, "request_unknown");
}

/* Started offline: nothing answers until the link is restored. */
static void test_starts_offline(void **state) {
  harness *h = *state;
  h_stop(h);
  pk_window_sim_opts o;
  pk_window_sim_opts_defaults(&o);
  o.offline = true;
  h_start(h, &o, true);
  char key[37];
  assert_true(pk_net_new_idem_key(key));
  assert_int_equal(lookup(h, key).st.err, PK_NET_OFFLINE);
  assert_int_equal(pk_window_sim_set_reachable(h->sim, true), 0);
  assert_string_equal(lookup(h, key).st.code, "request_unknown");
}

typedef struct {
  bool done;
  pk_net_result st;
  char *data;
  size_t len;
} blob_ctx;

static void on_blob(const pk_net_blob *r, void *ud) {
  blob_ctx *c = ud;
  c->st = r->st;
  c->len = r->len;
  c->data = r->len ? strndup((const char *)r->data, r->len) : NULL;
  c->done = true;
}

static void on_done(const pk_net_result *r, void *ud) {
  blob_ctx *c = ud;
  c->st = *r;
  c->done = true;
}

static blob_ctx fetch(harness *h, const char *what) {
  blob_ctx c = {0};
  pk_net_fetch_pki(h->net, what, on_blob, &c);
  h_run_until(h, &c.done, 20000);
  return c;
}

static char *slurp(const harness *h, const char *rel);

/* The card issuers' CA and CRL, as the window holds them, without a session. */
static void test_fetch_pki(void **state) {
  harness *h = *state;
  static const char *const what[][2] = {{"card-ca", "card/ca.crt.pem"}, {"crl", "card/crl.pem"}};
  for (size_t i = 0; i < 2; i++) {
    blob_ctx c = fetch(h, what[i][0]);
    assert_int_equal(c.st.err, PK_NET_OK);
    char *want = slurp(h, what[i][1]);
    assert_int_equal(c.len, strlen(want));
    assert_memory_equal(c.data, want, c.len);
    free(want);
    free(c.data);
  }
  blob_ctx c = fetch(h, "root-keys");
  assert_int_equal(c.st.err, PK_NET_VALIDATION);
  assert_string_equal(c.st.code, "invalid_argument");
  assert_null(c.data);
}

/* One probe per call: a cut link answers at once, without retries. */
static void test_health(void **state) {
  harness *h = *state;
  blob_ctx c = {0};
  pk_net_health(h->net, on_done, &c);
  h_run_until(h, &c.done, 20000);
  assert_int_equal(c.st.err, PK_NET_OK);
  assert_int_equal(c.st.http_status, 200);
  pk_window_sim_set_faults(h->sim, &(pk_window_sim_faults){.error_ratio = 1.0});
  c = (blob_ctx){0};
  pk_net_health(h->net, on_done, &c);
  h_run_until(h, &c.done, 20000);
  assert_int_equal(c.st.err, PK_NET_SERVER);
  assert_int_equal(c.st.attempts, 1);
  pk_window_sim_set_faults(h->sim, &(pk_window_sim_faults){0});
  pk_window_sim_set_reachable(h->sim, false);
  c = (blob_ctx){0};
  pk_net_health(h->net, on_done, &c);
  h_run_until(h, &c.done, 20000);
  assert_int_equal(c.st.err, PK_NET_OFFLINE);
  assert_int_equal(c.st.attempts, 1);
}

static char *slurp(const harness *h, const char *rel) {
  char p[600];
  h_path(h, p, sizeof p, rel);
  FILE *f = fopen(p, "r");
  assert_non_null(f);
  char *buf = calloc(1, 65536);
  size_t n = fread(buf, 1, 65535, f);
  fclose(f);
  buf[n] = 0;
  return buf;
}

/* The JWKS has the receipt key for signatures and the fixed test key for sealing. */
static void test_jwks_has_signing_and_encryption_keys(void **state) {
  harness *h = *state;
  char rk[600], ek[600];
  h_path(h, rk, sizeof rk, "window/receipt-key.pem");
  h_path(h, ek, sizeof ek, "window/enc-key.pem");
  char *jwks = pk_window_sim_jwks(rk, ek), *sig_only = pk_window_sim_jwks(rk, NULL);
  char *pub_sig = slurp(h, "window/jwks.json"), *pub_enc = slurp(h, "window/enc-jwks.json");
  json_t *all = json_loads(jwks, 0, NULL), *s1 = json_loads(pub_sig, 0, NULL), *e1 = json_loads(pub_enc, 0, NULL);
  json_t *keys = json_object_get(all, "keys");
  assert_int_equal(json_array_size(keys), 2);
  assert_true(json_equal(json_array_get(keys, 0), json_array_get(json_object_get(s1, "keys"), 0)));
  assert_true(json_equal(json_array_get(keys, 1), json_array_get(json_object_get(e1, "keys"), 0)));
  json_t *enc = json_array_get(keys, 1);
  assert_string_equal(json_string_value(json_object_get(enc, "use")), "enc");
  assert_string_equal(json_string_value(json_object_get(enc, "alg")), "ECDH-ES+A256KW");
  assert_string_equal(json_string_value(json_object_get(json_array_get(keys, 0), "use")), "sig");
  /* --print-jwks of the receipt key alone stays what the shipped jwks.json holds. */
  json_t *so = json_loads(sig_only, 0, NULL);
  assert_true(json_equal(so, s1));
  json_decref(so);
  json_decref(all), json_decref(s1), json_decref(e1);
  free(jwks), free(sig_only), free(pub_sig), free(pub_enc);
}

/* A receipt checked against the whole JWKS: the window's verifies; one signed with the
 * encryption key under its own kid does not, for that key is not a signing key. */
static void test_receipt_verifier_ignores_encryption_key(void **state) {
  harness *h = *state;
  assert_int_equal(h_login_otp(h, "1234567891"), 2);
  char key[37];
  assert_true(pk_net_new_idem_key(key));
  ctx s = submit(h, key);
  assert_int_equal(s.st.err, PK_NET_OK);
  char rk[600], ek[600];
  h_path(h, rk, sizeof rk, "window/receipt-key.pem");
  h_path(h, ek, sizeof ek, "window/enc-key.pem");
  char *jwks = pk_window_sim_jwks(rk, ek);
  pk_receipt rc;
  char why[256];
  assert_int_equal(pk_receipt_verify(s.jws, jwks, &rc, why, sizeof why), 0);
  json_t *all = json_loads(jwks, 0, NULL);
  const char *enc_kid = json_string_value(json_object_get(json_array_get(json_object_get(all, "keys"), 1), "kid"));
  FILE *f = fopen(ek, "r");
  EVP_PKEY *k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
  fclose(f);
  char *forged = NULL;
  assert_int_equal(pk_receipt_sign_key(&rc, k, enc_kid, &forged), 0);
  assert_int_not_equal(pk_receipt_verify(forged, jwks, &rc, why, sizeof why), 0);
  assert_non_null(strstr(why, "not a usable EC P-256 signing key"));
  free(forged);
  EVP_PKEY_free(k);
  json_decref(all);
  free(jwks);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_lookup_stored_and_unknown, h_setup, h_teardown),
    cmocka_unit_test_setup_teardown(test_lookup_by_kiosk_identity_alone, h_setup, h_teardown),
    cmocka_unit_test_setup_teardown(test_lookup_by_session_sees_only_its_citizen, h_setup, h_teardown),
    cmocka_unit_test_setup_teardown(test_lookup_while_submit_in_flight, h_setup, h_teardown),
    cmocka_unit_test_setup_teardown(test_lookup_after_failed_submit, h_setup, h_teardown),
    cmocka_unit_test_setup_teardown(test_lookup_after_lost_answer, h_setup, h_teardown),
    cmocka_unit_test_setup_teardown(test_lookup_refuses_bad_key, h_setup, h_teardown),
    cmocka_unit_test_setup_teardown(test_unreachable_then_reachable, h_setup, h_teardown),
    cmocka_unit_test_setup_teardown(test_starts_offline, h_setup, h_teardown),
    cmocka_unit_test_setup_teardown(test_fetch_pki, h_setup, h_teardown),
    cmocka_unit_test_setup_teardown(test_health, h_setup, h_teardown),
    cmocka_unit_test_setup_teardown(test_jwks_has_signing_and_encryption_keys, h_setup, h_teardown),
    cmocka_unit_test_setup_teardown(test_receipt_verifier_ignores_encryption_key, h_setup, h_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
