/* The counter's and the fees' calls against the simulator over HTTPS + mTLS on loopback:
 * level 1, a clerk's record, signatories and on_behalf_of, assisted_by, invoices paid on a
 * provider-confirmed reference, and the window's refusals of unpaid or reused invoices. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"
#include "pishkhan/b64url.h"
#include "pishkhan/receipt.h"

#define FIELDS(nc) "{\"national_code\":\"" nc "\",\"mobile\":\"09121234567\",\"birth_date\":\"1365/04/12\"}"

typedef struct {
  bool done;
  pk_net_session ses;
  pk_net_receipt rec;
  char jws[4096];
  pk_net_clerk clerk;
  size_t nent;
  char ent[4][2][128];
  pk_net_invoice inv;
} ctx;

static void on_ses(const pk_net_session *r, void *ud) { ((ctx *)ud)->ses = *r, ((ctx *)ud)->done = true; }
static void on_clerk(const pk_net_clerk *r, void *ud) { ((ctx *)ud)->clerk = *r, ((ctx *)ud)->done = true; }
static void on_inv(const pk_net_invoice *r, void *ud) { ((ctx *)ud)->inv = *r, ((ctx *)ud)->done = true; }
static void on_rec(const pk_net_receipt *r, void *ud) {
  ctx *c = ud;
  c->rec = *r;
  snprintf(c->jws, sizeof c->jws, "%s", r->receipt_jws ? r->receipt_jws : "");
  c->done = true;
}
static void on_ent(const pk_net_entities *r, void *ud) {
  ctx *c = ud;
  c->nent = r->st.err == PK_NET_OK ? r->n : 0;
  for (size_t i = 0; i < c->nent && i < 4; i++) {
    snprintf(c->ent[i][0], sizeof c->ent[i][0], "%s", r->items[i].legal_id);
    snprintf(c->ent[i][1], sizeof c->ent[i][1], "%s", r->items[i].name);
  }
  c->rec.st = r->st;
  c->done = true;
}

static void submit(harness *h, ctx *c, const char *sid, const char *fields, const char *key,
                   const pk_net_submit_extra *x) {
  c->done = false;
  pk_net_submit_with(h->net, sid, fields, key, x, on_rec, c);
  h_run_until(h, &c->done, 10000);
}

/* A claim of the receipt token's payload, as text ("" when absent). */
static void claim(const char *jws, const char *name, char *out, size_t n) {
  const char *p = strchr(jws, '.'), *e = p ? strchr(p + 1, '.') : NULL;
  unsigned char *raw = NULL;
  size_t len = 0;
  out[0] = 0;
  assert_non_null(e);
  assert_int_equal(pk_b64url_decode(p + 1, (size_t)(e - p - 1), &raw, &len), 0);
  char pat[32];
  snprintf(pat, sizeof pat, "\"%s\":\"", name);
  char *txt = strndup((char *)raw, len), *at = strstr(txt, pat);
  if (at) snprintf(out, n, "%.*s", (int)strcspn(at + strlen(pat), "\""), at + strlen(pat));
  free(txt);
  free(raw);
}

static void receipt_verifies(harness *h, const char *jws) {
  /* The kiosk prints it as a QR code: the counter's claims must fit in it too. */
  assert_in_range(strlen(jws), 1, PK_RECEIPT_QR_MAX_BYTES);
  char path[256], why[128] = "";
  h_path(h, path, sizeof path, "window/jwks.json");
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  char jwks[8192];
  size_t n = fread(jwks, 1, sizeof jwks - 1, f);
  fclose(f);
  jwks[n] = 0;
  pk_receipt rc;
  if (pk_receipt_verify(jws, jwks, &rc, why, sizeof why) != 0) fail_msg("receipt: %s", why);
}

static void test_level1(void **state) {
  harness *h = *state;
  ctx c = {0};
  pk_net_level1(h->net, "0071234561", "1370-05-12", on_ses, &c);
  h_run_until(h, &c.done, 10000);
  assert_int_equal(c.ses.st.err, PK_NET_OK);
  assert_int_equal(c.ses.level, 1);
  assert_true(pk_net_has_session(h->net));
  /* A wrong date and an unknown person look the same. */
  const char *tries[][2] = {{"0071234561", "1370-05-13"}, {"1234567891", "1370-05-12"}, {"0013542419", "1370-05-12"}};
  for (int i = 0; i < 3; i++) {
    c.done = false;
    pk_net_level1(h->net, tries[i][0], tries[i][1], on_ses, &c);
    h_run_until(h, &c.done, 10000);
    assert_int_equal(c.ses.st.err, PK_NET_AUTH);
    assert_string_equal(c.ses.st.code, "level1_mismatch");
  }
  c.done = false;
  pk_net_level1(h->net, "0071234562", "1370-05-12", on_ses, &c); /* wrong check digit */
  h_run_until(h, &c.done, 10000);
  assert_string_equal(c.ses.st.code, "validation_failed");
  /* Five wrong dates in an hour, and then not even the right one is taken. */
  for (int i = 0; i < 4; i++) {
    c.done = false;
    pk_net_level1(h->net, "0071234561", "1399-01-01", on_ses, &c);
    h_run_until(h, &c.done, 10000);
    assert_string_equal(c.ses.st.code, "level1_mismatch");
  }
  c.done = false;
  pk_net_level1(h->net, "0071234561", "1370-05-12", on_ses, &c);
  h_run_until(h, &c.done, 10000);
  assert_int_equal(c.ses.st.http_status, 429);
  assert_string_equal(c.ses.st.code, "level1_rate_limited");
  /* Not the contract's date form: refused before it leaves. */
  c.done = false;
  pk_net_level1(h->net, "0071234561", "1370/05/12", on_ses, &c);
  h_run_until(h, &c.done, 10000);
  assert_string_equal(c.ses.st.code, "invalid_argument");
}

typedef struct {
  bool done;
  pk_net_profile p;
} profile_call;

static void on_profile(const pk_net_profile *r, void *ud) {
  profile_call *c = ud;
  c->p = *r;
  c->done = true;
}

/* What the window has on file, for the forms: in a session only; the citizen's own. */
static void test_profile_on_file(void **state) {
  harness *h = *state;
  profile_call c = {0};
  pk_net_profile_get(h->net, on_profile, &c);
  h_run_until(h, &c.done, 10000);
  assert_int_equal(c.p.st.err, PK_NET_AUTH); /* no session: not asked, or refused */
  assert_int_equal(h_login_card(h, "citizen", NULL), PK_NET_OK);
  c.done = false;
  pk_net_profile_get(h->net, on_profile, &c);
  h_run_until(h, &c.done, 10000);
  assert_int_equal(c.p.st.err, PK_NET_OK);
  assert_string_equal(c.p.mobile, "09351234567");
  assert_string_equal(c.p.postal_code, "1969833114");
}

static void test_clerk_assists_a_citizen_acting_for_a_company(void **state) {
  harness *h = *state;
  ctx c = {0};
  assert_int_equal(h_login_card(h, "clerk", NULL), PK_NET_OK);
  c.done = false;
  pk_net_clerk_me(h->net, on_clerk, &c);
  h_run_until(h, &c.done, 10000);
  assert_int_equal(c.clerk.st.err, PK_NET_OK);
  assert_string_equal(c.clerk.clerk_id, "clk-7f3a21");
  assert_string_equal(c.clerk.office_id, "off-1001");
  assert_true(strlen(c.clerk.office_name) > 0);
  assert_true(c.clerk.npermissions >= 3);
  char clerk_id[40];
  snprintf(clerk_id, sizeof clerk_id, "%s", c.clerk.clerk_id);

  /* The clerk's own national code and card, but a certificate without the clerk policy: the
   * register alone does not make a clerk. */
  assert_int_equal(h_login_card(h, "clerknopol", NULL), PK_NET_OK);
  c.done = false;
  pk_net_clerk_me(h->net, on_clerk, &c);
  h_run_until(h, &c.done, 10000);
  assert_int_equal(c.clerk.st.err, PK_NET_AUTH);
  assert_string_equal(c.clerk.st.code, "not_a_clerk");

  /* The citizen, by one-time code: not a clerk; signs for two companies. */
  assert_int_equal(h_login_otp(h, "0071234561"), 2);
  c.done = false;
  pk_net_clerk_me(h->net, on_clerk, &c);
  h_run_until(h, &c.done, 10000);
  assert_int_equal(c.clerk.st.err, PK_NET_AUTH);
  assert_string_equal(c.clerk.st.code, "not_a_clerk");
  c.done = false;
  pk_net_entities_get(h->net, on_ent, &c);
  h_run_until(h, &c.done, 10000);
  assert_int_equal(c.rec.st.err, PK_NET_OK);
  assert_int_equal(c.nent, 2);
  assert_string_equal(c.ent[0][0], "10380284790");
  assert_true(strlen(c.ent[0][1]) > 0);

  char key[37];
  pk_net_new_idem_key(key);
  pk_net_submit_extra x = {.on_behalf_of = "10380284790", .assisted_by = clerk_id};
  submit(h, &c, "tamin-0001", FIELDS("0071234561"), key, &x);
  assert_int_equal(c.rec.st.err, PK_NET_OK);
  char v[64];
  claim(c.jws, "obo", v, sizeof v);
  assert_string_equal(v, "10380284790");
  claim(c.jws, "ast", v, sizeof v);
  assert_string_equal(v, clerk_id);
  receipt_verifies(h, c.jws);
  char *all = pk_window_sim_requests(h->sim);
  assert_non_null(strstr(all, "\"on_behalf_of\":\"10380284790\""));
  assert_non_null(strstr(all, "\"assisted_by\":\"clk-7f3a21\""));
  free(all);

  /* Another person's company, an unknown clerk, a national code as a clerk id. */
  pk_net_new_idem_key(key);
  x = (pk_net_submit_extra){.on_behalf_of = "14109876546"};
  submit(h, &c, "tamin-0001", FIELDS("0071234561"), key, &x);
  assert_int_equal(c.rec.st.err, PK_NET_AUTH);
  assert_string_equal(c.rec.st.code, "not_a_signatory");
  x = (pk_net_submit_extra){.assisted_by = "clk-000000"};
  submit(h, &c, "tamin-0001", FIELDS("0071234561"), key, &x);
  assert_string_equal(c.rec.st.code, "clerk_unknown");
  x = (pk_net_submit_extra){.assisted_by = "1122334451"};
  submit(h, &c, "tamin-0001", FIELDS("0071234561"), key, &x);
  assert_string_equal(c.rec.st.code, "invalid_argument");
  assert_int_equal(pk_window_sim_request_count(h->sim), 1);

  /* Fees are not enforced by default (kiosks do not pay yet): a fee service goes through. */
  pk_net_new_idem_key(key);
  submit(h, &c, "cbi-0001", FIELDS("0071234561"), key, NULL);
  assert_int_equal(c.rec.st.err, PK_NET_OK);
}

static void invoice_call(harness *h, ctx *c, int which, const char *a, const char *b) {
  c->done = false;
  if (which == 0) pk_net_invoice_create(h->net, a, b, on_inv, c);
  else if (which == 1) pk_net_invoice_pay(h->net, a, b, "term01", "000123", on_inv, c);
  else pk_net_invoice_get(h->net, a, on_inv, c);
  h_run_until(h, &c->done, 10000);
}

static void test_fees_enforced(void **state) {
  harness *h = *state;
  h_stop(h);
  pk_window_sim_opts o;
  pk_window_sim_opts_defaults(&o);
  o.fees_enforce = true;
  h_start(h, &o, true);
  assert_int_equal(h_login_otp(h, "1234567891"), 2);
  ctx c = {0};
  char key[37], key2[37];
  pk_net_new_idem_key(key);
  pk_net_new_idem_key(key2);

  /* cbi-0001 charges 2,000,000 rials: no submit without a paid invoice. */
  submit(h, &c, "cbi-0001", FIELDS("1234567891"), key, NULL);
  assert_int_equal(c.rec.st.err, PK_NET_VALIDATION);
  assert_string_equal(c.rec.st.code, "invoice_required");
  invoice_call(h, &c, 0, "tamin-0001", key);
  assert_string_equal(c.inv.st.code, "service_has_no_fee");

  invoice_call(h, &c, 0, "cbi-0001", key);
  assert_int_equal(c.inv.st.err, PK_NET_OK);
  assert_int_equal(c.inv.st.http_status, 201);
  assert_int_equal(c.inv.amount_rials, 2000000);
  assert_string_equal(c.inv.status, "unpaid");
  assert_true(c.inv.payable_until > 0);
  char id[40];
  snprintf(id, sizeof id, "%s", c.inv.invoice_id);
  invoice_call(h, &c, 0, "cbi-0001", key); /* the same request: the same invoice */
  assert_string_equal(c.inv.invoice_id, id);
  assert_int_equal(c.inv.st.http_status, 200);

  pk_net_submit_extra x = {.invoice_id = id};
  submit(h, &c, "cbi-0001", FIELDS("1234567891"), key, &x);
  assert_string_equal(c.rec.st.code, "invoice_unpaid");

  /* Paid only on what the provider confirms, for the invoice's amount. */
  invoice_call(h, &c, 1, id, "140312345678");
  assert_string_equal(c.inv.st.code, "payment_not_confirmed");
  assert_int_equal(pk_window_sim_provider_confirm(h->sim, "140312345678", 1999999), 0);
  invoice_call(h, &c, 1, id, "140312345678");
  assert_string_equal(c.inv.st.code, "payment_amount_mismatch");
  assert_int_equal(pk_window_sim_provider_confirm(h->sim, "140387654321", 2000000), 0);
  invoice_call(h, &c, 1, id, "140387654321");
  assert_int_equal(c.inv.st.err, PK_NET_OK);
  assert_string_equal(c.inv.status, "paid");
  assert_string_equal(c.inv.bank_ref, "140387654321");
  invoice_call(h, &c, 1, id, "140387654321"); /* a retried pay: the paid invoice again */
  assert_int_equal(c.inv.st.err, PK_NET_OK);
  invoice_call(h, &c, 2, id, NULL);
  assert_string_equal(c.inv.status, "paid");
  assert_true(c.inv.paid_at > 0);

  submit(h, &c, "cbi-0001", FIELDS("1234567891"), key, &x);
  assert_int_equal(c.rec.st.err, PK_NET_OK);
  char v[64];
  claim(c.jws, "inv", v, sizeof v);
  assert_string_equal(v, id);
  receipt_verifies(h, c.jws);
  submit(h, &c, "cbi-0001", FIELDS("1234567891"), key, &x); /* a replay is no second use */
  assert_true(c.rec.replayed);

  /* One invoice, two requests: the second is refused. */
  submit(h, &c, "cbi-0001", FIELDS("1234567891"), key2, &x);
  assert_int_equal(c.rec.st.err, PK_NET_VALIDATION);
  assert_string_equal(c.rec.st.code, "invoice_used");
  assert_int_equal(pk_window_sim_request_count(h->sim), 1);
}

int main(void) {
  const struct CMUnitTest t[] = {
    cmocka_unit_test_setup_teardown(test_level1, h_setup, h_teardown),
    cmocka_unit_test_setup_teardown(test_profile_on_file, h_setup, h_teardown),
    cmocka_unit_test_setup_teardown(test_clerk_assists_a_citizen_acting_for_a_company, h_setup, h_teardown),
    cmocka_unit_test_setup_teardown(test_fees_enforced, h_setup, h_teardown),
  };
  return cmocka_run_group_tests(t, NULL, NULL);
}
