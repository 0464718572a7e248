/* The receipt token: sign, parse, verify, tamper, size budget, key handling. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <fcntl.h>

#include <cmocka.h>

#include "../../receipt/internal.h"
#include "pishkhan/i18n.h"
#include "helpers.h"

static char dev_key[512], dev_jwks_path[512], dev_kid[64];
static char *dev_jwks;
static char tmpdir[256];

static int setup(void **st) {
  snprintf(dev_key, sizeof dev_key, "%s/pki/device/key.pem", PK_BINARY_DIR);
  snprintf(dev_jwks_path, sizeof dev_jwks_path, "%s/pki/device/jwks.json", PK_BINARY_DIR);
  char kidp[512];
  snprintf(kidp, sizeof kidp, "%s/pki/device/kid", PK_BINARY_DIR);
  read_small(kidp, dev_kid, sizeof dev_kid);
  dev_jwks = slurp(dev_jwks_path);
  snprintf(tmpdir, sizeof tmpdir, "/tmp/pk-receipt-token-XXXXXX");
  return dev_jwks && mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **st) {
  free(dev_jwks);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
  return system(cmd);
}

static void test_b64url(void **st) {
  const unsigned char in[] = {0xfb, 0xff, 0x00, 0x61};
  for (size_t n = 0; n <= sizeof in; n++) {
    char *e = pk_b64url_encode(in, n);
    assert_int_equal(strlen(e), pk_b64url_encoded_len(n));
    assert_null(strpbrk(e, "+/="));
    unsigned char *d;
    size_t dn;
    assert_int_equal(pk_b64url_decode(e, strlen(e), &d, &dn), 0);
    assert_int_equal(dn, n);
    assert_memory_equal(d, in, n);
    free(d), free(e);
  }
  unsigned char *d;
  size_t dn;
  assert_int_not_equal(pk_b64url_decode("+_8", 3, &d, &dn), 0);  /* standard alphabet */
  assert_int_not_equal(pk_b64url_decode("-_8=", 4, &d, &dn), 0); /* padding */
  assert_int_not_equal(pk_b64url_decode("QR", 2, &d, &dn), 0);   /* non-zero trailing bits */
  assert_int_not_equal(pk_b64url_decode("QUJDR", 5, &d, &dn), 0); /* impossible length */
}

static void test_device_sign_verify(void **st) {
  pk_receipt r, out;
  sample_receipt(&r);
  char *jws = NULL;
  assert_int_equal(pk_receipt_sign_device(&r, dev_key, dev_kid, &jws), 0);
  assert_true(strlen(jws) <= PK_RECEIPT_QR_MAX_BYTES);
  assert_null(strstr(jws, "="));
  char why[128];
  assert_int_equal(pk_receipt_verify(jws, dev_jwks, &out, why, sizeof why), 0);
  assert_string_equal(out.tracking_code, r.tracking_code);
  assert_string_equal(out.service_title, r.service_title);
  assert_string_equal(out.agency, r.agency);
  assert_string_equal(out.kiosk_id, r.kiosk_id);
  assert_string_equal(out.national_code_last4, "5678");
  assert_int_equal(out.issued_at, r.issued_at);
  assert_int_equal(out.amount_rials, 1200000);
  assert_int_equal(out.signer, PK_SIGNER_DEVICE);
  assert_int_equal(out.status, PK_RECEIPT_QUEUED); /* forced for device receipts */
  assert_string_equal(out.kid, dev_kid);
  pk_qr qr;
  assert_int_equal(pk_qr_matrix(jws, &qr), 0);
  assert_true(qr.version <= 15);
  print_message("typical receipt: token %zu bytes, QR version %d (%dx%d)\n", strlen(jws), qr.version, qr.size,
                qr.size);
  pk_qr_free(&qr);
  free(jws);
}

static void test_every_single_byte_tamper_fails(void **st) {
  pk_receipt r, out;
  sample_receipt(&r);
  char *jws = NULL;
  assert_int_equal(pk_receipt_sign_device(&r, dev_key, dev_kid, &jws), 0);
  size_t n = strlen(jws);
  for (size_t i = 0; i < n; i++) {
    char saved = jws[i];
    jws[i] = saved == 'A' ? 'B' : 'A';
    if (jws[i] == saved) continue;
    assert_int_not_equal(pk_receipt_verify(jws, dev_jwks, &out, NULL, 0), 0);
    jws[i] = saved;
  }
  assert_int_equal(pk_receipt_verify(jws, dev_jwks, &out, NULL, 0), 0);
  free(jws);
}

static void test_wrong_key_and_unknown_kid(void **st) {
  char pem[300];
  snprintf(pem, sizeof pem, "%s/other.pem", tmpdir);
  char *other = fresh_key(pem, dev_kid); /* same kid, different key: a forger's JWKS */
  pk_receipt r, out;
  sample_receipt(&r);
  char *jws = NULL, why[128];
  assert_int_equal(pk_receipt_sign_device(&r, pem, dev_kid, &jws), 0);
  assert_int_equal(pk_receipt_verify(jws, dev_jwks, &out, why, sizeof why), -PK_RECEIPT_ESIG);
  assert_non_null(strstr(why, "signature"));
  assert_int_equal(pk_receipt_verify(jws, other, &out, why, sizeof why), 0);
  free(jws);
  assert_int_equal(pk_receipt_sign_device(&r, pem, "nobody", &jws), 0);
  assert_int_equal(pk_receipt_verify(jws, dev_jwks, &out, why, sizeof why), -PK_RECEIPT_EKEY);
  assert_non_null(strstr(why, "nobody"));
  assert_int_equal(pk_receipt_verify(jws, "not json", &out, why, sizeof why), -PK_RECEIPT_EKEY);
  free(jws);
  free(other);
  assert_int_equal(pk_receipt_sign_device(&r, "/nonexistent.pem", "k", &jws), -PK_RECEIPT_EKEY);
  assert_null(jws);
}

static char *forge(const char *header, const char *claims, const char *sig) {
  char *h = pk_b64url_encode((const unsigned char *)header, strlen(header));
  char *p = pk_b64url_encode((const unsigned char *)claims, strlen(claims));
  char *o = malloc(strlen(h) + strlen(p) + strlen(sig) + 3);
  sprintf(o, "%s.%s.%s", h, p, sig);
  free(h), free(p);
  return o;
}

static void test_rejects_other_algorithms_and_shapes(void **st) {
  pk_receipt r, out;
  sample_receipt(&r);
  char *jws = NULL;
  assert_int_equal(pk_receipt_sign_device(&r, dev_key, dev_kid, &jws), 0);
  const char *sig = strrchr(jws, '.') + 1;
  char *claims = pk_receipt_claims_json(&r), hdr[128];
  const char *algs[] = {"none", "HS256", "ES384", "es256"};
  for (size_t i = 0; i < 4; i++) {
    snprintf(hdr, sizeof hdr, "{\"alg\":\"%s\",\"kid\":\"%s\"}", algs[i], dev_kid);
    char *f = forge(hdr, claims, sig);
    assert_int_equal(pk_receipt_verify(f, dev_jwks, &out, NULL, 0), -PK_RECEIPT_EINVAL);
    free(f);
  }
  snprintf(hdr, sizeof hdr, "{\"alg\":\"ES256\",\"kid\":\"%s\",\"crit\":[\"x\"]}", dev_kid);
  char *f = forge(hdr, claims, sig);
  assert_int_equal(pk_receipt_parse(f, &out), -PK_RECEIPT_EINVAL);
  free(f);
  const char *bad[] = {"", "a.b", "a.b.c.d", "..", "e30.e30.", "e30.e30.e30"};
  for (size_t i = 0; i < 6; i++) assert_int_equal(pk_receipt_parse(bad[i], &out), -PK_RECEIPT_EINVAL);
  free(claims);
  free(jws);
}

static void test_device_cannot_claim_submitted(void **st) {
  pk_receipt r, out;
  sample_receipt(&r);
  r.signer = PK_SIGNER_DEVICE;
  r.status = PK_RECEIPT_SUBMITTED;
  char *jws = NULL, why[128];
  assert_int_equal(pk_receipt_sign(&r, dev_key, dev_kid, &jws), 0);
  assert_int_equal(pk_receipt_verify(jws, dev_jwks, &out, why, sizeof why), -PK_RECEIPT_EPOLICY);
  free(jws);
}

static void test_long_texts_are_shortened_to_fit_the_qr(void **st) {
  pk_receipt r, out;
  sample_receipt(&r);
  r.service_title[0] = r.agency[0] = r.office[0] = '\0';
  for (int i = 0; i < 6; i++) strcat(r.service_title, "درخواست صدور مجدد ");
  for (int i = 0; i < 5; i++) strcat(r.agency, "سازمان ثبت اسناد ");
  snprintf(r.office, sizeof r.office, "%s", r.agency);
  char *jws = NULL;
  assert_int_equal(pk_receipt_sign_device(&r, dev_key, dev_kid, &jws), 0);
  assert_true(strlen(jws) <= PK_RECEIPT_QR_MAX_BYTES);
  assert_int_equal(pk_receipt_verify(jws, dev_jwks, &out, NULL, 0), 0);
  assert_string_equal(out.office, "");                       /* dropped first */
  assert_non_null(strstr(out.service_title, "…"));            /* cut, and says so */
  assert_memory_equal(out.service_title, r.service_title, 20); /* a prefix of the real title */
  pk_qr qr;
  assert_int_equal(pk_qr_matrix(jws, &qr), 0);
  assert_true(qr.version <= PK_RECEIPT_QR_MAX_VERSION);
  pk_qr_free(&qr);
  free(jws);
}

static void test_national_code_masking_any_digits(void **st) {
  pk_receipt r = {0};
  pk_receipt_set_national_code(&r, "۰۰۱۲۳۴۵۶۷۸");
  assert_string_equal(r.national_code_last4, "5678");
  pk_receipt_set_national_code(&r, "٠٠١٢٣٤٥٦٧٩");
  assert_string_equal(r.national_code_last4, "5679");
  pk_receipt_set_national_code(&r, "12");
  assert_string_equal(r.national_code_last4, "");
}

/* The claims exactly as they travel in the token (the QR), NUL-terminated. */
static char *token_payload(const char *jws) {
  const char *a = strchr(jws, '.'), *b = a ? strchr(a + 1, '.') : NULL;
  unsigned char *d;
  size_t n;
  assert_non_null(b);
  assert_int_equal(pk_b64url_decode(a + 1, (size_t)(b - a - 1), &d, &n), 0);
  char *s = malloc(n + 1);
  memcpy(s, d, n);
  s[n] = '\0';
  free(d);
  return s;
}

/* What `pishkhan receipt verify` prints for jws (the clerk's and the citizen's view). */
static char *verify_cli_output(const char *jws) {
  char path[300];
  snprintf(path, sizeof path, "%s/verify.out", tmpdir);
  fflush(stdout);
  int saved = dup(1), fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  assert_true(saved >= 0 && fd >= 0);
  dup2(fd, 1);
  close(fd);
  char *argv[] = {"verify", "--device-jwks", dev_jwks_path, (char *)jws};
  int rc = pk_receipt_verify_cli(4, argv, pk_config_receipt_keys);
  fflush(stdout);
  dup2(saved, 1);
  close(saved);
  assert_int_equal(rc, 0);
  return slurp(path);
}

/* A full, valid national code goes in (from the card, in any digits); the token carries
 * only its last four digits and the receipt shows exactly ******۹۱۸۱. */
static void test_full_national_code_never_leaves_the_kiosk(void **st) {
  const char *full[] = {"0073649181", "۰۰۷۳۶۴۹۱۸۱"};
  for (size_t i = 0; i < 2; i++) {
    pk_receipt r;
    sample_receipt(&r);
    pk_receipt_set_national_code(&r, full[i]);
    char *jws = NULL;
    assert_int_equal(pk_receipt_sign_device(&r, dev_key, dev_kid, &jws), 0);
    char *claims = token_payload(jws);
    assert_non_null(strstr(claims, "\"nc\":\"9181\""));
    assert_null(strstr(claims, "007364"));
    char *shown = verify_cli_output(jws), line[128];
    snprintf(line, sizeof line, "%s: ******۹۱۸۱\n", pk_tr_fa("National code"));
    assert_non_null(strstr(shown, line));
    assert_null(strstr(shown, "007364"));
    assert_null(strstr(shown, "۰۰۷۳۶۴"));
    free(shown), free(claims), free(jws);
  }
}

/* The window simulator's receipt key (scripts/gen-tls-pki): window receipts verify against
 * the window JWKS, and a kiosk key claiming to be the window does not. */
static void test_window_key_and_role_separation(void **st) {
  char wkey[512], wjwks_path[512];
  snprintf(wkey, sizeof wkey, "%s/pki/window/receipt-key.pem", PK_BINARY_DIR);
  snprintf(wjwks_path, sizeof wjwks_path, "%s/pki/window/jwks.json", PK_BINARY_DIR);
  char *wjwks = slurp(wjwks_path);
  if (!wjwks || access(wkey, R_OK)) {
    free(wjwks);
    skip(); /* the simulator's PKI is not built in this tree */
  }
  const char *k = strstr(wjwks, "\"kid\":\""), *e = k ? strchr(k + 7, '"') : NULL;
  assert_non_null(e);
  char wkid[64];
  snprintf(wkid, sizeof wkid, "%.*s", (int)(e - k - 7), k + 7);
  pk_receipt r, out;
  sample_receipt(&r);
  char *jws = NULL;
  assert_int_equal(pk_receipt_sign(&r, wkey, wkid, &jws), 0);
  assert_true(strlen(jws) <= PK_RECEIPT_QR_MAX_BYTES);
  assert_int_equal(pk_receipt_verify(jws, wjwks, &out, NULL, 0), 0);
  assert_int_equal(out.signer, PK_SIGNER_WINDOW);
  assert_int_equal(out.status, PK_RECEIPT_SUBMITTED);
  print_message("window receipt (kid of %zu chars): token %zu bytes, title %s\n", strlen(wkid), strlen(jws),
                strcmp(out.service_title, r.service_title) ? "shortened to fit" : "complete");
  assert_int_not_equal(pk_receipt_verify(jws, dev_jwks, &out, NULL, 0), 0);
  free(jws);
  /* the device key signing "as the window" under the device kid: not in the window JWKS */
  assert_int_equal(pk_receipt_sign(&r, dev_key, dev_kid, &jws), 0);
  assert_int_equal(pk_receipt_verify(jws, wjwks, &out, NULL, 0), -PK_RECEIPT_EKEY);
  free(jws);
  free(wjwks);
}

/* A paid receipt signed and read back: the amount and the bank reference always survive. */
static char *sign_paid(const pk_receipt *r, pk_receipt *out) {
  char *jws = NULL;
  assert_int_equal(pk_receipt_sign_device(r, dev_key, dev_kid, &jws), 0);
  assert_true(strlen(jws) <= PK_RECEIPT_QR_MAX_BYTES);
  assert_int_equal(pk_receipt_verify(jws, dev_jwks, out, NULL, 0), 0);
  assert_int_equal(out->amount_rials, 1200000);
  assert_string_equal(out->payment_ref, "504812734019");
  pk_qr qr;
  assert_int_equal(pk_qr_matrix(jws, &qr), 0);
  print_message("paid receipt (%s): token %zu bytes, QR version %d (%dx%d)\n",
                r->assisted_by[0] ? "counter, worst case" : "kiosk", strlen(jws), qr.version, qr.size, qr.size);
  pk_qr_free(&qr);
  return jws;
}

/* A paid fee (issue 13): the amount and the bank reference travel in the token, the verifier
 * shows them, and in the worst case (a counter's clerk for a company, long texts) only the
 * invoice id makes room, never the payment. */
static void test_payment_claims_round_trip_and_fit(void **st) {
  pk_receipt r, out;
  sample_receipt(&r);
  snprintf(r.invoice_id, sizeof r.invoice_id, "inv_AbCdEfGhIjKl");
  snprintf(r.payment_ref, sizeof r.payment_ref, "504812734019");
  char *jws = sign_paid(&r, &out);
  assert_string_equal(out.invoice_id, "inv_AbCdEfGhIjKl");
  char *claims = token_payload(jws);
  assert_non_null(strstr(claims, "\"am\":1200000"));
  assert_non_null(strstr(claims, "\"pr\":\"504812734019\""));
  char *shown = verify_cli_output(jws), line[128];
  snprintf(line, sizeof line, "%s: 504812734019\n", pk_tr_fa("Bank reference"));
  assert_non_null(strstr(shown, line));
  free(shown), free(claims), free(jws);

  snprintf(r.assisted_by, sizeof r.assisted_by, "clerk-0042");
  snprintf(r.on_behalf_of, sizeof r.on_behalf_of, "10101234567");
  r.service_title[0] = r.agency[0] = '\0';
  for (int i = 0; i < 6; i++) strcat(r.service_title, "درخواست صدور مجدد ");
  for (int i = 0; i < 5; i++) strcat(r.agency, "سازمان ثبت اسناد ");
  jws = sign_paid(&r, &out);
  assert_string_equal(out.assisted_by, "clerk-0042");
  assert_string_equal(out.on_behalf_of, "10101234567");
  free(jws);
}

/* Signed claims (a valid signature proves nothing about a claim's shape) that must not parse. */
static void test_hostile_payment_claims_refused(void **st) {
  EVP_PKEY *key = rc_load_private_pem(dev_key);
  assert_non_null(key);
#define BASE "{\"tc\":\"1403-0215-4823\",\"sv\":\"SV-1\",\"ti\":\"t\",\"iat\":1713612300,\"kd\":\"K1\",\"st\":\"q\",\"sg\":\"d\"%s}"
  const char *good[] = {"", ",\"am\":5000", ",\"am\":5000,\"pr\":\"504812734019\"", ",\"am\":5000,\"pr\":\"AB12\""};
  const char *bad[] = {
      ",\"am\":5000,\"pr\":\"12<b>34\"",            /* markup */
      ",\"am\":5000,\"pr\":\"1234\\u001b[2J\"",     /* an escape sequence */
      ",\"am\":5000,\"pr\":\"5048 1273\"",          /* a space */
      ",\"am\":5000,\"pr\":\"5048127340191234\"",   /* 16 characters */
      ",\"am\":5000,\"pr\":\"\"",                   /* empty */
      ",\"am\":5000,\"pr\":504812734019",           /* a number */
      ",\"am\":5000,\"pr\":\"1234\\u00005678\"",    /* an embedded NUL */
      ",\"am\":5000,\"pr\":\"۵۰۴۸۱۲۷۳۴۰۱۹\"",       /* not ASCII */
      ",\"pr\":\"504812734019\"",                   /* a reference for no amount */
      ",\"am\":0,\"pr\":\"504812734019\"",
      ",\"am\":5000,\"pr\":\"1\",\"pr\":\"2\"",     /* said twice */
      ",\"am\":-5000",
      ",\"am\":\"5000\"",
      ",\"am\":5000.5",
      ",\"am\":10000000000000000",
  };
  char payload[512];
  pk_receipt out;
  for (size_t i = 0; i < sizeof good / sizeof *good + sizeof bad / sizeof *bad; i++) {
    bool ok = i < sizeof good / sizeof *good;
    snprintf(payload, sizeof payload, BASE, ok ? good[i] : bad[i - sizeof good / sizeof *good]);
    char *jws = pk_jws_sign_es256(key, dev_kid, payload);
    assert_non_null(jws);
    int rc = pk_receipt_verify(jws, dev_jwks, &out, NULL, 0);
    if (ok != (rc == 0)) fail_msg("claims %s: verify gave %d", payload, rc);
    if (!ok) assert_string_equal(out.payment_ref, "");
    free(jws);
  }
  EVP_PKEY_free(key);
#undef BASE
}

static void test_qr_limits(void **st) {
  pk_qr qr;
  char big[PK_RECEIPT_QR_MAX_BYTES + 2];
  memset(big, 'a', sizeof big - 1);
  big[sizeof big - 1] = 0;
  assert_int_equal(pk_qr_matrix(big, &qr), -PK_RECEIPT_ETOOBIG);
  big[PK_RECEIPT_QR_MAX_BYTES] = 0;
  assert_int_equal(pk_qr_matrix(big, &qr), 0);
  assert_int_equal(qr.version, 17);
  assert_int_equal(qr.size, 85);
  pk_qr_free(&qr);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_b64url),
      cmocka_unit_test(test_device_sign_verify),
      cmocka_unit_test(test_every_single_byte_tamper_fails),
      cmocka_unit_test(test_wrong_key_and_unknown_kid),
      cmocka_unit_test(test_rejects_other_algorithms_and_shapes),
      cmocka_unit_test(test_device_cannot_claim_submitted),
      cmocka_unit_test(test_long_texts_are_shortened_to_fit_the_qr),
      cmocka_unit_test(test_national_code_masking_any_digits),
      cmocka_unit_test(test_full_national_code_never_leaves_the_kiosk),
      cmocka_unit_test(test_window_key_and_role_separation),
      cmocka_unit_test(test_qr_limits),
      cmocka_unit_test(test_payment_claims_round_trip_and_fit),
      cmocka_unit_test(test_hostile_payment_claims_refused),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
