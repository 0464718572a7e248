/* The outbox drained into the window: at most `parallel` rows in flight, the citizen's own
 * request first, each attempt with the row's key, backoff with jitter between attempts. */
#include "pishkhan/delivery.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "pishkhan/log.h"
#include "pishkhan/metrics.h"
#include "pishkhan/secret.h"

typedef struct attempt {
  struct pk_delivery *d;
  char ref[16];
  bool sealed;              /* POST /requests/sealed */
  bool replay;              /* POST /requests with the session (else: a lookup by key) */
  pk_net_req *req;
  struct attempt *next;
} attempt;

/* A request body kept in memory for the citizen's session only. */
typedef struct body {
  char ref[16];
  char *fields;
  char invoice[40];         /* the paid invoice of a fee service, or "" */
  char obo[12], ast[40];    /* the company acted for, the assisting clerk's id, or "" */
  struct body *next;
} body;

struct pk_delivery {
  pk_loop *loop;
  pk_net *net;
  pk_outbox *ob;
  pk_link *link;
  size_t parallel, nlive;
  pk_delivery_cb cb;
  void *ud;
  attempt *live;
  body *bodies;
  unsigned tick;
  unsigned base_s, max_s;
  attempt *starting;        /* the attempt whose call is being made: its answer may come first */
};

static int64_t now_s(void) { return (int64_t)time(NULL); }

static body **find_body(pk_delivery *d, const char *ref) {
  body **b = &d->bodies;
  while (*b && strcmp((*b)->ref, ref)) b = &(*b)->next;
  return b;
}

static void drop_body(pk_delivery *d, const char *ref) {
  body **b = find_body(d, ref), *x = *b;
  if (!x) return;
  *b = x->next;
  pk_free_wiped(x->fields);
  pk_wipe(x, sizeof *x);
  free(x);
}

static bool is_live(const pk_delivery *d, const char *ref) {
  for (const attempt *a = d->live; a; a = a->next)
    if (!strcmp(a->ref, ref)) return true;
  return false;
}

static void unlink_attempt(pk_delivery *d, attempt *a) {
  for (attempt **p = &d->live; *p; p = &(*p)->next)
    if (*p == a) {
      *p = a->next;
      d->nlive--;
      return;
    }
}

/* 2^attempts seconds from base, capped, ±50%: a fleet whose link came back together does not
 * retry in step. */
static int64_t backoff_s(const pk_delivery *d, int attempts) {
  uint64_t s = d->base_s;
  for (int i = 0; i < attempts && s < d->max_s; i++) s *= 2;
  if (s > d->max_s) s = d->max_s;
  unsigned r = 0;
  if (RAND_bytes((unsigned char *)&r, sizeof r) != 1) r = (unsigned)pk_now_ms();
  return (int64_t)(s / 2 + (s ? r % s : 0));
}

/* Which outcomes end a row for good: the window said no to the request itself. */
static bool refused_for_good(const attempt *a, const pk_net_receipt *r) {
  if (r->st.err == PK_NET_VALIDATION) return true;
  return r->st.err == PK_NET_AUTH && a->sealed; /* a revoked or untrusted card's consent */
}

static void settle(pk_delivery *d, attempt *a, const pk_net_receipt *r) {
  const char *code = r->st.code[0] ? r->st.code : pk_net_error_name(r->st.err);
  pk_outbox_row row;
  int rc;
  if (r->st.err == PK_NET_OK) {
    rc = pk_outbox_delivered(d->ob, a->ref, r->tracking_code, r->receipt_jws);
  } else if (!a->sealed && !a->replay && r->st.err == PK_NET_VALIDATION && !strcmp(r->st.code, "request_unknown")) {
    rc = pk_outbox_not_registered(d->ob, a->ref); /* the window never stored it and never will */
  } else if (refused_for_good(a, r)) {
    rc = pk_outbox_failed(d->ob, a->ref, code);
  } else {
    bool session_gone = r->st.err == PK_NET_AUTH && a->replay;
    if (session_gone) drop_body(d, a->ref); /* ask by key from now on, at once */
    pk_outbox_row cur;
    int attempts = 0;
    if (pk_outbox_get(d->ob, a->ref, false, &cur) == 0) {
      attempts = cur.attempts;
      pk_outbox_row_clear(&cur);
    }
    int64_t wait = session_gone ? 0 : backoff_s(d, attempts);
    if (r->st.retry_after_s > wait) wait = r->st.retry_after_s;
    rc = pk_outbox_retry_later(d->ob, a->ref, code, now_s() + wait);
  }
  if (rc < 0) pk_err("outbox: cannot record what became of request %s", a->ref);
  if (r->st.err == PK_NET_OK) drop_body(d, a->ref);
  if (pk_outbox_get(d->ob, a->ref, false, &row) == 0) {
    pk_log_event(PK_LOG_INFO, "deliver", row.ref, "request %s: %s after attempt (%s)", row.ref, pk_outbox_state_name(row.state),
            pk_net_error_name(r->st.err));
    pk_metrics_delivery(row.state);
    if (d->cb) d->cb(d->ud, &row, &r->st);
    pk_outbox_row_clear(&row);
  }
}

static void answered(const pk_net_receipt *r, void *ud) {
  attempt *a = ud;
  pk_delivery *d = a->d;
  if (d->starting == a) d->starting = NULL;
  unlink_attempt(d, a);
  if (r->st.err != PK_NET_CANCELLED) {
    pk_link_report(d->link, r->st.err);
    settle(d, a, r);
  }
  free(a);
  if (r->st.err != PK_NET_CANCELLED) pk_delivery_kick(d);
}

static pk_net_req *call(pk_delivery *d, attempt *a, const pk_outbox_row *row, const body *b) {
  if (a->replay) {
    pk_net_submit_extra x = {.invoice_id = b->invoice[0] ? b->invoice : NULL,
                             .on_behalf_of = b->obo[0] ? b->obo : NULL,
                             .assisted_by = b->ast[0] ? b->ast : NULL};
    return pk_net_submit_with(d->net, row->service_id, b->fields, row->idem_key, &x, answered, a);
  }
  if (!a->sealed) return pk_net_request_lookup(d->net, row->idem_key, answered, a);
  pk_outbox_row full;
  if (pk_outbox_get(d->ob, row->ref, true, &full) != 0) return NULL;
  pk_net_req *req = full.sealed ? pk_net_submit_sealed(d->net, full.sealed, full.idem_key, answered, a) : NULL;
  pk_outbox_row_clear(&full);
  return req;
}

static int start(pk_delivery *d, const pk_outbox_row *row) {
  attempt *a = calloc(1, sizeof *a);
  if (!a) return -1;
  a->d = d;
  memcpy(a->ref, row->ref, sizeof a->ref);
  a->sealed = row->sealed_offline;
  body *b = *find_body(d, row->ref);
  a->replay = !a->sealed && b && pk_net_has_session(d->net);
  a->next = d->live;
  d->live = a;
  d->nlive++;
  if (row->state == PK_OB_QUEUED) pk_outbox_sending(d->ob, row->ref); /* for the audit: an attempt began */
  d->starting = a;
  pk_net_req *req = call(d, a, row, b);
  if (d->starting != a) return 0; /* already answered (and freed) from inside the call */
  d->starting = NULL;
  if (req) {
    a->req = req;
    return 0;
  }
  pk_err("outbox: could not start delivering request %s", row->ref);
  unlink_attempt(d, a);
  free(a);
  return -1;
}

void pk_delivery_kick(pk_delivery *d) {
  if (!d || !pk_link_can_deliver(d->link)) return;
  enum { BATCH = 16 };
  pk_outbox_row rows[BATCH];
  size_t n = d->nlive < d->parallel ? pk_outbox_due(d->ob, now_s(), rows, BATCH) : 0;
  for (size_t i = 0; i < n; i++) {
    if (d->nlive < d->parallel && !is_live(d, rows[i].ref)) start(d, &rows[i]);
    pk_outbox_row_clear(&rows[i]);
  }
}

static void on_tick(pk_loop *loop, unsigned id, void *ud) {
  (void)loop;
  (void)id;
  pk_delivery_kick(ud);
}

pk_delivery *pk_delivery_new(pk_loop *loop, pk_net *net, pk_outbox *ob, pk_link *link, int parallel,
                             pk_delivery_cb cb, void *ud) {
  pk_delivery *d = calloc(1, sizeof *d);
  if (!d) return NULL;
  *d = (pk_delivery){.loop = loop, .net = net, .ob = ob, .link = link, .cb = cb, .ud = ud, .base_s = 2,
                     .max_s = 600, .parallel = parallel > 0 ? (size_t)parallel : 1};
  d->tick = pk_loop_every(loop, 1000, on_tick, d);
  if (!d->tick) {
    free(d);
    return NULL;
  }
  return d;
}

int pk_delivery_send(pk_delivery *d, const pk_outbox_row *row, const char *fields_json) {
  return pk_delivery_send_with(d, row, fields_json, NULL);
}

#define OR_EMPTY(x, f) ((x) && (x)->f ? (x)->f : "")

int pk_delivery_send_with(pk_delivery *d, const pk_outbox_row *row, const char *fields_json,
                          const pk_net_submit_extra *extra) {
  body **slot = find_body(d, row->ref);
  if (!*slot) {
    body *b = calloc(1, sizeof *b);
    if (!b || !(b->fields = strdup(fields_json))) {
      free(b);
      return -1;
    }
    memcpy(b->ref, row->ref, sizeof b->ref);
    snprintf(b->invoice, sizeof b->invoice, "%s", OR_EMPTY(extra, invoice_id));
    snprintf(b->obo, sizeof b->obo, "%s", OR_EMPTY(extra, on_behalf_of));
    snprintf(b->ast, sizeof b->ast, "%s", OR_EMPTY(extra, assisted_by));
    *slot = b;
  }
  return is_live(d, row->ref) ? 0 : start(d, row);
}

void pk_delivery_forget_session(pk_delivery *d) {
  while (d && d->bodies) drop_body(d, d->bodies->ref);
}

size_t pk_delivery_inflight(const pk_delivery *d) { return d ? d->nlive : 0; }

void pk_delivery_stop(pk_delivery *d) {
  while (d && d->live) pk_net_cancel(d->live->req); /* each cancel unlinks its attempt */
}

void pk_delivery_set_backoff_s(pk_delivery *d, unsigned base_s, unsigned max_s) {
  d->base_s = base_s ? base_s : 1;
  d->max_s = max_s < d->base_s ? d->base_s : max_s;
}

void pk_delivery_free(pk_delivery *d) {
  if (!d) return;
  pk_loop_timer_cancel(d->loop, d->tick);
  d->cb = NULL;
  pk_delivery_stop(d);
  pk_delivery_forget_session(d);
  free(d);
}
