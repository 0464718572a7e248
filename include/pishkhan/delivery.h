/* Delivery of the outbox to the national window: the one path of every request. A row is
 * durable (pk_outbox_insert) before this module sends a byte; each attempt carries the row's
 * own Idempotency-Key, so whatever fails in between, the window stores the request once. An
 * outcome nobody saw (timeout, drop, crash, Cancel) leaves the row "sending": it is resolved
 * later with the same key — replayed while the citizen's session lasts, else looked up —
 * never re-created. Loop thread only. */
#ifndef PISHKHAN_DELIVERY_H
#define PISHKHAN_DELIVERY_H
#include <stdbool.h>
#include <stddef.h>

#include "pishkhan/link.h"
#include "pishkhan/loop.h"
#include "pishkhan/net.h"
#include "pishkhan/outbox.h"

typedef struct pk_delivery pk_delivery;

/* What became of a row after an attempt: row->state says (delivered, failed, not_registered,
 * or still sending/queued with last_error and next_attempt_at); st is the attempt's result. */
typedef void (*pk_delivery_cb)(void *ud, const pk_outbox_row *row, const pk_net_result *st);

pk_delivery *pk_delivery_new(pk_loop *loop, pk_net *net, pk_outbox *ob, pk_link *link, int parallel,
                             pk_delivery_cb cb, void *ud);
void pk_delivery_free(pk_delivery *d);

/* Sends a row just written, now, with the citizen's session: fields_json is kept in memory
 * (never on disk in clear) so that an unseen outcome can be replayed while the session
 * lasts. The callback reports the first outcome; later ones come through it too. */
int pk_delivery_send(pk_delivery *d, const pk_outbox_row *row, const char *fields_json);
/* The same with what the request carries beyond its fields (the paid invoice of a fee service,
 * the company acted for, the assisting clerk): every replay carries them. extra may be NULL. */
int pk_delivery_send_with(pk_delivery *d, const pk_outbox_row *row, const char *fields_json,
                          const pk_net_submit_extra *extra);
/* The citizen's session ended: forget every request body kept in memory. Rows still in
 * doubt are resolved by lookup from now on. */
void pk_delivery_forget_session(pk_delivery *d);
/* Look for due rows now (the link came back, a clerk asked). */
void pk_delivery_kick(pk_delivery *d);
/* Rows being delivered right now. */
size_t pk_delivery_inflight(const pk_delivery *d);
/* Stop every delivery in flight (their rows stay as they are: resolved later). */
void pk_delivery_stop(pk_delivery *d);
/* For tests and the CLI: backoff of failed attempts (default 2 s .. 10 min, ±50% jitter). */
void pk_delivery_set_backoff_s(pk_delivery *d, unsigned base_s, unsigned max_s);

#endif
