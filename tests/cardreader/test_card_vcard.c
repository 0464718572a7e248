/* The reference profile end to end in process: every persona through pk_card_* on the
 * in-process transport to the virtual card, with the build's test PKI. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "pishkhan/card.h"
#include "pishkhan/secret.h"
#include "pishkhan/vcard.h"

#define PKI PK_BINARY_DIR "/pki/card"

static const pk_card_trust trust = {.issuer_ca = PKI "/ca.crt.pem", .crl = PKI "/crl.pem"};

typedef struct {
  pk_vcard *card;
  pk_transport *t;
  pk_card *c;
  pk_card_status open_st;
} session;

static session open_persona(const char *persona, unsigned quirks, const pk_card_trust *tr) {
  session s = {0};
  char *err = NULL;
  s.card = pk_vcard_new(persona, PKI, &err);
  if (!s.card) fail_msg("vcard %s: %s", persona, err ? err : "?");
  pk_vcard_set_quirks(s.card, quirks);
  s.t = pk_transport_inproc_new(s.card);
  assert_non_null(s.t);
  s.c = pk_card_open(s.t, tr ? tr : &trust, &s.open_st);
  return s;
}

static void close_session(session *s) {
  pk_card_close(s->c);
  pk_transport_free(s->t);
  pk_vcard_free(s->card);
}

static pk_secret *pin_of(const char *digits) {
  pk_secret *p = pk_secret_new(16);
  for (const char *d = digits; *d; d++) pk_secret_push(p, (uint8_t)*d);
  return p;
}

static void read_citizen(void **state) {
  (void)state;
  session s = open_persona("citizen", 0, NULL);
  assert_non_null(s.c);
  pk_identity id;
  assert_int_equal(pk_card_read_identity(s.c, &id), PK_CARD_OK);
  assert_string_equal(id.national_code, "0071234561");
  assert_string_equal(id.given_fa, "زهرا");
  assert_string_equal(id.family_fa, "محمدی");
  assert_string_equal(id.father_fa, "علی");
  assert_string_equal(id.given_en, "Zahra");
  assert_string_equal(id.birth_date, "1370/05/12");
  assert_int_equal(id.role, PK_ROLE_CITIZEN);
  /* select + 3 reads, each file once per session, extended length */
  pk_transport_stats st;
  pk_transport_get_stats(s.t, &st);
  assert_int_equal(st.apdus, 4);
  assert_int_equal(pk_card_read_identity(s.c, &id), PK_CARD_OK);
  pk_transport_get_stats(s.t, &st);
  assert_int_equal(st.apdus, 4);
  close_session(&s);
}

static void read_other_personas(void **state) {
  (void)state;
  session s = open_persona("citizen2", 0, NULL);
  pk_identity id;
  assert_int_equal(pk_card_read_identity(s.c, &id), PK_CARD_OK);
  assert_string_equal(id.given_fa, "رضا");
  assert_string_not_equal(id.national_code, "0071234561");
  close_session(&s);
  s = open_persona("clerk", 0, NULL);
  assert_int_equal(pk_card_read_identity(s.c, &id), PK_CARD_OK);
  assert_int_equal(id.role, PK_ROLE_CLERK);
  close_session(&s);
  /* The identity file says clerk, the certificate does not: a citizen's card. */
  s = open_persona("clerknopol", 0, NULL);
  assert_int_equal(pk_card_read_identity(s.c, &id), PK_CARD_OK);
  assert_string_equal(id.national_code, "1122334451");
  assert_int_equal(id.role, PK_ROLE_CITIZEN);
  close_session(&s);
}

static void quirky_cards_read_the_same(void **state) {
  (void)state;
  const unsigned quirks[] = {PK_VCARD_QUIRK_T0, PK_VCARD_QUIRK_NO_EXT, PK_VCARD_QUIRK_NO_EXT | PK_VCARD_QUIRK_6CXX,
                             PK_VCARD_QUIRK_NO_EXT | PK_VCARD_QUIRK_T0};
  for (size_t i = 0; i < sizeof quirks / sizeof quirks[0]; i++) {
    session s = open_persona("citizen", quirks[i], NULL);
    assert_non_null(s.c);
    pk_identity id;
    assert_int_equal(pk_card_read_identity(s.c, &id), PK_CARD_OK);
    assert_string_equal(id.family_en, "Mohammadi");
    pk_transport_stats st;
    pk_transport_get_stats(s.t, &st);
    assert_true(st.apdus > 4); /* chunked reads / GET RESPONSE */
    close_session(&s);
  }
}

static void refusals(void **state) {
  (void)state;
  struct {
    const char *persona;
    pk_card_status want;
  } cases[] = {{"expired", PK_CARD_EXPIRED}, {"revoked", PK_CARD_REVOKED}, {"tampered", PK_CARD_TAMPERED}};
  for (size_t i = 0; i < 3; i++) {
    session s = open_persona(cases[i].persona, 0, NULL);
    pk_identity id;
    memset(&id, 'x', sizeof id);
    assert_int_equal(pk_card_read_identity(s.c, &id), cases[i].want);
    /* nothing of a refused card reaches the caller, and it signs nothing */
    assert_int_equal(id.national_code[0], 'x');
    uint8_t nonce[16] = {0}, sig[80];
    size_t sl = sizeof sig;
    assert_int_equal(pk_card_sign_challenge(s.c, nonce, 16, "K1", sig, &sl), cases[i].want);
    close_session(&s);
  }
  assert_string_equal(pk_card_status_name(PK_CARD_EXPIRED), "expired");
  assert_string_equal(pk_card_status_name(PK_CARD_REVOKED), "revoked");
}

static void trust_config(void **state) {
  (void)state;
  pk_card_trust other = {.issuer_ca = PKI "/other-ca.crt.pem", .crl = PKI "/crl.pem"};
  session s = open_persona("citizen", 0, &other);
  assert_int_equal(pk_card_read_identity(s.c, NULL), PK_CARD_UNTRUSTED);
  close_session(&s);
  pk_card_trust nocrl = {.issuer_ca = PKI "/ca.crt.pem", .crl = ""};
  s = open_persona("citizen", 0, &nocrl);
  assert_int_equal(pk_card_read_identity(s.c, NULL), PK_CARD_TRUST_CONFIG);
  close_session(&s);
  /* the same valid card after its printed expiry (1411/03/15) but while its certificate
   * and the CRL are still valid: the Jalali date check alone refuses it */
  pk_card_trust future = trust;
  future.now = 2019686400; /* 2034-01-01 */
  s = open_persona("citizen", 0, &future);
  assert_int_equal(pk_card_read_identity(s.c, NULL), PK_CARD_EXPIRED);
  close_session(&s);
}

static void pin_flow(void **state) {
  (void)state;
  session s = open_persona("citizen", 0, NULL);
  int tries = 0;
  assert_int_equal(pk_card_pin_tries(s.c, &tries), PK_CARD_OK);
  assert_int_equal(tries, 3);
  pk_secret *bad = pin_of("1111"), *good = pin_of("1234"), *shortp = pin_of("12");
  assert_int_equal(pk_card_verify_pin(s.c, shortp, &tries), PK_CARD_PIN_FORMAT);
  assert_int_equal(pk_card_verify_pin(s.c, bad, &tries), PK_CARD_PIN_WRONG);
  assert_int_equal(tries, 2);
  assert_int_equal(pk_card_verify_pin(s.c, bad, &tries), PK_CARD_PIN_WRONG);
  assert_int_equal(tries, 1);
  assert_int_equal(pk_card_pin_tries(s.c, &tries), PK_CARD_OK);
  assert_int_equal(tries, 1);
  assert_int_equal(pk_card_verify_pin(s.c, good, &tries), PK_CARD_OK);
  assert_int_equal(pk_vcard_pin_tries(s.card), 3); /* a right PIN resets the counter */
  assert_int_equal(pk_secret_len(good), 4);        /* the caller's secret is untouched */
  close_session(&s);

  s = open_persona("citizen", 0, NULL);
  for (int i = 2; i >= 1; i--) {
    assert_int_equal(pk_card_verify_pin(s.c, bad, &tries), PK_CARD_PIN_WRONG);
    assert_int_equal(tries, i);
  }
  assert_int_equal(pk_card_verify_pin(s.c, bad, &tries), PK_CARD_PIN_BLOCKED);
  assert_int_equal(tries, 0);
  assert_int_equal(pk_card_verify_pin(s.c, good, &tries), PK_CARD_PIN_BLOCKED); /* too late */
  close_session(&s);

  s = open_persona("blocked", 0, NULL);
  assert_int_equal(pk_card_pin_tries(s.c, &tries), PK_CARD_PIN_BLOCKED);
  assert_int_equal(tries, 0);
  close_session(&s);
  pk_secret_free(bad);
  pk_secret_free(good);
  pk_secret_free(shortp);
}

static void sign_challenge(void **state) {
  (void)state;
  session s = open_persona("citizen", 0, NULL);
  uint8_t nonce[32], sig[80];
  for (int i = 0; i < 32; i++) nonce[i] = (uint8_t)(i * 7);
  size_t sl = sizeof sig;
  assert_int_equal(pk_card_sign_challenge(s.c, nonce, sizeof nonce, "KIOSK-01", sig, &sl), PK_CARD_PIN_REQUIRED);
  pk_secret *good = pin_of("1234");
  int tries;
  assert_int_equal(pk_card_verify_pin(s.c, good, &tries), PK_CARD_OK);
  sl = sizeof sig;
  assert_int_equal(pk_card_sign_challenge(s.c, nonce, sizeof nonce, "KIOSK-01", sig, &sl), PK_CARD_OK);
  /* the verifier's side: rebuild the signed bytes, check with EF.CERT's key */
  const uint8_t *der;
  size_t dl;
  assert_int_equal(pk_card_certificate(s.c, &der, &dl), PK_CARD_OK);
  X509 *x = d2i_X509(NULL, &der, (long)dl);
  assert_non_null(x);
  uint8_t tbs[160];
  size_t tl = pk_card_challenge_tbs(nonce, sizeof nonce, "KIOSK-01", tbs, sizeof tbs);
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  assert_int_equal(EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, X509_get0_pubkey(x)), 1);
  assert_int_equal(EVP_DigestVerify(md, sig, sl, tbs, tl), 1);
  /* bound to the kiosk: the same signature does not verify for another kiosk id */
  tl = pk_card_challenge_tbs(nonce, sizeof nonce, "KIOSK-02", tbs, sizeof tbs);
  EVP_MD_CTX_reset(md);
  assert_int_equal(EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, X509_get0_pubkey(x)), 1);
  assert_int_not_equal(EVP_DigestVerify(md, sig, sl, tbs, tl), 1);
  EVP_MD_CTX_free(md);
  X509_free(x);
  sl = sizeof sig;
  assert_int_equal(pk_card_sign_challenge(s.c, nonce, 8, "KIOSK-01", sig, &sl), PK_CARD_ARG); /* short nonce */
  pk_secret_free(good);
  close_session(&s);
}

/* The consent to an offline request: an ordinary ES256 signature over the document whose
 * digest the host sent, refused before the PIN, and bound to that document. */
static void sign_consent(void **state) {
  (void)state;
  session s = open_persona("citizen", 0, NULL);
  static const char doc[] = "{\"idempotency_key\":\"k\",\"service_id\":\"S1\"}";
  uint8_t digest[32], sig[80];
  size_t sl = sizeof sig;
  assert_int_equal(EVP_Digest(doc, strlen(doc), digest, NULL, EVP_sha256(), NULL), 1);
  assert_int_equal(pk_card_sign_digest(s.c, digest, sig, &sl), PK_CARD_PIN_REQUIRED);
  pk_secret *good = pin_of("1234");
  int tries;
  assert_int_equal(pk_card_verify_pin(s.c, good, &tries), PK_CARD_OK);
  sl = sizeof sig;
  assert_int_equal(pk_card_sign_digest(s.c, digest, sig, &sl), PK_CARD_OK);
  const uint8_t *der;
  size_t dl;
  assert_int_equal(pk_card_certificate(s.c, &der, &dl), PK_CARD_OK);
  X509 *x = d2i_X509(NULL, &der, (long)dl);
  assert_non_null(x);
  EVP_MD_CTX *md = EVP_MD_CTX_new();
  assert_int_equal(EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, X509_get0_pubkey(x)), 1);
  assert_int_equal(EVP_DigestVerify(md, sig, sl, (const uint8_t *)doc, strlen(doc)), 1);
  EVP_MD_CTX_reset(md);
  assert_int_equal(EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, X509_get0_pubkey(x)), 1);
  assert_int_not_equal(EVP_DigestVerify(md, sig, sl, (const uint8_t *)doc, strlen(doc) - 1), 1);
  EVP_MD_CTX_free(md);
  X509_free(x);
  sl = 16;
  assert_int_equal(pk_card_sign_digest(s.c, digest, sig, &sl), PK_CARD_ARG);
  pk_secret_free(good);
  close_session(&s);
}

static void removal(void **state) {
  (void)state;
  session s = open_persona("citizen", 0, NULL);
  pk_vcard_set_present(s.card, false);
  assert_int_equal(pk_card_read_identity(s.c, NULL), PK_CARD_REMOVED);
  int tries;
  assert_int_equal(pk_card_pin_tries(s.c, &tries), PK_CARD_REMOVED);
  /* reinserted: the old session stays dead (a new card may be a different citizen) */
  pk_vcard_set_present(s.card, true);
  assert_int_equal(pk_card_pin_tries(s.c, &tries), PK_CARD_REMOVED);
  close_session(&s);
  /* a new session on the reinserted card works, PIN state cleared by the power cycle */
  s = open_persona("citizen", 0, NULL);
  pk_secret *good = pin_of("1234");
  assert_int_equal(pk_card_verify_pin(s.c, good, &tries), PK_CARD_OK);
  pk_vcard_set_present(s.card, false);
  pk_vcard_set_present(s.card, true);
  pk_transport *t2 = pk_transport_inproc_new(s.card);
  pk_card_status st;
  pk_card *c2 = pk_card_open(t2, &trust, &st);
  assert_non_null(c2);
  assert_int_equal(pk_card_pin_tries(c2, &tries), PK_CARD_OK);
  assert_int_equal(tries, 3); /* not verified any more */
  pk_card_close(c2);
  pk_transport_free(t2);
  pk_secret_free(good);
  close_session(&s);
}

static void not_our_card(void **state) {
  (void)state;
  session s = open_persona("citizen", 0, NULL);
  /* raw APDUs a third-party tool would send */
  uint8_t r[300];
  size_t rl = sizeof r;
  const uint8_t wrong_aid[] = {0x00, 0xA4, 0x04, 0x0C, 0x05, 0xA0, 0x00, 0x00, 0x02, 0x47};
  assert_int_equal(pk_transport_transmit(s.t, wrong_aid, sizeof wrong_aid, r, &rl), PK_TR_OK);
  assert_int_equal(rl, 2);
  assert_memory_equal(r, "\x6A\x82", 2);
  rl = sizeof r;
  const uint8_t bad_ins[] = {0x00, 0xCA, 0x00, 0x00, 0x00};
  assert_int_equal(pk_transport_transmit(s.t, bad_ins, sizeof bad_ins, r, &rl), PK_TR_OK);
  assert_memory_equal(r, "\x6D\x00", 2);
  rl = sizeof r;
  const uint8_t bad_len[] = {0x00, 0xA4, 0x04, 0x0C, 0x09, 0x01};
  assert_int_equal(pk_transport_transmit(s.t, bad_len, sizeof bad_len, r, &rl), PK_TR_OK);
  assert_memory_equal(r, "\x67\x00", 2);
  close_session(&s);
  char *err = NULL;
  assert_null(pk_vcard_new("nobody", PKI, &err));
  assert_non_null(err);
  free(err);
}

/* A pinpad reader in front of the virtual card: it answers the part 10 feature request
 * and, for VERIFY_PIN_DIRECT, "types" its PIN into the APDU template as the structure says. */
typedef struct {
  pk_transport *inner;
  const char *typed; /* NULL: the citizen presses Cancel */
  uint8_t last_struct[64];
  size_t last_len;
} pinpad;

static int pp_transmit(pk_transport *t, const uint8_t *a, size_t n, uint8_t *r, size_t *rl) {
  pinpad *p = pk_transport_impl(t);
  return pk_transport_transmit(p->inner, a, n, r, rl);
}

static const uint8_t *pp_atr(pk_transport *t, size_t *len) {
  pinpad *p = pk_transport_impl(t);
  return pk_transport_atr(p->inner, len);
}

static int pp_control(pk_transport *t, unsigned long code, const uint8_t *in, size_t n, uint8_t *out, size_t *ol) {
  pinpad *p = pk_transport_impl(t);
  if (code == 0x42000000 + 3400) { /* CM_IOCTL_GET_FEATURE_REQUEST */
    const uint8_t features[] = {0x0A, 4, 0x42, 0x33, 0x00, 0x12, 0x06, 4, 0x42, 0x33, 0x00, 0x06};
    memcpy(out, features, sizeof features);
    *ol = sizeof features;
    return PK_TR_OK;
  }
  if (code != 0x42330006 || n < 19 || n > sizeof p->last_struct) return PK_TR_COMM;
  memcpy(p->last_struct, in, n);
  p->last_len = n;
  if (!p->typed) {
    out[0] = 0x64, out[1] = 0x01;
    *ol = 2;
    return PK_TR_OK;
  }
  uint8_t apdu[32];
  size_t al = n - 19;
  memcpy(apdu, in + 19, al);
  memcpy(apdu + 5, p->typed, strlen(p->typed)); /* ASCII at position 0 of the block */
  size_t rl = *ol;
  int rc = pk_transport_transmit(p->inner, apdu, al, out, &rl);
  *ol = rl;
  return rc;
}

static const pk_transport_ops pinpad_ops = {.transmit = pp_transmit, .atr = pp_atr, .control = pp_control};

static void pinpad_reader(void **state) {
  (void)state;
  char *err = NULL;
  pk_vcard *card = pk_vcard_new("citizen", PKI, &err);
  pinpad pp = {.inner = pk_transport_inproc_new(card), .typed = "1111"};
  pk_transport *t = pk_transport_new(&pinpad_ops, &pp);
  pk_card_status st;
  pk_card *c = pk_card_open(t, &trust, &st);
  assert_non_null(c);
  assert_true(pk_card_has_pinpad(c));
  int tries = 0;
  assert_int_equal(pk_card_verify_pin_pinpad(c, &tries), PK_CARD_PIN_WRONG);
  assert_int_equal(tries, 2);
  /* PIN_VERIFY_STRUCTURE: ASCII left-justified 8-byte block, 4..8 digits, VERIFY template */
  assert_int_equal(pp.last_struct[2], 0x82);
  assert_int_equal(pp.last_struct[3], 0x08);
  assert_int_equal(pp.last_struct[5], 8);
  assert_int_equal(pp.last_struct[6], 4);
  assert_int_equal(pp.last_struct[15], 13);
  assert_memory_equal(pp.last_struct + 19, "\x00\x20\x00\x81\x08\xFF", 6);
  pp.typed = NULL;
  assert_int_equal(pk_card_verify_pin_pinpad(c, &tries), PK_CARD_PIN_CANCELLED);
  pp.typed = "1234";
  assert_int_equal(pk_card_verify_pin_pinpad(c, &tries), PK_CARD_OK);
  pk_card_close(c);
  pk_transport_free(t);
  pk_transport_free(pp.inner);
  pk_vcard_free(card);
  /* the plain in-process transport has no pinpad */
  session s = open_persona("citizen", 0, NULL);
  assert_false(pk_card_has_pinpad(s.c));
  assert_int_equal(pk_card_verify_pin_pinpad(s.c, &tries), PK_CARD_NOT_SUPPORTED);
  close_session(&s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(read_citizen), cmocka_unit_test(read_other_personas), cmocka_unit_test(quirky_cards_read_the_same),
    cmocka_unit_test(refusals),     cmocka_unit_test(trust_config),        cmocka_unit_test(pin_flow),
    cmocka_unit_test(sign_challenge), cmocka_unit_test(sign_consent), cmocka_unit_test(removal),           cmocka_unit_test(not_our_card),
    cmocka_unit_test(pinpad_reader),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
