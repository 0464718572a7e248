/* The fee of a request, paid on the office's card terminal (docs/payment.md): the invoice is
 * made at the window under the request's own idempotency key (drafted here, before the
 * invoice, and used by the submit), the sale runs on the payment worker (it blocks for the
 * citizen's card and PIN), the window confirms the bank reference, then the request carries
 * the invoice. Money not attached to a submitted request is reversed: on Cancel, on a session
 * that ends first, on a request refused for good, and at start (pk_pay_resolve_pending). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_pay.h"
#include "pishkhan/i18n.h"
#include "pishkhan/log.h"
#include "pishkhan/module_opts.h"
#include "pishkhan/payment.h"

typedef enum { J_SALE, J_REVERSE, J_REQUEST_ENDED, J_RESOLVE } job_kind;

typedef struct {
  pk_backend *be;
  job_kind kind;
  unsigned gen;
  bool tell;              /* the citizen waits for this job's outcome */
  const char *why;        /* for a reversal: the sentence told when it is done */
  int64_t amount;
  char invoice[40], idem[65], trace[PK_PAY_TRACE_LEN + 1], tracking[33];
  bool delivered;         /* J_REQUEST_ENDED: the window registered the request */
  int rc;
  pk_pay_record rec;
} pay_job;

void pk_be_pay_tell(pk_backend *be, unsigned gen, pk_app_pay_outcome o, const char *msgid) {
  pk_app_payment p = be->pay->shown;
  p.outcome = o;
  p.msgid = msgid;
  if (be->app) pk_app_pay_update(be->app, gen, &p);
}

static const char *offline_msgid(void) {
  return N_("Without a connection to the national window, a service with a fee cannot be paid or sent here. "
            "Nothing was charged. Please try again when the connection returns.");
}

/* ---- the payment worker ---- */

pk_be_request_of pk_be_pay_request_of(pk_backend *be, const pk_pay_record *r, char tracking[32]) {
  pk_outbox_row row;
  if (!be->ob || pk_outbox_get_by_key(be->ob, r->idem_key, false, &row) != 0) return PK_BE_REQ_NONE;
  /* Exported to another kiosk's bundle, it is still under way: it is delivered from there. */
  pk_be_request_of of = row.state == PK_OB_DELIVERED ? PK_BE_REQ_DELIVERED
                        : row.state == PK_OB_SENDING || row.state == PK_OB_QUEUED || row.state == PK_OB_EXPORTED
                            ? PK_BE_REQ_UNDER_WAY
                            : PK_BE_REQ_NONE;
  snprintf(tracking, 32, "%s", row.tracking_code);
  pk_outbox_row_clear(&row);
  return of;
}

/* Kept while its request is under way; attached now if that request was delivered (a kiosk
 * stopped between the delivery and the attaching): no request carries it, it is reversed. */
static bool keep_if_pending(void *ud, const pk_pay_record *r) {
  pk_backend *be = ud;
  char tracking[32];
  pk_be_request_of of = pk_be_pay_request_of(be, r, tracking);
  if (of == PK_BE_REQ_DELIVERED && pk_pay_mark_submitted(be->pay->store, r->trace, tracking) != PK_PAY_OK)
    pk_err("payment %s: its delivered request could not be attached; attached at the next start", r->trace);
  return of != PK_BE_REQ_NONE;
}

static void sale_run(pay_job *j, struct pk_be_pay *p) {
  j->rc = pk_pay_begin(p->store, j->amount, j->invoice, j->idem, &j->rec);
  if (j->rc == PK_PAY_OK && j->rec.state == PK_PAY_CREATED) j->rc = pk_pay_sale(p->store, p->term, j->rec.trace, &j->rec);
}

/* A payment to the window is given back by the settling round on the loop (its invoice
 * cancelled), not here. */
static void request_ended_run(pay_job *j, struct pk_be_pay *p) {
  j->rc = pk_pay_find(p->store, j->idem, &j->rec);
  if (j->rc != PK_PAY_OK || j->rec.state != PK_PAY_APPROVED) return;
  if (j->delivered) j->rc = pk_pay_mark_submitted(p->store, j->rec.trace, j->tracking);
  else if (j->rec.method == PK_PAY_CARD) j->rc = pk_pay_reverse(p->store, p->term, j->rec.trace, &j->rec);
}

static void job_run(void *arg) {
  pay_job *j = arg;
  struct pk_be_pay *p = j->be->pay;
  switch (j->kind) {
  case J_SALE: sale_run(j, p); break;
  case J_REVERSE: j->rc = pk_pay_reverse(p->store, p->term, j->trace, &j->rec); break;
  case J_REQUEST_ENDED: request_ended_run(j, p); break;
  case J_RESOLVE: j->rc = pk_pay_resolve_pending(p->store, p->term, keep_if_pending, j->be); break;
  }
}

static void job_done(void *arg);

/* A job the worker cannot take still answers (as not run: rc EIO, state unknown). */
static void run_job(pk_backend *be, pay_job *j) {
  j->rc = PK_PAY_EIO;
  j->rec.state = PK_PAY_STATE_COUNT;
  if (pk_worker_submit(be->pay->worker, job_run, job_done, j) == 0) return;
  pk_err("payment worker refused a job: answering it as failed");
  if (pk_loop_post_call(be->loop, job_done, j) != 0) free(j);
}

static pay_job *job_new(pk_backend *be, job_kind kind) {
  pay_job *j = calloc(1, sizeof *j);
  if (!j) pk_err("payment: out of memory");
  if (j) *j = (pay_job){.be = be, .kind = kind, .gen = be->pay->gen};
  return j;
}

static void reverse(pk_backend *be, const char *trace, bool tell_citizen, const char *why) {
  pay_job *j = job_new(be, J_REVERSE);
  if (!j) return;
  snprintf(j->trace, sizeof j->trace, "%s", trace);
  j->tell = tell_citizen;
  j->why = why;
  run_job(be, j);
}

/* ---- the steps, on the loop ---- */

static void confirmed(const pk_net_invoice *r, void *ud) {
  pk_backend *be = ud;
  struct pk_be_pay *p = be->pay;
  p->req = NULL;
  if (r->st.err == PK_NET_CANCELLED) return;
  bool paid = r->st.err == PK_NET_OK && !strcmp(r->status, "paid");
  if (paid && !p->abandoned) {
    p->stage = P_PAID;
    pk_info("payment %s confirmed by the window (invoice %s)", p->trace, p->shown.invoice);
    pk_be_pay_tell(be, p->gen, PK_APP_PAY_APPROVED, N_("The payment was approved."));
    return;
  }
  pk_warn("payment %s: the window did not confirm it (%s): reversing", p->trace, pk_net_error_name(r->st.err));
  p->stage = P_IDLE;
  reverse(be, p->trace, !p->abandoned,
          N_("The national window could not confirm the payment, so it was reversed: the amount is given back to "
             "your card. You can try again."));
}

static void sale_done(pay_job *j) {
  pk_backend *be = j->be;
  struct pk_be_pay *p = be->pay;
  pk_pay_state st = j->rec.state;
  bool live = st == PK_PAY_APPROVED || st == PK_PAY_UNCERTAIN || st == PK_PAY_SENT;
  snprintf(p->trace, sizeof p->trace, "%s", j->rec.trace);
  p->stage = P_IDLE;
  if (p->abandoned || j->gen != p->gen) {
    if (live) reverse(be, j->rec.trace, false, NULL); /* nobody to attach it to */
    return;
  }
  if (st == PK_PAY_APPROVED) {
    p->stage = P_CONFIRMING;
    snprintf(p->shown.rrn, sizeof p->shown.rrn, "%s", j->rec.rrn);
    pk_be_pay_tell(be, p->gen, PK_APP_PAY_PROGRESS, N_("Approved by the bank. The national window is confirming the payment..."));
    p->req = pk_net_invoice_pay(be->net, j->invoice, j->rec.rrn, p->term->tid, j->rec.trace + PK_PAY_TRACE_LEN - 6,
                                confirmed, be);
    return;
  }
  if (live) {
    pk_be_pay_tell(be, p->gen, PK_APP_PAY_PROGRESS, N_("Checking with the card terminal..."));
    reverse(be, j->rec.trace, true, NULL);
    return;
  }
  if (st == PK_PAY_REVERSED) pk_be_pay_tell(be, p->gen, PK_APP_PAY_REVERSED, pk_pay_outcome_text(&j->rec));
  else if (st == PK_PAY_DECLINED) pk_be_pay_tell(be, p->gen, PK_APP_PAY_DECLINED, pk_pay_outcome_text(&j->rec));
  else pk_be_pay_tell(be, p->gen, PK_APP_PAY_DECLINED, N_("The card terminal cannot be reached. No money was taken."));
}

static void reverse_done(pay_job *j) {
  pk_backend *be = j->be;
  if (j->rec.state == PK_PAY_REVERSED) pk_info("payment %s reversed", j->trace);
  else pk_err("payment %s: reversal not acknowledged yet; resolved with the terminal later", j->trace);
  if (!j->tell || j->gen != be->pay->gen || be->pay->abandoned) return;
  if (j->rec.state != PK_PAY_REVERSED)
    pk_be_pay_tell(be, j->gen, PK_APP_PAY_REVERSED,
         N_("The card terminal did not answer. The kiosk keeps checking with it and gives back any amount taken; "
            "please keep your card's slip and ask the clerk."));
  else pk_be_pay_tell(be, j->gen, PK_APP_PAY_REVERSED, j->why ? j->why : pk_pay_outcome_text(&j->rec));
}

static void resolve_tick(pk_loop *loop, unsigned id, void *ud);

/* The first round holds everyone; a terminal it could not reach then holds only the fees: a
 * kiosk whose terminal is unplugged still serves every free service, and sells nothing until
 * the earlier payments are settled. */
static void resolve_done(pay_job *j) {
  struct pk_be_pay *p = j->be->pay;
  p->holding = false;
  if (j->rc == 0) {
    p->resolving = false;
    return;
  }
  pk_warn("payment: %d earlier payment(s) not yet settled with the terminal; asking again", j->rc);
  p->retry_timer = pk_loop_timer(j->be->loop, 10000, resolve_tick, j->be);
}

/* A completion the loop runs after the payment side closed is only freed: its outcome is in the
 * store, and the next start resolves it. */
static void job_done(void *arg) {
  pay_job *j = arg;
  switch (!j->be->pay || j->be->pay->closing ? J_REQUEST_ENDED : j->kind) {
  case J_SALE: sale_done(j); break;
  case J_REVERSE: reverse_done(j); break;
  case J_REQUEST_ENDED:
    if (j->rc == PK_PAY_OK && j->rec.state == PK_PAY_REVERSED) pk_info("payment %s reversed: its request failed", j->rec.trace);
    if (j->rc == PK_PAY_OK && j->rec.state == PK_PAY_APPROVED && j->rec.method != PK_PAY_CARD && j->be->pay &&
        !j->be->pay->closing)
      pk_be_pay_window_settle(j->be); /* its request failed for good: the window gives it back */
    break;
  case J_RESOLVE: resolve_done(j); break;
  }
  pk_wipe(j, sizeof *j);
  free(j);
}

static void start_resolve(pk_backend *be) {
  pay_job *j = job_new(be, J_RESOLVE);
  if (j) run_job(be, j);
  else be->pay->resolving = be->pay->holding = false;
}

static void resolve_tick(pk_loop *loop, unsigned id, void *ud) {
  (void)loop;
  (void)id;
  pk_backend *be = ud;
  be->pay->retry_timer = 0;
  start_resolve(be);
}

static void invoiced(const pk_net_invoice *r, void *ud) {
  pk_backend *be = ud;
  struct pk_be_pay *p = be->pay;
  p->req = NULL;
  if (r->st.err == PK_NET_CANCELLED) return;
  p->stage = P_IDLE;
  if (r->st.err != PK_NET_OK || r->amount_rials <= 0) {
    pk_be_pay_tell(be, p->gen, PK_APP_PAY_DECLINED, pk_net_error_msgid(r->st.err));
    return;
  }
  p->shown.amount = r->amount_rials;
  snprintf(p->shown.invoice, sizeof p->shown.invoice, "%s", r->invoice_id);
  if (p->way != PK_PAY_CARD) {
    pk_be_pay_window_invoiced(be);
    return;
  }
  pay_job *j = job_new(be, J_SALE);
  if (!j) return;
  p->stage = P_SELLING;
  j->amount = r->amount_rials;
  snprintf(j->invoice, sizeof j->invoice, "%s", r->invoice_id);
  snprintf(j->idem, sizeof j->idem, "%s", p->draft.idem_key);
  run_job(be, j);
}

/* A payment already under way for this service in this session goes on; another one starts
 * with a fresh request key (an earlier approved one was reversed or attached already). */
static bool begin(pk_backend *be, unsigned gen, const char *service_id) {
  struct pk_be_pay *p = be->pay;
  bool same = p->gen == gen && !strcmp(p->service_id, service_id) && p->draft.idem_key[0];
  if (p->stage != P_IDLE && p->stage != P_PAID) return same; /* a step is under way: its answer comes */
  if (!same) {
    pk_outbox_row_clear(&p->draft);
    if (!pk_outbox_draft(be->ob, &p->draft)) return false;
    p->shown = (pk_app_payment){.way = (pk_app_pay_way)p->way};
  }
  p->gen = gen;
  p->abandoned = false;
  snprintf(p->service_id, sizeof p->service_id, "%s", service_id);
  return true;
}

void pk_be_pay(void *bep, pk_app *app, unsigned gen, const char *service_id, long long amount) {
  pk_backend *be = bep;
  be->app = app;
  struct pk_be_pay *p = be->pay;
  if (!p || !p->store) {
    pk_app_payment no = {.outcome = PK_APP_PAY_UNAVAILABLE,
                         .msgid = N_("The fee of this service cannot be paid at this kiosk, so the request was not "
                                     "sent. Please pay and send it at the counter.")};
    pk_app_pay_update(app, gen, &no);
    return;
  }
  if (p->way == PK_PAY_CASH && !pk_app_assisted_by(app)) {
    pk_app_payment no = {.outcome = PK_APP_PAY_UNAVAILABLE,
                         .msgid = N_("Cash is taken only at a counter, by a clerk on shift. Nothing was charged; "
                                     "the request was not sent.")};
    pk_app_pay_update(app, gen, &no);
    return;
  }
  if (p->resolving || p->window_open) {
    pk_app_payment no = {.outcome = PK_APP_PAY_UNAVAILABLE,
                         .msgid = p->resolving
                                      ? N_("The card terminal has not yet settled an earlier payment, so no fee can be "
                                           "paid here now. Nothing was charged. Services without a fee can still be "
                                           "used; please ask the clerk.")
                                      : N_("The national window has not yet settled an earlier payment with this "
                                           "kiosk, so no fee can be paid here now. Nothing was charged. Services "
                                           "without a fee can still be used; please ask the clerk.")};
    pk_app_pay_update(app, gen, &no);
    return;
  }
  if (pk_link_queue_new(be->link) || !pk_net_has_session(be->net)) {
    pk_app_payment no = {.outcome = PK_APP_PAY_UNAVAILABLE, .msgid = offline_msgid()};
    pk_app_pay_update(app, gen, &no);
    return;
  }
  if (!begin(be, gen, service_id)) return;
  if (p->stage == P_PAID) {
    pk_be_pay_tell(be, gen, PK_APP_PAY_APPROVED, N_("The payment was approved."));
    return;
  }
  pk_info("payment of %lld rials for %s: asking the window for an invoice", amount, service_id);
  p->stage = P_INVOICING;
  p->req = pk_net_invoice_create(be->net, service_id, p->draft.idem_key, invoiced, be);
}

/* ---- the session's end, the request's end ---- */

/* What the citizen leaves behind is given back, unless a request already carries it. */
static void abandon(pk_backend *be) {
  struct pk_be_pay *p = be->pay;
  if (!p) return;
  if (p->stage == P_INVOICING) {
    pk_net_req *r = p->req;
    p->req = NULL;
    pk_net_cancel(r);
    p->stage = P_IDLE;
  }
  if (p->way != PK_PAY_CARD) pk_be_pay_window_abandon(be);
  if (p->stage == P_PAID) reverse(be, p->trace, false, NULL);
  if (p->stage == P_PAID || p->stage == P_SUBMITTING) p->stage = P_IDLE;
  p->abandoned = p->stage != P_IDLE; /* selling or confirming: reversed when it ends */
  p->gen = 0;
  p->service_id[0] = 0;
  pk_outbox_row_clear(&p->draft);
}

void pk_be_pay_cancel(void *bep, pk_app *app, unsigned gen) {
  pk_backend *be = bep;
  (void)app;
  if (be->pay && be->pay->gen == gen) abandon(be);
}

void pk_be_pay_session_end(pk_backend *be) { abandon(be); }

const char *pk_be_pay_claim(pk_backend *be, const char *service_id, pk_outbox_row *row) {
  struct pk_be_pay *p = be->pay;
  if (!p || p->stage != P_PAID || strcmp(p->service_id, service_id)) return NULL;
  *row = p->draft;
  p->stage = P_SUBMITTING;
  return p->shown.invoice;
}

long long pk_be_pay_claimed(const pk_backend *be, const char *service_id) {
  const struct pk_be_pay *p = be->pay;
  return p && p->stage == P_SUBMITTING && !strcmp(p->service_id, service_id) ? p->shown.amount : 0;
}

const char *pk_be_pay_refusal(pk_backend *be, const pk_service *svc, bool offline) {
  (void)be;
  return svc && svc->fee_rials > 0 && offline ? offline_msgid() : NULL;
}

void pk_be_pay_request_ended(pk_backend *be, const pk_outbox_row *row) {
  bool delivered = row->state == PK_OB_DELIVERED;
  if (!be->pay || !be->pay->store || (!delivered && row->state != PK_OB_FAILED && row->state != PK_OB_NOT_REGISTERED))
    return;
  pay_job *j = job_new(be, J_REQUEST_ENDED);
  if (!j) return;
  j->delivered = delivered;
  snprintf(j->idem, sizeof j->idem, "%s", row->idem_key);
  snprintf(j->tracking, sizeof j->tracking, "%s", row->tracking_code);
  run_job(be, j);
}

const char *pk_be_pay_hold(const pk_backend *be) {
  return be->pay && be->pay->holding
             ? N_("Please wait: the kiosk is settling earlier card payments with the card terminal.")
             : NULL;
}

/* ---- life ---- */

int pk_be_open_pay(pk_backend *be, char **err) {
  struct pk_be_pay *p = calloc(1, sizeof *p);
  if (!p || !(p->worker = pk_worker_new(be->loop))) {
    free(p);
    *err = strdup("out of memory");
    return -1;
  }
  be->pay = p;
  if (!strcmp(be->cfg->pay_terminal, "none")) return 0;
  char path[PK_CFG_STR + 16], why[256] = "";
  snprintf(path, sizeof path, "%s/payments.db", be->cfg->data_dir);
  pk_pay_opts o;
  pk_config_pay_opts(be->cfg, &o);
  if (!(p->store = pk_pay_store_open(path, &o, why, sizeof why))) {
    if (asprintf(err, "the payment store %s cannot be opened: %s", path, why) < 0) *err = NULL;
    return -1;
  }
  p->way = !strcmp(be->cfg->pay_terminal, "qr") ? PK_PAY_PHONE : !strcmp(be->cfg->pay_terminal, "counter") ? PK_PAY_CASH
                                                                                                    : PK_PAY_CARD;
  /* Payments to the window an earlier run left open, whatever the way now: no fee is taken
   * before they are settled. */
  pk_pay_record *open = NULL;
  p->window_open = pk_pay_list_open_at_window(p->store, &open) != 0;
  free(open);
  pk_be_pay_window_settle(be);
  if (p->way == PK_PAY_CASH && be->cfg->face != PK_FACE_COUNTER) {
    *err = strdup("[payment] terminal = counter takes cash from a clerk: it needs [counter] mode = counter");
    return -1;
  }
  if (p->way != PK_PAY_CARD) return 0;
  if (!(p->term = pk_config_pay_terminal(be->cfg))) {
    if (asprintf(err, "[payment] terminal_dest \"%s\" cannot be used for %s", be->cfg->pay_terminal_dest,
                 be->cfg->pay_terminal) < 0)
      *err = NULL;
    return -1;
  }
  p->resolving = p->holding = true;
  start_resolve(be);
  return 0;
}

void pk_be_close_pay(pk_backend *be) {
  struct pk_be_pay *p = be->pay;
  if (!p) return;
  if (p->retry_timer) pk_loop_timer_cancel(be->loop, p->retry_timer);
  pk_be_pay_window_close(be);
  pk_net_req *r = p->req;
  p->req = NULL;
  pk_net_cancel(r);
  p->closing = true;
  pk_worker_free(p->worker); /* waits for a sale under way: it ends in the store, resolved at the next start */
  pk_pay_terminal_close(p->term);
  pk_pay_store_close(p->store);
  pk_outbox_row_clear(&p->draft);
  pk_wipe(p, sizeof *p);
  free(p);
  be->pay = NULL;
}
