/* Canonical JSON (RFC 8785's own examples), sealing to the window and the sealed request's
 * consent: what the window decrypts and verifies must be exactly what the card signed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>
#include <openssl/sha.h>

#include "pishkhan/b64url.h"
#include "pishkhan/secret.h"
#include "fixture.h"

static void jcs_is(const char *in, const char *want) {
  char *got = pk_jcs(in, strlen(in));
  if (!got) fail_msg("pk_jcs refused %s", in);
  assert_string_equal(got, want);
  free(got);
}

/* RFC 8785 §3.2.3: keys sort by UTF-16 code units (the emoji's surrogate D83D before U+FB33). */
static void test_jcs_rfc_sorting(void **state) {
  (void)state;
  jcs_is("{\n \"\\u20ac\": \"Euro Sign\",\n \"\\r\": \"Carriage Return\",\n \"\\ufb33\": \"Hebrew Letter Dalet With "
         "Dagesh\",\n \"1\": \"One\",\n \"\\ud83d\\ude00\": \"Emoji: Grinning Face\",\n \"\\u0080\": \"Control\",\n "
         "\"\\u00f6\": \"Latin Small Letter O With Diaeresis\"\n}",
         "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xc2\x80\":\"Control\",\"\xc3\xb6\":\"Latin Small Letter O "
         "With Diaeresis\",\"\xe2\x82\xac\":\"Euro Sign\",\"\xf0\x9f\x98\x80\":\"Emoji: Grinning Face\","
         "\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}");
}

/* RFC 8785 §3.2.2 (its string and literals; its numbers are non-integers, refused here). */
static void test_jcs_rfc_strings(void **state) {
  (void)state;
  jcs_is("{\"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\", \"literals\": [null, true, false]}",
         "{\"literals\":[null,true,false],\"string\":\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
  jcs_is("[\"\\b\\f\\t\\u0001\\u001f\\u007f\\u2028\"]", "[\"\\b\\f\\t\\u0001\\u001f\x7f\xe2\x80\xa8\"]");
  jcs_is("  {\"b\" : [ 1 , -2, {\"z\":0,\"a\":{}} ], \"a\":\"ا\"} ", "{\"a\":\"ا\",\"b\":[1,-2,{\"a\":{},\"z\":0}]}");
  jcs_is("-0", "0");
  jcs_is("9007199254740991", "9007199254740991");
}

static void test_jcs_refuses(void **state) {
  (void)state;
  const char *bad[] = {"{\"a\":1.5}", "[1e2]", "[9007199254740992]", "{\"a\":1,\"a\":2}", "[\"\\ud800\"]",
                       "[\"\xff\"]", "{\"a\":", "", "[1] x"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    char *got = pk_jcs(bad[i], strlen(bad[i]));
    if (got) fail_msg("accepted %s as %s", bad[i], got);
  }
}

typedef struct keys {
  char *priv, *jwks;
} keys;

static int setup(void **state) {
  keys *k = calloc(1, sizeof *k);
  k->priv = fx_window_key(&k->jwks);
  *state = k;
  return 0;
}

static int teardown(void **state) {
  keys *k = *state;
  free(k->priv), free(k->jwks), free(k);
  return 0;
}

static json_t *header_of(const char *jwe) {
  unsigned char *raw;
  size_t n;
  assert_int_equal(pk_b64url_decode(jwe, (size_t)(strchr(jwe, '.') - jwe), &raw, &n), 0);
  json_t *h = json_loadb((const char *)raw, n, 0, NULL);
  free(raw);
  return h;
}

static void test_seal_round_trip_and_tamper(void **state) {
  keys *k = *state;
  const char msg[] = "{\"national_code\":\"0073649181\"}";
  char err[256];
  char *jwe = pk_seal(k->jwks, (const uint8_t *)msg, strlen(msg), err, sizeof err);
  if (!jwe) fail_msg("seal: %s", err);
  json_t *h = header_of(jwe);
  assert_string_equal(json_string_value(json_object_get(h, "alg")), "ECDH-ES+A256KW");
  assert_string_equal(json_string_value(json_object_get(h, "enc")), "A256GCM");
  assert_string_equal(json_string_value(json_object_get(h, "kid")), "w-enc-1");
  assert_non_null(json_object_get(h, "epk"));
  assert_null(json_object_get(json_object_get(h, "epk"), "d"));
  json_decref(h);
  assert_null(strstr(jwe, "0073649181"));
  size_t n = 0;
  uint8_t *plain = pk_unseal(k->priv, jwe, &n, err, sizeof err);
  assert_non_null(plain);
  assert_int_equal(n, strlen(msg));
  assert_memory_equal(plain, msg, n);
  pk_free_wiped(plain);
  /* One character changed anywhere (header, key, iv, ciphertext, tag): refused. */
  size_t len = strlen(jwe);
  for (size_t pos = 0; pos < len; pos += 7) {
    if (jwe[pos] == '.') continue;
    char *bad = strdup(jwe);
    bad[pos] = bad[pos] == 'A' ? 'B' : 'A';
    uint8_t *p = pk_unseal(k->priv, bad, &n, err, sizeof err);
    if (p) fail_msg("a change at %zu decrypted", pos);
    free(bad);
  }
  /* Another key (a kiosk's own, say) cannot read it. */
  char *other_jwks, *other = fx_window_key(&other_jwks);
  assert_null(pk_unseal(other, jwe, &n, err, sizeof err));
  free(other), free(other_jwks);
  free(jwe);
}

static void test_seal_needs_enc_key(void **state) {
  (void)state;
  char err[256] = "";
  const char sig_only[] = "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"s\",\"use\":\"sig\","
                          "\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\","
                          "\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}]}";
  assert_null(pk_seal(sig_only, (const uint8_t *)"x", 1, err, sizeof err));
  assert_non_null(strstr(err, "enc"));
  /* A JWE naming another algorithm ("dir": no key agreement) is not even tried. */
  char *hdr = pk_b64url_encode((const unsigned char *)"{\"alg\":\"dir\",\"enc\":\"A256GCM\"}", 30);
  char bad[256];
  snprintf(bad, sizeof bad, "%s..aXZpdml2aXZpdg.Y2lwaGVy.dGFndGFndGFndGFndA", hdr);
  free(hdr);
  size_t n;
  assert_null(pk_unseal("{\"kty\":\"oct\",\"k\":\"AAAA\"}", bad, &n, err, sizeof err));
  assert_non_null(strstr(err, "ECDH-ES+A256KW"));
}

static void test_consent_and_envelope(void **state) {
  keys *k = *state;
  pk_outbox_request rq = {"svc.passport", "{\"last_name\":\"Farahani\",\"children\":2}", "kiosk-7",
                          "0f8fad5b-d9cb-469f-a165-70867728950e", 1700000000, "0073649181", 3, NULL, NULL};
  char *tbs = pk_outbox_consent_tbs(&rq);
  assert_non_null(tbs);
  assert_string_equal(tbs, "{\"created_at\":1700000000,\"fields\":{\"children\":2,\"last_name\":\"Farahani\"},"
                           "\"idempotency_key\":\"0f8fad5b-d9cb-469f-a165-70867728950e\",\"kiosk_id\":\"kiosk-7\","
                           "\"level\":3,\"national_code\":\"0073649181\",\"service_id\":\"svc.passport\"}");
  uint8_t d[32], want[32];
  assert_int_equal(pk_outbox_consent_digest(tbs, d), 0);
  SHA256((const unsigned char *)tbs, strlen(tbs), want);
  assert_memory_equal(d, want, 32);
  /* The digest does not depend on how the request was spelled. */
  assert_int_equal(pk_outbox_consent_digest("{ \"level\":3, \"service_id\":\"svc.passport\", \"national_code\":"
                                            "\"0073649181\",\"kiosk_id\":\"kiosk-7\",\"idempotency_key\":"
                                            "\"0f8fad5b-d9cb-469f-a165-70867728950e\",\"fields\":{\"last_name\":"
                                            "\"Farahani\",\"children\":2},\"created_at\":1700000000}",
                                            want),
                   0);
  assert_memory_equal(d, want, 32);

  uint8_t sig[80];
  size_t siglen = fx_card_sign(d, sig, sizeof sig);
  const uint8_t cert[] = {1, 2, 3, 250};
  char err[256];
  char *jwe = pk_outbox_seal_request(k->jwks, tbs, cert, sizeof cert, sig, siglen, err, sizeof err);
  assert_non_null(jwe);
  size_t n;
  uint8_t *plain = pk_unseal(k->priv, jwe, &n, err, sizeof err);
  json_t *env = json_loadb((const char *)plain, n, 0, NULL);
  assert_non_null(env);
  assert_int_equal(json_integer_value(json_object_get(env, "v")), 1);
  assert_string_equal(json_string_value(json_object_get(env, "certificate")), "AQID-g");
  char *req = json_dumps(json_object_get(env, "request"), JSON_COMPACT);
  char *again = pk_jcs(req, strlen(req));
  assert_string_equal(again, tbs);
  json_decref(env);
  free(req), free(again), free(jwe), free(tbs);
  pk_free_wiped(plain);

  /* At a counter: the company and the clerk are inside what the card signs. */
  pk_outbox_request counter = rq;
  counter.on_behalf_of = "10380284790";
  counter.assisted_by = "clk-7f3a";
  char *ctbs = pk_outbox_consent_tbs(&counter);
  assert_non_null(ctbs);
  assert_non_null(strstr(ctbs, "\"assisted_by\":\"clk-7f3a\""));
  assert_non_null(strstr(ctbs, "\"on_behalf_of\":\"10380284790\""));
  uint8_t cd[32];
  assert_int_equal(pk_outbox_consent_digest(ctbs, cd), 0);
  assert_memory_not_equal(cd, d, 32);
  free(ctbs);
  counter.assisted_by = "0073649181"; /* digits alone may be a national code: never sealed */
  assert_null(pk_outbox_consent_tbs(&counter));

  pk_outbox_request bad = rq;
  bad.national_code = "007364918";
  assert_null(pk_outbox_consent_tbs(&bad));
  bad = rq;
  bad.fields_json = "{\"x\":1.5}";
  assert_null(pk_outbox_consent_tbs(&bad));
  bad = rq;
  bad.fields_json = "{\"x\":{\"nested\":1}}";
  assert_null(pk_outbox_consent_tbs(&bad));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_jcs_rfc_sorting),
      cmocka_unit_test(test_jcs_rfc_strings),
      cmocka_unit_test(test_jcs_refuses),
      cmocka_unit_test_setup_teardown(test_seal_round_trip_and_tamper, setup, teardown),
      cmocka_unit_test_setup_teardown(test_seal_needs_enc_key, setup, teardown),
      cmocka_unit_test_setup_teardown(test_consent_and_envelope, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
