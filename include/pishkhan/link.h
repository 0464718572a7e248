/* The kiosk's view of its link to the national window: online, degraded or offline, learnt
 * from the outcome of every window call and from a /health probe with backoff and jitter
 * while the link is not known to be up. It decides whether a new request is sent at once or
 * sealed and queued; it never interrupts anything. Loop thread only. */
#ifndef PISHKHAN_LINK_H
#define PISHKHAN_LINK_H
#include <stdbool.h>

#include "pishkhan/config.h"
#include "pishkhan/loop.h"
#include "pishkhan/net.h"

typedef enum { PK_LINK_ONLINE, PK_LINK_DEGRADED, PK_LINK_OFFLINE } pk_link_state;

typedef struct pk_link pk_link;
typedef void (*pk_link_changed_cb)(void *ud, pk_link_state now);

/* net may be NULL (no window configured): the link is then offline for good. */
pk_link *pk_link_new(pk_loop *loop, pk_net *net, pk_offline_mode mode, pk_link_changed_cb cb, void *ud);
void pk_link_free(pk_link *l);

/* Every window call's outcome: success proves the link, unreachable or timed out after every
 * retry does not. A refusal (validation, auth) says the window is there. */
void pk_link_report(pk_link *l, pk_net_error e);
pk_link_state pk_link_state_now(const pk_link *l);
/* The last outcome that said something about the link (ok, offline, tls, timeout, server). */
pk_net_error pk_link_last_error(const pk_link *l);
/* A new request is sealed and queued rather than sent: mode always, or auto and not online. */
bool pk_link_queue_new(const pk_link *l);
/* The window is known to be out of reach (mode always, or evidence): do not even try it. */
bool pk_link_known_down(const pk_link *l);
/* Deliveries may run (the link is up and the mode allows contact). */
bool pk_link_can_deliver(const pk_link *l);
const char *pk_link_state_name(pk_link_state s); /* "online" ... */
/* No evidence yet (the first probe or call has not answered): the state is only the safe
 * starting guess, "offline", and the screen says the link is being checked, not that it is down. */
bool pk_link_checking(const pk_link *l);
/* The sentence for the home screen and dashboard (msgid). */
const char *pk_link_state_msgid(const pk_link *l);
/* Probe now (e.g. a clerk's "try the link" or a test), resetting the backoff. */
void pk_link_probe_now(pk_link *l);
/* For tests: base and cap of the probe backoff (default 1 s .. 60 s); jitter is ±50%. */
void pk_link_set_backoff_ms(pk_link *l, unsigned base_ms, unsigned max_ms);

#endif
