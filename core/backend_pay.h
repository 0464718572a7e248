/* Inside the backend's payment side: the state both ways share (the card terminal in
 * backend_pay.c; the window's own ways, the citizen's phone and cash at the counter, in
 * backend_pay_window.c). */
#ifndef PK_CORE_BACKEND_PAY_H
#define PK_CORE_BACKEND_PAY_H

#include "backend_private.h"
#include "pishkhan/payment.h"

/* Where this session's payment stands. The window's ways: LINKED (the QR code is shown, the
 * invoice polled), CASH_DUE (the clerk is to say the cash is in hand), CASH_RECORDING (the
 * window is recording it). */
typedef enum {
  P_IDLE = 0, P_INVOICING, P_SELLING, P_CONFIRMING, P_LINKED, P_CASH_DUE, P_CASH_RECORDING, P_PAID, P_SUBMITTING
} pay_stage;

struct pk_be_pay {
  pk_pay_store *store;
  pk_pay_terminal *term;  /* NULL for the window's ways */
  pk_pay_method way;      /* [payment] terminal: card (pos-*), phone (qr), cash (counter) */
  pk_worker *worker;      /* the terminal's exchanges block: never on the loop, nor on the card's worker */
  pk_net_req *req;
  pay_stage stage;
  unsigned gen;           /* the session that asked */
  bool abandoned;         /* the citizen cancelled or left while a step was under way */
  pk_outbox_row draft;    /* the request's ref and key, made before the invoice */
  char service_id[32];
  pk_app_payment shown;   /* invoice, bank reference and amount once approved */
  char trace[PK_PAY_TRACE_LEN + 1];
  bool resolving;         /* earlier payments not yet settled with the terminal: no new sale */
  bool holding;           /* start: nobody is served until the first settling round ends */
  bool closing;           /* the worker hands back what it held: nothing new starts */
  unsigned retry_timer;
  /* the window's ways */
  unsigned poll_timer;    /* LINKED: the next look at the invoice */
  int64_t link_until;     /* LINKED: the link's end (the window's clock, unix seconds) */
  pk_net_req *settle_req; /* settling: the one invoice asked about or cancelled */
  pk_pay_record settle_rec; /* its row */
  unsigned settle_timer;  /* settling again after a round that could not finish */
  bool settle_failed;     /* this round left a row open */
  bool settle_again;      /* a round was asked for while one ran */
  bool window_open;       /* payments to the window are still open: no new fee until settled */
};

/* The citizen hears o (msgid) about this session's payment. */
void pk_be_pay_tell(pk_backend *be, unsigned gen, pk_app_pay_outcome o, const char *msgid);
/* The request an approved payment paid for, as the outbox has it: none (or failed for good),
 * under way (sending, queued, exported), or delivered (its tracking code in tracking). */
typedef enum { PK_BE_REQ_NONE, PK_BE_REQ_UNDER_WAY, PK_BE_REQ_DELIVERED } pk_be_request_of;
pk_be_request_of pk_be_pay_request_of(pk_backend *be, const pk_pay_record *r, char tracking[32]);

/* backend_pay_window.c */
void pk_be_pay_window_invoiced(pk_backend *be);   /* the invoice is in be->pay->shown: the way begins */
void pk_be_pay_window_abandon(pk_backend *be);    /* the session ends or cancels a window payment */
void pk_be_pay_window_settle(pk_backend *be);     /* settle every open payment to the window */
void pk_be_pay_window_close(pk_backend *be);
void pk_be_pay_cash(void *be, pk_app *app, unsigned gen);

#endif
