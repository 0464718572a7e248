/* Every terminal scenario over real TCP against pishkhan-pos-sim: where the money ends, counted
 * in the terminal's own record and in the kiosk's store; never a second sale of one trace. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "pishkhan/i18n.h"
#include "pishkhan/payment.h"
#include "possim.h"

typedef struct {
  possim sim;
  char db[320];
  pk_pay_store *s;
  pk_pay_terminal *t;
} fx;

static const pk_pay_opts OPTS = {.sale_timeout_ms = 600, .status_timeout_ms = 150, .resolve_bound_ms = 500};

static int setup(void **state) {
  fx *f = calloc(1, sizeof *f);
  if (!possim_start(&f->sim, 100)) fail_msg("pishkhan-pos-sim did not start");
  snprintf(f->db, sizeof f->db, "%s/kiosk-pay.db", f->sim.dir);
  char err[256];
  f->s = pk_pay_store_open(f->db, &OPTS, err, sizeof err);
  if (!f->s) fail_msg("open: %s", err);
  f->t = pk_pay_pos_tcp_open("127.0.0.1", f->sim.port, &pk_pay_framing_pkpos, "T01");
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fx *f = *state;
  pk_pay_terminal_close(f->t);
  pk_pay_store_close(f->s);
  const char *suffix[] = {"", "-wal", "-shm"};
  for (int i = 0; i < 3; i++) {
    char p[340];
    snprintf(p, sizeof p, "%s%s", f->db, suffix[i]);
    unlink(p);
  }
  possim_stop(&f->sim);
  free(f);
  return 0;
}

/* One sale of scenario sc for request key; the terminal's row for it into *term. */
static pk_pay_record pay(fx *f, int sc, const char *key, possim_row *term) {
  pk_pay_record r;
  char inv[32];
  snprintf(inv, sizeof inv, "inv-%s", key);
  assert_int_equal(pk_pay_begin(f->s, 125000 * 100 + sc, inv, key, &r), PK_PAY_OK);
  assert_int_equal(r.state, PK_PAY_CREATED);
  assert_int_equal(pk_pay_sale(f->s, f->t, r.trace, &r), PK_PAY_OK);
  possim_row rows[64];
  size_t n = possim_dump(&f->sim, rows, 64);
  const possim_row *row = possim_find(rows, n, r.trace);
  if (!row) fail_msg("the terminal has no record of trace %s", r.trace);
  *term = *row;
  assert_int_equal(term->sales, 1);
  return r;
}

static void expect(fx *f, int sc, pk_pay_state kiosk, const char *terminal, const char *rc) {
  possim_row term;
  char key[16];
  snprintf(key, sizeof key, "k%d", sc);
  pk_pay_record r = pay(f, sc, key, &term);
  assert_string_equal(pk_pay_state_name(r.state), pk_pay_state_name(kiosk));
  assert_string_equal(term.state, terminal);
  if (rc) assert_string_equal(r.rc, rc);
  if (kiosk == PK_PAY_APPROVED) {
    assert_string_equal(r.pan_masked, "603799******4421");
    assert_int_equal(strlen(r.approval), 6);
  }
}

static void test_approve(void **st) { expect(*st, 0, PK_PAY_APPROVED, "approved", "00"); }
static void test_decline(void **st) { expect(*st, 1, PK_PAY_DECLINED, "declined", "05"); }
static void test_insufficient_funds(void **st) { expect(*st, 2, PK_PAY_DECLINED, "declined", "51"); }
static void test_card_removed(void **st) { expect(*st, 3, PK_PAY_DECLINED, "declined", "17"); }
static void test_timeout_before_approval(void **st) { expect(*st, 4, PK_PAY_DECLINED, "declined", "68"); }
static void test_timeout_after_approval(void **st) { expect(*st, 5, PK_PAY_APPROVED, "approved", "00"); }
static void test_lost_response_reversed(void **st) { expect(*st, 6, PK_PAY_REVERSED, "reversed", NULL); }
static void test_duplicated_response(void **st) { expect(*st, 7, PK_PAY_APPROVED, "approved", "00"); }
static void test_slow_answer(void **st) { expect(*st, 8, PK_PAY_APPROVED, "approved", "00"); }
static void test_control_bytes_answer(void **st) { expect(*st, 10, PK_PAY_APPROVED, "approved", "00"); }

static bool file_has(const char *path, const char *needle) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return false;
  static char buf[1 << 22];
  size_t n = fread(buf, 1, sizeof buf, fp);
  fclose(fp);
  return memmem(buf, n, needle, strlen(needle)) != NULL;
}

/* A (malicious) terminal that answers with the whole card number and markup in the reference. */
static void test_full_pan_never_stored(void **st) {
  fx *f = *st;
  possim_row term;
  pk_pay_record r = pay(f, 9, "k9", &term);
  assert_int_equal(r.state, PK_PAY_APPROVED);
  assert_string_equal(r.pan_masked, "603799******4421");
  assert_string_equal(r.rrn, "");
  char wal[340];
  snprintf(wal, sizeof wal, "%s-wal", f->db);
  assert_false(file_has(f->db, "6037991234564421"));
  assert_false(file_has(wal, "6037991234564421"));
  assert_false(file_has(wal, "12<b>34"));
}

static void test_one_live_payment_per_request(void **st) {
  fx *f = *st;
  possim_row term;
  pk_pay_record a = pay(f, 1, "same", &term), b, c;
  assert_int_equal(a.state, PK_PAY_DECLINED);
  /* another card after a decline: a new trace; while it lives, the same one is handed back */
  assert_int_equal(pk_pay_begin(f->s, 12500000, "inv-same", "same", &b), PK_PAY_OK);
  assert_string_not_equal(a.trace, b.trace);
  assert_int_equal(pk_pay_begin(f->s, 12500000, "inv-same", "same", &c), PK_PAY_OK);
  assert_string_equal(b.trace, c.trace);
  assert_int_equal(pk_pay_begin(f->s, 13000000, "inv-same", "same", &c), PK_PAY_ESTATE);
  assert_int_equal(pk_pay_begin(f->s, 12500000, "inv-other", "same", &c), PK_PAY_ESTATE);
  assert_string_equal(b.trace, c.trace);
  assert_int_equal(pk_pay_sale(f->s, f->t, b.trace, &b), PK_PAY_OK);
  assert_int_equal(b.state, PK_PAY_APPROVED);
  /* asking again never sells again */
  assert_int_equal(pk_pay_sale(f->s, f->t, b.trace, &b), PK_PAY_OK);
  possim_row rows[8];
  size_t n = possim_dump(&f->sim, rows, 8);
  assert_int_equal(possim_find(rows, n, b.trace)->sales, 1);
  assert_int_equal(pk_pay_mark_submitted(f->s, b.trace, "TRK1"), PK_PAY_OK);
  assert_int_equal(pk_pay_reverse(f->s, f->t, b.trace, &b), PK_PAY_ESTATE);
}

static pk_pay_x_rc crash_after_sent(pk_pay_terminal *t, const pk_pay_msg *req, pk_pay_msg *ans, int ms,
                                    bool (*on_connected)(void *), void *ud) {
  return !on_connected || on_connected(ud) ? PK_PAY_X_NO_ANSWER : PK_PAY_X_NOT_SENT;
}

/* "sent" durable, then the kiosk died before the sale's bytes: on start the trace is asked
 * about once; the terminal never saw it, so it is reversed at once (not asked again and again
 * until the bound, holding everyone), and the reversal bars it: the same sale arriving late is
 * refused by the terminal. */
static void test_restart_resolves_sent(void **st) {
  fx *f = *st;
  pk_pay_store_close(f->s);
  pk_pay_opts patient = OPTS;
  patient.resolve_bound_ms = 3000; /* time enough for a flood of status requests, were there one */
  f->s = pk_pay_store_open(f->db, &patient, NULL, 0);
  pk_pay_record r;
  assert_int_equal(pk_pay_begin(f->s, 12500000, "inv-c", "crash", &r), PK_PAY_OK);
  pk_pay_terminal_ops dead = {.name = "dead", .exchange = crash_after_sent, .close = f->t->ops->close};
  pk_pay_terminal fake = *f->t;
  fake.ops = &dead;
  pk_pay_opts o = OPTS;
  o.resolve_bound_ms = 0;
  pk_pay_store *lost = pk_pay_store_open(f->db, &o, NULL, 0);
  assert_int_equal(pk_pay_sale(lost, &fake, r.trace, &r), PK_PAY_OK);
  pk_pay_store_close(lost);
  assert_int_equal(r.state, PK_PAY_UNCERTAIN);
  assert_int_equal(pk_pay_resolve_pending(f->s, f->t, NULL, NULL), 0);
  assert_int_equal(pk_pay_get(f->s, r.trace, &r), PK_PAY_OK);
  assert_int_equal(r.state, PK_PAY_REVERSED);
  pk_pay_msg late = {.type = PK_PAY_MSG_SALE, .amount = 12500000}, ans;
  snprintf(late.trace, sizeof late.trace, "%s", r.trace);
  assert_int_equal(f->t->ops->exchange(f->t, &late, &ans, 500, NULL, NULL), PK_PAY_X_ANSWER);
  assert_string_not_equal(ans.rc, "00");
  possim_row rows[8];
  size_t n = possim_dump(&f->sim, rows, 8);
  const possim_row *term = possim_find(rows, n, r.trace);
  assert_string_equal(term->state, "void");
  assert_int_equal(term->statuses, 1);
  assert_int_equal(term->reversals, 1);
}

/* The kiosk stopped between making the trace and connecting ("created"): on start it is closed
 * as declined, never sent, and the terminal is not asked to sell it. Left "created", it would
 * be a live payment of its request for ever. */
static void test_restart_closes_created(void **st) {
  fx *f = *st;
  pk_pay_record r;
  assert_int_equal(pk_pay_begin(f->s, 12500000, "inv-n", "never", &r), PK_PAY_OK);
  assert_int_equal(r.state, PK_PAY_CREATED);
  assert_int_equal(pk_pay_resolve_pending(f->s, f->t, NULL, NULL), 0);
  assert_int_equal(pk_pay_get(f->s, r.trace, &r), PK_PAY_OK);
  assert_int_equal(r.state, PK_PAY_DECLINED);
  possim_row rows[8];
  assert_null(possim_find(rows, possim_dump(&f->sim, rows, 8), r.trace));
  pk_pay_record again;
  assert_int_equal(pk_pay_begin(f->s, 12500000, "inv-n", "never", &again), PK_PAY_OK);
  assert_string_not_equal(again.trace, r.trace); /* the request may be paid anew */
}

static bool keep_odd(void *ud, const pk_pay_record *r) { return strcmp(r->idem_key, "keep") == 0; }

/* Approved, not submitted, found on start: kept if its request is pending, else reversed. */
static void test_restart_resolves_approved(void **st) {
  fx *f = *st;
  possim_row term;
  pk_pay_record keep = pay(f, 0, "keep", &term), drop = pay(f, 0, "drop", &term);
  assert_int_equal(pk_pay_resolve_pending(f->s, f->t, keep_odd, NULL), 0);
  assert_int_equal(pk_pay_get(f->s, keep.trace, &keep), PK_PAY_OK);
  assert_int_equal(pk_pay_get(f->s, drop.trace, &drop), PK_PAY_OK);
  assert_int_equal(keep.state, PK_PAY_APPROVED);
  assert_int_equal(drop.state, PK_PAY_REVERSED);
  possim_row rows[8];
  size_t n = possim_dump(&f->sim, rows, 8);
  assert_string_equal(possim_find(rows, n, keep.trace)->state, "approved");
  assert_string_equal(possim_find(rows, n, drop.trace)->state, "reversed");
}

static void test_unreachable_terminal(void **st) {
  fx *f = *st;
  pk_pay_terminal *off = pk_pay_pos_tcp_open("127.0.0.1", 1, &pk_pay_framing_pkpos, "T01");
  pk_pay_record r;
  assert_int_equal(pk_pay_begin(f->s, 12500000, "inv-u", "u", &r), PK_PAY_OK);
  assert_int_equal(pk_pay_sale(f->s, off, r.trace, &r), PK_PAY_OK);
  pk_pay_terminal_close(off);
  assert_int_equal(r.state, PK_PAY_DECLINED);
  pk_i18n_init(NULL);
  pk_i18n_set_lang(PK_LANG_EN);
  assert_string_equal(pk_pay_outcome_text(&r), "The card terminal cannot be reached. No money was taken.");
}

int main(void) {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
  const struct CMUnitTest tests[] = {
      T(test_approve), T(test_decline), T(test_insufficient_funds), T(test_card_removed),
      T(test_timeout_before_approval), T(test_timeout_after_approval), T(test_lost_response_reversed),
      T(test_duplicated_response), T(test_slow_answer), T(test_control_bytes_answer), T(test_full_pan_never_stored),
      T(test_one_live_payment_per_request), T(test_restart_resolves_sent), T(test_restart_closes_created), T(test_restart_resolves_approved),
      T(test_unreachable_terminal),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
