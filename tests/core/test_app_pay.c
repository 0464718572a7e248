/* The fee's payment in the state machine, over the fake backend: a fee service is never sent
 * before its payment is approved; a declined card lets the citizen try another; Cancel, card
 * removal and the idle timeout during the payment leave nothing sent and ask the backend to
 * give the money back (the live backend reverses what no request carries). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "app_fixture.h"
#include "pishkhan/app.h"

static void to_fee_review(fixture *f) {
  fx_login(f);
  fx_type(f, "1");
  fx_type(f, "پرونده"); /* the tax file inquiry: 50,000 rials */
  fx_key(f, PK_KEY_ENTER, 0);
  fx_key(f, PK_KEY_ENTER, 0);
  fx_key(f, PK_KEY_ENTER, 0); /* no fields */
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_REVIEW);
  assert_int_equal(pk_app_current_service(f->app)->fee_rials, 50000);
}

static void answer(fixture *f, pk_app_pay_outcome o, const char *msgid) {
  pk_app_payment p = {.outcome = o, .msgid = msgid, .amount = 50000, .invoice = "INV-1", .rrn = "123456789012"};
  pk_app_pay_update(f->app, f->fb.last_gen, &p);
}

static void test_approved_payment_then_the_request(void **state) {
  fixture *f = *state;
  to_fee_review(f);
  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_PAY);
  assert_int_equal(f->fb.pays, 1);
  assert_int_equal(f->fb.last_amount, 50000);
  assert_int_equal(f->fb.submits, 0); /* nothing leaves before the money is taken */
  const pk_app_payment *p = pk_app_payment_shown(f->app);
  assert_non_null(p);
  assert_int_equal(p->outcome, PK_APP_PAY_PROGRESS);
  assert_non_null(strstr(p->msgid, "terminal"));
  answer(f, PK_APP_PAY_PROGRESS, "Checking with the card terminal...");
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_PAY);
  answer(f, PK_APP_PAY_APPROVED, "The payment was approved.");
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_SUBMIT);
  assert_int_equal(f->fb.submits, 1);
  assert_string_equal(f->fb.last_service, "tax-0002");
  pk_app_submit_result r = {.outcome = PK_SUBMIT_REGISTERED, .ref = "Q0001", .tracking = "1400123456789012"};
  pk_app_submit_done(f->app, f->fb.last_gen, &r);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_RECEIPT);
  const pk_app_receipt *rc = pk_app_last_receipt(f->app); /* what the receipt shows of the payment */
  assert_int_equal(rc->paid, 50000);
  assert_string_equal(rc->bank_ref, "123456789012");
  assert_string_equal(rc->invoice, "INV-1");
}

static void test_declined_card_then_another(void **state) {
  fixture *f = *state;
  to_fee_review(f);
  fx_key(f, PK_KEY_ENTER, 0);
  answer(f, PK_APP_PAY_DECLINED, "The card does not have enough money. No money was taken.");
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_PAY);
  assert_int_equal(pk_app_payment_shown(f->app)->outcome, PK_APP_PAY_DECLINED);
  assert_string_equal(pk_app_payment_shown(f->app)->msgid, "The card does not have enough money. No money was taken.");
  assert_int_equal(f->fb.submits, 0);
  fx_key(f, PK_KEY_ENTER, 0); /* another card */
  assert_int_equal(f->fb.pays, 2);
  assert_int_equal(pk_app_payment_shown(f->app)->outcome, PK_APP_PAY_PROGRESS);
  answer(f, PK_APP_PAY_APPROVED, "The payment was approved.");
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_SUBMIT);
  assert_int_equal(f->fb.submits, 1);
}

static void test_cancel_reverses_and_sends_nothing(void **state) {
  fixture *f = *state;
  to_fee_review(f);
  fx_key(f, PK_KEY_ENTER, 0);
  fx_key(f, PK_KEY_CANCEL, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_REVIEW);
  assert_int_equal(f->fb.pay_cancels, 1);
  assert_true(pk_app_has_session(f->app)); /* Esc here cancels the payment, not the session */
  assert_non_null(strstr(pk_app_message(f->app), "given back"));
  answer(f, PK_APP_PAY_APPROVED, "The payment was approved."); /* the terminal's late answer */
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_REVIEW);
  assert_int_equal(f->fb.submits, 0);
  fx_key(f, PK_KEY_ENTER, 0); /* paying again is a new payment, never a request sent unpaid */
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_PAY);
  assert_int_equal(f->fb.pays, 2);
  assert_int_equal(f->fb.submits, 0);
}

static void test_unavailable_terminal_sends_nothing(void **state) {
  fixture *f = *state;
  to_fee_review(f);
  fx_key(f, PK_KEY_ENTER, 0);
  answer(f, PK_APP_PAY_UNAVAILABLE, "The fee of this service cannot be paid at this kiosk, so the request was not "
                                    "sent. Please pay and send it at the counter.");
  fx_key(f, PK_KEY_ENTER, 0); /* nothing to retry */
  assert_int_equal(f->fb.pays, 1);
  fx_key(f, PK_KEY_CANCEL, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_REVIEW);
  assert_int_equal(f->fb.pay_cancels, 0); /* nothing under way to give back */
  assert_int_equal(f->fb.submits, 0);
}

/* The session ends while the terminal works: wiped, nothing sent, the backend told (card_close:
 * the live backend reverses the sale when it ends); the terminal's late answer changes nothing. */
static void session_ends_during_payment(fixture *f, bool removal) {
  to_fee_review(f);
  fx_key(f, PK_KEY_ENTER, 0);
  unsigned gen = f->fb.last_gen;
  int closes = f->fb.closes;
  if (removal) {
    pk_app_card_removed(f->app, "R", f->now);
  } else {
    /* The citizen types their PIN on the terminal, slowly: the kiosk's idle limit alone does
     * not end the session while the sale runs... */
    uint64_t idle = (uint64_t)f->cfg.idle_timeout_s * 1000 + 1000;
    pk_app_tick(f->app, f->now + idle);
    assert_int_equal(pk_app_screen(f->app), PK_SCREEN_PAY);
    assert_true(pk_app_has_session(f->app));
    assert_int_equal(pk_app_idle_countdown(f->app), -1);
    /* ...the sale's own bound does. */
    pk_app_tick(f->app, f->now + (uint64_t)f->cfg.pay_sale_timeout_ms + 16000);
  }
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_HOME);
  assert_false(pk_app_has_session(f->app));
  assert_null(pk_app_payment_shown(f->app));
  assert_int_equal(f->fb.closes, closes + 1);
  pk_app_pay_update(f->app, gen, &(pk_app_payment){.outcome = PK_APP_PAY_APPROVED, .amount = 50000});
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_HOME);
  assert_int_equal(f->fb.submits, 0);
}

static void test_card_removed_during_payment(void **state) { session_ends_during_payment(*state, true); }

/* Back from the terminal with a declined card, nobody types: the usual idle limit, counted from
 * the terminal's answer, ends the session. */
static void test_idle_after_a_decline_counts_from_the_answer(void **state) {
  fixture *f = *state;
  to_fee_review(f);
  fx_key(f, PK_KEY_ENTER, 0);
  uint64_t answered = f->now + 60000; /* a minute at the terminal */
  pk_app_tick(f->app, answered);
  answer(f, PK_APP_PAY_DECLINED, "The bank declined the card.");
  pk_app_tick(f->app, answered + (uint64_t)f->cfg.idle_timeout_s * 1000 - 2000);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_PAY);
  pk_app_tick(f->app, answered + (uint64_t)f->cfg.idle_timeout_s * 1000 + 1000);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_HOME);
  assert_false(pk_app_has_session(f->app));
}
static void test_idle_timeout_during_payment(void **state) { session_ends_during_payment(*state, false); }

/* A paid request refused by the window: the payment went with it (the backend reverses it);
 * sending again asks for a new payment, never a request without one. */
static void test_refused_after_payment_asks_to_pay_again(void **state) {
  fixture *f = *state;
  to_fee_review(f);
  fx_key(f, PK_KEY_ENTER, 0);
  answer(f, PK_APP_PAY_APPROVED, "The payment was approved.");
  pk_app_failure fail = {.msgid = "The national window did not accept this request."};
  pk_app_submit_done(f->app, f->fb.last_gen, &(pk_app_submit_result){.outcome = PK_SUBMIT_REFUSED, .ref = "Q0001", .fail = fail});
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_REVIEW);
  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_PAY);
  assert_int_equal(f->fb.pays, 2);
  assert_int_equal(f->fb.submits, 1);
}

/* In doubt after payment: sent again unchanged with the same payment, not paid twice. */
static void test_in_doubt_after_payment_resends_without_paying_again(void **state) {
  fixture *f = *state;
  to_fee_review(f);
  fx_key(f, PK_KEY_ENTER, 0);
  answer(f, PK_APP_PAY_APPROVED, "The payment was approved.");
  pk_app_submit_done(f->app, f->fb.last_gen, &(pk_app_submit_result){.outcome = PK_SUBMIT_IN_DOUBT, .ref = "Q0001"});
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_REVIEW);
  fx_key(f, PK_KEY_ENTER, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_SUBMIT);
  assert_int_equal(f->fb.pays, 1);
  assert_int_equal(f->fb.submits, 2);
  assert_string_equal(f->fb.last_ref, "Q0001");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_approved_payment_then_the_request, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_declined_card_then_another, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_cancel_reverses_and_sends_nothing, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_unavailable_terminal_sends_nothing, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_card_removed_during_payment, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_idle_after_a_decline_counts_from_the_answer, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_idle_timeout_during_payment, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_refused_after_payment_asks_to_pay_again, fx_setup, fx_teardown),
      cmocka_unit_test_setup_teardown(test_in_doubt_after_payment_resends_without_paying_again, fx_setup, fx_teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
