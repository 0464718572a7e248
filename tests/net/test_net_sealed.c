/* Sealed (queued) requests against the simulator over HTTPS + mTLS on loopback: accepted
 * once per key whatever is resent, and refused for each broken part -- the seal, the
 * consent, the card's chain and revocation as of signing, the clock, the kiosk. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <jose/jose.h>

#include "harness.h"
#include "sealer.h"

#define FIELDS "{\"national_code\":\"1234567891\",\"mobile\":\"09121234567\",\"birth_date\":\"1365/04/12\"}"
#define OTHER_FIELDS "{\"national_code\":\"1234567891\",\"mobile\":\"09351234567\",\"birth_date\":\"1365/04/12\"}"
#define CITIZEN "0071234561"
#define KIOSK "kiosk-test-01"

typedef struct {
  bool done;
  pk_net_receipt rec;
  pk_net_result st;
} ctx;

static void on_rec(const pk_net_receipt *r, void *ud) {
  ctx *c = ud;
  c->rec = *r;
  c->rec.receipt_jws = r->receipt_jws && *r->receipt_jws ? "" : NULL; /* only whether there was one */
  c->st = r->st;
  c->done = true;
}

static ctx send_sealed(harness *h, const char *jwe, const char *key) {
  ctx c = {0};
  pk_net_submit_sealed(h->net, jwe, key, on_rec, &c);
  h_run_until(h, &c.done, 20000);
  return c;
}

/* Seals a request of the citizen's, made at `at`, with consent by `signer`. */
static char *sealed(harness *h, const char *key, const char *fields, long long at, const char *signer, const char *nc) {
  json_t *req = t_request("tamin-0001", fields, KIOSK, key, at, nc);
  char *jwe = t_seal_make(h, &(t_seal){.request = req, .signer = signer});
  json_decref(req);
  return jwe;
}

static void expect_refusal(ctx c, int http, const char *code) {
  assert_int_equal(c.st.http_status, http);
  assert_string_equal(c.st.code, code);
  assert_int_equal(c.st.err, http == 403 ? PK_NET_AUTH : PK_NET_VALIDATION);
  assert_int_equal(c.st.attempts, 1); /* permanent: never retried */
}

static void test_sealed_accepted_once_per_key(void **state) {
  harness *h = *state;
  char key[37];
  assert_true(pk_net_new_idem_key(key));
  long long now = time(NULL);
  char *jwe = sealed(h, key, FIELDS, now, "citizen", CITIZEN);
  ctx c = send_sealed(h, jwe, key);
  assert_int_equal(c.st.err, PK_NET_OK);
  assert_int_equal(c.st.http_status, 201);
  assert_false(c.rec.replayed);
  assert_non_null(c.rec.receipt_jws);
  /* The same envelope again (two offices delivering one bundle): the original answer. */
  ctx again = send_sealed(h, jwe, key);
  assert_int_equal(again.st.http_status, 200);
  assert_true(again.rec.replayed);
  assert_string_equal(again.rec.tracking_code, c.rec.tracking_code);
  /* Sealed again (new ephemeral key, other bytes), same request: still a replay. */
  char *resealed = sealed(h, key, FIELDS, now, "citizen", CITIZEN);
  assert_string_not_equal(resealed, jwe);
  again = send_sealed(h, resealed, key);
  assert_true(again.rec.replayed);
  assert_string_equal(again.rec.tracking_code, c.rec.tracking_code);
  /* Another request under the key: refused, never stored. */
  char *other = sealed(h, key, OTHER_FIELDS, now, "citizen", CITIZEN);
  expect_refusal(send_sealed(h, other, key), 422, "idempotency_key_reused");
  /* What the window's own records say: one request, queued (offline), by this kiosk. */
  char *list = pk_window_sim_requests(h->sim);
  json_t *root = json_loads(list, 0, NULL), *reqs = json_object_get(root, "requests");
  assert_int_equal(json_array_size(reqs), 1);
  json_t *r0 = json_array_get(reqs, 0);
  assert_string_equal(json_string_value(json_object_get(r0, "idempotency_key")), key);
  assert_string_equal(json_string_value(json_object_get(r0, "tracking_code")), c.rec.tracking_code);
  assert_string_equal(json_string_value(json_object_get(r0, "channel")), "offline");
  assert_string_equal(json_string_value(json_object_get(r0, "kiosk_id")), KIOSK);
  assert_string_equal(json_string_value(json_object_get(r0, "service_id")), "tamin-0001");
  assert_string_equal(json_string_value(json_object_get(r0, "national_code_masked")), "******4561");
  assert_int_equal(json_integer_value(json_object_get(r0, "created_at")), now);
  assert_null(strstr(list, CITIZEN));
  json_decref(root);
  free(list);
  free(jwe), free(resealed), free(other);
}

/* A request first sent online, its outcome unknown, then queued under the same key. */
static void test_sealed_after_online_submit_is_replay(void **state) {
  harness *h = *state;
  assert_int_equal(h_login_otp(h, CITIZEN), 2);
  char key[37];
  assert_true(pk_net_new_idem_key(key));
  ctx on = {0};
  pk_net_submit(h->net, "tamin-0001", FIELDS, key, on_rec, &on);
  h_run_until(h, &on.done, 20000);
  assert_int_equal(on.st.err, PK_NET_OK);
  char *jwe = sealed(h, key, FIELDS, time(NULL), "citizen", CITIZEN);
  ctx c = send_sealed(h, jwe, key);
  assert_int_equal(c.st.http_status, 200);
  assert_true(c.rec.replayed);
  assert_string_equal(c.rec.tracking_code, on.rec.tracking_code);
  assert_int_equal(pk_window_sim_request_count(h->sim), 1);
  free(jwe);
}

static void test_sealed_broken_seal(void **state) {
  harness *h = *state;
  char key[37];
  assert_true(pk_net_new_idem_key(key));
  char *jwe = sealed(h, key, FIELDS, time(NULL), "citizen", CITIZEN);
  /* One byte of the ciphertext changed: the tag no longer matches. */
  char *ct = strchr(strchr(strchr(strchr(jwe, '.') + 1, '.') + 1, '.') + 1, '.') - 2;
  *ct = *ct == 'A' ? 'B' : 'A';
  expect_refusal(send_sealed(h, jwe, key), 400, "seal_invalid");
  /* Another key id, or the window's id on an envelope for another key. */
  json_t *req = t_request("tamin-0001", FIELDS, KIOSK, key, time(NULL), CITIZEN);
  char *wrong_kid = t_seal_make(h, &(t_seal){.request = req, .signer = "citizen", .kid = "e-someone"});
  expect_refusal(send_sealed(h, wrong_kid, key), 400, "seal_invalid");
  json_t *to = json_pack("{s:s, s:s}", "kty", "EC", "crv", "P-256");
  assert_true(jose_jwk_gen(NULL, to));
  assert_true(jose_jwk_pub(NULL, to));
  char p[600];
  h_path(h, p, sizeof p, "window/enc-jwks.json");
  json_t *jwks = json_load_file(p, 0, NULL);
  const char *wkid = json_string_value(json_object_get(json_array_get(json_object_get(jwks, "keys"), 0), "kid"));
  char *other_key = t_seal_make(h, &(t_seal){.request = req, .signer = "citizen", .to = to, .kid = wkid});
  expect_refusal(send_sealed(h, other_key, key), 400, "seal_invalid");
  expect_refusal(send_sealed(h, "eyJhbGciOiJub25lIn0.AAAA.AAAA.AAAA.AAAA", key), 400, "seal_invalid");
  assert_int_equal(pk_window_sim_request_count(h->sim), 0);
  json_decref(jwks), json_decref(to), json_decref(req);
  free(jwe), free(wrong_kid), free(other_key);
}

static void test_sealed_consent_and_card_refusals(void **state) {
  harness *h = *state;
  char key[37];
  assert_true(pk_net_new_idem_key(key));
  long long now = time(NULL);
  /* The consent of another citizen's card for this citizen's request. */
  char *jwe = sealed(h, key, FIELDS, now, "citizen2", CITIZEN);
  expect_refusal(send_sealed(h, jwe, key), 422, "consent_invalid");
  free(jwe);
  json_t *req = t_request("tamin-0001", FIELDS, KIOSK, key, now, CITIZEN);
  /* The citizen's certificate, another card's signature. */
  jwe = t_seal_make(h, &(t_seal){.request = req, .signer = "citizen2", .cert_of = "citizen"});
  expect_refusal(send_sealed(h, jwe, key), 422, "consent_invalid");
  free(jwe);
  /* Signed over other text than the request. */
  jwe = t_seal_make(h, &(t_seal){.request = req, .signer = "citizen", .canon = "{\"service_id\":\"tamin-0001\"}"});
  expect_refusal(send_sealed(h, jwe, key), 422, "consent_invalid");
  free(jwe);
  /* A card the issuer never made. */
  EVP_PKEY *k;
  uint8_t *der;
  size_t dl;
  t_self_signed(CITIZEN, &k, &der, &dl);
  jwe = t_seal_make(h, &(t_seal){.request = req, .sign_key = k, .cert_der = der, .cert_len = dl});
  expect_refusal(send_sealed(h, jwe, key), 422, "card_untrusted");
  free(jwe);
  json_decref(req);
  /* Revoked (the CRL's date is the PKI's making, before now); expired long before now. */
  jwe = sealed(h, key, FIELDS, now, "revoked", "2276543213");
  expect_refusal(send_sealed(h, jwe, key), 422, "card_revoked");
  free(jwe);
  jwe = sealed(h, key, FIELDS, now, "expired", "0512345678");
  expect_refusal(send_sealed(h, jwe, key), 422, "card_untrusted");
  free(jwe);
  assert_int_equal(pk_window_sim_request_count(h->sim), 0);
  EVP_PKEY_free(k);
  free(der);
}

/* Revoked after the citizen signed: the consent stands. Revoked before: it does not. */
static void test_sealed_revocation_as_of_signing(void **state) {
  harness *h = *state;
  char crl[] = "/tmp/pk-test-crl-XXXXXX";
  int fd = mkstemp(crl);
  assert_true(fd >= 0);
  close(fd);
  time_t revoked_at = t_validity(h, "citizen2", false) + 3600;
  t_write_crl(h, crl, "citizen2", revoked_at);
  pk_window_sim_opts o;
  pk_window_sim_opts_defaults(&o);
  o.card_crl = crl;
  h_stop(h);
  h_start(h, &o, true);
  pk_window_sim_advance_clock(h->sim, (int)(revoked_at + 3600 - time(NULL)));
  char k1[37], k2[37];
  assert_true(pk_net_new_idem_key(k1) && pk_net_new_idem_key(k2));
  char *before = sealed(h, k1, FIELDS, revoked_at - 60, "citizen2", "1234567891");
  char *after = sealed(h, k2, FIELDS, revoked_at + 60, "citizen2", "1234567891");
  ctx c = send_sealed(h, before, k1);
  assert_int_equal(c.st.err, PK_NET_OK);
  assert_int_equal(c.st.http_status, 201);
  expect_refusal(send_sealed(h, after, k2), 422, "card_revoked");
  assert_int_equal(pk_window_sim_request_count(h->sim), 1);
  free(before), free(after);
  unlink(crl);
}

static void test_sealed_clock(void **state) {
  harness *h = *state;
  char k1[37], k2[37], k3[37];
  assert_true(pk_net_new_idem_key(k1) && pk_net_new_idem_key(k2) && pk_net_new_idem_key(k3));
  long long now = time(NULL);
  /* An hour ahead is a wrong clock; five minutes is within tolerance. */
  char *ahead = sealed(h, k1, FIELDS, now + 3600, "citizen", CITIZEN);
  expect_refusal(send_sealed(h, ahead, k1), 422, "clock_skew");
  char *near = sealed(h, k1, FIELDS, now + 300, "citizen", CITIZEN);
  assert_int_equal(send_sealed(h, near, k1).st.http_status, 201);
  /* Six days in the queue is within the default week; eight is not -- but a request the
   * window already took is still answered as a replay. */
  char *queued = sealed(h, k2, FIELDS, now, "citizen", CITIZEN);
  char *late = sealed(h, k3, FIELDS, now, "citizen", CITIZEN);
  pk_window_sim_advance_clock(h->sim, 6 * 86400);
  assert_int_equal(send_sealed(h, queued, k2).st.http_status, 201);
  pk_window_sim_advance_clock(h->sim, 2 * 86400);
  expect_refusal(send_sealed(h, late, k3), 422, "request_too_old");
  ctx c = send_sealed(h, queued, k2);
  assert_int_equal(c.st.http_status, 200);
  assert_true(c.rec.replayed);
  assert_int_equal(pk_window_sim_request_count(h->sim), 2);
  free(ahead), free(near), free(queued), free(late);
}

/* Signed while the card was valid, delivered after it expired: the consent stands. */
static void test_sealed_card_expired_after_signing(void **state) {
  harness *h = *state;
  time_t end = t_validity(h, "citizen", true);
  pk_window_sim_advance_clock(h->sim, (int)(end + 3600 - time(NULL)));
  char key[37];
  assert_true(pk_net_new_idem_key(key));
  char *jwe = sealed(h, key, FIELDS, end - 3600, "citizen", CITIZEN);
  assert_int_equal(send_sealed(h, jwe, key).st.http_status, 201);
  free(jwe);
  /* Signed after it expired (by the kiosk's clock): refused. */
  assert_true(pk_net_new_idem_key(key));
  jwe = sealed(h, key, FIELDS, end + 60, "citizen", CITIZEN);
  expect_refusal(send_sealed(h, jwe, key), 422, "card_untrusted");
  free(jwe);
}

static void test_sealed_kiosk_and_key_must_match(void **state) {
  harness *h = *state;
  char key[37], other[37];
  assert_true(pk_net_new_idem_key(key) && pk_net_new_idem_key(other));
  json_t *req = t_request("tamin-0001", FIELDS, "kiosk-elsewhere", key, time(NULL), CITIZEN);
  char *jwe = t_seal_make(h, &(t_seal){.request = req, .signer = "citizen"});
  expect_refusal(send_sealed(h, jwe, key), 403, "kiosk_mismatch");
  free(jwe);
  json_decref(req);
  jwe = sealed(h, key, FIELDS, time(NULL), "citizen", CITIZEN);
  ctx c = send_sealed(h, jwe, other);
  expect_refusal(c, 422, "validation_failed");
  assert_string_equal(c.st.field, "idempotency_key");
  /* The form is checked as for a live submit. */
  free(jwe);
  jwe = sealed(h, key, "{\"national_code\":\"1234567890\",\"mobile\":\"09121234567\",\"birth_date\":\"1365/04/12\"}",
               time(NULL), "citizen", CITIZEN);
  c = send_sealed(h, jwe, key);
  expect_refusal(c, 422, "validation_failed");
  assert_string_equal(c.st.field, "national_code");
  assert_int_equal(pk_window_sim_request_count(h->sim), 0);
  free(jwe);
}

/* The consent is over RFC 8785 text: a signature over the form written out by hand verifies. */
static void test_sealed_consent_over_rfc8785_text(void **state) {
  harness *h = *state;
  char key[37];
  assert_true(pk_net_new_idem_key(key));
  long long now = time(NULL);
  char canon[512];
  snprintf(canon, sizeof canon,
           "{\"created_at\":%lld,\"fields\":{\"birth_date\":\"1365/04/12\",\"mobile\":\"09121234567\","
           "\"national_code\":\"1234567891\"},\"idempotency_key\":\"%s\",\"kiosk_id\":\"" KIOSK "\",\"level\":3,"
           "\"national_code\":\"" CITIZEN "\",\"service_id\":\"tamin-0001\"}",
           now, key);
  json_t *req = t_request("tamin-0001", FIELDS, KIOSK, key, now, CITIZEN);
  char *jwe = t_seal_make(h, &(t_seal){.request = req, .signer = "citizen", .canon = canon});
  assert_int_equal(send_sealed(h, jwe, key).st.http_status, 201);
  json_decref(req);
  free(jwe);
}

/* The fault switches hold for sealed requests: 503s are retried, a lost answer after the
 * commit leaves one stored request that a resend and a lookup both find. */
static void test_sealed_under_faults(void **state) {
  harness *h = *state;
  char key[37];
  assert_true(pk_net_new_idem_key(key));
  char *jwe = sealed(h, key, FIELDS, time(NULL), "citizen", CITIZEN);
  pk_window_sim_set_faults(h->sim, &(pk_window_sim_faults){.error_ratio = 1.0});
  ctx c = send_sealed(h, jwe, key);
  assert_int_equal(c.st.err, PK_NET_SERVER);
  assert_int_equal(c.st.attempts, h->cfg.max_retries + 1);
  pk_window_sim_set_faults(h->sim, &(pk_window_sim_faults){.drop_ratio = 1.0, .after_commit = true});
  assert_int_equal(send_sealed(h, jwe, key).st.err, PK_NET_OFFLINE);
  pk_window_sim_set_faults(h->sim, &(pk_window_sim_faults){0});
  ctx l = {0};
  pk_net_request_lookup(h->net, key, on_rec, &l);
  h_run_until(h, &l.done, 20000);
  assert_int_equal(l.st.err, PK_NET_OK);
  c = send_sealed(h, jwe, key);
  assert_true(c.rec.replayed);
  assert_string_equal(c.rec.tracking_code, l.rec.tracking_code);
  assert_int_equal(pk_window_sim_request_count(h->sim), 1);
  free(jwe);
}

static void test_sealed_refused_arguments(void **state) {
  harness *h = *state;
  ctx c = send_sealed(h, "not a jwe", "key-0000001");
  assert_int_equal(c.st.err, PK_NET_VALIDATION);
  assert_string_equal(c.st.code, "invalid_argument");
  assert_int_equal(c.st.attempts, 0);
  c = send_sealed(h, "aaaa.bbbb.cccc.dddd.eeee", "");
  assert_string_equal(c.st.code, "invalid_argument");
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_sealed_accepted_once_per_key, h_setup, h_teardown),
    cmocka_unit_test_setup_teardown(test_sealed_after_online_submit_is_replay, h_setup, h_teardown),
    cmocka_unit_test_setup_teardown(test_sealed_broken_seal, h_setup, h_teardown),
    cmocka_unit_test_setup_teardown(test_sealed_consent_and_card_refusals, h_setup, h_teardown),
    cmocka_unit_test_setup_teardown(test_sealed_revocation_as_of_signing, h_setup, h_teardown),
    cmocka_unit_test_setup_teardown(test_sealed_clock, h_setup, h_teardown),
    cmocka_unit_test_setup_teardown(test_sealed_card_expired_after_signing, h_setup, h_teardown),
    cmocka_unit_test_setup_teardown(test_sealed_kiosk_and_key_must_match, h_setup, h_teardown),
    cmocka_unit_test_setup_teardown(test_sealed_consent_over_rfc8785_text, h_setup, h_teardown),
    cmocka_unit_test_setup_teardown(test_sealed_under_faults, h_setup, h_teardown),
    cmocka_unit_test_setup_teardown(test_sealed_refused_arguments, h_setup, h_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
