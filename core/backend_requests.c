/* The backend's requests to the national window (submit, track, inbox, documents) and
 * printing. Answers are copied into the app's own structs: net results live only
 * during their callback. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/sha.h>

#include "backend_private.h"
#include "pishkhan/i18n.h"
#include "pishkhan/log.h"
#include "pishkhan/metrics.h"
#include "pishkhan/receipt.h"

typedef struct {
  pk_backend *be;
  pk_app *app;
  unsigned gen;
  char jws_err[256];
  char *jws;
  int rc;
  char printed_code[48], printed_service[48]; /* print: the receipt's, for the audit log */
  pk_app_entity obo;   /* print: the company the session acts for (its name is printed) */
} req_ctx;

static req_ctx *ctx_new(pk_backend *be, pk_app *app, unsigned gen) {
  req_ctx *c = calloc(1, sizeof *c);
  if (c) *c = (req_ctx){.be = be, .app = app, .gen = gen};
  be->app = app;
  return c;
}

/* The sentence for each cause net/ reports (net/ itself holds none). */
const char *pk_net_error_msgid(pk_net_error e) {
  switch (e) {
  case PK_NET_OK: return N_("Done.");
  case PK_NET_OFFLINE: return N_("The national window cannot be reached. Please try again later or ask the clerk.");
  case PK_NET_TIMEOUT: return N_("The national window did not answer in time. Please try again.");
  case PK_NET_SERVER: return N_("The national window has a problem right now. Please try again in a few minutes.");
  case PK_NET_AUTH:
    return N_("Your session with the national window has ended. Please take your card and start again.");
  case PK_NET_VALIDATION: return N_("The national window did not accept this request.");
  case PK_NET_CANCELLED: return N_("Cancelled.");
  case PK_NET_TLS:
    return N_("The secure connection to the national window could not be verified. Please ask the clerk.");
  case PK_NET_STORAGE: return N_("This kiosk cannot save its data (its disk may be full). Please ask the clerk.");
  case PK_NET_INTERNAL: return N_("This kiosk could not prepare the request. Please try again or ask the clerk.");
  case PK_NET_PROTOCOL:
  default: return N_("The national window sent an answer that could not be understood.");
  }
}

const char *pk_net_state_msgid(pk_net_error e) {
  switch (e) {
  case PK_NET_OK: return N_("online");
  case PK_NET_OFFLINE:
  case PK_NET_TIMEOUT:
  case PK_NET_CANCELLED: return N_("offline queue");
  case PK_NET_SERVER: return N_("the window has a problem");
  case PK_NET_AUTH: return N_("this kiosk is not accepted");
  case PK_NET_TLS: return N_("secure connection failed");
  case PK_NET_STORAGE: return N_("kiosk disk full or read-only");
  case PK_NET_INTERNAL: return N_("kiosk error");
  case PK_NET_VALIDATION:
  case PK_NET_PROTOCOL:
  default: return N_("bad answer from the window");
  }
}

/* NULL for success and for a cancel (nobody is waiting for a cancelled answer). */
static bool failed(const pk_net_result *r, pk_app_failure *f) {
  memset(f, 0, sizeof *f);
  if (r->err == PK_NET_OK) return false;
  f->msgid = pk_net_error_msgid(r->err);
  /* The window's own explanation, when it sent one. */
  snprintf(f->fa, sizeof f->fa, "%s", r->message_fa);
  snprintf(f->en, sizeof f->en, "%s", r->message_en);
  pk_warn("window request failed: %s (%s, HTTP %d, %d attempts%s%s)", pk_net_error_name(r->err), r->code,
          r->http_status, r->attempts, r->detail[0] ? ": " : "", r->detail);
  return true;
}

/* The app may be gone (shutdown) or on another citizen (generation). */
static bool current(const req_ctx *c) { return c->be->app && pk_app_generation(c->be->app) == c->gen; }

static bool settle(req_ctx *c, const pk_net_result *r) {
  c->be->inflight = NULL;
  return r->err != PK_NET_CANCELLED && current(c);
}

static void track_done(const pk_net_req_status *r, void *ud) {
  req_ctx *c = ud;
  if (settle(c, &r->st)) {
    pk_app_failure f;
    pk_app_status st = {0};
    snprintf(st.tracking, sizeof st.tracking, "%s", r->tracking_code);
    snprintf(st.service_id, sizeof st.service_id, "%s", r->service_id);
    snprintf(st.status_fa, sizeof st.status_fa, "%s", r->status_fa);
    snprintf(st.status_en, sizeof st.status_en, "%s", r->status_en);
    st.submitted_at = r->submitted_at;
    st.updated_at = r->updated_at;
    bool fail = failed(&r->st, &f);
    if (fail && r->st.http_status == 404) f = (pk_app_failure){.msgid = pk_app_code_not_found_msgid()};
    pk_app_track_done(c->app, c->gen, fail ? &f : NULL, &st);
  }
  free(c);
}

/* A queue reference is answered from this kiosk's own store: queued, delivered (with the
 * window's tracking code), refused (with its reason) or still being resolved. */
static const char *row_state_msgid(const pk_outbox_row *row) {
  switch (row->state) {
  case PK_OB_DELIVERED: return N_("Delivered to the national window. Its tracking code is shown above.");
  case PK_OB_QUEUED: return N_("Queued at this kiosk: it will be delivered when the connection returns.");
  case PK_OB_FAILED: return N_("The national window refused this request. Please ask the clerk.");
  case PK_OB_NOT_REGISTERED: return N_("The national window never received this request: nothing was registered.");
  default: return N_("Being delivered: the kiosk is confirming it with the national window.");
  }
}

static void profile_done(const pk_net_profile *r, void *ud) {
  req_ctx *c = ud;
  if (r->st.err == PK_NET_OK && current(c)) pk_app_profile(c->app, c->gen, r->mobile, r->postal_code);
  else if (r->st.err != PK_NET_CANCELLED) pk_debug("profile: %s (forms ask the citizen)", pk_net_error_name(r->st.err));
  free(c);
}

/* Not the session's one in-flight call (a cancel must not stop it): it runs beside the rest. */
void pk_be_ask_profile(pk_backend *be, unsigned gen) {
  req_ctx *c = be->app ? ctx_new(be, be->app, gen) : NULL;
  if (c && !pk_net_profile_get(be->net, profile_done, c)) free(c);
}

/* After sign-in: the citizen's newest request here in the last day (matched by the masked
 * national code, the only form of it the store keeps). */
void pk_be_tell_recent(pk_backend *be, unsigned gen) {
  const pk_citizen *who = be->app ? pk_app_citizen(be->app) : NULL;
  if (!who || !be->ob) return;
  char masked[16];
  pk_mask_national_code(who->national_code, masked, sizeof masked);
  enum { N = 32 };
  pk_outbox_row rows[N];
  size_t n = pk_outbox_list(be->ob, rows, N, 0);
  int64_t since = (int64_t)time(NULL) - 24 * 3600;
  bool told = false;
  for (size_t i = 0; i < n; i++) {
    if (!told && rows[i].created_at >= since && !strcmp(rows[i].national_masked, masked)) {
      pk_app_recent r = {.state_msgid = row_state_msgid(&rows[i]), .at = rows[i].created_at};
      snprintf(r.ref, sizeof r.ref, "%.15s", rows[i].ref);
      snprintf(r.service_id, sizeof r.service_id, "%.31s", rows[i].service_id);
      snprintf(r.tracking, sizeof r.tracking, "%.31s", rows[i].tracking_code);
      pk_app_recent_request(be->app, gen, &r);
      told = true;
    }
    pk_outbox_row_clear(&rows[i]);
  }
}

static bool track_local(pk_backend *be, pk_app *app, unsigned gen, const char *ref) {
  pk_outbox_row row;
  if (!be->ob || pk_outbox_get(be->ob, ref, false, &row) != 0) return false;
  pk_app_status st = {0};
  snprintf(st.tracking, sizeof st.tracking, "%s", row.tracking_code[0] ? row.tracking_code : row.ref);
  snprintf(st.service_id, sizeof st.service_id, "%s", row.service_id);
  const char *msgid = row_state_msgid(&row);
  snprintf(st.status_fa, sizeof st.status_fa, "%s", pk_tr_fa(msgid));
  snprintf(st.status_en, sizeof st.status_en, "%s", msgid);
  if (row.state == PK_OB_FAILED && row.last_error[0])
    snprintf(st.status_en + strlen(st.status_en), sizeof st.status_en - strlen(st.status_en), " (%s)", row.last_error);
  st.submitted_at = row.created_at;
  st.updated_at = row.updated_at;
  st.jws = row.state == PK_OB_DELIVERED ? row.receipt_jws : NULL;
  pk_app_track_done(app, gen, NULL, &st);
  pk_outbox_row_clear(&row);
  return true;
}

void pk_be_track(void *bep, pk_app *app, unsigned gen, const char *tracking) {
  pk_backend *be = bep;
  be->app = app;
  if (track_local(be, app, gen, tracking)) return;
  req_ctx *c = ctx_new(be, app, gen);
  if (c) be->inflight = pk_net_track(be->net, tracking, track_done, c);
}

static void copy_item(pk_app_inbox_item *d, const pk_net_inbox_item *s) {
  snprintf(d->kind, sizeof d->kind, "%s", s->kind);
  snprintf(d->title_fa, sizeof d->title_fa, "%s", s->title_fa);
  snprintf(d->title_en, sizeof d->title_en, "%s", s->title_en);
  snprintf(d->body_fa, sizeof d->body_fa, "%s", s->body_fa);
  snprintf(d->body_en, sizeof d->body_en, "%s", s->body_en);
  snprintf(d->tracking, sizeof d->tracking, "%s", s->tracking_code ? s->tracking_code : "");
  d->at = s->created_at;
}

static void inbox_done(const pk_net_inbox *r, void *ud) {
  req_ctx *c = ud;
  if (settle(c, &r->st)) {
    pk_app_failure f;
    if (failed(&r->st, &f)) {
      pk_app_inbox_done(c->app, c->gen, &f, NULL, 0);
    } else {
      pk_app_inbox_item *items = calloc(r->n ? r->n : 1, sizeof *items);
      size_t n = items ? r->n : 0;
      for (size_t i = 0; i < n; i++) copy_item(&items[i], &r->items[i]);
      pk_app_inbox_done(c->app, c->gen, NULL, items, n);
      free(items);
    }
  }
  free(c);
}

void pk_be_inbox(void *bep, pk_app *app, unsigned gen) {
  pk_backend *be = bep;
  req_ctx *c = ctx_new(be, app, gen);
  if (c) be->inflight = pk_net_inbox_get(be->net, inbox_done, c);
}

static void copy_doc(pk_app_document *d, const pk_net_doc *s) {
  snprintf(d->title_fa, sizeof d->title_fa, "%s", s->title_fa);
  snprintf(d->title_en, sizeof d->title_en, "%s", s->title_en);
  snprintf(d->subject, sizeof d->subject, "%s", s->subject_fa ? s->subject_fa : "");
  d->rows = calloc(s->nrows ? s->nrows : 1, sizeof *d->rows);
  d->nrows = d->rows ? s->nrows : 0;
  for (size_t i = 0; i < d->nrows; i++) {
    snprintf(d->rows[i].label_fa, sizeof d->rows[i].label_fa, "%s", s->rows[i].label_fa);
    snprintf(d->rows[i].label_en, sizeof d->rows[i].label_en, "%s", s->rows[i].label_en);
    snprintf(d->rows[i].value, sizeof d->rows[i].value, "%s", s->rows[i].value);
    snprintf(d->rows[i].value_en, sizeof d->rows[i].value_en, "%s", s->rows[i].value_en);
  }
  d->jws = s->jws ? strdup(s->jws) : NULL;
}

static void document_done(const pk_net_doc *r, void *ud) {
  req_ctx *c = ud;
  if (settle(c, &r->st)) {
    pk_app_failure f;
    if (failed(&r->st, &f)) {
      pk_app_document_done(c->app, c->gen, &f, NULL);
    } else {
      pk_app_document doc = {0};
      copy_doc(&doc, r);
      pk_app_document_done(c->app, c->gen, NULL, &doc);
      free(doc.rows);
      free(doc.jws);
    }
  }
  free(c);
}

void pk_be_document(void *bep, pk_app *app, unsigned gen, const char *kind) {
  pk_backend *be = bep;
  req_ctx *c = ctx_new(be, app, gen);
  if (c) be->inflight = pk_net_document(be->net, kind, NULL, document_done, c);
}

/* Printing blocks on a socket or CUPS: it runs on the worker. */
static void print_run(void *p) {
  req_ctx *c = p;
  pk_receipt r;
  c->rc = pk_receipt_parse(c->jws, &r);
  if (c->rc == 0) {
    snprintf(r.office, sizeof r.office, "%s", c->be->cfg->office);
    if (r.on_behalf_of[0] && !strcmp(r.on_behalf_of, c->obo.legal_id))
      snprintf(r.on_behalf_name, sizeof r.on_behalf_name, "%s", c->obo.name);
    c->rc = pk_print_receipt(&c->be->printer, &r, c->jws, c->jws_err, sizeof c->jws_err);
    snprintf(c->printed_code, sizeof c->printed_code, "%s", r.tracking_code);
    snprintf(c->printed_service, sizeof c->printed_service, "%s", r.service_id);
  }
}

/* Main thread: a print that went out (confirmed or not) is an act of the kiosk; the same
 * token printed again is a reprint. */
static void audit_print(req_ctx *c) {
  if (c->rc != 0 && c->rc != -PK_RECEIPT_EUNCONFIRMED) return;
  unsigned char md[32];
  SHA256((const unsigned char *)c->jws, strlen(c->jws), md);
  bool again = !memcmp(md, c->be->last_print, sizeof md);
  memcpy(c->be->last_print, md, sizeof md);
  pk_be_audit_print(c->be, c->printed_code, c->printed_service, again);
}

static void print_done(void *p) {
  req_ctx *c = p;
  audit_print(c);
  if (current(c)) {
    pk_app_failure f = {.msgid = c->rc == -PK_RECEIPT_EUNCONFIRMED
                                     ? N_("The printer did not confirm your receipt. If none came out, press 1 to "
                                          "print it again, or ask the clerk.")
                                     : N_("The receipt could not be printed. Press 1 to try again, or ask the clerk.")};
    if (c->rc != 0) pk_log_event(PK_LOG_WARN, "print", NULL, "print failed: %s", c->jws_err);
    pk_metrics_inc(PK_M_PRINT_JOBS, c->rc == 0 ? "ok" : c->rc == -PK_RECEIPT_EUNCONFIRMED ? "unconfirmed" : "error");
    pk_app_print_done(c->app, c->gen, c->rc == 0 ? NULL : &f);
  }
  free(c->jws);
  free(c);
}

void pk_be_print(void *bep, pk_app *app, unsigned gen, const char *jws) {
  pk_backend *be = bep;
  req_ctx *c = ctx_new(be, app, gen);
  if (!c) return;
  c->jws = strdup(jws);
  const pk_app_entity *obo = pk_app_acting_for(app); /* the name goes on paper, from the session */
  if (obo) c->obo = *obo;
  if (pk_worker_submit(be->worker, print_run, print_done, c) != 0) {
    /* Not queued: answer now, or the print spinner would never end. */
    c->rc = -1;
    snprintf(c->jws_err, sizeof c->jws_err, "the print job could not be queued");
    print_done(c);
  }
}

/* ---- sign-in without a card: a one-time code to the registered mobile ---- */

static void otp_sent(const pk_net_otp *r, void *ud) {
  req_ctx *c = ud;
  if (settle(c, &r->st)) {
    pk_app_failure f;
    bool fail = failed(&r->st, &f);
    if (!fail) snprintf(c->be->otp_id, sizeof c->be->otp_id, "%s", r->otp_id);
    pk_app_otp_sent(c->app, c->gen, fail ? &f : NULL, r->mobile_masked);
  }
  free(c);
}

void pk_be_otp_request(void *bep, pk_app *app, unsigned gen, const char *national_code, const char *mobile) {
  pk_backend *be = bep;
  req_ctx *c = ctx_new(be, app, gen);
  if (c) be->inflight = pk_net_otp_request(be->net, national_code, mobile, otp_sent, c);
}

static void otp_session(const pk_net_session *s, void *ud) {
  req_ctx *c = ud;
  if (settle(c, &s->st)) {
    pk_app_failure f;
    bool fail = failed(&s->st, &f);
    pk_app_otp_done(c->app, c->gen, fail ? &f : NULL, s->level, s->name_fa, s->name_en);
    const pk_citizen *who = fail ? NULL : pk_app_citizen(c->app);
    if (who) pk_be_audit_auth(c->be, "otp", s->level, who->national_code);
    if (who) pk_be_ask_profile(c->be, c->gen);
  }
  free(c);
}

/* The code leaves the app's secret only for the request body, and this copy is wiped at once. */
void pk_be_otp_verify(void *bep, pk_app *app, unsigned gen, pk_secret *code) {
  pk_backend *be = bep;
  req_ctx *c = ctx_new(be, app, gen);
  if (!c) return;
  char text[16] = "";
  size_t n = pk_secret_len(code) < sizeof text - 1 ? pk_secret_len(code) : sizeof text - 1;
  memcpy(text, pk_secret_data(code), n);
  be->inflight = pk_net_otp_verify(be->net, be->otp_id, text, otp_session, c);
  pk_wipe(text, sizeof text);
}

static void level1_session(const pk_net_session *s, void *ud) {
  req_ctx *c = ud;
  if (settle(c, &s->st)) {
    pk_app_failure f;
    bool fail = failed(&s->st, &f);
    pk_app_level1_done(c->app, c->gen, fail ? &f : NULL, s->level);
    const pk_citizen *who = fail ? NULL : pk_app_citizen(c->app);
    if (who) pk_be_audit_auth(c->be, "level1", s->level, who->national_code);
    if (who) pk_be_ask_profile(c->be, c->gen);
  }
  free(c);
}

void pk_be_level1(void *bep, pk_app *app, unsigned gen, const char *national_code, const char *birth_date) {
  pk_backend *be = bep;
  req_ctx *c = ctx_new(be, app, gen);
  if (c) be->inflight = pk_net_level1(be->net, national_code, birth_date, level1_session, c);
}

/* ---- counter: the companies a citizen signs for, and the clerk's register ---- */

static void entities_got(const pk_net_entities *r, void *ud) {
  req_ctx *c = ud;
  if (settle(c, &r->st)) {
    pk_app_failure f;
    bool fail = failed(&r->st, &f);
    size_t n = fail ? 0 : r->n;
    pk_app_entity *v = n ? calloc(n, sizeof *v) : NULL;
    for (size_t i = 0; v && i < n; i++) {
      snprintf(v[i].legal_id, sizeof v[i].legal_id, "%s", r->items[i].legal_id);
      snprintf(v[i].name, sizeof v[i].name, "%s", r->items[i].name);
    }
    pk_app_entities_done(c->app, c->gen, fail ? &f : NULL, v, v ? n : 0);
    free(v);
  }
  free(c);
}

void pk_be_entities(void *bep, pk_app *app, unsigned gen) {
  pk_backend *be = bep;
  req_ctx *c = ctx_new(be, app, gen);
  if (c) be->inflight = pk_net_entities_get(be->net, entities_got, c);
}

static unsigned clerk_perms(const pk_net_clerk *k) {
  static const struct { const char *name; unsigned bit; } known[] = {
      {"serve_card", PK_PERM_SERVE_CARD}, {"serve_otp", PK_PERM_SERVE_OTP}, {"serve_level1", PK_PERM_SERVE_LEVEL1},
      {"act_for_entity", PK_PERM_ENTITY}, {"cash_payment", PK_PERM_CASH}};
  unsigned p = 0;
  for (size_t i = 0; i < k->npermissions; i++)
    for (size_t j = 0; j < sizeof known / sizeof *known; j++)
      if (!strcmp(k->permissions[i], known[j].name)) p |= known[j].bit;
  return p;
}

/* Refused by the register (403 not_a_clerk) is not the same as a window out of reach. */
static pk_card_result clerk_result(const pk_net_result *st) {
  switch (st->err) {
  case PK_NET_OK: return PK_CARDRES_OK;
  case PK_NET_AUTH: return PK_CARDRES_NOT_CLERK;
  case PK_NET_OFFLINE:
  case PK_NET_TIMEOUT: return PK_CARDRES_NET;
  case PK_NET_SERVER: return PK_CARDRES_WINDOW_DOWN;
  case PK_NET_TLS: return PK_CARDRES_WINDOW_TLS;
  default: return PK_CARDRES_WINDOW_ANSWER;
  }
}

static bool clerk_from_copy(pk_backend *be, pk_app_clerk *k) {
  if (!pk_be_clerk_copy_find(be, k)) {
    pk_warn("counter: the window is out of reach and the register's copy has no fresh word on this card");
    return false;
  }
  pk_info("counter: clerk %s confirmed by the register's copy of %lld (no link to the window)", k->clerk_id, k->copy_of);
  return true;
}

static void clerk_got(const pk_net_clerk *r, void *ud) {
  req_ctx *c = ud;
  if (settle(c, &r->st)) {
    pk_app_clerk k = {0};
    pk_card_result res = clerk_result(&r->st);
    if (res == PK_CARDRES_OK) {
      snprintf(k.clerk_id, sizeof k.clerk_id, "%s", r->clerk_id);
      snprintf(k.office_id, sizeof k.office_id, "%s", r->office_id);
      snprintf(k.office_name, sizeof k.office_name, "%s", r->office_name);
      k.perms = clerk_perms(r);
      pk_be_clerk_copy_save(c->be, &k);
    } else {
      pk_warn("clerk not confirmed by the window: %s %s", pk_net_error_name(r->st.err), r->st.code);
    }
    /* The window out of reach (not a refusal): the register's last word on this card serves. */
    if (res == PK_CARDRES_NET && clerk_from_copy(c->be, &k)) res = PK_CARDRES_OK;
    pk_app_clerk_done(c->app, c->gen, res, res == PK_CARDRES_OK ? &k : NULL);
  }
  free(c);
}

void pk_be_clerk_check(void *bep, pk_app *app, unsigned gen) {
  pk_backend *be = bep;
  if (be->offline_session) { /* signed in without the window: there is no session to ask with */
    pk_app_clerk k;
    bool found = clerk_from_copy(be, &k);
    pk_app_clerk_done(app, gen, found ? PK_CARDRES_OK : PK_CARDRES_NET, found ? &k : NULL);
    return;
  }
  req_ctx *c = ctx_new(be, app, gen);
  if (c) be->inflight = pk_net_clerk_me(be->net, clerk_got, c);
}
