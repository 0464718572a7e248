/* The fee paid to the window itself (docs/payment.md, "The window's ways"): by the citizen's
 * own phone, through the invoice's payment link shown as a QR code and polled until paid, or in
 * cash to the clerk, who says when it is in hand and the window records it under the clerk's
 * id. No terminal is asked and nothing is reversed at one: what no request will carry is given
 * back by cancelling the invoice (unpaid: no longer payable; paid: refunded). Every payment is
 * a row of the payment store, durable before the citizen can pay; a settling round (at start,
 * after a session left one behind, after a request failed for good) ends each open row by the
 * window's word, read with the kiosk's certificate alone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_pay.h"
#include "pishkhan/i18n.h"
#include "pishkhan/log.h"

#define POLL_MS 2000    /* the phone's payment is seen within 2 s of the window's */
#define SETTLE_MS 10000 /* a round that could not end every row runs again */

static bool paid(const pk_net_invoice *v) { return v->st.err == PK_NET_OK && !strcmp(v->status, "paid"); }

static void step(pk_backend *be, const char *trace, pk_pay_state to, const char *ref, const char *note) {
  int rc = pk_pay_window_step(be->pay->store, trace, to, ref, note);
  if (rc != PK_PAY_OK && rc != PK_PAY_ESTATE)
    pk_err("payment %s: the store did not take \"%s\" (%d); settled again at the next start", trace,
           pk_pay_state_name(to), rc);
}

static void stop_poll(pk_backend *be) {
  if (be->pay->poll_timer) pk_loop_timer_cancel(be->loop, be->pay->poll_timer);
  be->pay->poll_timer = 0;
}

/* This session's payment went through: the window holds the invoice paid. */
static void approved(pk_backend *be, const pk_net_invoice *v) {
  struct pk_be_pay *p = be->pay;
  stop_poll(be);
  p->stage = P_PAID;
  snprintf(p->shown.rrn, sizeof p->shown.rrn, "%s", v->bank_ref);
  p->shown.pay_url[0] = 0;
  p->shown.clerk_confirms = false;
  step(be, p->trace, PK_PAY_APPROVED, v->bank_ref, v->method);
  if (p->way == PK_PAY_CASH) pk_be_audit_cash(be, "cash_received", p->shown.amount, v->invoice_id);
  pk_info("payment %s: the window holds invoice %s paid (%s)", p->trace, v->invoice_id, v->method);
  pk_be_pay_tell(be, p->gen, PK_APP_PAY_APPROVED,
                 p->way == PK_PAY_CASH ? N_("The cash payment was recorded by the national window.")
                                       : N_("The payment was approved."));
}

/* ---- the citizen's phone ---- */

static void poll_tick(pk_loop *loop, unsigned id, void *ud);

static void link_ended(pk_backend *be) {
  struct pk_be_pay *p = be->pay;
  stop_poll(be);
  p->stage = P_IDLE;
  p->shown.pay_url[0] = 0;
  /* The invoice goes (a late payment is refused, or given back): another try is a new invoice. */
  pk_outbox_row_clear(&p->draft);
  p->service_id[0] = 0;
  pk_be_pay_window_settle(be);
  pk_be_pay_tell(be, p->gen, PK_APP_PAY_DECLINED,
                 N_("The payment code expired before a payment arrived. Nothing was charged; anything paid late is "
                    "given back. Enter: a new code."));
}

static void polled(const pk_net_invoice *v, void *ud) {
  pk_backend *be = ud;
  struct pk_be_pay *p = be->pay;
  p->req = NULL;
  if (v->st.err == PK_NET_CANCELLED || p->stage != P_LINKED) return;
  if (paid(v)) {
    approved(be, v);
    return;
  }
  /* No link open any more (it ended, or the invoice was cancelled): no payment can come. */
  if (v->st.err == PK_NET_OK && !v->pay_url[0]) {
    link_ended(be);
    return;
  }
  p->poll_timer = pk_loop_timer(be->loop, POLL_MS, poll_tick, be);
}

static void poll_tick(pk_loop *loop, unsigned id, void *ud) {
  (void)loop;
  (void)id;
  pk_backend *be = ud;
  be->pay->poll_timer = 0;
  be->pay->req = pk_net_invoice_get(be->net, be->pay->shown.invoice, polled, be);
}

static void linked(const pk_net_invoice *v, void *ud) {
  pk_backend *be = ud;
  struct pk_be_pay *p = be->pay;
  p->req = NULL;
  if (v->st.err == PK_NET_CANCELLED) return;
  if (paid(v)) {
    approved(be, v);
    return;
  }
  if (v->st.err != PK_NET_OK || !v->pay_url[0]) {
    p->stage = P_IDLE;
    step(be, p->trace, PK_PAY_DECLINED, NULL, "no link");
    pk_be_pay_tell(be, p->gen, PK_APP_PAY_DECLINED,
                   v->st.err != PK_NET_OK ? pk_net_error_msgid(v->st.err)
                                          : N_("The national window did not open a payment link. Nothing was "
                                               "charged."));
    return;
  }
  /* Durable before the code is shown: from here on the citizen may pay. */
  step(be, p->trace, PK_PAY_SENT, NULL, "link shown");
  p->stage = P_LINKED;
  snprintf(p->shown.pay_url, sizeof p->shown.pay_url, "%s", v->pay_url);
  p->poll_timer = pk_loop_timer(be->loop, POLL_MS, poll_tick, be);
  pk_be_pay_tell(be, p->gen, PK_APP_PAY_PROGRESS,
                 N_("Scan this code with your phone's camera and pay on your bank's page. This screen moves on by "
                    "itself once the payment arrives."));
}

/* ---- cash at the counter ---- */

static void cashed(const pk_net_invoice *v, void *ud) {
  pk_backend *be = ud;
  struct pk_be_pay *p = be->pay;
  p->req = NULL;
  if (v->st.err == PK_NET_CANCELLED || p->stage != P_CASH_RECORDING) return;
  if (paid(v)) {
    approved(be, v);
    return;
  }
  if (v->st.err == PK_NET_AUTH || v->st.err == PK_NET_VALIDATION) {
    p->stage = P_IDLE;
    step(be, p->trace, PK_PAY_DECLINED, NULL, v->st.code);
    pk_be_pay_tell(be, p->gen, PK_APP_PAY_DECLINED,
                   N_("The national window did not record the cash payment (this clerk may not take cash, or the "
                      "invoice has ended). Give the cash back; nothing was recorded."));
    return;
  }
  /* No answer: it may have been recorded; asking again is answered as it is, never twice. */
  p->stage = P_CASH_DUE;
  p->shown.clerk_confirms = true;
  pk_be_pay_tell(be, p->gen, PK_APP_PAY_PROGRESS,
                 N_("The national window did not answer; the cash may not be recorded yet. Keep the cash and press "
                    "Enter to try again."));
}

void pk_be_pay_cash(void *bep, pk_app *app, unsigned gen) {
  pk_backend *be = bep;
  struct pk_be_pay *p = be->pay;
  const char *clerk = pk_app_assisted_by(app);
  if (!p || p->gen != gen || p->stage != P_CASH_DUE || !clerk) return;
  step(be, p->trace, PK_PAY_SENT, NULL, clerk); /* durable before the window hears of it */
  p->stage = P_CASH_RECORDING;
  p->shown.clerk_confirms = false;
  p->req = pk_net_invoice_cash(be->net, p->shown.invoice, clerk, cashed, be);
}

/* ---- the way begins ---- */

void pk_be_pay_window_invoiced(pk_backend *be) {
  struct pk_be_pay *p = be->pay;
  pk_pay_record r;
  int rc = pk_pay_begin_at_window(p->store, p->way, p->shown.amount, p->shown.invoice, p->draft.idem_key, &r);
  if (rc != PK_PAY_OK) {
    pk_err("payment: the store refused a payment to the window (%d)", rc);
    pk_be_pay_tell(be, p->gen, PK_APP_PAY_UNAVAILABLE,
                   N_("The payment cannot be recorded on this kiosk now, so nothing is charged and the request was "
                      "not sent. Please ask the clerk."));
    return;
  }
  snprintf(p->trace, sizeof p->trace, "%s", r.trace);
  if (p->way == PK_PAY_CASH) {
    p->stage = P_CASH_DUE;
    p->shown.clerk_confirms = true;
    pk_be_pay_tell(be, p->gen, PK_APP_PAY_PROGRESS,
                   N_("Take the fee in cash (the amount above). Once the cash is in hand, press Enter to record it "
                      "with the national window."));
    return;
  }
  p->stage = P_LINKED;
  p->req = pk_net_invoice_link(be->net, p->shown.invoice, linked, be);
}

/* The citizen cancelled or left: this session's payment is ended by the settling round (which
 * cancels its invoice, or refunds what was paid), unless a request already carries it. */
void pk_be_pay_window_abandon(pk_backend *be) {
  struct pk_be_pay *p = be->pay;
  if (p->stage < P_LINKED || p->stage == P_SUBMITTING) return;
  stop_poll(be);
  pk_net_req *r = p->req;
  p->req = NULL;
  pk_net_cancel(r);
  p->stage = P_IDLE;
  p->shown.pay_url[0] = 0;
  p->gen = 0; /* not this session's any more: the round may end it */
  pk_be_pay_window_settle(be);
}

/* ---- settling: every open payment to the window ended by the window's word ---- */

static void settle_from(pk_backend *be, const char *after);

static bool in_session(const struct pk_be_pay *p, const pk_pay_record *r) {
  return p->gen && p->stage >= P_LINKED && !strcmp(p->trace, r->trace);
}

static void ended(pk_backend *be, const pk_pay_record *r, const pk_net_invoice *v) {
  bool refunded = !strcmp(v->status, "refunded");
  step(be, r->trace, refunded ? PK_PAY_REVERSED : PK_PAY_DECLINED, NULL, v->status);
  if (refunded && r->method == PK_PAY_CASH && r->state == PK_PAY_APPROVED)
    pk_be_audit_cash(be, "cash_refunded", r->amount, r->invoice);
  pk_info("payment %s: invoice %s %s", r->trace, r->invoice, v->status);
}

static void cancelled(const pk_net_invoice *v, void *ud) {
  pk_backend *be = ud;
  struct pk_be_pay *p = be->pay;
  p->settle_req = NULL;
  if (v->st.err == PK_NET_CANCELLED) return;
  if (v->st.err == PK_NET_OK) ended(be, &p->settle_rec, v);
  else p->settle_failed = true; /* not reached; or invoice_used: a request carries it */
  settle_from(be, p->settle_rec.trace);
}

/* A paid invoice is kept when its request is under way (and attached when it was delivered). */
static bool keep_paid(pk_backend *be, const pk_pay_record *r, const pk_net_invoice *v) {
  char tracking[32];
  pk_be_request_of of = pk_be_pay_request_of(be, r, tracking);
  if (of != PK_BE_REQ_NONE) step(be, r->trace, PK_PAY_APPROVED, v->bank_ref, v->method);
  if (of == PK_BE_REQ_DELIVERED && pk_pay_mark_submitted(be->pay->store, r->trace, tracking) != PK_PAY_OK)
    be->pay->settle_failed = true;
  return of != PK_BE_REQ_NONE;
}

static void read_back(const pk_net_invoice *v, void *ud) {
  pk_backend *be = ud;
  struct pk_be_pay *p = be->pay;
  p->settle_req = NULL;
  if (v->st.err == PK_NET_CANCELLED) return;
  const pk_pay_record *r = &p->settle_rec;
  if (v->st.err != PK_NET_OK) p->settle_failed = true;
  else if (!strcmp(v->status, "cancelled") || !strcmp(v->status, "refunded")) ended(be, r, v);
  else if (!paid(v) || !keep_paid(be, r, v)) {
    p->settle_req = pk_net_invoice_cancel(be->net, r->invoice, true, cancelled, be);
    return;
  }
  settle_from(be, r->trace);
}

static void settle_tick(pk_loop *loop, unsigned id, void *ud) {
  (void)loop;
  (void)id;
  pk_backend *be = ud;
  be->pay->settle_timer = 0;
  pk_be_pay_window_settle(be);
}

static void round_over(pk_backend *be) {
  struct pk_be_pay *p = be->pay;
  p->window_open = p->settle_failed;
  if (p->settle_again) {
    p->settle_again = false;
    pk_be_pay_window_settle(be);
    return;
  }
  if (!p->settle_failed) return;
  pk_warn("payment: an open payment to the window is not settled yet; asking again in %d s", SETTLE_MS / 1000);
  p->settle_timer = pk_loop_timer(be->loop, SETTLE_MS, settle_tick, be);
}

/* The next open row after trace `after` (traces grow with the rows) is asked about; none left
 * ends the round. */
static void settle_from(pk_backend *be, const char *after) {
  struct pk_be_pay *p = be->pay;
  pk_pay_record *open = NULL;
  int n = p->closing ? 0 : pk_pay_list_open_at_window(p->store, &open), i = 0;
  if (n < 0) p->settle_failed = true;
  while (i < n && (strcmp(open[i].trace, after) <= 0 || in_session(p, &open[i]))) i++;
  if (i < n) {
    p->settle_rec = open[i];
    p->settle_req = pk_net_invoice_read_as_kiosk(be->net, open[i].invoice, read_back, be);
  }
  free(open);
  if (i >= n) round_over(be);
}

/* A round under way takes another after it; a round waiting on its timer starts now. */
void pk_be_pay_window_settle(pk_backend *be) {
  struct pk_be_pay *p = be->pay;
  if (!p || !p->store || p->closing) return;
  if (p->settle_req) {
    p->settle_again = true;
    return;
  }
  if (p->settle_timer) pk_loop_timer_cancel(be->loop, p->settle_timer);
  p->settle_timer = 0;
  p->settle_failed = false;
  settle_from(be, "");
}

void pk_be_pay_window_close(pk_backend *be) {
  struct pk_be_pay *p = be->pay;
  stop_poll(be);
  if (p->settle_timer) pk_loop_timer_cancel(be->loop, p->settle_timer);
  p->settle_timer = 0;
  pk_net_req *r = p->settle_req;
  p->settle_req = NULL;
  pk_net_cancel(r);
}
