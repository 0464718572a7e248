/* Payment at a bank card terminal (docs/payment.md). A lower module: it knows the terminal's
 * framing and its own durable store, never the application, the window or the simulator.
 * Rule of the module: a trace number is stored before the terminal hears of it, and a sale
 * whose outcome was not seen is asked about or reversed, never sold again. */
#ifndef PISHKHAN_PAYMENT_H
#define PISHKHAN_PAYMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- Messages and framing ------------------------------------------------------------ */

typedef enum {
  PK_PAY_MSG_NONE = 0,
  PK_PAY_MSG_SALE,
  PK_PAY_MSG_SALE_ANS,
  PK_PAY_MSG_STATUS,
  PK_PAY_MSG_STATUS_ANS,
  PK_PAY_MSG_REVERSE,
  PK_PAY_MSG_REVERSE_ANS,
  PK_PAY_MSG_BATCH,       /* the day's batch totals (ISO 8583 0500 reconciliation) */
  PK_PAY_MSG_BATCH_ANS,
  PK_PAY_MSG_JOURNAL,     /* entry ix of the day's journal */
  PK_PAY_MSG_JOURNAL_ANS,
  PK_PAY_MSG_SETTLE,      /* close the day's batch, given the totals the kiosk expects (0500 settlement) */
  PK_PAY_MSG_SETTLE_ANS,  /* 00: closed, the day's standing totals; 95: the totals differ, nothing closed */
  PK_PAY_MSG_COUNT
} pk_pay_msg_type;

#define PK_PAY_TRACE_LEN 12
#define PK_PAY_FRAME_MAX 512 /* body bytes; a frame is 2 + body + 1 */

/* One message of the terminal protocol. Text fields are printable ASCII once parsed; pan is
 * whatever the terminal sent (pk_pay_mask_pan makes it storable). */
typedef struct {
  pk_pay_msg_type type;
  char trace[PK_PAY_TRACE_LEN + 1];
  int64_t amount; /* rials */
  char invoice[33];
  char tid[17];
  char rc[3];        /* ISO 8583 response code: 00 approved, 05, 51, 17, 25, 68 */
  char approval[7];  /* authorization code */
  char rrn[13];      /* bank reference (retrieval reference number) */
  char pan[24];      /* masked card number, first 6 + last 4 at most */
  char state[12];    /* status answers: approved, declined, reversed, none */
  char day[9];       /* batch and journal: the day, YYYYMMDD in the terminal's local time */
  int64_t index;     /* journal: which entry, from 0 */
  int64_t entries;   /* batch and journal answers: how many entries the day's journal has */
  int64_t n_approved, sum_approved; /* batch answers: sales still standing (rials) */
  int64_t n_reversed, sum_reversed; /* batch answers: sales approved then reversed */
} pk_pay_msg;

typedef enum { PK_PAY_FRAME_BAD = -1, PK_PAY_FRAME_MORE = 0, PK_PAY_FRAME_OK = 1 } pk_pay_frame_rc;

/* A provider's wire format: another provider's framing is one more file with one of these. */
typedef struct {
  const char *name;
  /* Bytes of m's frame into buf; -1 if it does not fit or a field cannot be framed. */
  int (*encode)(const pk_pay_msg *m, uint8_t *buf, size_t cap);
  /* One frame from the start of buf: OK (m filled, *used = its length), MORE, or BAD. */
  pk_pay_frame_rc (*parse)(const uint8_t *buf, size_t len, pk_pay_msg *m, size_t *used);
} pk_pay_framing;

extern const pk_pay_framing pk_pay_framing_pkpos;

const char *pk_pay_msg_type_name(pk_pay_msg_type t);

/* out (cap >= 20) gets a storable card number: digits of in with everything but the first 6 and
 * last 4 replaced by '*'. False (out "") if in is not a card number, masked or not. */
bool pk_pay_mask_pan(const char *in, char *out, size_t cap);

/* ---- Terminal drivers ---------------------------------------------------------------- */

typedef enum {
  PK_PAY_X_ANSWER = 0,   /* ans holds the terminal's answer to req */
  PK_PAY_X_NOT_SENT = 1, /* the terminal could not be reached: req never left */
  PK_PAY_X_NO_ANSWER = 2 /* req may have arrived; no valid answer within the time */
} pk_pay_x_rc;

typedef struct pk_pay_terminal pk_pay_terminal;
typedef struct {
  const char *name;
  /* connect, then on_connected(ud) (the store makes "sent" durable there: false aborts before a
   * byte leaves), send req, wait up to timeout_ms for the answer to req's type and trace. */
  pk_pay_x_rc (*exchange)(pk_pay_terminal *t, const pk_pay_msg *req, pk_pay_msg *ans, int timeout_ms,
                          bool (*on_connected)(void *ud), void *ud);
  void (*close)(pk_pay_terminal *t);
} pk_pay_terminal_ops;

struct pk_pay_terminal {
  const pk_pay_terminal_ops *ops;
  const pk_pay_framing *framing;
  char tid[17];
  int64_t last_wait_ns; /* time the last exchange spent waiting on the terminal */
  void *impl;
};

/* PC-POS over TCP (payment/pos_tcp.c): one connection per exchange. */
pk_pay_terminal *pk_pay_pos_tcp_open(const char *host, int port, const pk_pay_framing *f, const char *tid);
/* PC-POS on a serial line (payment/pos_serial.c): raw 8N1 at baud (9600..115200), the same frames. */
pk_pay_terminal *pk_pay_pos_serial_open(const char *device, int baud, const pk_pay_framing *f, const char *tid);
void pk_pay_terminal_close(pk_pay_terminal *t);

/* ---- The durable payment store ------------------------------------------------------ */

typedef enum {
  PK_PAY_CREATED = 0, /* trace made, terminal not asked */
  PK_PAY_SENT,        /* the sale may have reached the terminal */
  PK_PAY_APPROVED,
  PK_PAY_DECLINED,
  PK_PAY_UNCERTAIN,   /* no answer seen: ask by trace or reverse, never sell again */
  PK_PAY_REVERSED,
  PK_PAY_SETTLED,     /* submitted, and in a batch the terminal closed (pishkhan payments settle) */
  PK_PAY_SUBMITTED,   /* attached to a submitted request */
  PK_PAY_STATE_COUNT
} pk_pay_state;

enum {
  PK_PAY_OK = 0,
  PK_PAY_EINVAL = -1,
  PK_PAY_EIO = -2,
  PK_PAY_NOTFOUND = -3,
  PK_PAY_ESTATE = -4, /* not allowed from the payment's state */
};

/* How a fee is paid: at the kiosk's card terminal, or to the window itself (the citizen's phone
 * through the invoice's payment link, cash a clerk takes). The window holds those: they are
 * given back by cancelling the invoice (a refund), never at a terminal. */
typedef enum { PK_PAY_CARD = 0, PK_PAY_PHONE, PK_PAY_CASH, PK_PAY_METHOD_COUNT } pk_pay_method;

typedef struct {
  char trace[PK_PAY_TRACE_LEN + 1];
  char idem_key[65];
  pk_pay_method method;
  char invoice[33];
  int64_t amount;
  pk_pay_state state;
  char rc[3];
  char approval[7];
  char rrn[13];
  char pan_masked[24];
  char tracking_code[33];
  int64_t created_at, updated_at;
} pk_pay_record;

typedef struct {
  int sale_timeout_ms;    /* the citizen's card, PIN and the bank: the terminal's own limit + margin */
  int status_timeout_ms;  /* one status-by-trace or reversal exchange */
  int resolve_bound_ms;   /* asking by trace stops after this; then the sale is reversed */
} pk_pay_opts;

#define PK_PAY_OPTS_DEFAULT ((pk_pay_opts){.sale_timeout_ms = 95000, .status_timeout_ms = 5000, .resolve_bound_ms = 30000})

typedef struct pk_pay_store pk_pay_store;

pk_pay_store *pk_pay_store_open(const char *path, const pk_pay_opts *opts, char *err, size_t errsz);
void pk_pay_store_close(pk_pay_store *s);
const char *pk_pay_state_name(pk_pay_state s);

/* A payment for idem_key: the live one if there is (any state but declined/reversed), else a new
 * one in "created" with a fresh trace, durable before this returns. PK_PAY_ESTATE (out: the live
 * one) if the live payment is for another amount or invoice. */
int pk_pay_begin(pk_pay_store *s, int64_t amount, const char *invoice, const char *idem_key, pk_pay_record *out);
int pk_pay_get(pk_pay_store *s, const char *trace, pk_pay_record *out);
/* The newest payment for idem_key, live or not. */
int pk_pay_find(pk_pay_store *s, const char *idem_key, pk_pay_record *out);

/* Runs the sale of a "created" payment; a payment past "created" is never sold again (an
 * uncertain one is resolved instead). out: the state it ends in (approved, declined, reversed,
 * or still uncertain when even the reversal went unanswered). */
int pk_pay_sale(pk_pay_store *s, pk_pay_terminal *t, const char *trace, pk_pay_record *out);
/* Gives back an approved (not submitted) or uncertain payment's money. */
int pk_pay_reverse(pk_pay_store *s, pk_pay_terminal *t, const char *trace, pk_pay_record *out);
int pk_pay_mark_submitted(pk_pay_store *s, const char *trace, const char *tracking_code);
/* A submitted card payment whose sale is in a batch the terminal closed: settled (its money can
 * no longer be reversed at the terminal; only the window refunds it). Already settled: OK. */
int pk_pay_mark_settled(pk_pay_store *s, const char *trace);
const char *pk_pay_method_name(pk_pay_method m); /* card, phone, cash */

/* ---- Payments the window holds (phone, cash) ---- */

/* As pk_pay_begin, for a payment made to the window: a trace still names it in this store (and
 * on the paper), but no terminal ever hears of it. PK_PAY_ESTATE (out: the live one) if the
 * request's live payment is another one (another way, amount or invoice). */
int pk_pay_begin_at_window(pk_pay_store *s, pk_pay_method m, int64_t amount, const char *invoice, const char *idem_key,
                           pk_pay_record *out);
/* The window's word on such a payment, durable before it returns: sent (the link is shown, or
 * the clerk is recording the cash), approved (the window holds the invoice paid; ref = the
 * window's reference), declined (never paid: the link ended, the invoice was cancelled unpaid),
 * reversed (refunded). PK_PAY_ESTATE for a card payment or a step its state does not allow. */
int pk_pay_window_step(pk_pay_store *s, const char *trace, pk_pay_state to, const char *ref, const char *note);
/* The payments the window holds that are still open (created, sent, approved but not
 * submitted), oldest first: settled with the window at start. *out malloc'd; count or < 0. */
int pk_pay_list_open_at_window(pk_pay_store *s, pk_pay_record **out);

/* For an approved payment not yet submitted, found on start: true = its request is still
 * pending and will be completed; false = reverse it. */
typedef bool (*pk_pay_keep_fn)(void *ud, const pk_pay_record *r);
/* On start, before anyone is served: every created, sent or uncertain payment is settled with
 * the terminal (asked by trace, reversed if unconfirmed), every approved one not submitted is
 * confirmed and kept or reversed as keep() says (NULL: reversed). Returns how many are still
 * unresolved (terminal unreachable), or < 0 on a store error. */
int pk_pay_resolve_pending(pk_pay_store *s, pk_pay_terminal *t, pk_pay_keep_fn keep, void *ud);

/* The plain sentence for the citizen about r (gettext, the current language). */
const char *pk_pay_outcome_text(const pk_pay_record *r);

/* ---- Reconciliation (docs/payment.md, Reconciliation) -------------------------------- */

/* The kiosk's payments created in [from, to) (unix seconds), oldest first: *out malloc'd
 * (free it). Returns how many, or < 0 on a store error. */
int pk_pay_list_between(pk_pay_store *s, int64_t from, int64_t to, pk_pay_record **out);

/* One sale of the terminal's journal for the day. */
typedef struct {
  char trace[PK_PAY_TRACE_LEN + 1];
  char invoice[33];
  int64_t amount;
  char state[12]; /* approved, declined, reversed */
  char rrn[13];
} pk_pay_journal_entry;

/* The terminal's side of a day: its batch totals and its journal. */
typedef struct {
  bool reached; /* false: the terminal did not answer, the rest is empty */
  int64_t n_approved, sum_approved, n_reversed, sum_reversed;
  size_t n;
  pk_pay_journal_entry *entries; /* malloc'd */
} pk_pay_batch;

/* Asks t for day's (YYYYMMDD) batch totals, then every journal entry; each exchange waits
 * up to timeout_ms. PK_PAY_OK with b->reached false when the terminal cannot be reached. */
int pk_pay_batch_fetch(pk_pay_terminal *t, const char *day, int timeout_ms, pk_pay_batch *b);

typedef enum {
  PK_PAY_SETTLE_DONE = 0,     /* the day's batch is closed; *closed holds its standing totals */
  PK_PAY_SETTLE_REFUSED,      /* the terminal's totals are not n, sum (rc 95): nothing closed */
  PK_PAY_SETTLE_NO_ANSWER,    /* unreached or no valid answer: closed or not, ask again */
} pk_pay_settle_rc;
/* Closes day's batch at the terminal if, and only if, its standing sales of the day are n
 * sales of sum rials (ISO 8583 settlement: totals that differ are refused, rc 95). Closing a
 * closed day again answers the same totals, so a settle cut short is simply repeated. */
pk_pay_settle_rc pk_pay_batch_settle(pk_pay_terminal *t, const char *day, int64_t n, int64_t sum, int timeout_ms,
                                     pk_pay_batch *closed);
void pk_pay_batch_free(pk_pay_batch *b);

/* The window's record of an invoice the kiosk holds (read by the caller; this module never
 * talks to the window). */
typedef struct {
  char invoice_id[40];
  bool reached; /* false: the window did not answer for it */
  bool paid;
  char bank_ref[16];
  int64_t amount;
} pk_pay_window_invoice;

typedef enum {
  PK_RECON_APPROVED_NOT_SUBMITTED = 0,
  PK_RECON_UNRESOLVED,        /* outcome still unknown (created, sent, uncertain) */
  PK_RECON_REVERSED,          /* given back, the terminal agrees: a notice, not a mismatch */
  PK_RECON_CHARGED_NOT_KEPT,  /* declined or reversed at the kiosk, standing at the terminal */
  PK_RECON_CHARGED_TWICE,     /* one invoice, more than one standing sale */
  PK_RECON_UNKNOWN_TO_KIOSK,  /* a standing terminal sale the kiosk has no record of */
  PK_RECON_NOT_AT_TERMINAL,   /* the kiosk counts a charge the terminal does not hold */
  PK_RECON_PAID_BUT_REVERSED, /* the window holds the invoice paid, the kiosk gave the money back */
  PK_RECON_NOT_PAID_AT_WINDOW,/* submitted at the kiosk, unpaid at the window */
  PK_RECON_AMOUNT_MISMATCH,
  PK_RECON_TOTALS_DIFFER,
  PK_RECON_KIND_COUNT
} pk_recon_kind;

typedef enum { PK_RECON_SIDE_KIOSK = 0, PK_RECON_SIDE_TERMINAL, PK_RECON_SIDE_WINDOW } pk_recon_side;

typedef struct {
  pk_recon_kind kind;
  char trace[PK_PAY_TRACE_LEN + 1]; /* "" for totals */
  char invoice[40];
  pk_recon_side side; /* totals and amounts: which side disagrees with the kiosk */
  int64_t kiosk_amount, other_amount;
  int count; /* charged twice: how many standing sales */
} pk_recon_item;

typedef struct {
  int64_t n_standing, sum_standing, n_reversed, sum_reversed; /* the kiosk's records */
  int64_t n_card, sum_card; /* of the standing, the card payments: what the terminal must hold */
  int64_t n_paid, sum_paid; /* the window's paid invoices among the kiosk's */
  size_t window_unreached;  /* invoices the window did not answer for */
  size_t n, mismatches;
  pk_recon_item *items; /* malloc'd */
} pk_recon;

/* The three sides compared; every mismatch (and every reversal, as a notice) in out->items.
 * Returns PK_PAY_OK or PK_PAY_EIO (out of memory). */
int pk_pay_reconcile(const pk_pay_record *recs, size_t nrec, const pk_pay_batch *b, const pk_pay_window_invoice *inv,
                     size_t ninv, pk_recon *out);
void pk_pay_recon_free(pk_recon *r);
bool pk_recon_is_mismatch(pk_recon_kind k);
const char *pk_recon_kind_name(pk_recon_kind k);   /* stable, for --json */
const char *pk_recon_kind_text(pk_recon_kind k);   /* what it is (gettext, the current language) */
const char *pk_recon_kind_action(pk_recon_kind k); /* what to do (gettext) */

#endif
