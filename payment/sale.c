/* The exchange with the terminal, under the module's rule: "sent" is durable before the first
 * byte leaves, an unseen outcome is asked about by trace (never sold again), and what cannot be
 * confirmed within the bound is reversed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "pishkhan/i18n.h"
#include "pishkhan/loop.h"

#define LIVE_MASK (PAY_BIT(PK_PAY_SENT) | PAY_BIT(PK_PAY_UNCERTAIN) | PAY_BIT(PK_PAY_APPROVED))

static void request(pk_pay_msg *m, pk_pay_msg_type type, const pk_pay_terminal *t, const pk_pay_record *r) {
  memset(m, 0, sizeof *m);
  m->type = type;
  m->amount = r->amount;
  snprintf(m->trace, sizeof m->trace, "%s", r->trace);
  snprintf(m->invoice, sizeof m->invoice, "%s", r->invoice);
  snprintf(m->tid, sizeof m->tid, "%s", t->tid);
}

/* A pause between attempts at a terminal that refused the connection outright. */
static void pause_ms(int ms) {
  struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};
  nanosleep(&ts, NULL);
}

static pk_pay_x_rc ask(pk_pay_store *s, pk_pay_terminal *t, pk_pay_msg_type type, const pk_pay_record *r,
                       pk_pay_msg *ans) {
  pk_pay_msg req;
  request(&req, type, t, r);
  pk_pay_x_rc x = t->ops->exchange(t, &req, ans, s->opts.status_timeout_ms, NULL, NULL);
  if (x == PK_PAY_X_NOT_SENT) pause_ms(s->opts.status_timeout_ms < 200 ? s->opts.status_timeout_ms : 200);
  return x;
}

static int finish(pk_pay_store *s, const char *trace, pk_pay_record *out) {
  pk_pay_record tmp;
  return pk_pay_get(s, trace, out ? out : &tmp);
}

/* Reversal until the terminal acknowledges it; without an acknowledgement the payment stays as
 * it was (uncertain or approved) and the next resolve tries again. */
static int reverse_now(pk_pay_store *s, pk_pay_terminal *t, const pk_pay_record *r, const char *why) {
  for (int attempt = 0; attempt < 3; attempt++) {
    pk_pay_msg ans;
    if (ask(s, t, PK_PAY_MSG_REVERSE, r, &ans) == PK_PAY_X_ANSWER && strcmp(ans.rc, "00") == 0)
      return pay_set_state(s, r->trace, LIVE_MASK, PK_PAY_REVERSED, NULL, why);
  }
  return PK_PAY_OK;
}

static bool settles(const char *state) {
  static const char *const known[] = {"approved", "declined", "reversed", "none"};
  for (size_t i = 0; i < sizeof known / sizeof *known; i++)
    if (!strcmp(state, known[i])) return true;
  return false;
}

/* What the terminal says of the trace, asked until resolve_bound_ms has passed: 1 = it knows
 * (ans->state is approved, declined, reversed, or none: it never saw the sale), 0 = no answer
 * that settles it. An answer that does not settle it is asked again after a pause, not at once:
 * a terminal busy with that sale is not flooded. */
static int status_within_bound(pk_pay_store *s, pk_pay_terminal *t, const pk_pay_record *r, pk_pay_msg *ans) {
  uint64_t until = pk_now_ms() + (uint64_t)s->opts.resolve_bound_ms;
  do {
    pk_pay_x_rc x = ask(s, t, PK_PAY_MSG_STATUS, r, ans);
    if (x == PK_PAY_X_ANSWER && settles(ans->state)) return 1;
    if (x == PK_PAY_X_ANSWER) pause_ms(200);
  } while (pk_now_ms() < until);
  return 0;
}

/* An uncertain (or sent) payment settled with the terminal. "none" (the terminal never saw it)
 * is reversed too: the reversal bars the trace, so a sale still on its way is refused. */
static int resolve_uncertain(pk_pay_store *s, pk_pay_terminal *t, const pk_pay_record *r) {
  int rc = pay_set_state(s, r->trace, PAY_BIT(PK_PAY_SENT), PK_PAY_UNCERTAIN, NULL, "no answer seen");
  if (rc != PK_PAY_OK && rc != PK_PAY_ESTATE) return rc;
  pk_pay_msg ans;
  unsigned from = PAY_BIT(PK_PAY_UNCERTAIN);
  if (status_within_bound(s, t, r, &ans)) {
    if (!strcmp(ans.state, "approved")) return pay_set_state(s, r->trace, from, PK_PAY_APPROVED, &ans, "status");
    if (!strcmp(ans.state, "declined")) return pay_set_state(s, r->trace, from, PK_PAY_DECLINED, &ans, "status");
    if (!strcmp(ans.state, "reversed")) return pay_set_state(s, r->trace, from, PK_PAY_REVERSED, NULL, "status");
    /* Never seen (the kiosk stopped between "sent" and the sale's bytes): barred at once, so the
     * sale can never arrive later and charge. */
    return reverse_now(s, t, r, "the terminal never saw the sale");
  }
  return reverse_now(s, t, r, "approval not confirmed within the bound");
}

typedef struct {
  pk_pay_store *s;
  const char *trace;
} sent_ctx;

static bool mark_sent(void *ud) {
  sent_ctx *c = ud;
  return pay_set_state(c->s, c->trace, PAY_BIT(PK_PAY_CREATED), PK_PAY_SENT, NULL, "") == PK_PAY_OK;
}

static int sale_answer(pk_pay_store *s, const pk_pay_record *r, const pk_pay_msg *ans) {
  bool ok = strcmp(ans->rc, "00") == 0;
  return pay_set_state(s, r->trace, PAY_BIT(PK_PAY_SENT), ok ? PK_PAY_APPROVED : PK_PAY_DECLINED, ans, "sale");
}

int pk_pay_sale(pk_pay_store *s, pk_pay_terminal *t, const char *trace, pk_pay_record *out) {
  pk_pay_record r;
  int rc = s && t && trace ? pk_pay_get(s, trace, &r) : PK_PAY_EINVAL;
  if (rc != PK_PAY_OK) return rc;
  if (r.method != PK_PAY_CARD) return PK_PAY_ESTATE; /* the window holds it: no terminal may sell it */
  if (r.state == PK_PAY_SENT || r.state == PK_PAY_UNCERTAIN) rc = resolve_uncertain(s, t, &r);
  if (r.state != PK_PAY_CREATED) return rc ? rc : finish(s, trace, out);
  pk_pay_msg req, ans;
  request(&req, PK_PAY_MSG_SALE, t, &r);
  sent_ctx ctx = {s, trace};
  pk_pay_x_rc x = t->ops->exchange(t, &req, &ans, s->opts.sale_timeout_ms, mark_sent, &ctx);
  if (x == PK_PAY_X_ANSWER) rc = sale_answer(s, &r, &ans);
  else if (x == PK_PAY_X_NO_ANSWER) rc = resolve_uncertain(s, t, &r);
  else {
    /* Still "created" means not a byte left: safe to close as declined (terminal unreachable). */
    pk_pay_msg none = {.rc = "91"};
    rc = pay_set_state(s, trace, PAY_BIT(PK_PAY_CREATED), PK_PAY_DECLINED, &none, "terminal unreachable");
    if (rc == PK_PAY_ESTATE) rc = resolve_uncertain(s, t, &r);
  }
  return rc ? rc : finish(s, trace, out);
}

int pk_pay_reverse(pk_pay_store *s, pk_pay_terminal *t, const char *trace, pk_pay_record *out) {
  pk_pay_record r;
  int rc = s && t && trace ? pk_pay_get(s, trace, &r) : PK_PAY_EINVAL;
  if (rc != PK_PAY_OK) return rc;
  if (r.method != PK_PAY_CARD || !(LIVE_MASK & PAY_BIT(r.state))) return PK_PAY_ESTATE;
  rc = reverse_now(s, t, &r, "reversal asked");
  return rc ? rc : finish(s, trace, out);
}

/* An approved payment found on start: confirmed by trace, then kept or reversed as keep() says. */
static int resolve_approved(pk_pay_store *s, pk_pay_terminal *t, const pk_pay_record *r, pk_pay_keep_fn keep,
                            void *ud, bool *kept) {
  pk_pay_msg ans;
  bool confirmed = status_within_bound(s, t, r, &ans);
  if (confirmed && !strcmp(ans.state, "reversed"))
    return pay_set_state(s, r->trace, PAY_BIT(PK_PAY_APPROVED), PK_PAY_REVERSED, NULL, "status");
  *kept = confirmed && !strcmp(ans.state, "approved") && keep && keep(ud, r);
  if (*kept) return PK_PAY_OK;
  return reverse_now(s, t, r, confirmed ? "request not pending" : "approval not confirmed within the bound");
}

/* One live payment settled; *open = it is still neither final nor kept. */
static int resolve_one(pk_pay_store *s, pk_pay_terminal *t, const char *trace, pk_pay_keep_fn keep, void *ud,
                       bool *open) {
  pk_pay_record r;
  bool kept = false;
  int rc = pk_pay_get(s, trace, &r);
  if (rc == PK_PAY_OK && r.state != PK_PAY_APPROVED) rc = resolve_uncertain(s, t, &r);
  if (rc == PK_PAY_OK) rc = pk_pay_get(s, trace, &r);
  if (rc == PK_PAY_OK && r.state == PK_PAY_APPROVED) rc = resolve_approved(s, t, &r, keep, ud, &kept);
  if (rc == PK_PAY_OK) rc = pk_pay_get(s, trace, &r);
  *open = rc == PK_PAY_OK && !kept && (LIVE_MASK & PAY_BIT(r.state));
  return rc;
}

static bool terminal_reachable(pk_pay_store *s, pk_pay_terminal *t, const char *trace) {
  pk_pay_record r;
  pk_pay_msg ans;
  return pk_pay_get(s, trace, &r) == PK_PAY_OK && ask(s, t, PK_PAY_MSG_STATUS, &r, &ans) != PK_PAY_X_NOT_SENT;
}

int pk_pay_resolve_pending(pk_pay_store *s, pk_pay_terminal *t, pk_pay_keep_fn keep, void *ud) {
  if (!s || !t) return PK_PAY_EINVAL;
  enum { MAX = 4096 };
  char(*traces)[PK_PAY_TRACE_LEN + 1] = malloc(MAX * sizeof *traces);
  if (!traces) return PK_PAY_EIO;
  /* "created" that no sale is making (sales run on the caller's one thread, never beside this):
   * the kiosk stopped before "sent", so the terminal never heard of it. Closed, so that no
   * request's payment is left half begun. */
  size_t n = pay_list(s, PAY_BIT(PK_PAY_CREATED), traces, MAX);
  for (size_t i = 0; i < n; i++) pay_set_state(s, traces[i], PAY_BIT(PK_PAY_CREATED), PK_PAY_DECLINED, NULL, "never sent");
  n = pay_list(s, LIVE_MASK, traces, MAX);
  int rc = 0, unresolved = 0;
  for (size_t i = 0; i < n && rc == 0; i++) {
    bool open = false;
    rc = resolve_one(s, t, traces[i], keep, ud, &open);
    unresolved += open;
    /* A terminal that cannot be reached at all settles none of the others either: each would
     * wait out its own bound, and the kiosk holds everyone meanwhile. The next round asks again. */
    if (open && rc == 0 && !terminal_reachable(s, t, traces[i])) {
      unresolved += (int)(n - i - 1);
      break;
    }
  }
  free(traces);
  return rc ? rc : unresolved;
}

const char *pk_pay_outcome_text(const pk_pay_record *r) {
  switch (r ? r->state : PK_PAY_STATE_COUNT) {
    case PK_PAY_APPROVED:
    case PK_PAY_SETTLED:
    case PK_PAY_SUBMITTED: return _("The payment was approved.");
    case PK_PAY_REVERSED:
      return _("The payment could not be confirmed, so it was reversed: no money was taken from the card.");
    case PK_PAY_SENT:
    case PK_PAY_UNCERTAIN:
      return _("The payment's outcome is not known yet. It is checked with the bank first; the card is never "
               "charged twice.");
    case PK_PAY_DECLINED: break;
    default: return _("The payment has not started.");
  }
  if (!strcmp(r->rc, "51")) return _("The card does not have enough money. No money was taken.");
  if (!strcmp(r->rc, "17")) return _("The card was taken out before the payment finished. No money was taken.");
  if (!strcmp(r->rc, "91")) return _("The card terminal cannot be reached. No money was taken.");
  return _("The bank declined the card. No money was taken; you can try another card.");
}
