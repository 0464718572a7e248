/* Connectivity from evidence: each window call's outcome, and a /health probe that backs
 * off (with jitter, so a fleet that lost its link together does not come back in step) while
 * the link is down, and checks at a steady pace while it is up. */
#include "pishkhan/link.h"

#include <stdlib.h>

#include <openssl/rand.h>

#include "pishkhan/i18n.h"
#include "pishkhan/log.h"

#define PK_LINK_UP_PROBE_MS 60000u
#define PK_LINK_FAILS_OFFLINE 2 /* consecutive timeouts or 5xx before "degraded" becomes "offline" */

struct pk_link {
  pk_loop *loop;
  pk_net *net;
  pk_offline_mode mode;
  pk_link_changed_cb cb;
  void *ud;
  pk_link_state state;
  pk_net_error last;
  bool proven;              /* some evidence came in: the state is not just the starting guess */
  int fails;
  unsigned base_ms, max_ms, delay_ms;
  unsigned timer;
  bool probing;
  pk_net_req *probe;
};

const char *pk_link_state_name(pk_link_state s) {
  return s == PK_LINK_ONLINE ? "online" : s == PK_LINK_DEGRADED ? "degraded" : "offline";
}

static void schedule(pk_link *l);

static void set_state(pk_link *l, pk_link_state s) {
  if (s == l->state) return;
  pk_info("link: %s -> %s", pk_link_state_name(l->state), pk_link_state_name(s));
  l->state = s;
  if (l->cb) l->cb(l->ud, s);
}

void pk_link_report(pk_link *l, pk_net_error e) {
  if (!l || l->mode == PK_OFFLINE_ALWAYS) return;
  bool first = !l->proven;
  if (e == PK_NET_OK || e == PK_NET_OFFLINE || e == PK_NET_TLS || e == PK_NET_TIMEOUT || e == PK_NET_SERVER) {
    l->last = e;
    l->proven = true;
  }
  /* The first evidence is news even when it confirms the starting guess: "checking" ends. */
  if (first && l->proven && l->cb && (e == PK_NET_OFFLINE || e == PK_NET_TLS)) l->cb(l->ud, l->state);
  switch (e) {
  case PK_NET_OK:
  case PK_NET_AUTH:
  case PK_NET_VALIDATION:
    l->fails = 0;
    l->delay_ms = l->base_ms;
    set_state(l, PK_LINK_ONLINE);
    break;
  case PK_NET_OFFLINE:
  case PK_NET_TLS: /* a link whose peer cannot be trusted is no link for a request */
    l->fails = PK_LINK_FAILS_OFFLINE;
    set_state(l, PK_LINK_OFFLINE);
    break;
  case PK_NET_TIMEOUT:
  case PK_NET_SERVER:
    l->fails++;
    set_state(l, l->fails >= PK_LINK_FAILS_OFFLINE ? PK_LINK_OFFLINE : PK_LINK_DEGRADED);
    break;
  default: return; /* a bad answer, a cancel or our own fault says nothing about the link */
  }
  if (!l->probing) schedule(l);
}

static void probed(const pk_net_result *r, void *ud) {
  pk_link *l = ud;
  l->probe = NULL;
  l->probing = false;
  if (r->err == PK_NET_CANCELLED) return;
  if (r->err != PK_NET_OK && l->state != PK_LINK_ONLINE) {
    unsigned next = l->delay_ms * 2;
    l->delay_ms = next > l->max_ms ? l->max_ms : next;
  }
  pk_link_report(l, r->err);
  if (r->err == PK_NET_PROTOCOL || r->err == PK_NET_INTERNAL) schedule(l);
}

static void probe_fire(pk_loop *loop, unsigned id, void *ud) {
  (void)loop;
  (void)id;
  pk_link *l = ud;
  l->timer = 0;
  l->probing = true;
  l->probe = pk_net_health(l->net, probed, l);
}

/* ±50% jitter around the current delay; up, a steady check catches a link that dies while
 * nobody is using the kiosk. */
static void schedule(pk_link *l) {
  if (!l->net || l->mode == PK_OFFLINE_ALWAYS) return;
  if (l->timer) pk_loop_timer_cancel(l->loop, l->timer);
  unsigned base = l->state == PK_LINK_ONLINE ? PK_LINK_UP_PROBE_MS : l->delay_ms, r = 0;
  if (RAND_bytes((unsigned char *)&r, sizeof r) != 1) r = (unsigned)pk_now_ms();
  uint64_t ms = base / 2 + (base ? r % base : 0);
  l->timer = pk_loop_timer(l->loop, ms ? ms : 1, probe_fire, l);
}

pk_link *pk_link_new(pk_loop *loop, pk_net *net, pk_offline_mode mode, pk_link_changed_cb cb, void *ud) {
  pk_link *l = calloc(1, sizeof *l);
  if (!l) return NULL;
  *l = (pk_link){.loop = loop, .net = net, .mode = mode, .cb = cb, .ud = ud, .base_ms = 1000, .max_ms = 60000};
  l->delay_ms = l->base_ms;
  /* Unknown at start: treated as down until the first call or probe proves otherwise, so the
   * first citizen's request is never sent into a link nobody checked. */
  l->state = PK_LINK_OFFLINE;
  l->last = PK_NET_OFFLINE;
  if (net && mode != PK_OFFLINE_ALWAYS) pk_link_probe_now(l);
  return l;
}

void pk_link_free(pk_link *l) {
  if (!l) return;
  if (l->timer) pk_loop_timer_cancel(l->loop, l->timer);
  l->cb = NULL;
  pk_net_cancel(l->probe);
  free(l);
}

void pk_link_probe_now(pk_link *l) {
  if (!l || !l->net || l->mode == PK_OFFLINE_ALWAYS || l->probing) return;
  if (l->timer) pk_loop_timer_cancel(l->loop, l->timer);
  l->delay_ms = l->base_ms;
  probe_fire(l->loop, 0, l);
}

void pk_link_set_backoff_ms(pk_link *l, unsigned base_ms, unsigned max_ms) {
  l->base_ms = l->delay_ms = base_ms ? base_ms : 1;
  l->max_ms = max_ms < l->base_ms ? l->base_ms : max_ms;
}

pk_link_state pk_link_state_now(const pk_link *l) { return l ? l->state : PK_LINK_OFFLINE; }
pk_net_error pk_link_last_error(const pk_link *l) { return l ? l->last : PK_NET_OFFLINE; }

bool pk_link_queue_new(const pk_link *l) {
  if (!l) return true;
  if (l->mode == PK_OFFLINE_NEVER) return false;
  return l->mode == PK_OFFLINE_ALWAYS || l->state != PK_LINK_ONLINE;
}

bool pk_link_known_down(const pk_link *l) {
  return !l || l->mode == PK_OFFLINE_ALWAYS || (l->proven && l->state == PK_LINK_OFFLINE);
}

bool pk_link_can_deliver(const pk_link *l) {
  return l && l->net && l->mode != PK_OFFLINE_ALWAYS && l->state != PK_LINK_OFFLINE;
}

bool pk_link_checking(const pk_link *l) { return l && l->net && l->mode != PK_OFFLINE_ALWAYS && !l->proven; }

const char *pk_link_state_msgid(const pk_link *l) {
  if (l && l->mode == PK_OFFLINE_ALWAYS) return N_("Offline office: your request is kept safely and delivered later.");
  if (pk_link_checking(l)) return N_("Checking the connection to the national window...");
  switch (pk_link_state_now(l)) {
  case PK_LINK_ONLINE: return N_("Connected to the national window.");
  case PK_LINK_DEGRADED: return N_("The connection is slow: your request may take longer.");
  default: return N_("No connection: your request is kept safely and sent later.");
  }
}
