/* The batch and journal frames of pkpos, and the comparison rules of the reconciliation for the
 * disagreements a real run cannot easily make (a terminal that lost a reversal, a store that
 * says submitted for what the terminal reversed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pishkhan/payment.h"
#include "pishkhan/payments_cli.h"

static const pk_pay_framing *F = &pk_pay_framing_pkpos;

static size_t frame_of(const char *body, uint8_t *buf) {
  size_t n = strlen(body);
  buf[0] = (uint8_t)(n >> 8), buf[1] = (uint8_t)n;
  memcpy(buf + 2, body, n);
  uint8_t x = 0;
  for (size_t i = 0; i < n + 2; i++) x ^= buf[i];
  buf[n + 2] = x;
  return n + 3;
}

static void test_batch_answer_round_trip(void **state) {
  (void)state;
  pk_pay_msg m = {.type = PK_PAY_MSG_BATCH_ANS, .entries = 3, .n_approved = 2, .sum_approved = 4000000,
                  .n_reversed = 1, .sum_reversed = 2000000},
             back;
  snprintf(m.day, sizeof m.day, "20261202");
  snprintf(m.rc, sizeof m.rc, "00");
  uint8_t buf[PK_PAY_FRAME_MAX + 3];
  int n = F->encode(&m, buf, sizeof buf);
  assert_true(n > 0);
  size_t used;
  assert_int_equal(F->parse(buf, (size_t)n, &back, &used), PK_PAY_FRAME_OK);
  assert_memory_equal(&m, &back, sizeof m);
  assert_non_null(memmem(buf, (size_t)n, "sa=4000000\n", 11));
}

/* A frame of v1 (a sale) has no new key: a terminal that knows only v1 reads it unchanged. */
static void test_a_sale_frame_is_unchanged(void **state) {
  (void)state;
  pk_pay_msg m = {.type = PK_PAY_MSG_SALE, .amount = 2000000};
  snprintf(m.trace, sizeof m.trace, "000000000042");
  uint8_t buf[PK_PAY_FRAME_MAX + 3], want[64];
  int n = F->encode(&m, buf, sizeof buf);
  size_t wn = frame_of("t=SALE\nam=2000000\ntr=000000000042\n", want);
  assert_int_equal((size_t)n, wn);
  assert_memory_equal(buf, want, wn);
}

static void test_bad_numbers_refuse_the_frame(void **state) {
  (void)state;
  const char *bad[] = {"t=BATCH_ANS\nna=1\nna=2\n", "t=BATCH_ANS\nsa=-5\n", "t=JOURNAL\nix=1234567890123456\n",
                       "t=BATCH_ANS\nne=\n", "t=BATCH\ndy=202612021\n"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    uint8_t buf[128];
    size_t n = frame_of(bad[i], buf), used;
    pk_pay_msg m;
    assert_int_equal(F->parse(buf, n, &m, &used), PK_PAY_FRAME_BAD);
  }
}

static pk_pay_record rec(const char *trace, const char *inv, int64_t amount, pk_pay_state st) {
  pk_pay_record r = {.amount = amount, .state = st};
  snprintf(r.trace, sizeof r.trace, "%s", trace);
  snprintf(r.invoice, sizeof r.invoice, "%s", inv);
  return r;
}

static pk_pay_journal_entry entry(const char *trace, const char *inv, int64_t amount, const char *state) {
  pk_pay_journal_entry e = {.amount = amount};
  snprintf(e.trace, sizeof e.trace, "%s", trace);
  snprintf(e.invoice, sizeof e.invoice, "%s", inv);
  snprintf(e.state, sizeof e.state, "%s", state);
  return e;
}

static const pk_recon_item *find(const pk_recon *r, pk_recon_kind k, const char *trace) {
  for (size_t i = 0; i < r->n; i++)
    if (r->items[i].kind == k && !strcmp(r->items[i].trace, trace)) return &r->items[i];
  return NULL;
}

static void test_kiosk_and_terminal_disagree(void **state) {
  (void)state;
  pk_pay_record recs[] = {rec("000000000001", "inv_a", 500000, PK_PAY_DECLINED),
                          rec("000000000002", "inv_b", 500000, PK_PAY_SUBMITTED),
                          rec("000000000003", "inv_c", 500000, PK_PAY_UNCERTAIN)};
  pk_pay_journal_entry ents[] = {entry("000000000001", "inv_a", 500000, "approved"),
                                 entry("000000000002", "inv_b", 500000, "reversed"),
                                 entry("000000000003", "inv_c", 500000, "approved")};
  pk_pay_batch b = {.reached = true, .n_approved = 2, .sum_approved = 1000000, .n = 3, .entries = ents};
  pk_recon r;
  assert_int_equal(pk_pay_reconcile(recs, 3, &b, NULL, 0, &r), PK_PAY_OK);
  assert_non_null(find(&r, PK_RECON_CHARGED_NOT_KEPT, "000000000001"));
  assert_non_null(find(&r, PK_RECON_NOT_AT_TERMINAL, "000000000002"));
  assert_non_null(find(&r, PK_RECON_UNRESOLVED, "000000000003"));
  const pk_recon_item *t = find(&r, PK_RECON_TOTALS_DIFFER, "");
  assert_non_null(t);
  assert_int_equal(t->kiosk_amount, 500000);
  assert_int_equal(t->other_amount, 1000000);
  assert_int_equal(r.mismatches, 4);
  pk_pay_recon_free(&r);
}

/* Without the terminal, two standing payments of one invoice are still seen in the kiosk's own
 * records, and no totals are compared with a side that did not answer. */
static void test_charged_twice_from_the_kiosk_alone(void **state) {
  (void)state;
  pk_pay_record recs[] = {rec("000000000001", "inv_a", 500000, PK_PAY_SUBMITTED),
                          rec("000000000002", "inv_a", 500000, PK_PAY_SUBMITTED)};
  pk_pay_batch none = {0};
  pk_pay_window_invoice w = {.invoice_id = "inv_a", .reached = true, .paid = true, .amount = 500000};
  pk_recon r;
  assert_int_equal(pk_pay_reconcile(recs, 2, &none, &w, 1, &r), PK_PAY_OK);
  const pk_recon_item *it = find(&r, PK_RECON_CHARGED_TWICE, "000000000002");
  assert_non_null(it);
  assert_int_equal(it->count, 2);
  assert_null(find(&r, PK_RECON_CHARGED_TWICE, "000000000001"));
  assert_non_null(find(&r, PK_RECON_TOTALS_DIFFER, "")); /* the window holds one paid, the kiosk two */
  pk_pay_recon_free(&r);
}

/* A citizen declined on one card then paid with another: one story, no mismatch. */
static void test_decline_then_another_card_reconciles(void **state) {
  (void)state;
  pk_pay_record recs[] = {rec("000000000001", "inv_a", 500000, PK_PAY_DECLINED),
                          rec("000000000002", "inv_a", 500000, PK_PAY_SUBMITTED)};
  snprintf(recs[1].rrn, sizeof recs[1].rrn, "140300000002");
  pk_pay_journal_entry ents[] = {entry("000000000001", "inv_a", 500000, "declined"),
                                 entry("000000000002", "inv_a", 500000, "approved")};
  pk_pay_batch b = {.reached = true, .n_approved = 1, .sum_approved = 500000, .n = 2, .entries = ents};
  pk_pay_window_invoice w = {.invoice_id = "inv_a", .reached = true, .paid = true, .bank_ref = "140300000002",
                             .amount = 500000};
  pk_recon r;
  assert_int_equal(pk_pay_reconcile(recs, 2, &b, &w, 1, &r), PK_PAY_OK);
  assert_int_equal(r.n, 0);
  assert_int_equal(r.mismatches, 0);
  pk_pay_recon_free(&r);
}

/* A day with a card sale, a phone payment and a cash payment: the terminal holds only the
 * card's, the window all three; one story, no mismatch (the phone's and the cash's absence
 * from the terminal is not a charge the terminal lost). */
static void test_payments_to_the_window_reconcile(void **state) {
  (void)state;
  pk_pay_record recs[] = {rec("000000000001", "inv_a", 500000, PK_PAY_SUBMITTED),
                          rec("000000000002", "inv_b", 700000, PK_PAY_SUBMITTED),
                          rec("000000000003", "inv_c", 900000, PK_PAY_SUBMITTED)};
  recs[1].method = PK_PAY_PHONE, recs[2].method = PK_PAY_CASH;
  pk_pay_journal_entry ents[] = {entry("000000000001", "inv_a", 500000, "approved")};
  pk_pay_batch b = {.reached = true, .n_approved = 1, .sum_approved = 500000, .n = 1, .entries = ents};
  pk_pay_window_invoice w[] = {{.invoice_id = "inv_a", .reached = true, .paid = true, .amount = 500000},
                               {.invoice_id = "inv_b", .reached = true, .paid = true, .amount = 700000},
                               {.invoice_id = "inv_c", .reached = true, .paid = true, .amount = 900000}};
  pk_recon r;
  assert_int_equal(pk_pay_reconcile(recs, 3, &b, w, 3, &r), PK_PAY_OK);
  assert_int_equal(r.mismatches, 0);
  assert_int_equal(r.sum_standing, 2100000);
  pk_pay_recon_free(&r);
  /* The window refunded the cash one the kiosk counts as kept: the totals say so. */
  w[2].paid = false;
  assert_int_equal(pk_pay_reconcile(recs, 3, &b, w, 3, &r), PK_PAY_OK);
  assert_non_null(find(&r, PK_RECON_NOT_PAID_AT_WINDOW, "000000000003"));
  assert_null(find(&r, PK_RECON_NOT_AT_TERMINAL, "000000000003"));
  pk_pay_recon_free(&r);
}

/* The store's payments to the window: a trace, durable steps the window's word allows, never
 * a terminal sale, never a second live payment of the request by another way; the start-up
 * list holds the open ones only. */
static void test_the_store_keeps_payments_to_the_window(void **state) {
  (void)state;
  char dir[] = "/tmp/pk-paywin-XXXXXX", path[64];
  assert_non_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/p.db", dir);
  pk_pay_store *s = pk_pay_store_open(path, NULL, NULL, 0);
  assert_non_null(s);
  pk_pay_record r, other;
  assert_int_equal(pk_pay_begin_at_window(s, PK_PAY_PHONE, 700000, "inv_b", "key-phone-1", &r), PK_PAY_OK);
  assert_int_equal(r.state, PK_PAY_CREATED);
  assert_int_equal(r.method, PK_PAY_PHONE);
  assert_int_equal(pk_pay_begin(s, 700000, "inv_b", "key-phone-1", &other), PK_PAY_ESTATE);
  assert_int_equal(pk_pay_begin_at_window(s, PK_PAY_CARD, 700000, "inv_b", "key-x", &other), PK_PAY_EINVAL);
  pk_pay_terminal *t = pk_pay_pos_tcp_open("127.0.0.1", 9, &pk_pay_framing_pkpos, "T1");
  assert_int_equal(pk_pay_sale(s, t, r.trace, &other), PK_PAY_ESTATE);
  assert_int_equal(pk_pay_reverse(s, t, r.trace, &other), PK_PAY_ESTATE);
  pk_pay_terminal_close(t);
  assert_int_equal(pk_pay_window_step(s, r.trace, PK_PAY_SENT, NULL, "link shown"), PK_PAY_OK);
  assert_int_equal(pk_pay_window_step(s, r.trace, PK_PAY_SUBMITTED, NULL, ""), PK_PAY_ESTATE);
  assert_int_equal(pk_pay_window_step(s, r.trace, PK_PAY_APPROVED, "140300000777", "paid"), PK_PAY_OK);
  assert_int_equal(pk_pay_begin_at_window(s, PK_PAY_CASH, 900000, "inv_c", "key-cash-1", &other), PK_PAY_OK);
  pk_pay_record *open = NULL;
  assert_int_equal(pk_pay_list_open_at_window(s, &open), 2);
  assert_string_equal(open[0].rrn, "140300000777");
  free(open);
  assert_int_equal(pk_pay_mark_submitted(s, r.trace, "1457143582487267"), PK_PAY_OK);
  assert_int_equal(pk_pay_window_step(s, other.trace, PK_PAY_DECLINED, NULL, "cancelled"), PK_PAY_OK);
  assert_int_equal(pk_pay_list_open_at_window(s, &open), 0);
  free(open);
  pk_pay_store_close(s);
  /* Reopened, the way is still known. */
  s = pk_pay_store_open(path, NULL, NULL, 0);
  assert_int_equal(pk_pay_get(s, r.trace, &other), PK_PAY_OK);
  assert_int_equal(other.method, PK_PAY_PHONE);
  assert_int_equal(other.state, PK_PAY_SUBMITTED);
  pk_pay_store_close(s);
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  assert_int_equal(system(cmd), 0);
}

/* A store written before payments to the window existed opens, and its rows are card sales. */
static void test_an_older_store_is_upgraded(void **state) {
  (void)state;
  char dir[] = "/tmp/pk-payold-XXXXXX", cmd[1024];
  assert_non_null(mkdtemp(dir));
  snprintf(cmd, sizeof cmd,
           "sqlite3 %s/p.db \"CREATE TABLE payments(id INTEGER PRIMARY KEY AUTOINCREMENT, trace TEXT NOT NULL UNIQUE,"
           " idem_key TEXT NOT NULL, invoice TEXT NOT NULL, amount INTEGER NOT NULL, state TEXT NOT NULL,"
           " rc TEXT NOT NULL DEFAULT '', approval TEXT NOT NULL DEFAULT '', rrn TEXT NOT NULL DEFAULT '',"
           " pan_masked TEXT NOT NULL DEFAULT '', tracking_code TEXT NOT NULL DEFAULT '', created_at INTEGER NOT NULL,"
           " updated_at INTEGER NOT NULL); INSERT INTO payments(trace,idem_key,invoice,amount,state,created_at,"
           "updated_at) VALUES('000000000042','k-old-1','inv_o',5,'approved',1,1);\"", dir);
  assert_int_equal(system(cmd), 0);
  char path[64];
  snprintf(path, sizeof path, "%s/p.db", dir);
  pk_pay_store *s = pk_pay_store_open(path, NULL, NULL, 0);
  assert_non_null(s);
  pk_pay_record r;
  assert_int_equal(pk_pay_get(s, "000000000042", &r), PK_PAY_OK);
  assert_int_equal(r.method, PK_PAY_CARD);
  pk_pay_store_close(s);
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  assert_int_equal(system(cmd), 0);
}

/* The command line: a Jalali day in Persian digits is today's report; a day that does not
 * exist is refused, not rounded into another day. */
static void test_the_day_on_the_command_line(void **state) {
  (void)state;
  char dir[] = "/tmp/pk-payrecon-XXXXXX", conf[64];
  assert_non_null(mkdtemp(dir));
  snprintf(conf, sizeof conf, "%s/p.conf", dir);
  FILE *f = fopen(conf, "w");
  assert_non_null(f);
  fprintf(f, "[kiosk]\ndata_dir = %s\n", dir);
  fclose(f);
  const char *days[] = {"۱۴۰۵/۰۹/۱۱", "1405/09/11", "2026-12-02",
                        "1405/13/01", "2026-02-30", "yesterday"};
  const int want[] = {PK_PAYREP_RECONCILES, PK_PAYREP_RECONCILES, PK_PAYREP_RECONCILES, PK_PAYREP_USAGE,
                      PK_PAYREP_USAGE, PK_PAYREP_USAGE};
  for (size_t i = 0; i < sizeof days / sizeof *days; i++) {
    char *argv[] = {"payments", "report", "--day", (char *)days[i], "--config", conf, "--json", NULL};
    assert_int_equal(pk_payments_cli(7, argv), want[i]);
  }
  char *no_report[] = {"payments", "--day", "2026-12-02", "--config", conf, NULL};
  assert_int_equal(pk_payments_cli(5, no_report), PK_PAYREP_USAGE);
  char cmd[96];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  assert_int_equal(system(cmd), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_batch_answer_round_trip),
      cmocka_unit_test(test_a_sale_frame_is_unchanged),
      cmocka_unit_test(test_bad_numbers_refuse_the_frame),
      cmocka_unit_test(test_kiosk_and_terminal_disagree),
      cmocka_unit_test(test_charged_twice_from_the_kiosk_alone),
      cmocka_unit_test(test_decline_then_another_card_reconciles),
      cmocka_unit_test(test_the_day_on_the_command_line),
      cmocka_unit_test(test_payments_to_the_window_reconcile),
      cmocka_unit_test(test_the_store_keeps_payments_to_the_window),
      cmocka_unit_test(test_an_older_store_is_upgraded),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
