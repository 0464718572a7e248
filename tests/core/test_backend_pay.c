/* A fee paid for real: the state machine with the live backend, the card in process, the
 * window simulator with fees enforced (its provider reads the terminal's own record, never the
 * kiosk's) and pishkhan-pos-sim over TCP. Counted at the simulators: one charge, one request,
 * and the request carries the paid invoice; what no request carries is reversed at start. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../net/harness.h"
#include "../payment/fee_walk.h"
#include "../payment/possim.h"
#include "pishkhan/app.h"
#include "pishkhan/backend.h"
#include "pishkhan/catalog.h"
#include "pishkhan/outbox.h"
#include "pishkhan/payment.h"
#include "pishkhan/vcard.h"

typedef struct {
  harness h;
  possim pos;
  pk_vcard *card;
  pk_catalog *cat;
  pk_backend *be;
  pk_app *app;
  char data_dir[64];
} fixture;

static void sync_done(const pk_net_sync *r, void *ud) {
  assert_int_equal(r->st.err, PK_NET_OK);
  *(bool *)ud = true;
}

static void open_backend(fixture *f) {
  char *err = NULL;
  f->be = pk_backend_new(f->h.loop, &f->h.cfg, f->h.net, fw_open_card, f->card, &err);
  if (!f->be) fail_msg("backend: %s", err ? err : "?");
  f->app = pk_app_new(&f->h.cfg, &pk_backend_live_ops, f->be);
  pk_app_set_catalog(f->app, f->cat);
}

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  assert_true(possim_start(&f->pos, 0));
  pk_window_sim_opts o;
  pk_window_sim_opts_defaults(&o);
  o.fees_enforce = true;
  assert_true(strlen(f->pos.db) < sizeof o.provider_pos_db);
  memcpy(o.provider_pos_db, f->pos.db, strlen(f->pos.db) + 1);
  h_start(&f->h, &o, true);
  h_path(&f->h, f->h.cfg.issuer_ca, sizeof f->h.cfg.issuer_ca, "card/ca.crt.pem");
  h_path(&f->h, f->h.cfg.crl, sizeof f->h.cfg.crl, "card/crl.pem");
  h_path(&f->h, f->h.cfg.jwks, sizeof f->h.cfg.jwks, "window/window-jwks.json");
  h_path(&f->h, f->h.cfg.device_key, sizeof f->h.cfg.device_key, "device/key.pem");
  snprintf(f->data_dir, sizeof f->data_dir, "/tmp/pk-bepay-XXXXXX");
  assert_non_null(mkdtemp(f->data_dir));
  snprintf(f->h.cfg.data_dir, sizeof f->h.cfg.data_dir, "%s", f->data_dir);
  snprintf(f->h.cfg.pay_terminal, sizeof f->h.cfg.pay_terminal, "pos-tcp");
  snprintf(f->h.cfg.pay_terminal_dest, sizeof f->h.cfg.pay_terminal_dest, "127.0.0.1:%d", f->pos.port);
  snprintf(f->h.cfg.pay_terminal_id, sizeof f->h.cfg.pay_terminal_id, "T0001");
  char dir[256], *err = NULL;
  h_path(&f->h, dir, sizeof dir, "card");
  f->card = pk_vcard_new("citizen", dir, &err);
  assert_non_null(f->card);
  f->cat = pk_catalog_open(":memory:", &err);
  assert_non_null(f->cat);
  bool synced = false;
  pk_net_catalog_sync(f->h.net, f->cat, sync_done, &synced);
  h_run_until(&f->h, &synced, 30000);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  pk_app_free(f->app);
  pk_backend_free(f->be);
  pk_catalog_close(f->cat);
  pk_vcard_free(f->card);
  h_stop(&f->h);
  possim_stop(&f->pos);
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->data_dir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", f->data_dir);
  free(f);
  return 0;
}

static void run_until_screen(fixture *f, pk_screen_id s) {
  uint64_t end = pk_now_ms() + 20000;
  while (pk_app_screen(f->app) != s && pk_now_ms() < end) pk_loop_run_once(f->h.loop, 50);
  if (pk_app_screen(f->app) != s)
    fail_msg("waited for %s, at %s (%s)", pk_screen_name(s), pk_screen_name(pk_app_screen(f->app)),
             pk_app_message(f->app) ? pk_app_message(f->app) : "");
}

static void key(fixture *f, pk_key_code code, uint32_t cp) { fw_key(f->app, code, cp); }
static void type(fixture *f, const char *ascii) { fw_type(f->app, ascii); }

static void login(fixture *f) {
  pk_vcard_set_present(f->card, true);
  pk_app_card_inserted(f->app, "Reader 0", pk_now_ms());
  run_until_screen(f, PK_SCREEN_PIN);
  type(f, "1234");
  key(f, PK_KEY_ENTER, 0);
  run_until_screen(f, PK_SCREEN_DASHBOARD);
}

/* A kiosk fee service whose required fields this test can fill. */
static const pk_service *fee_service(fixture *f) {
  const pk_service *s = fw_fee_service(f->cat);
  if (!s) fail_msg("no fee service with a simple form in the simulator's catalog");
  return s;
}

/* Dashboard to the review of the fee service, its form filled. */
static void to_review(fixture *f, const pk_service *s) {
  if (!fw_to_review(f->app, s)) fail_msg("the way to %s's review stopped at %s", s->id, pk_screen_name(pk_app_screen(f->app)));
}

static void test_a_fee_is_paid_once_and_its_request_registered_once(void **state) {
  fixture *f = *state;
  open_backend(f);
  while (pk_backend_hold(f->be, pk_now_ms())) pk_loop_run_once(f->h.loop, 50);
  const pk_service *s = fee_service(f);
  login(f);
  to_review(f, s);
  key(f, PK_KEY_ENTER, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_PAY);
  run_until_screen(f, PK_SCREEN_RECEIPT);
  possim_row rows[4];
  size_t n = possim_dump(&f->pos, rows, 4);
  assert_int_equal(n, 1);
  assert_int_equal(rows[0].sales, 1);
  assert_int_equal(rows[0].reversals, 0);
  assert_string_equal(rows[0].state, "approved");
  assert_int_equal(rows[0].amount, s->fee_rials);
  assert_int_equal(pk_window_sim_request_count(f->h.sim), 1);
  /* The kiosk's record: attached to the registered request, by its tracking code. */
  char path[128], err[128];
  snprintf(path, sizeof path, "%s/payments.db", f->data_dir);
  pk_pay_opts o = PK_PAY_OPTS_DEFAULT;
  pk_pay_store *st = pk_pay_store_open(path, &o, err, sizeof err);
  assert_non_null(st);
  pk_pay_record r;
  assert_int_equal(pk_pay_get(st, rows[0].trace, &r), PK_PAY_OK);
  for (uint64_t end = pk_now_ms() + 10000; r.state != PK_PAY_SUBMITTED && pk_now_ms() < end;) {
    pk_loop_run_once(f->h.loop, 50); /* attached on the payment worker after the delivery */
    assert_int_equal(pk_pay_get(st, rows[0].trace, &r), PK_PAY_OK);
  }
  assert_int_equal(r.state, PK_PAY_SUBMITTED);
  const pk_app_receipt *rc = pk_app_last_receipt(f->app);
  assert_non_null(rc);
  assert_string_equal(r.tracking_code, rc->tracking);
  pk_pay_store_close(st);
}

/* Esc while the invoice is being made: nothing sold, nothing sent. */
static void test_cancel_before_the_sale_charges_nothing(void **state) {
  fixture *f = *state;
  open_backend(f);
  while (pk_backend_hold(f->be, pk_now_ms())) pk_loop_run_once(f->h.loop, 50);
  login(f);
  to_review(f, fee_service(f));
  key(f, PK_KEY_ENTER, 0);
  key(f, PK_KEY_CANCEL, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_REVIEW);
  for (int i = 0; i < 20; i++) pk_loop_run_once(f->h.loop, 20);
  possim_row rows[4];
  assert_int_equal(possim_dump(&f->pos, rows, 4), 0);
  assert_int_equal(pk_window_sim_request_count(f->h.sim), 0);
}

/* A payment approved at the terminal by a kiosk that then stopped before any request carried
 * it (the store and the terminal as that kiosk left them). */
static void approved_before_start(fixture *f, const char *idem, pk_pay_record *out) {
  char path[128], err[128];
  snprintf(path, sizeof path, "%s/payments.db", f->data_dir);
  pk_pay_opts o = PK_PAY_OPTS_DEFAULT;
  pk_pay_store *st = pk_pay_store_open(path, &o, err, sizeof err);
  assert_non_null(st);
  pk_pay_terminal *t = pk_pay_pos_tcp_open("127.0.0.1", f->pos.port, &pk_pay_framing_pkpos, "T0001");
  pk_pay_record r;
  assert_int_equal(pk_pay_begin(st, 50000, "INV1", idem, &r), PK_PAY_OK);
  assert_int_equal(pk_pay_sale(st, t, r.trace, &r), PK_PAY_OK);
  assert_int_equal(r.state, PK_PAY_APPROVED);
  pk_pay_terminal_close(t);
  pk_pay_store_close(st);
  if (out) *out = r;
}

/* Approved at the terminal, then the kiosk stopped before any request carried it: at the next
 * start the money goes back before anyone is served. */
static void test_an_approved_payment_without_a_request_is_reversed_at_start(void **state) {
  fixture *f = *state;
  approved_before_start(f, "4b0e6f2c-0000-4000-8000-000000000001", NULL);

  open_backend(f);
  assert_non_null(pk_backend_hold(f->be, pk_now_ms())); /* nobody is served yet */
  uint64_t end = pk_now_ms() + 20000;
  while (pk_backend_hold(f->be, pk_now_ms()) && pk_now_ms() < end) pk_loop_run_once(f->h.loop, 50);
  assert_null(pk_backend_hold(f->be, pk_now_ms()));
  possim_row rows[4];
  assert_int_equal(possim_dump(&f->pos, rows, 4), 1);
  assert_string_equal(rows[0].state, "reversed");
  assert_int_equal(rows[0].sales, 1);
}

/* The window registered the request (the outbox row is delivered, with its tracking code) and
 * the kiosk stopped before it attached the approved payment: at the next start the payment is
 * attached to that request, not kept approved for ever nor reversed (the citizen's request is
 * paid for). */
static void test_a_delivered_requests_payment_is_attached_at_start(void **state) {
  fixture *f = *state;
  char path[128], err[128];
  snprintf(path, sizeof path, "%s/outbox.db", f->data_dir);
  pk_outbox *ob = pk_outbox_open(path, NULL, err, sizeof err);
  assert_non_null(ob);
  pk_outbox_row row;
  assert_true(pk_outbox_draft(ob, &row));
  snprintf(row.service_id, sizeof row.service_id, "%s", fee_service(f)->id);
  snprintf(row.national_masked, sizeof row.national_masked, "007****561");
  row.level = 3;
  row.state = PK_OB_SENDING;
  assert_int_equal(pk_outbox_insert(ob, &row, "eyJhbGciOiJSU0EtT0FFUCJ9.AA.AA.AA.AA", err, sizeof err), PK_OB_OK);
  assert_int_equal(pk_outbox_delivered(ob, row.ref, "1457143582487267", NULL), PK_OB_OK);
  pk_outbox_close(ob);
  pk_pay_record r;
  approved_before_start(f, row.idem_key, &r);

  open_backend(f);
  uint64_t end = pk_now_ms() + 20000;
  while (pk_backend_hold(f->be, pk_now_ms()) && pk_now_ms() < end) pk_loop_run_once(f->h.loop, 50);
  assert_null(pk_backend_hold(f->be, pk_now_ms()));
  possim_row rows[4];
  assert_int_equal(possim_dump(&f->pos, rows, 4), 1);
  assert_string_equal(rows[0].state, "approved"); /* the money stands: its request holds it */
  snprintf(path, sizeof path, "%s/payments.db", f->data_dir);
  pk_pay_opts o = PK_PAY_OPTS_DEFAULT;
  pk_pay_store *st = pk_pay_store_open(path, &o, err, sizeof err);
  assert_int_equal(pk_pay_get(st, r.trace, &r), PK_PAY_OK);
  pk_pay_store_close(st);
  assert_int_equal(r.state, PK_PAY_SUBMITTED);
  assert_string_equal(r.tracking_code, "1457143582487267");
}

/* The same payment at start, but the terminal cannot be reached: after one round the kiosk
 * serves again (free services), sells nothing, and keeps the earlier payment to settle. */
static void test_an_unreachable_terminal_holds_only_the_fees(void **state) {
  fixture *f = *state;
  pk_pay_record r;
  approved_before_start(f, "4b0e6f2c-0000-4000-8000-000000000002", &r);
  char path[128], err[128];
  snprintf(path, sizeof path, "%s/payments.db", f->data_dir);
  pk_pay_opts o = PK_PAY_OPTS_DEFAULT;
  pk_pay_store *st;

  snprintf(f->h.cfg.pay_terminal_dest, sizeof f->h.cfg.pay_terminal_dest, "127.0.0.1:1"); /* unplugged */
  open_backend(f);
  assert_non_null(pk_backend_hold(f->be, pk_now_ms()));
  /* One round: the payment's own bound of asking by trace (30 s), then its reversal tried. */
  uint64_t end = pk_now_ms() + 45000;
  while (pk_backend_hold(f->be, pk_now_ms()) && pk_now_ms() < end) pk_loop_run_once(f->h.loop, 50);
  assert_null(pk_backend_hold(f->be, pk_now_ms())); /* the hold ended with the round */
  login(f);
  to_review(f, fee_service(f));
  key(f, PK_KEY_ENTER, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_PAY);
  const pk_app_payment *p = pk_app_payment_shown(f->app);
  assert_non_null(p);
  assert_int_equal(p->outcome, PK_APP_PAY_UNAVAILABLE);
  assert_non_null(strstr(p->msgid, "has not yet settled an earlier payment"));
  for (int i = 0; i < 10; i++) pk_loop_run_once(f->h.loop, 20);
  possim_row rows[4];
  assert_int_equal(possim_dump(&f->pos, rows, 4), 1); /* no new sale; the earlier one still approved */
  assert_string_equal(rows[0].state, "approved");
  assert_int_equal(pk_window_sim_request_count(f->h.sim), 0);
  st = pk_pay_store_open(path, &o, err, sizeof err);
  assert_int_equal(pk_pay_get(st, r.trace, &r), PK_PAY_OK);
  assert_int_equal(r.state, PK_PAY_APPROVED); /* kept, to settle when the terminal returns */
  pk_pay_store_close(st);
}

/* The window out of reach (issue 13, offline): a citizen signed in with the card offline is
 * told plainly that a fee service cannot be paid or sent here; nothing is sold, nothing queued
 * (a fee service is queued only after its payment was approved and confirmed online). */
static void test_offline_a_fee_service_is_neither_paid_nor_queued(void **state) {
  fixture *f = *state;
  open_backend(f);
  while (pk_backend_hold(f->be, pk_now_ms())) pk_loop_run_once(f->h.loop, 50);
  assert_int_equal(pk_window_sim_set_reachable(f->h.sim, false), 0);
  login(f); /* offline: the card's own proof, no window session */
  to_review(f, fee_service(f));
  key(f, PK_KEY_ENTER, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_PAY);
  const pk_app_payment *p = pk_app_payment_shown(f->app);
  assert_non_null(p);
  assert_int_equal(p->outcome, PK_APP_PAY_UNAVAILABLE);
  assert_non_null(strstr(p->msgid, "a service with a fee cannot be paid or sent here. Nothing was charged."));
  key(f, PK_KEY_ENTER, 0); /* the citizen presses on: still nothing */
  for (int i = 0; i < 20; i++) pk_loop_run_once(f->h.loop, 20);
  assert_int_equal(pk_window_sim_set_reachable(f->h.sim, true), 0);
  possim_row rows[4];
  assert_int_equal(possim_dump(&f->pos, rows, 4), 0);
  assert_int_equal(pk_window_sim_request_count(f->h.sim), 0);
  char path[128], err[128];
  snprintf(path, sizeof path, "%s/outbox.db", f->data_dir);
  pk_outbox *ob = pk_outbox_open(path, NULL, err, sizeof err);
  assert_non_null(ob);
  size_t c[PK_OB_STATE_COUNT] = {0};
  assert_int_equal(pk_outbox_counts(ob, c, NULL), 0);
  for (int i = 0; i < PK_OB_STATE_COUNT; i++) assert_int_equal(c[i], 0);
  pk_outbox_close(ob);
}

/* ---- the citizen's phone ([payment] terminal = qr) ---- */

static void phone_kiosk(fixture *f) {
  snprintf(f->h.cfg.pay_terminal, sizeof f->h.cfg.pay_terminal, "qr");
  f->h.cfg.pay_terminal_dest[0] = 0;
  open_backend(f);
  while (pk_backend_hold(f->be, pk_now_ms())) pk_loop_run_once(f->h.loop, 50);
}

/* The citizen at the payment screen, the window's link shown: its token (what the phone opens)
 * and its invoice. */
static void to_phone_code(fixture *f, char token[13], char invoice[40]) {
  login(f);
  to_review(f, fee_service(f));
  key(f, PK_KEY_ENTER, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_PAY);
  uint64_t end = pk_now_ms() + 10000;
  const pk_app_payment *p = pk_app_payment_shown(f->app);
  while (p && !p->pay_url[0] && p->outcome == PK_APP_PAY_PROGRESS && pk_now_ms() < end) {
    pk_loop_run_once(f->h.loop, 50);
    p = pk_app_payment_shown(f->app);
  }
  assert_non_null(p);
  assert_int_equal(p->way, PK_APP_PAY_PHONE);
  const char *t = strstr(p->pay_url, "/PAY/");
  if (!t) fail_msg("no payment code shown: %s", p->msgid ? p->msgid : "?");
  assert_true(!strncmp(p->pay_url, "HTTPS://", 8)); /* the QR code's compact uppercase mode */
  assert_int_equal(strlen(t + 5), 12);
  memcpy(token, t + 5, 13);
  snprintf(invoice, 40, "%s", p->invoice);
}

static pk_pay_record store_row(fixture *f, const char *invoice) {
  char path[128], err[128];
  snprintf(path, sizeof path, "%s/payments.db", f->data_dir);
  pk_pay_opts o = PK_PAY_OPTS_DEFAULT;
  pk_pay_store *st = pk_pay_store_open(path, &o, err, sizeof err);
  assert_non_null(st);
  pk_pay_record *rows = NULL, r = {0};
  int n = pk_pay_list_between(st, 0, INT64_MAX, &rows);
  for (int i = 0; i < n; i++)
    if (!strcmp(rows[i].invoice, invoice)) r = rows[i];
  free(rows);
  pk_pay_store_close(st);
  if (!r.trace[0]) fail_msg("no payment row for invoice %s", invoice);
  return r;
}

static void run_until_row(fixture *f, const char *invoice, pk_pay_state want) {
  uint64_t end = pk_now_ms() + 10000;
  while (store_row(f, invoice).state != want && pk_now_ms() < end) pk_loop_run_once(f->h.loop, 50);
  assert_int_equal(store_row(f, invoice).state, want);
}

static void run_until_invoice(fixture *f, const char *invoice, const char *status) {
  char now[12] = "";
  uint64_t end = pk_now_ms() + 20000;
  while (pk_now_ms() < end && (pk_window_sim_invoice_status(f->h.sim, invoice, now) || strcmp(now, status)))
    pk_loop_run_once(f->h.loop, 50);
  assert_string_equal(now, status);
}

/* Paid on the phone: the kiosk sees it within its 2 s poll, the request carries the invoice;
 * no terminal is asked. */
static void test_a_phone_payment_registers_the_request_once(void **state) {
  fixture *f = *state;
  phone_kiosk(f);
  char token[13];
  char invoice[40];
  to_phone_code(f, token, invoice);
  assert_int_equal(store_row(f, invoice).state, PK_PAY_SENT); /* durable before the code was shown */
  assert_int_equal(pk_window_sim_request_count(f->h.sim), 0);
  assert_int_equal(pk_window_sim_phone_pay(f->h.sim, token, true), 0);
  run_until_screen(f, PK_SCREEN_RECEIPT);
  assert_int_equal(pk_window_sim_request_count(f->h.sim), 1);
  char st[12];
  assert_int_equal(pk_window_sim_invoice_status(f->h.sim, invoice, st), 0);
  assert_string_equal(st, "paid");
  /* attached on the payment worker once the delivery reports the request registered */
  run_until_row(f, invoice, PK_PAY_SUBMITTED);
  pk_pay_record r = store_row(f, invoice);
  assert_int_equal(r.method, PK_PAY_PHONE);
  const pk_app_receipt *rc = pk_app_last_receipt(f->app);
  assert_string_equal(r.tracking_code, rc->tracking);
  assert_string_equal(rc->invoice, invoice);
  assert_true(rc->bank_ref[0]); /* the window's own reference */
  possim_row rows[2];
  assert_int_equal(possim_dump(&f->pos, rows, 2), 0);
}

/* Cancel while the code is shown: the invoice is cancelled at the window, so the phone can no
 * longer pay it; nothing sent. */
static void test_cancelling_the_phone_code_cancels_the_invoice(void **state) {
  fixture *f = *state;
  phone_kiosk(f);
  char token[13];
  char invoice[40];
  to_phone_code(f, token, invoice);
  key(f, PK_KEY_CANCEL, 0);
  assert_int_equal(pk_app_screen(f->app), PK_SCREEN_REVIEW);
  run_until_invoice(f, invoice, "cancelled");
  assert_int_equal(pk_window_sim_phone_pay(f->h.sim, token, true), -1);
  run_until_row(f, invoice, PK_PAY_DECLINED); /* the window's answer reaches the store on the loop */
  assert_int_equal(pk_window_sim_request_count(f->h.sim), 0);
}

/* Paid on the phone just as the citizen walked away (the card pulled before the kiosk saw the
 * payment): no request carries it, so the window refunds it; the store says reversed. */
static void test_a_phone_payment_nobody_waits_for_is_refunded(void **state) {
  fixture *f = *state;
  phone_kiosk(f);
  char token[13];
  char invoice[40];
  to_phone_code(f, token, invoice);
  assert_int_equal(pk_window_sim_phone_pay(f->h.sim, token, true), 0);
  pk_vcard_set_present(f->card, false);
  pk_app_card_removed(f->app, "Reader 0", pk_now_ms());
  assert_false(pk_app_has_session(f->app));
  run_until_invoice(f, invoice, "refunded");
  run_until_row(f, invoice, PK_PAY_REVERSED);
  assert_int_equal(pk_window_sim_request_count(f->h.sim), 0);
}

/* The link ends unpaid (10 minutes on the window's clock): the citizen is told, the invoice is
 * cancelled so that no late payment is kept, and Enter gives a new code. */
static void test_an_expired_phone_code_says_so_and_offers_a_new_one(void **state) {
  fixture *f = *state;
  phone_kiosk(f);
  char token[13];
  char invoice[40];
  to_phone_code(f, token, invoice);
  pk_window_sim_advance_clock(f->h.sim, 601);
  uint64_t end = pk_now_ms() + 10000;
  while (pk_app_payment_shown(f->app)->outcome == PK_APP_PAY_PROGRESS && pk_now_ms() < end)
    pk_loop_run_once(f->h.loop, 50);
  const pk_app_payment *p = pk_app_payment_shown(f->app);
  assert_int_equal(p->outcome, PK_APP_PAY_DECLINED);
  assert_non_null(strstr(p->msgid, "expired"));
  assert_false(p->pay_url[0]);
  run_until_invoice(f, invoice, "cancelled");
  key(f, PK_KEY_ENTER, 0);
  char again[13];
  end = pk_now_ms() + 10000;
  while (!pk_app_payment_shown(f->app)->pay_url[0] && pk_now_ms() < end) pk_loop_run_once(f->h.loop, 50);
  const char *t = strstr(pk_app_payment_shown(f->app)->pay_url, "/PAY/");
  assert_non_null(t);
  memcpy(again, t + 5, 13);
  assert_string_not_equal(again, token);
  assert_string_not_equal(pk_app_payment_shown(f->app)->invoice, invoice);
  assert_int_equal(pk_window_sim_request_count(f->h.sim), 0);
}

/* A kiosk stopped while a code was shown; the phone paid afterwards. At the next start, before
 * anyone is served with a fee, the window is asked, and the unclaimed payment refunded. */
static void test_an_open_phone_payment_is_settled_at_start(void **state) {
  fixture *f = *state;
  phone_kiosk(f);
  char token[13];
  char invoice[40];
  to_phone_code(f, token, invoice);
  /* the kiosk stops as if killed: the store keeps the row as it was (sent) */
  pk_app_free(f->app);
  f->app = NULL;
  pk_backend_free(f->be);
  f->be = NULL;
  char st[12];
  assert_int_equal(pk_window_sim_invoice_status(f->h.sim, invoice, st), 0);
  assert_string_equal(st, "unpaid");
  assert_int_equal(pk_window_sim_phone_pay(f->h.sim, token, true), 0);
  assert_int_equal(store_row(f, invoice).state, PK_PAY_SENT);
  phone_kiosk(f);
  run_until_invoice(f, invoice, "refunded");
  run_until_row(f, invoice, PK_PAY_REVERSED);
  assert_int_equal(pk_window_sim_request_count(f->h.sim), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_a_fee_is_paid_once_and_its_request_registered_once, setup, teardown),
      cmocka_unit_test_setup_teardown(test_cancel_before_the_sale_charges_nothing, setup, teardown),
      cmocka_unit_test_setup_teardown(test_an_approved_payment_without_a_request_is_reversed_at_start, setup, teardown),
      cmocka_unit_test_setup_teardown(test_a_delivered_requests_payment_is_attached_at_start, setup, teardown),
      cmocka_unit_test_setup_teardown(test_an_unreachable_terminal_holds_only_the_fees, setup, teardown),
      cmocka_unit_test_setup_teardown(test_offline_a_fee_service_is_neither_paid_nor_queued, setup, teardown),
      cmocka_unit_test_setup_teardown(test_a_phone_payment_registers_the_request_once, setup, teardown),
      cmocka_unit_test_setup_teardown(test_cancelling_the_phone_code_cancels_the_invoice, setup, teardown),
      cmocka_unit_test_setup_teardown(test_a_phone_payment_nobody_waits_for_is_refunded, setup, teardown),
      cmocka_unit_test_setup_teardown(test_an_expired_phone_code_says_so_and_offers_a_new_one, setup, teardown),
      cmocka_unit_test_setup_teardown(test_an_open_phone_payment_is_settled_at_start, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
