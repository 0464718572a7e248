/* Through real pcscd + vpcd + pishkhan-vcard, exactly as with a hardware reader:
 * identity, PIN, refusals, removal between APDUs, reader/pcscd gone, pcscd restarted,
 * and the monitor's events. Runs under pcsc-ns.sh (private /run and loopback). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <winscard.h>

#include "pcsc_harness.h"
#include "pishkhan/card.h"

#define PKI PK_BINARY_DIR "/pki/card"
static const pk_card_trust trust = {.issuer_ca = PKI "/ca.crt.pem", .crl = PKI "/crl.pem"};
static harness H;

static int group_setup(void **state) {
  (void)state;
  return h_setup(&H);
}

static int group_teardown(void **state) {
  (void)state;
  h_teardown(&H);
  return 0;
}

static int after_each(void **state) {
  (void)state;
  h_vcard_stop(&H);
  if (!H.pcscd) h_pcscd_start(&H);
  h_card_present(3000, false);
  return 0;
}

typedef struct {
  pk_transport *t;
  pk_card *c;
} sess;

static sess open_session(void) {
  sess s = {0};
  long err = 0;
  s.t = pk_transport_pcsc_open(NULL, &err);
  if (!s.t) fail_msg("pk_transport_pcsc_open: %s", pcsc_stringify_error(err));
  assert_string_equal(pk_transport_pcsc_reader(s.t), H_READER);
  pk_card_status st;
  s.c = pk_card_open(s.t, &trust, &st);
  if (!s.c) fail_msg("pk_card_open: %s", pk_card_status_name(st));
  return s;
}

static void close_session(sess *s) {
  pk_card_close(s->c);
  pk_transport_free(s->t);
}

static pk_secret *pin_of(const char *d) {
  pk_secret *p = pk_secret_new(16);
  while (*d) pk_secret_push(p, (uint8_t)*d++);
  return p;
}

static void read_identity(void **state) {
  (void)state;
  assert_int_equal(h_vcard_start(&H, "citizen", true, NULL), 0);
  sess s = open_session();
  pk_identity id;
  assert_int_equal(pk_card_read_identity(s.c, &id), PK_CARD_OK);
  assert_string_equal(id.given_fa, "زهرا");
  assert_string_equal(id.family_fa, "محمدی");
  assert_string_equal(id.national_code, "0071234561");
  pk_transport_stats st;
  pk_transport_get_stats(s.t, &st);
  assert_int_equal(st.apdus, 4); /* select + one extended READ BINARY per file */
  assert_false(pk_card_has_pinpad(s.c)); /* vpcd has no part 10 features */
  close_session(&s);
}

static void wrong_pin_twice_then_right(void **state) {
  (void)state;
  assert_int_equal(h_vcard_start(&H, "citizen2", true, NULL), 0);
  sess s = open_session();
  assert_int_equal(pk_card_read_identity(s.c, NULL), PK_CARD_OK);
  int tries = 0;
  assert_int_equal(pk_card_pin_tries(s.c, &tries), PK_CARD_OK);
  assert_int_equal(tries, 3);
  pk_secret *bad = pin_of("1234"), *good = pin_of("5678");
  assert_int_equal(pk_card_verify_pin(s.c, bad, &tries), PK_CARD_PIN_WRONG);
  assert_int_equal(tries, 2);
  assert_int_equal(pk_card_verify_pin(s.c, bad, &tries), PK_CARD_PIN_WRONG);
  assert_int_equal(tries, 1);
  assert_int_equal(pk_card_verify_pin(s.c, good, &tries), PK_CARD_OK);
  uint8_t nonce[32] = {1, 2, 3}, sig[80];
  size_t sl = sizeof sig;
  assert_int_equal(pk_card_sign_challenge(s.c, nonce, sizeof nonce, "KIOSK-IT", sig, &sl), PK_CARD_OK);
  close_session(&s);
  /* the transport reset the card on the way out: the PIN state did not survive */
  s = open_session();
  assert_int_equal(pk_card_pin_tries(s.c, &tries), PK_CARD_OK);
  assert_int_equal(tries, 3);
  close_session(&s);
  pk_secret_free(bad);
  pk_secret_free(good);
}

static void pin_blocked_after_last_try(void **state) {
  (void)state;
  assert_int_equal(h_vcard_start(&H, "citizen", true, NULL), 0);
  sess s = open_session();
  pk_secret *bad = pin_of("9999"), *good = pin_of("1234");
  int tries;
  assert_int_equal(pk_card_verify_pin(s.c, bad, &tries), PK_CARD_PIN_WRONG);
  assert_int_equal(pk_card_verify_pin(s.c, bad, &tries), PK_CARD_PIN_WRONG);
  assert_int_equal(pk_card_verify_pin(s.c, bad, &tries), PK_CARD_PIN_BLOCKED);
  assert_int_equal(tries, 0);
  assert_int_equal(pk_card_verify_pin(s.c, good, &tries), PK_CARD_PIN_BLOCKED);
  close_session(&s);
  h_vcard_stop(&H);
  assert_true(h_card_present(3000, false));
  assert_int_equal(h_vcard_start(&H, "blocked", true, NULL), 0);
  s = open_session();
  assert_int_equal(pk_card_pin_tries(s.c, &tries), PK_CARD_PIN_BLOCKED);
  close_session(&s);
  pk_secret_free(bad);
  pk_secret_free(good);
}

static void refused_cards(void **state) {
  (void)state;
  const struct {
    const char *persona;
    pk_card_status want;
  } cases[] = {{"tampered", PK_CARD_TAMPERED}, {"expired", PK_CARD_EXPIRED}, {"revoked", PK_CARD_REVOKED}};
  for (size_t i = 0; i < 3; i++) {
    assert_int_equal(h_vcard_start(&H, cases[i].persona, true, NULL), 0);
    sess s = open_session();
    pk_identity id;
    assert_int_equal(pk_card_read_identity(s.c, &id), cases[i].want);
    close_session(&s);
    h_vcard_stop(&H);
    assert_true(h_card_present(3000, false));
  }
}

static void removed_between_apdus(void **state) {
  (void)state;
  /* select (1) and EF.ID (2) are answered, then the card is pulled */
  assert_int_equal(h_vcard_start(&H, "citizen", true, "--remove-after-apdus", "2", NULL), 0);
  sess s = open_session();
  uint64_t t0 = pk_now_ms();
  assert_int_equal(pk_card_read_identity(s.c, NULL), PK_CARD_REMOVED);
  assert_true(pk_now_ms() - t0 < 2000); /* a clean answer, not a hang */
  int tries;
  assert_int_equal(pk_card_pin_tries(s.c, &tries), PK_CARD_REMOVED);
  close_session(&s);
}

static void monitor_events(void **state) {
  (void)state;
  h_events e;
  h_events_init(&e);
  pk_card_monitor *m = pk_card_monitor_start(pk_loop_sink, e.loop, "Test Reader 00 00");
  pk_event ev;
  assert_true(h_wait_event(&e, PK_EV_READER_ADDED, 3000, &ev));
  assert_string_equal(ev.reader, H_READER);
  assert_int_equal(h_vcard_start(&H, "citizen", false, NULL), 0);
  assert_true(h_wait_event(&e, PK_EV_CARD_INSERTED, 5000, &ev));
  assert_int_equal(ev.atr_len, 16);
  assert_int_equal(ev.atr[0], 0x3B);
  /* removal reaches the main loop within a second */
  uint64_t t0 = pk_now_ms();
  h_vcard_control(&H, "remove");
  assert_true(h_wait_event(&e, PK_EV_CARD_REMOVED, 1000, &ev));
  assert_true(pk_now_ms() - t0 < 1000);
  h_vcard_control(&H, "insert");
  assert_true(h_wait_event(&e, PK_EV_CARD_INSERTED, 3000, &ev));
  t0 = pk_now_ms();
  pk_card_monitor_stop(m);
  uint64_t took = pk_now_ms() - t0;
  if (took >= 300) fail_msg("monitor stop took %llu ms", (unsigned long long)took); /* SCardCancel: prompt */
  h_events_free(&e);
}

static void pcscd_restarted(void **state) {
  (void)state;
  h_events e;
  h_events_init(&e);
  pk_card_monitor *m = pk_card_monitor_start(pk_loop_sink, e.loop, NULL);
  assert_int_equal(h_vcard_start(&H, "citizen", true, NULL), 0);
  pk_event ev;
  assert_true(h_wait_event(&e, PK_EV_CARD_INSERTED, 3000, &ev));
  sess s = open_session();
  /* the reader (with the whole service) goes away in the middle of a session */
  h_pcscd_stop(&H);
  assert_true(h_wait_event(&e, PK_EV_READER_ERROR, 3000, &ev));
  e.seen = 0;
  assert_true(h_wait_event(&e, PK_EV_CARD_REMOVED, 0, &ev));    /* the session must be wiped */
  assert_true(h_wait_event(&e, PK_EV_READER_REMOVED, 0, &ev));
  assert_int_equal(pk_card_read_identity(s.c, NULL), PK_CARD_NO_READER);
  close_session(&s);
  long err = 0;
  assert_null(pk_transport_pcsc_open(NULL, &err));
  /* pcscd is back: the monitor recovers on its own, the card is seen again */
  assert_int_equal(h_pcscd_start(&H), 0);
  assert_true(h_wait_event(&e, PK_EV_READER_ADDED, 5000, &ev));
  assert_true(h_wait_event(&e, PK_EV_CARD_INSERTED, 5000, &ev));
  s = open_session();
  assert_int_equal(pk_card_read_identity(s.c, NULL), PK_CARD_OK);
  close_session(&s);
  pk_card_monitor_stop(m);
  h_events_free(&e);
}

static void unknown_reader(void **state) {
  (void)state;
  long err = 0;
  assert_null(pk_transport_pcsc_open("No Such Reader 99", &err));
  assert_int_equal(err, SCARD_E_UNKNOWN_READER);
  assert_null(pk_transport_pcsc_open(NULL, &err)); /* no card anywhere */
  assert_int_equal(err, SCARD_E_NO_SMARTCARD);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_teardown(read_identity, after_each),
    cmocka_unit_test_teardown(wrong_pin_twice_then_right, after_each),
    cmocka_unit_test_teardown(pin_blocked_after_last_try, after_each),
    cmocka_unit_test_teardown(refused_cards, after_each),
    cmocka_unit_test_teardown(removed_between_apdus, after_each),
    cmocka_unit_test_teardown(monitor_events, after_each),
    cmocka_unit_test_teardown(pcscd_restarted, after_each),
    cmocka_unit_test_teardown(unknown_reader, after_each),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
