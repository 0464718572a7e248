/* The client against the simulator over real HTTPS with mutual TLS on loopback:
 * catalog sync (full, then ETag), search, OTP and card logins, keyed submits, status,
 * inbox, documents, logout, token expiry and kiosk identity. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"
#include "pishkhan/i18n.h"

#define CITIZEN_NC "0071234561"

typedef struct {
  bool done;
  pk_net_sync sync;
  pk_net_challenge ch;
  pk_net_session ses;
  pk_net_receipt rec;
  char jws[4096];
  pk_net_req_status rs;
  pk_net_result res;
  size_t ninbox;
  char inbox_kind0[16];
  int proactive;
  pk_net_doc doc;
  size_t nrows;
  char row0[128];
} ctx;

static void on_sync(const pk_net_sync *r, void *ud) { ((ctx *)ud)->sync = *r, ((ctx *)ud)->done = true; }
static void on_ch(const pk_net_challenge *r, void *ud) { ((ctx *)ud)->ch = *r, ((ctx *)ud)->done = true; }
static void on_ses(const pk_net_session *r, void *ud) { ((ctx *)ud)->ses = *r, ((ctx *)ud)->done = true; }
static void on_res(const pk_net_result *r, void *ud) { ((ctx *)ud)->res = *r, ((ctx *)ud)->done = true; }
static void on_rs(const pk_net_req_status *r, void *ud) { ((ctx *)ud)->rs = *r, ((ctx *)ud)->done = true; }
static void on_rec(const pk_net_receipt *r, void *ud) {
  ctx *c = ud;
  c->rec = *r;
  snprintf(c->jws, sizeof c->jws, "%s", r->receipt_jws ? r->receipt_jws : "");
  c->rec.receipt_jws = NULL;
  c->done = true;
}
static void on_inbox(const pk_net_inbox *r, void *ud) {
  ctx *c = ud;
  c->res = r->st;
  c->ninbox = r->n;
  for (size_t i = 0; i < r->n; i++) c->proactive += !strcmp(r->items[i].kind, "proactive");
  if (r->n) snprintf(c->inbox_kind0, sizeof c->inbox_kind0, "%s", r->items[0].kind);
  c->done = true;
}
static void on_doc(const pk_net_doc *r, void *ud) {
  ctx *c = ud;
  c->res = r->st;
  c->nrows = r->nrows;
  if (r->nrows) snprintf(c->row0, sizeof c->row0, "%s", r->rows[0].label_fa);
  c->done = true;
}

typedef struct {
  bool done;
  pk_net_otp o;
} oc;

static void on_otp(const pk_net_otp *r, void *ud) {
  oc *c = ud;
  c->o = *r;
  c->done = true;
}

static int setup(void **state) {
  harness *h = calloc(1, sizeof *h);
  h_start(h, NULL, true);
  *state = h;
  return 0;
}

static int teardown(void **state) {
  h_stop(*state);
  free(*state);
  return 0;
}

static void test_catalog_sync_etag_and_search(void **state) {
  harness *h = *state;
  pk_catalog *cat = pk_catalog_open(":memory:", NULL);
  assert_non_null(cat);
  ctx c = {0};
  pk_net_catalog_sync(h->net, cat, on_sync, &c);
  h_run_until(h, &c.done, 30000);
  assert_int_equal(c.sync.st.err, PK_NET_OK);
  assert_true(c.sync.changed);
  assert_true(c.sync.services >= 5200);
  assert_true(c.sync.agencies >= 40);
  assert_true(pk_catalog_etag(cat)[0] == '"');

  /* Agencies in Persian order; every one has services. */
  const pk_agency *ag;
  size_t na = pk_catalog_agencies(cat, &ag);
  for (size_t i = 1; i < na; i++) assert_true(pk_collate_fa(ag[i - 1].name_fa, ag[i].name_fa) <= 0);
  const pk_agency *tax = pk_catalog_agency(cat, "tax");
  assert_non_null(tax);
  assert_string_equal(tax->name_fa, "سازمان امور مالیاتی کشور");
  const pk_service *list[400];
  size_t n = pk_catalog_services_of(cat, "tax", list, 400);
  assert_true(n > 50);
  for (size_t i = 0; i < n && i < 400; i++) assert_string_equal(list[i]->agency_id, "tax");

  /* Arabic yeh typed, Persian yeh stored. */
  const pk_service *res[50];
  size_t k = pk_catalog_search(cat, "مالياتي", res, 50);
  assert_true(k >= 10);
  k = pk_catalog_search(cat, "گواهی عدم بدهی مالیاتی", res, 50);
  assert_true(k >= 1);
  assert_string_equal(res[0]->title_fa, "صدور گواهی عدم بدهی مالیاتی");
  k = pk_catalog_search(cat, "کارنامه", res, 50);
  assert_true(k >= 1);
  /* A clerk who knows the service's id types it. */
  k = pk_catalog_search(cat, "tamin-0002", res, 50);
  assert_true(k >= 1);
  assert_string_equal(res[0]->id, "tamin-0002");
  for (size_t i = 1; i < k; i++) assert_string_not_equal(res[i]->id, "tamin-0002");

  /* No service lists a document twice, and only a fee asks for a payment slip. */
  for (size_t a = 0; a < na; a++) {
    static const pk_service *all[600];
    size_t ns = pk_catalog_services_of(cat, ag[a].id, all, 600);
    for (size_t i = 0; i < ns && i < 600; i++) {
      const pk_service *s = all[i];
      for (size_t d = 0; d < s->ndocuments; d++) {
        for (size_t e = d + 1; e < s->ndocuments; e++)
          if (!strcmp(s->documents_fa[d], s->documents_fa[e])) fail_msg("%s lists «%s» twice", s->id, s->documents_fa[d]);
        if (!s->fee_rials && !strcmp(s->documents_en[d], "Payment slip"))
          fail_msg("%s is free but asks for a payment slip", s->id);
      }
    }
  }

  /* Form with typed fields. */
  const pk_service *svc = pk_catalog_service(cat, "tax-0001");
  assert_non_null(svc);
  size_t nf;
  const pk_form_field *ff = pk_catalog_form(cat, svc, &nf);
  assert_true(nf >= 4);
  assert_int_equal(ff[0].type, PK_FIELD_NATIONAL_CODE);
  int seen_choice = 0;
  for (size_t i = 0; i < nf; i++) seen_choice |= ff[i].type == PK_FIELD_CHOICE && ff[i].nchoices == 2;
  assert_true(seen_choice);

  /* Unchanged catalog: one request, 304, nothing rewritten. */
  c.done = false;
  pk_net_catalog_sync(h->net, cat, on_sync, &c);
  h_run_until(h, &c.done, 10000);
  assert_int_equal(c.sync.st.err, PK_NET_OK);
  assert_false(c.sync.changed);
  assert_int_equal(c.sync.st.http_status, 304);
  assert_int_equal(c.sync.st.attempts, 1);
  assert_true(c.sync.services >= 5200);
  pk_catalog_close(cat);
}

static void test_otp_submit_replay_status_inbox_doc_logout(void **state) {
  harness *h = *state;
  assert_int_equal(h_login_otp(h, "1234567891"), 2);
  assert_true(pk_net_has_session(h->net));

  /* tamin-0001 «استعلام سوابق بیمه» needs level 2. */
  const char *fields = "{\"national_code\":\"1234567891\",\"mobile\":\"09121234567\",\"birth_date\":\"1365/04/12\"}";
  char key[37];
  pk_net_new_idem_key(key);
  ctx c = {0};
  pk_net_submit(h->net, "tamin-0001", fields, key, on_rec, &c);
  h_run_until(h, &c.done, 10000);
  assert_int_equal(c.rec.st.err, PK_NET_OK);
  assert_int_equal(c.rec.st.http_status, 201);
  assert_false(c.rec.replayed);
  assert_true(strlen(c.rec.tracking_code) >= 10);
  assert_non_null(strchr(c.jws, '.'));
  char tc[32];
  snprintf(tc, sizeof tc, "%s", c.rec.tracking_code);
  char jws[4096];
  snprintf(jws, sizeof jws, "%s", c.jws);

  /* Same key again: same request, same receipt, no second request. */
  c.done = false;
  pk_net_submit(h->net, "tamin-0001", fields, key, on_rec, &c);
  h_run_until(h, &c.done, 10000);
  assert_int_equal(c.rec.st.err, PK_NET_OK);
  assert_true(c.rec.replayed);
  assert_string_equal(c.rec.tracking_code, tc);
  assert_string_equal(c.jws, jws);
  assert_int_equal(pk_window_sim_request_count(h->sim), 1);

  /* Same key, other content: refused. */
  c.done = false;
  pk_net_submit(h->net, "tamin-0001",
                "{\"national_code\":\"1234567891\",\"mobile\":\"09121234567\",\"birth_date\":\"1366/04/12\"}", key,
                on_rec, &c);
  h_run_until(h, &c.done, 10000);
  assert_int_equal(c.rec.st.err, PK_NET_VALIDATION);
  assert_string_equal(c.rec.st.code, "idempotency_key_reused");

  /* A form error names the field, in Persian too. */
  pk_net_new_idem_key(key);
  c.done = false;
  pk_net_submit(h->net, "tamin-0001", "{\"national_code\":\"1234567890\",\"mobile\":\"09121234567\",\"birth_date\":\"1365/04/12\"}",
                key, on_rec, &c);
  h_run_until(h, &c.done, 10000);
  assert_int_equal(c.rec.st.err, PK_NET_VALIDATION);
  assert_string_equal(c.rec.st.code, "validation_failed");
  assert_string_equal(c.rec.st.field, "national_code");
  assert_true(strlen(c.rec.st.message_fa) > 0);

  /* Level 3 service with a level 2 session. */
  pk_net_new_idem_key(key);
  c.done = false;
  pk_net_submit(h->net, "tax-0001", "{}", key, on_rec, &c);
  h_run_until(h, &c.done, 10000);
  assert_int_equal(c.rec.st.err, PK_NET_AUTH);
  assert_string_equal(c.rec.st.code, "insufficient_level");

  c.done = false;
  pk_net_track(h->net, tc, on_rs, &c);
  h_run_until(h, &c.done, 10000);
  assert_int_equal(c.rs.st.err, PK_NET_OK);
  assert_string_equal(c.rs.tracking_code, tc);
  assert_string_equal(c.rs.status, "received");
  assert_string_equal(c.rs.service_id, "tamin-0001");

  c.done = false;
  pk_net_inbox_get(h->net, on_inbox, &c);
  h_run_until(h, &c.done, 10000);
  assert_int_equal(c.res.err, PK_NET_OK);
  assert_true(c.ninbox >= 3);
  assert_true(c.proactive >= 2);
  assert_string_equal(c.inbox_kind0, "status");

  c.done = false;
  pk_net_document(h->net, "report_card", "{\"student_national_code\":\"0071234561\"}", on_doc, &c);
  h_run_until(h, &c.done, 10000);
  assert_int_equal(c.res.err, PK_NET_OK);
  assert_true(c.nrows >= 6);
  assert_string_equal(c.row0, "ریاضی");

  c.done = false;
  pk_net_logout(h->net, on_res, &c);
  h_run_until(h, &c.done, 10000);
  assert_int_equal(c.res.err, PK_NET_OK);
  assert_false(pk_net_has_session(h->net));
  c.done = false;
  pk_net_inbox_get(h->net, on_inbox, &c);
  h_run_until(h, &c.done, 10000);
  assert_int_equal(c.res.err, PK_NET_AUTH);
}

static int card_login(harness *h, const char *persona, ctx *c) { return h_login_card(h, persona, &c->ses); }

static void test_card_login(void **state) {
  harness *h = *state;
  ctx c = {0};
  assert_int_equal(card_login(h, "citizen", &c), PK_NET_OK);
  assert_int_equal(c.ses.level, 3);
  assert_string_equal(c.ses.national_code_masked, "******4561");
  assert_string_equal(c.ses.name_fa, "زهرا محمدی");

  /* Revoked card: refused with its own code. */
  assert_int_equal(card_login(h, "revoked", &c), PK_NET_AUTH);
  assert_string_equal(c.ses.st.code, "card_revoked");

  /* A replayed challenge is refused. */
  c.done = false;
  pk_net_auth_challenge(h->net, on_ch, &c);
  h_run_until(h, &c.done, 10000);
  uint8_t sig[160], *cert = NULL;
  size_t sl = sizeof sig, cl = 0;
  assert_int_equal(h_card_sign(h, "citizen2", c.ch.nonce, sig, &sl, &cert, &cl), 0);
  for (int i = 0; i < 2; i++) {
    c.done = false;
    pk_net_card_auth(h->net, c.ch.nonce, cert, cl, sig, sl, on_ses, &c);
    h_run_until(h, &c.done, 10000);
  }
  assert_int_equal(c.ses.st.err, PK_NET_AUTH);
  assert_string_equal(c.ses.st.code, "challenge_used");
  /* A signature over another nonce is refused. */
  c.done = false;
  pk_net_auth_challenge(h->net, on_ch, &c);
  h_run_until(h, &c.done, 10000);
  sig[sl / 2] ^= 0x40;
  c.done = false;
  pk_net_card_auth(h->net, c.ch.nonce, cert, cl, sig, sl, on_ses, &c);
  h_run_until(h, &c.done, 10000);
  assert_int_equal(c.ses.st.err, PK_NET_AUTH);
  free(cert);
}

static void test_otp_wrong_code_and_resend_limit(void **state) {
  harness *h = *state;
  ctx c = {0};
  oc o = {0};
  pk_net_otp_request(h->net, "0512345678", "09351112233", on_otp, &o);
  h_run_until(h, &o.done, 10000);
  assert_int_equal(o.o.st.err, PK_NET_OK);
  assert_int_equal(o.o.resends_left, 2);
  pk_net_otp_verify(h->net, o.o.otp_id, "000000", on_ses, &c);
  h_run_until(h, &c.done, 10000);
  char real[8];
  assert_int_equal(pk_window_sim_last_otp(h->sim, o.o.otp_id, real), 0);
  if (strcmp(real, "000000")) {
    assert_int_equal(c.ses.st.err, PK_NET_AUTH);
    assert_string_equal(c.ses.st.code, "otp_invalid");
  }
  /* Resend right away: too soon. */
  o.done = false;
  pk_net_otp_request(h->net, "0512345678", "09351112233", on_otp, &o);
  h_run_until(h, &o.done, 10000);
  assert_int_equal(o.o.st.err, PK_NET_SERVER);
  assert_int_equal(o.o.st.http_status, 429);
  assert_string_equal(o.o.st.code, "otp_resend_too_soon");
  assert_int_equal(o.o.st.attempts, 1); /* never retried: each try may send an SMS */
  /* Another mobile for the same national code: not registered. */
  o.done = false;
  pk_net_otp_request(h->net, "0512345678", "09359999999", on_otp, &o);
  h_run_until(h, &o.done, 10000);
  assert_int_equal(o.o.st.err, PK_NET_AUTH);
  assert_string_equal(o.o.st.code, "mobile_not_registered");
}


static void test_invalid_arguments_fail_through_callback(void **state) {
  harness *h = *state;
  ctx c = {0};
  pk_net_submit(h->net, "tamin-0001", "not json", "short", on_rec, &c);
  assert_false(c.done); /* never from inside the call */
  h_run_until(h, &c.done, 2000);
  assert_int_equal(c.rec.st.err, PK_NET_VALIDATION);
  c.done = false;
  pk_net_track(h->net, "../admin", on_rs, &c);
  h_run_until(h, &c.done, 2000);
  assert_int_equal(c.rs.st.err, PK_NET_VALIDATION);
  /* Cancel runs the callback once, synchronously. */
  c.done = false;
  pk_net_req *r = pk_net_inbox_get(h->net, on_inbox, &c);
  pk_net_cancel(r);
  assert_true(c.done);
  assert_int_equal(c.res.err, PK_NET_CANCELLED);
}

/* Requests, tracking codes and receipts survive a restart of the window (SQLite file). */
static void test_state_persists_across_restart(void **state) {
  harness *h = *state;
  h_stop(h);
  char dir[] = "/tmp/pk-net-persist-XXXXXX", db[64];
  assert_non_null(mkdtemp(dir));
  snprintf(db, sizeof db, "%s/sim.db", dir);
  pk_window_sim_opts o;
  pk_window_sim_opts_defaults(&o);
  o.db_path = db;
  h_start(h, &o, true);
  assert_int_equal(h_login_otp(h, "1234567891"), 2);
  const char *fields = "{\"national_code\":\"1234567891\",\"mobile\":\"09121234567\",\"birth_date\":\"1365/04/12\"}";
  char key[37], tc[32];
  pk_net_new_idem_key(key);
  ctx c = {0};
  pk_net_submit(h->net, "tamin-0001", fields, key, on_rec, &c);
  h_run_until(h, &c.done, 10000);
  assert_int_equal(c.rec.st.err, PK_NET_OK);
  snprintf(tc, sizeof tc, "%s", c.rec.tracking_code);
  /* Restart: same file, new port, new client, new login. */
  h_stop(h);
  h_start(h, &o, true);
  assert_int_equal(pk_window_sim_request_count(h->sim), 1);
  c.done = false;
  pk_net_track(h->net, tc, on_rs, &c);
  h_run_until(h, &c.done, 10000);
  assert_int_equal(c.rs.st.err, PK_NET_OK);
  assert_string_equal(c.rs.tracking_code, tc);
  assert_int_equal(h_login_otp(h, "0071234561"), 2);
  c.done = false;
  pk_net_submit(h->net, "tamin-0001", fields, key, on_rec, &c);
  h_run_until(h, &c.done, 10000);
  /* The key belongs to the earlier content; another citizen's content under it is refused. */
  assert_int_equal(c.rec.st.err, PK_NET_VALIDATION);
  assert_string_equal(c.rec.st.code, "idempotency_key_reused");
  assert_int_equal(pk_window_sim_request_count(h->sim), 1);
  char p[96];
  snprintf(p, sizeof p, "%s-wal", db);
  unlink(p);
  snprintf(p, sizeof p, "%s-shm", db);
  unlink(p);
  unlink(db);
  rmdir(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_catalog_sync_etag_and_search, setup, teardown),
    cmocka_unit_test_setup_teardown(test_otp_submit_replay_status_inbox_doc_logout, setup, teardown),
    cmocka_unit_test_setup_teardown(test_card_login, setup, teardown),
    cmocka_unit_test_setup_teardown(test_otp_wrong_code_and_resend_limit, setup, teardown),
    cmocka_unit_test_setup_teardown(test_invalid_arguments_fail_through_callback, setup, teardown),
    cmocka_unit_test_setup_teardown(test_state_persists_across_restart, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
