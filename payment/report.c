/* Reconciliation of a day: the kiosk's records, the terminal's journal and the window's
 * invoices compared sale by sale and in total, so that every rial has one story on all three
 * sides. Each disagreement is an item naming the trace or invoice and what to do. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "pishkhan/i18n.h"

static bool standing(pk_pay_state s) { return s == PK_PAY_APPROVED || s == PK_PAY_SUBMITTED || s == PK_PAY_SETTLED; }

static bool entry_standing(const pk_pay_journal_entry *e) { return e && !strcmp(e->state, "approved"); }

static const pk_pay_journal_entry *entry_of(const pk_pay_batch *b, const char *trace) {
  for (size_t i = 0; b->reached && i < b->n; i++)
    if (!strcmp(b->entries[i].trace, trace)) return &b->entries[i];
  return NULL;
}

static const pk_pay_window_invoice *invoice_of(const pk_pay_window_invoice *inv, size_t n, const char *id) {
  for (size_t i = 0; id && *id && i < n; i++)
    if (!strcmp(inv[i].invoice_id, id)) return &inv[i];
  return NULL;
}

typedef struct {
  const pk_pay_record *recs;
  size_t nrec;
  const pk_pay_batch *b;
  const pk_pay_window_invoice *inv;
  size_t ninv;
  pk_recon *out;
  size_t cap;
  bool oom;
} acc;

static pk_recon_item *add(acc *a, pk_recon_kind k, const char *trace, const char *invoice) {
  if (a->oom) return NULL;
  if (a->out->n == a->cap) {
    pk_recon_item *more = realloc(a->out->items, (a->cap = a->cap ? 2 * a->cap : 16) * sizeof *more);
    if (!more) return a->oom = true, NULL;
    a->out->items = more;
  }
  pk_recon_item *it = &a->out->items[a->out->n++];
  memset(it, 0, sizeof *it);
  it->kind = k;
  snprintf(it->trace, sizeof it->trace, "%s", trace ? trace : "");
  snprintf(it->invoice, sizeof it->invoice, "%s", invoice ? invoice : "");
  a->out->mismatches += pk_recon_is_mismatch(k);
  return it;
}

static void amounts(acc *a, const pk_pay_record *r, pk_recon_side side, int64_t other) {
  pk_recon_item *it = add(a, PK_RECON_AMOUNT_MISMATCH, r->trace, r->invoice);
  if (it) it->side = side, it->kiosk_amount = r->amount, it->other_amount = other;
}

/* Another standing payment of the kiosk for the same invoice (a retry with another card). */
static bool invoice_kept_elsewhere(const acc *a, const pk_pay_record *r) {
  for (size_t i = 0; i < a->nrec; i++)
    if (&a->recs[i] != r && standing(a->recs[i].state) && !strcmp(a->recs[i].invoice, r->invoice)) return true;
  return false;
}

/* A payment the kiosk gave back (or never took): the terminal and the window must agree. */
static void check_not_kept(acc *a, const pk_pay_record *r, const pk_pay_journal_entry *e,
                           const pk_pay_window_invoice *w) {
  if (entry_standing(e)) add(a, PK_RECON_CHARGED_NOT_KEPT, r->trace, r->invoice);
  else if (r->state == PK_PAY_REVERSED) add(a, PK_RECON_REVERSED, r->trace, r->invoice);
  bool paid_with_it = w && w->reached && w->paid && (!strcmp(w->bank_ref, r->rrn) || !invoice_kept_elsewhere(a, r));
  if (paid_with_it && r->state == PK_PAY_REVERSED) add(a, PK_RECON_PAID_BUT_REVERSED, r->trace, r->invoice);
}

static void check_standing(acc *a, const pk_pay_record *r, const pk_pay_journal_entry *e,
                           const pk_pay_window_invoice *w) {
  if (r->state == PK_PAY_APPROVED) add(a, PK_RECON_APPROVED_NOT_SUBMITTED, r->trace, r->invoice);
  if (r->method != PK_PAY_CARD) {
    /* Paid to the window (phone, cash): no terminal holds it; the window's side is checked below. */
  } else if (a->b->reached && !entry_standing(e)) add(a, PK_RECON_NOT_AT_TERMINAL, r->trace, r->invoice);
  else if (e && e->amount != r->amount) amounts(a, r, PK_RECON_SIDE_TERMINAL, e->amount);
  if (!w || !w->reached) return;
  if (!w->paid && r->state != PK_PAY_APPROVED) add(a, PK_RECON_NOT_PAID_AT_WINDOW, r->trace, r->invoice);
  if (w->amount != r->amount) amounts(a, r, PK_RECON_SIDE_WINDOW, w->amount);
}

static void check_record(acc *a, const pk_pay_record *r) {
  const pk_pay_journal_entry *e = entry_of(a->b, r->trace);
  const pk_pay_window_invoice *w = invoice_of(a->inv, a->ninv, r->invoice);
  if (standing(r->state)) {
    a->out->n_standing++, a->out->sum_standing += r->amount;
    if (r->method == PK_PAY_CARD) a->out->n_card++, a->out->sum_card += r->amount;
    check_standing(a, r, e, w);
  } else if (r->state == PK_PAY_DECLINED || r->state == PK_PAY_REVERSED) {
    if (r->state == PK_PAY_REVERSED) a->out->n_reversed++, a->out->sum_reversed += r->amount;
    check_not_kept(a, r, e, w);
  } else {
    add(a, PK_RECON_UNRESOLVED, r->trace, r->invoice);
  }
}

static bool kiosk_has(const acc *a, const char *trace) {
  for (size_t i = 0; i < a->nrec; i++)
    if (!strcmp(a->recs[i].trace, trace)) return true;
  return false;
}

/* Standing sales per invoice, from the terminal when it answered (it is what was charged),
 * else from the kiosk's records. */
static void check_twice(acc *a) {
  bool term = a->b->reached;
  size_t n = term ? a->b->n : a->nrec;
  for (size_t i = 0; i < n; i++) {
    const char *inv = term ? a->b->entries[i].invoice : a->recs[i].invoice;
    bool st = term ? entry_standing(&a->b->entries[i]) : standing(a->recs[i].state);
    int count = 0, earlier = 0;
    for (size_t j = 0; st && *inv && j < n; j++) {
      bool sj = term ? entry_standing(&a->b->entries[j]) : standing(a->recs[j].state);
      bool same = sj && !strcmp(inv, term ? a->b->entries[j].invoice : a->recs[j].invoice);
      count += same;
      earlier += same && j < i;
    }
    pk_recon_item *it = count > 1 && earlier == count - 1
                            ? add(a, PK_RECON_CHARGED_TWICE, term ? a->b->entries[i].trace : a->recs[i].trace, inv)
                            : NULL;
    if (it) it->count = count;
  }
}

static void check_unknown(acc *a) {
  for (size_t i = 0; a->b->reached && i < a->b->n; i++)
    if (entry_standing(&a->b->entries[i]) && !kiosk_has(a, a->b->entries[i].trace)) {
      pk_recon_item *it = add(a, PK_RECON_UNKNOWN_TO_KIOSK, a->b->entries[i].trace, a->b->entries[i].invoice);
      if (it) it->side = PK_RECON_SIDE_TERMINAL, it->other_amount = a->b->entries[i].amount;
    }
}

static void totals(acc *a, pk_recon_side side, int64_t kiosk_n, int64_t kiosk_sum, int64_t n, int64_t sum) {
  if (n == kiosk_n && sum == kiosk_sum) return;
  pk_recon_item *it = add(a, PK_RECON_TOTALS_DIFFER, NULL, NULL);
  if (it) it->side = side, it->kiosk_amount = kiosk_sum, it->other_amount = sum, it->count = (int)n;
}

static void check_window(acc *a) {
  for (size_t i = 0; i < a->ninv; i++) {
    if (!a->inv[i].reached) a->out->window_unreached++;
    else if (a->inv[i].paid) a->out->n_paid++, a->out->sum_paid += a->inv[i].amount;
  }
}

int pk_pay_reconcile(const pk_pay_record *recs, size_t nrec, const pk_pay_batch *b, const pk_pay_window_invoice *inv,
                     size_t ninv, pk_recon *out) {
  static const pk_pay_batch none = {0};
  memset(out, 0, sizeof *out);
  acc a = {.recs = recs, .nrec = nrec, .b = b ? b : &none, .inv = inv, .ninv = ninv, .out = out};
  for (size_t i = 0; i < nrec; i++) check_record(&a, &recs[i]);
  check_unknown(&a);
  check_twice(&a);
  check_window(&a);
  if (a.b->reached) totals(&a, PK_RECON_SIDE_TERMINAL, out->n_card, out->sum_card, a.b->n_approved, a.b->sum_approved);
  if (ninv && !out->window_unreached)
    totals(&a, PK_RECON_SIDE_WINDOW, out->n_standing, out->sum_standing, out->n_paid, out->sum_paid);
  if (a.oom) pk_pay_recon_free(out);
  return a.oom ? PK_PAY_EIO : PK_PAY_OK;
}

void pk_pay_recon_free(pk_recon *r) {
  if (!r) return;
  free(r->items);
  memset(r, 0, sizeof *r);
}

bool pk_recon_is_mismatch(pk_recon_kind k) { return k != PK_RECON_REVERSED && k < PK_RECON_KIND_COUNT; }

static const char *const KIND_NAMES[PK_RECON_KIND_COUNT] = {
    "approved_not_submitted", "unresolved",     "reversed",       "charged_not_kept",
    "charged_twice",          "unknown_to_kiosk", "not_at_terminal", "paid_but_reversed",
    "not_paid_at_window",     "amount_mismatch", "totals_differ"};

const char *pk_recon_kind_name(pk_recon_kind k) { return k < PK_RECON_KIND_COUNT ? KIND_NAMES[k] : "unknown"; }

static const char *const KIND_TEXT[PK_RECON_KIND_COUNT] = {
    N_("Approved at the terminal, but no request was submitted with it."),
    N_("The outcome of this payment is still unknown."),
    N_("Reversed: the money was given back to the card."),
    N_("The kiosk declined or reversed this sale, but the terminal still holds it as charged."),
    N_("One invoice was charged more than once."),
    N_("The terminal charged a sale this kiosk has no record of."),
    N_("The kiosk counts a charge that the terminal does not hold."),
    N_("The window holds this invoice as paid, but the kiosk reversed the payment."),
    N_("A request was submitted with this payment, but the window holds its invoice as unpaid."),
    N_("The amounts differ."),
    N_("The totals differ.")};

static const char *const KIND_ACTION[PK_RECON_KIND_COUNT] = {
    N_("Start the kiosk: before serving anyone it completes the request if it is still pending, or reverses the "
       "payment."),
    N_("Start the kiosk with the terminal connected: it asks the terminal by trace and reverses what it cannot "
       "confirm."),
    N_("Nothing to do; if the citizen asks, the reversal appears on their card statement."),
    N_("Reverse this trace at the terminal, or refund the citizen through the bank, and keep the slip."),
    N_("Reverse the extra sale (the trace shown) at the terminal or refund it; keep the one the window's invoice "
       "names."),
    N_("Ask the bank whose sale this is; if no request was served for it, reverse it at the terminal."),
    N_("Call support: the kiosk's record and the terminal's journal disagree; keep the citizen's slip."),
    N_("Ask the window's support to cancel the invoice, or take the fee again from the citizen."),
    N_("Send the bank reference to the window's support so that the invoice is marked paid."),
    N_("Call support with the trace and both amounts; do not settle the batch until it is explained."),
    N_("Do not settle the batch: find the sale behind the difference in the lines above.")};

const char *pk_recon_kind_text(pk_recon_kind k) { return k < PK_RECON_KIND_COUNT ? _(KIND_TEXT[k]) : ""; }
const char *pk_recon_kind_action(pk_recon_kind k) { return k < PK_RECON_KIND_COUNT ? _(KIND_ACTION[k]) : ""; }
