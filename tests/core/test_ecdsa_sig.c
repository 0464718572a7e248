/* r||s <-> DER: what the receipt's ES256, the card's challenge and the simulators share. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/ec.h>
#include <openssl/evp.h>

#include "pishkhan/ecdsa_sig.h"

static void round_trip_keeps_leading_zeros(void **st) {
  (void)st;
  uint8_t raw[64] = {0}, back[64], der[PK_ECDSA_SIG_DER_MAX];
  raw[5] = 0x80, raw[31] = 1; /* r has leading zeros and a high bit after them */
  raw[32] = 0xff, raw[63] = 2; /* s needs a 0x00 in DER to stay positive */
  size_t n = pk_ecdsa_sig_to_der(raw, 64, der, sizeof der);
  assert_true(n > 0);
  assert_int_equal(der[0], 0x30);
  assert_true(pk_ecdsa_sig_from_der(der, n, back, 64));
  assert_memory_equal(raw, back, 64);
  assert_int_equal(pk_ecdsa_sig_to_der(raw, 64, der, n - 1), 0); /* does not fit */
  assert_int_equal(pk_ecdsa_sig_to_der(raw, 63, der, sizeof der), 0);
}

/* DER integers are minimal: a short r comes back padded to the curve's 32 bytes. */
static void short_r_is_padded_to_32(void **st) {
  (void)st;
  const uint8_t der[] = {0x30, 0x08, 0x02, 0x02, 0x01, 0x02, 0x02, 0x02, 0x03, 0x04};
  uint8_t raw[64], want[64] = {0};
  want[30] = 1, want[31] = 2, want[62] = 3, want[63] = 4;
  memset(raw, 0xAA, sizeof raw);
  assert_true(pk_ecdsa_sig_from_der(der, sizeof der, raw, 64));
  assert_memory_equal(raw, want, 64);
  uint8_t again[PK_ECDSA_SIG_DER_MAX];
  assert_int_equal(pk_ecdsa_sig_to_der(raw, 64, again, sizeof again), sizeof der);
  assert_memory_equal(again, der, sizeof der);
}

static void malformed_der_refused(void **st) {
  (void)st;
  uint8_t raw[64];
  const uint8_t cut[] = {0x30, 0x08, 0x02, 0x02, 0x01, 0x02, 0x02, 0x02, 0x03};
  const uint8_t trailing[] = {0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02, 0x00};
  const uint8_t not_seq[] = {0x31, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02};
  const uint8_t negative[] = {0x30, 0x06, 0x02, 0x01, 0x81, 0x02, 0x01, 0x02};
  const uint8_t one_int[] = {0x30, 0x03, 0x02, 0x01, 0x01};
  assert_false(pk_ecdsa_sig_from_der(cut, sizeof cut, raw, 64));
  assert_false(pk_ecdsa_sig_from_der(trailing, sizeof trailing, raw, 64));
  assert_false(pk_ecdsa_sig_from_der(not_seq, sizeof not_seq, raw, 64));
  assert_false(pk_ecdsa_sig_from_der(negative, sizeof negative, raw, 64));
  assert_false(pk_ecdsa_sig_from_der(one_int, sizeof one_int, raw, 64));
  /* r of 33 significant bytes does not fit a P-256 half */
  uint8_t big[2 + 2 + 33 + 3] = {0x30, 2 + 33 + 3, 0x02, 33, 0x01};
  big[2 + 2 + 33] = 0x02, big[2 + 2 + 33 + 1] = 0x01, big[2 + 2 + 33 + 2] = 0x01;
  assert_false(pk_ecdsa_sig_from_der(big, sizeof big, raw, 64));
}

/* What OpenSSL signs converts and verifies again, on P-256 and P-384. */
static void openssl_signature_verifies_after_round_trip(void **st) {
  (void)st;
  const char *curves[] = {"P-256", "P-384"};
  const size_t raw_len[] = {64, 96};
  for (int c = 0; c < 2; c++) {
    EVP_PKEY *k = EVP_EC_gen(curves[c]);
    assert_non_null(k);
    uint8_t der[PK_ECDSA_SIG_DER_MAX], raw[96], der2[PK_ECDSA_SIG_DER_MAX];
    size_t dl = sizeof der;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    assert_int_equal(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k), 1);
    assert_int_equal(EVP_DigestSign(md, der, &dl, (const uint8_t *)"tbs", 3), 1);
    assert_true(pk_ecdsa_sig_from_der(der, dl, raw, raw_len[c]));
    size_t dl2 = pk_ecdsa_sig_to_der(raw, raw_len[c], der2, sizeof der2);
    assert_int_equal(dl2, dl);
    assert_memory_equal(der2, der, dl);
    EVP_MD_CTX_reset(md);
    assert_int_equal(EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, k), 1);
    assert_int_equal(EVP_DigestVerify(md, der2, dl2, (const uint8_t *)"tbs", 3), 1);
    EVP_MD_CTX_free(md);
    EVP_PKEY_free(k);
  }
}

int main(void) {
  const struct CMUnitTest t[] = {
      cmocka_unit_test(round_trip_keeps_leading_zeros),
      cmocka_unit_test(short_r_is_padded_to_32),
      cmocka_unit_test(malformed_der_refused),
      cmocka_unit_test(openssl_signature_verifies_after_round_trip),
  };
  return cmocka_run_group_tests(t, NULL, NULL);
}
