/* pishkhan payments report, each mismatch built for real: the kiosk's payment store, sales on
 * pishkhan-pos-sim over TCP and invoices of the window simulator over HTTPS (fees enforced, its
 * provider reading the terminal's record). The report must name what went wrong, and only a
 * day whose three sides agree may say that it reconciles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <jansson.h>

#include "../net/harness.h"
#include "pishkhan/i18n.h"
#include "pishkhan/payment.h"
#include "pishkhan/payments_cli.h"
#include "possim.h"

#define FEE_SERVICE "cbi-0001" /* 2,000,000 rials: the terminal approves (amount mod 100 = 0) */

typedef struct {
  harness h;
  possim pos;
  char data_dir[64];
  pk_pay_store *s;
  pk_pay_terminal *t;
  int y, m, d;
} fx;

typedef struct {
  bool done;
  pk_net_invoice inv;
} inv_call;

static const pk_pay_opts OPTS = {.sale_timeout_ms = 2000, .status_timeout_ms = 500, .resolve_bound_ms = 1000};

static int setup(void **state) {
  fx *f = calloc(1, sizeof *f);
  if (!possim_start(&f->pos, 0)) fail_msg("pishkhan-pos-sim did not start");
  pk_window_sim_opts o;
  pk_window_sim_opts_defaults(&o);
  o.fees_enforce = true;
  assert_true(strlen(f->pos.db) < sizeof o.provider_pos_db);
  memcpy(o.provider_pos_db, f->pos.db, strlen(f->pos.db) + 1);
  h_start(&f->h, &o, true);
  snprintf(f->data_dir, sizeof f->data_dir, "/tmp/pk-payrep-XXXXXX");
  assert_non_null(mkdtemp(f->data_dir));
  pk_config *c = &f->h.cfg;
  snprintf(c->data_dir, sizeof c->data_dir, "%s", f->data_dir);
  snprintf(c->pay_terminal, sizeof c->pay_terminal, "pos-tcp");
  snprintf(c->pay_terminal_dest, sizeof c->pay_terminal_dest, "127.0.0.1:%d", f->pos.port);
  snprintf(c->pay_terminal_id, sizeof c->pay_terminal_id, "T0001");
  char path[128], err[256];
  snprintf(path, sizeof path, "%s/payments.db", f->data_dir);
  f->s = pk_pay_store_open(path, &OPTS, err, sizeof err);
  if (!f->s) fail_msg("store: %s", err);
  f->t = pk_pay_pos_tcp_open("127.0.0.1", f->pos.port, &pk_pay_framing_pkpos, "T0001");
  assert_int_equal(h_login_otp(&f->h, "1234567891"), 2);
  time_t now = time(NULL);
  struct tm tm;
  localtime_r(&now, &tm);
  f->y = tm.tm_year + 1900, f->m = tm.tm_mon + 1, f->d = tm.tm_mday;
  pk_i18n_set_lang(PK_LANG_EN);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fx *f = *state;
  pk_pay_terminal_close(f->t);
  pk_pay_store_close(f->s);
  h_stop(&f->h);
  possim_stop(&f->pos);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->data_dir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", f->data_dir);
  free(f);
  return 0;
}

static void on_inv(const pk_net_invoice *r, void *ud) {
  inv_call *c = ud;
  c->inv = *r;
  c->done = true;
}

/* The window's invoice for a new request (its idempotency key in key). */
static pk_net_invoice invoice(fx *f, char key[37]) {
  inv_call c = {0};
  pk_net_new_idem_key(key);
  pk_net_invoice_create(f->h.net, FEE_SERVICE, key, on_inv, &c);
  h_run_until(&f->h, &c.done, 10000);
  assert_int_equal(c.inv.st.err, PK_NET_OK);
  return c.inv;
}

/* A sale on the terminal for the invoice, as the kiosk makes it. */
static pk_pay_record sale(fx *f, const char *key, const char *inv, long long amount, pk_pay_state want) {
  pk_pay_record r;
  assert_int_equal(pk_pay_begin(f->s, amount, inv, key, &r), PK_PAY_OK);
  assert_int_equal(pk_pay_sale(f->s, f->t, r.trace, &r), PK_PAY_OK);
  assert_int_equal(r.state, want);
  return r;
}

/* The window marks the invoice paid on the terminal's reference (its provider confirms it). */
static pk_net_error window_pay(fx *f, const char *inv, const pk_pay_record *r) {
  inv_call c = {0};
  pk_net_invoice_pay(f->h.net, inv, r->rrn, "T0001", r->trace + PK_PAY_TRACE_LEN - 6, on_inv, &c);
  h_run_until(&f->h, &c.done, 10000);
  return c.inv.st.err;
}

/* Invoice, sale, paid at the window, request submitted: a fee as it should go. */
static pk_pay_record paid_and_submitted(fx *f) {
  char key[37];
  pk_net_invoice inv = invoice(f, key);
  pk_pay_record r = sale(f, key, inv.invoice_id, inv.amount_rials, PK_PAY_APPROVED);
  assert_int_equal(window_pay(f, inv.invoice_id, &r), PK_NET_OK);
  assert_int_equal(pk_pay_mark_submitted(f->s, r.trace, "1457143582487267"), PK_PAY_OK);
  return r;
}

/* The report of today as JSON (parsed) and its exit code. */
static json_t *report_json(fx *f, int *rc) {
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&buf, &len);
  *rc = pk_payments_report(&f->h.cfg, f->y, f->m, f->d, true, out);
  fclose(out);
  json_error_t e;
  json_t *j = json_loads(buf, 0, &e);
  if (!j) fail_msg("not JSON (%s): %s", e.text, buf);
  free(buf);
  return j;
}

static char *report_text(fx *f, pk_lang lang, int *rc) {
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&buf, &len);
  pk_i18n_set_lang(lang);
  *rc = pk_payments_report(&f->h.cfg, f->y, f->m, f->d, false, out);
  pk_i18n_set_lang(PK_LANG_EN);
  fclose(out);
  return buf;
}

/* The item of kind (and trace, when given) in the report, or NULL. */
static json_t *item(json_t *rep, const char *kind, const char *trace) {
  size_t i;
  json_t *it;
  json_array_foreach(json_object_get(rep, "items"), i, it) {
    if (strcmp(json_string_value(json_object_get(it, "kind")), kind)) continue;
    if (!trace || !strcmp(json_string_value(json_object_get(it, "trace")), trace)) return it;
  }
  return NULL;
}

static void assert_item(json_t *rep, const char *kind, const char *trace) {
  if (item(rep, kind, trace)) return;
  char *s = json_dumps(rep, JSON_INDENT(1));
  fail_msg("no %s item for trace %s in %s", kind, trace ? trace : "(any)", s);
}

static long long jint(json_t *o, const char *path1, const char *path2) {
  json_t *v = json_object_get(o, path1);
  return json_integer_value(path2 ? json_object_get(v, path2) : v);
}

static void test_a_clean_day_reconciles_to_the_rial(void **state) {
  fx *f = *state;
  paid_and_submitted(f);
  paid_and_submitted(f);
  int rc;
  json_t *rep = report_json(f, &rc);
  assert_int_equal(rc, PK_PAYREP_RECONCILES);
  assert_true(json_is_true(json_object_get(rep, "reconciles")));
  assert_int_equal(json_array_size(json_object_get(rep, "items")), 0);
  json_t *term = json_object_get(rep, "terminal");
  assert_int_equal(jint(term, "approved", "count"), 2);
  assert_int_equal(jint(term, "approved", "rials"), 4000000);
  assert_int_equal(jint(json_object_get(rep, "kiosk"), "standing", "rials"), 4000000);
  assert_int_equal(jint(json_object_get(rep, "window"), "paid", "rials"), 4000000);
  json_decref(rep);
  char *en = report_text(f, PK_LANG_EN, &rc);
  assert_non_null(strstr(en, "The day reconciles to the rial."));
  assert_non_null(strstr(en, "2 approved sales, 4,000,000 rials"));
  free(en);
  /* Persian first: the Jalali date, Persian digits, the amount grouped. */
  char *fa = report_text(f, PK_LANG_FA, &rc);
  assert_int_equal(rc, PK_PAYREP_RECONCILES);
  assert_non_null(strstr(fa, "۴٬۰۰۰٬۰۰۰"));
  assert_null(strstr(fa, "4,000,000"));
  char *jd = NULL;
  int jy, jm, jdd;
  assert_int_equal(pk_jalali_from_gregorian(f->y, f->m, f->d, &jy, &jm, &jdd), 0);
  jd = pk_jalali_format_fa(jy, jm, jdd, PK_JDATE_LONG);
  assert_non_null(strstr(fa, jd));
  free(jd);
  assert_non_null(strstr(fa, pk_tr_fa("The day reconciles to the rial.")));
  free(fa);
}

static void test_approved_but_not_submitted(void **state) {
  fx *f = *state;
  paid_and_submitted(f);
  char key[37];
  pk_net_invoice inv = invoice(f, key);
  pk_pay_record r = sale(f, key, inv.invoice_id, inv.amount_rials, PK_PAY_APPROVED);
  assert_int_equal(window_pay(f, inv.invoice_id, &r), PK_NET_OK);
  int rc;
  json_t *rep = report_json(f, &rc);
  assert_int_equal(rc, PK_PAYREP_MISMATCH);
  assert_item(rep, "approved_not_submitted", r.trace);
  assert_int_equal(jint(rep, "mismatches", NULL), 1);
  assert_non_null(strstr(json_string_value(json_object_get(item(rep, "approved_not_submitted", r.trace), "action")),
                         "Start the kiosk"));
  json_decref(rep);
}

/* Reversed with the terminal's agreement: listed, not a mismatch; reversed after the window
 * took the invoice as paid: a mismatch (a request could be served on money given back). */
static void test_reversed_and_paid_at_the_window_but_reversed(void **state) {
  fx *f = *state;
  char key[37], key2[37];
  pk_net_invoice inv = invoice(f, key);
  pk_pay_record r = sale(f, key, inv.invoice_id, inv.amount_rials, PK_PAY_APPROVED);
  assert_int_equal(pk_pay_reverse(f->s, f->t, r.trace, &r), PK_PAY_OK);
  assert_int_equal(r.state, PK_PAY_REVERSED);
  int rc;
  json_t *rep = report_json(f, &rc);
  assert_int_equal(rc, PK_PAYREP_RECONCILES);
  assert_item(rep, "reversed", r.trace);
  assert_false(json_is_true(json_object_get(item(rep, "reversed", r.trace), "mismatch")));
  assert_int_equal(jint(json_object_get(rep, "terminal"), "reversed", "count"), 1);
  json_decref(rep);

  pk_net_invoice inv2 = invoice(f, key2);
  pk_pay_record r2 = sale(f, key2, inv2.invoice_id, inv2.amount_rials, PK_PAY_APPROVED);
  assert_int_equal(window_pay(f, inv2.invoice_id, &r2), PK_NET_OK);
  assert_int_equal(pk_pay_reverse(f->s, f->t, r2.trace, &r2), PK_PAY_OK);
  rep = report_json(f, &rc);
  assert_int_equal(rc, PK_PAYREP_MISMATCH);
  assert_item(rep, "paid_but_reversed", r2.trace);
  assert_null(item(rep, "paid_but_reversed", r.trace));
  assert_item(rep, "totals_differ", NULL); /* the window holds 2,000,000 paid, the kiosk keeps 0 */
  json_decref(rep);
}

/* One invoice, two sales standing at the terminal (two request keys for one invoice). */
static void test_charged_twice(void **state) {
  fx *f = *state;
  char key[37], key2[37];
  pk_net_invoice inv = invoice(f, key);
  pk_pay_record r = sale(f, key, inv.invoice_id, inv.amount_rials, PK_PAY_APPROVED);
  assert_int_equal(window_pay(f, inv.invoice_id, &r), PK_NET_OK);
  assert_int_equal(pk_pay_mark_submitted(f->s, r.trace, "1457143582487267"), PK_PAY_OK);
  pk_net_new_idem_key(key2);
  pk_pay_record r2 = sale(f, key2, inv.invoice_id, inv.amount_rials, PK_PAY_APPROVED);
  assert_int_equal(pk_pay_mark_submitted(f->s, r2.trace, "1457143582487268"), PK_PAY_OK);
  int rc;
  json_t *rep = report_json(f, &rc);
  assert_int_equal(rc, PK_PAYREP_MISMATCH);
  assert_item(rep, "charged_twice", r2.trace);
  assert_int_equal(jint(item(rep, "charged_twice", r2.trace), "count", NULL), 2);
  json_decref(rep);
  char *en = report_text(f, PK_LANG_EN, &rc);
  assert_non_null(strstr(en, "One invoice was charged more than once."));
  assert_non_null(strstr(en, "Reverse the extra sale"));
  free(en);
}

static char *settle_text(fx *f, int *rc) {
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&buf, &len);
  *rc = pk_payments_settle(&f->h.cfg, f->y, f->m, f->d, out);
  fclose(out);
  return buf;
}

static pk_pay_state kiosk_state(fx *f, const char *trace) {
  pk_pay_record r;
  assert_int_equal(pk_pay_get(f->s, trace, &r), PK_PAY_OK);
  return r.state;
}

/* A reconciled day is settled: the terminal closes the batch (its record says so), the kiosk's
 * payments are settled, a reversal of a settled sale is refused by the terminal, and a
 * settlement repeated (a run cut short) changes nothing. */
static void test_a_reconciled_day_is_settled(void **state) {
  fx *f = *state;
  pk_pay_record a = paid_and_submitted(f), b = paid_and_submitted(f);
  int rc;
  char *out = settle_text(f, &rc);
  assert_int_equal(rc, PK_PAYREP_RECONCILES);
  assert_non_null(strstr(out, "The batch is settled: 2 sales, 4,000,000 rials."));
  free(out);
  assert_int_equal(kiosk_state(f, a.trace), PK_PAY_SETTLED);
  assert_int_equal(kiosk_state(f, b.trace), PK_PAY_SETTLED);
  possim_row rows[8];
  size_t n = possim_dump(&f->pos, rows, 8);
  assert_int_equal(possim_find(rows, n, a.trace)->closed, 1);
  assert_int_equal(possim_find(rows, n, b.trace)->closed, 1);
  pk_pay_msg req = {.type = PK_PAY_MSG_REVERSE, .amount = a.amount}, ans;
  snprintf(req.trace, sizeof req.trace, "%s", a.trace);
  assert_int_equal(f->t->ops->exchange(f->t, &req, &ans, 2000, NULL, NULL), PK_PAY_X_ANSWER);
  assert_string_equal(ans.rc, "12");
  n = possim_dump(&f->pos, rows, 8);
  assert_string_equal(possim_find(rows, n, a.trace)->state, "approved"); /* the money stays paid */
  json_t *rep = report_json(f, &rc);
  assert_int_equal(rc, PK_PAYREP_RECONCILES); /* settled payments still stand for their requests */
  json_decref(rep);
  out = settle_text(f, &rc);
  assert_int_equal(rc, PK_PAYREP_RECONCILES);
  free(out);
}

/* A day with a mismatch is not settled: the report says why, nothing closes at the terminal. */
static void test_a_day_that_does_not_reconcile_is_not_settled(void **state) {
  fx *f = *state;
  pk_pay_record a = paid_and_submitted(f);
  char key[37];
  pk_net_invoice inv = invoice(f, key);
  pk_pay_record open = sale(f, key, inv.invoice_id, inv.amount_rials, PK_PAY_APPROVED);
  int rc;
  char *out = settle_text(f, &rc);
  assert_int_equal(rc, PK_PAYREP_MISMATCH);
  assert_non_null(strstr(out, "Approved at the terminal, but no request was submitted with it."));
  assert_non_null(strstr(out, "The batch was not settled: a day is settled only once it reconciles."));
  free(out);
  assert_int_equal(kiosk_state(f, a.trace), PK_PAY_SUBMITTED);
  assert_int_equal(kiosk_state(f, open.trace), PK_PAY_APPROVED);
  possim_row rows[8];
  size_t n = possim_dump(&f->pos, rows, 8);
  for (size_t i = 0; i < n; i++) assert_int_equal(rows[i].closed, 0);
}

/* The terminal closes a batch only on the totals it holds: a sale that slipped in after the
 * kiosk counted (rc 95) leaves the whole day open. */
static void test_the_terminal_refuses_other_totals(void **state) {
  fx *f = *state;
  paid_and_submitted(f);
  char day[9];
  snprintf(day, sizeof day, "%04d%02d%02d", f->y, f->m, f->d);
  pk_pay_batch closed;
  assert_int_equal(pk_pay_batch_settle(f->t, day, 2, 4000000, 2000, &closed), PK_PAY_SETTLE_REFUSED);
  assert_int_equal(closed.n_approved, 1);
  assert_int_equal(closed.sum_approved, 2000000);
  possim_row rows[8];
  assert_int_equal(possim_dump(&f->pos, rows, 8), 1);
  assert_int_equal(rows[0].closed, 0);
  assert_int_equal(pk_pay_batch_settle(f->t, day, 1, 2000000, 2000, &closed), PK_PAY_SETTLE_DONE);
  assert_int_equal(possim_dump(&f->pos, rows, 8), 1);
  assert_int_equal(rows[0].closed, 1);
}

/* A sale on the terminal that no record of the kiosk has (keyed on the terminal by hand). */
static void test_terminal_sale_unknown_to_the_kiosk_and_totals(void **state) {
  fx *f = *state;
  paid_and_submitted(f);
  pk_pay_msg req = {.type = PK_PAY_MSG_SALE, .amount = 3500000}, ans;
  snprintf(req.trace, sizeof req.trace, "990000000001");
  snprintf(req.tid, sizeof req.tid, "T0001");
  assert_int_equal(f->t->ops->exchange(f->t, &req, &ans, 2000, NULL, NULL), PK_PAY_X_ANSWER);
  assert_string_equal(ans.rc, "00");
  int rc;
  json_t *rep = report_json(f, &rc);
  assert_int_equal(rc, PK_PAYREP_MISMATCH);
  json_t *it = item(rep, "unknown_to_kiosk", "990000000001");
  assert_non_null(it);
  assert_int_equal(jint(it, "other_rials", NULL), 3500000);
  it = item(rep, "totals_differ", NULL);
  assert_non_null(it);
  assert_string_equal(json_string_value(json_object_get(it, "side")), "terminal");
  assert_int_equal(jint(it, "kiosk_rials", NULL), 2000000);
  assert_int_equal(jint(it, "other_rials", NULL), 5500000);
  json_decref(rep);
}

/* The kiosk charged another amount than the invoice's: the window's provider refuses the
 * reference, yet the request went out with it. */
static void test_amount_mismatch(void **state) {
  fx *f = *state;
  char key[37];
  pk_net_invoice inv = invoice(f, key);
  pk_pay_record r = sale(f, key, inv.invoice_id, inv.amount_rials + 100, PK_PAY_APPROVED);
  assert_int_not_equal(window_pay(f, inv.invoice_id, &r), PK_NET_OK);
  assert_int_equal(pk_pay_mark_submitted(f->s, r.trace, "1457143582487267"), PK_PAY_OK);
  int rc;
  json_t *rep = report_json(f, &rc);
  assert_int_equal(rc, PK_PAYREP_MISMATCH);
  json_t *it = item(rep, "amount_mismatch", r.trace);
  assert_non_null(it);
  assert_string_equal(json_string_value(json_object_get(it, "side")), "window");
  assert_int_equal(jint(it, "kiosk_rials", NULL), 2000100);
  assert_int_equal(jint(it, "other_rials", NULL), 2000000);
  assert_item(rep, "not_paid_at_window", r.trace);
  json_decref(rep);
}

/* Neither side missing may pass for a reconciled day: the report prints, marked. */
static void test_unreachable_window_and_terminal(void **state) {
  fx *f = *state;
  paid_and_submitted(f);
  pk_window_sim_set_reachable(f->h.sim, false);
  int rc;
  char *en = report_text(f, PK_LANG_EN, &rc);
  assert_int_equal(rc, PK_PAYREP_INCOMPLETE);
  assert_non_null(strstr(en, "The window did not answer for 1 of the invoices"));
  assert_non_null(strstr(en, "the report is incomplete"));
  assert_null(strstr(en, "reconciles to the rial"));
  free(en);
  pk_window_sim_set_reachable(f->h.sim, true);
  possim_stop(&f->pos);
  json_t *rep = report_json(f, &rc);
  assert_int_equal(rc, PK_PAYREP_INCOMPLETE);
  assert_false(json_is_true(json_object_get(json_object_get(rep, "terminal"), "reached")));
  assert_false(json_is_true(json_object_get(rep, "complete")));
  assert_int_equal(jint(json_object_get(rep, "kiosk"), "standing", "count"), 1);
  json_decref(rep);
}

/* Paid by the citizen's phone through the window's link, as the kiosk records it. */
static pk_pay_record phone_paid(fx *f, bool submitted) {
  char key[37];
  pk_net_invoice inv = invoice(f, key);
  inv_call c = {0};
  pk_net_invoice_link(f->h.net, inv.invoice_id, on_inv, &c);
  h_run_until(&f->h, &c.done, 10000);
  assert_int_equal(c.inv.st.err, PK_NET_OK);
  pk_pay_record r;
  assert_int_equal(pk_pay_begin_at_window(f->s, PK_PAY_PHONE, inv.amount_rials, inv.invoice_id, key, &r), PK_PAY_OK);
  assert_int_equal(pk_pay_window_step(f->s, r.trace, PK_PAY_SENT, NULL, "link shown"), PK_PAY_OK);
  assert_int_equal(pk_window_sim_phone_pay(f->h.sim, strstr(c.inv.pay_url, "/PAY/") + 5, true), 0);
  c.done = false;
  pk_net_invoice_get(f->h.net, inv.invoice_id, on_inv, &c);
  h_run_until(&f->h, &c.done, 10000);
  assert_string_equal(c.inv.status, "paid");
  assert_int_equal(pk_pay_window_step(f->s, r.trace, PK_PAY_APPROVED, c.inv.bank_ref, "phone"), PK_PAY_OK);
  if (submitted) assert_int_equal(pk_pay_mark_submitted(f->s, r.trace, "1457143582487268"), PK_PAY_OK);
  return r;
}

/* A kiosk whose fees are paid to the window ([payment] terminal = qr): no terminal side is
 * missing, the window's is the one that counts, and a phone payment no request carries is named. */
static void test_a_phone_day_reconciles_without_a_terminal(void **state) {
  fx *f = *state;
  phone_paid(f, true);
  snprintf(f->h.cfg.pay_terminal, sizeof f->h.cfg.pay_terminal, "qr");
  f->h.cfg.pay_terminal_dest[0] = 0;
  int rc;
  json_t *rep = report_json(f, &rc);
  assert_int_equal(rc, PK_PAYREP_RECONCILES);
  assert_false(json_is_true(json_object_get(json_object_get(rep, "terminal"), "configured")));
  assert_int_equal(jint(json_object_get(rep, "window"), "paid", "rials"), 2000000);
  assert_int_equal(jint(json_object_get(rep, "kiosk"), "standing", "rials"), 2000000);
  json_decref(rep);
  char *en = report_text(f, PK_LANG_EN, &rc);
  assert_non_null(strstr(en, "paid to the national window (by phone or in cash)"));
  assert_non_null(strstr(en, "The day reconciles to the rial."));
  free(en);
  pk_pay_record open = phone_paid(f, false);
  rep = report_json(f, &rc);
  assert_int_equal(rc, PK_PAYREP_MISMATCH);
  assert_item(rep, "approved_not_submitted", open.trace);
  json_decref(rep);
}

int main(void) {
  pk_i18n_init(NULL);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_a_phone_day_reconciles_without_a_terminal, setup, teardown),
      cmocka_unit_test_setup_teardown(test_a_clean_day_reconciles_to_the_rial, setup, teardown),
      cmocka_unit_test_setup_teardown(test_approved_but_not_submitted, setup, teardown),
      cmocka_unit_test_setup_teardown(test_reversed_and_paid_at_the_window_but_reversed, setup, teardown),
      cmocka_unit_test_setup_teardown(test_charged_twice, setup, teardown),
      cmocka_unit_test_setup_teardown(test_terminal_sale_unknown_to_the_kiosk_and_totals, setup, teardown),
      cmocka_unit_test_setup_teardown(test_amount_mismatch, setup, teardown),
      cmocka_unit_test_setup_teardown(test_unreachable_window_and_terminal, setup, teardown),
      cmocka_unit_test_setup_teardown(test_a_reconciled_day_is_settled, setup, teardown),
      cmocka_unit_test_setup_teardown(test_a_day_that_does_not_reconcile_is_not_settled, setup, teardown),
      cmocka_unit_test_setup_teardown(test_the_terminal_refuses_other_totals, setup, teardown),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  pk_i18n_shutdown();
  return rc;
}
