/* The live backend: carries out what the state machine asks, with the card profile on a
 * worker thread and the national window client on the main loop. Card login is:
 * VERIFY PIN (worker) -> challenge (window) -> card signs it (worker) -> card auth (window). */
#ifndef PISHKHAN_BACKEND_H
#define PISHKHAN_BACKEND_H
#include "pishkhan/app.h"
#include "pishkhan/card.h"
#include "pishkhan/link.h"
#include "pishkhan/loop.h"
#include "pishkhan/net.h"

typedef struct pk_backend pk_backend;

/* Opens a transport to the card in `reader` (PC/SC, or the demo's in-process card).
 * Runs on the worker thread. */
typedef pk_transport *(*pk_transport_opener)(void *ud, const char *reader, pk_card_status *st);

/* The PC/SC opener (ud unused). */
pk_transport *pk_backend_pcsc_opener(void *ud, const char *reader, pk_card_status *st);

/* Opens the outbox in [kiosk] data_dir: NULL with a malloc'd English *err when it cannot. */
pk_backend *pk_backend_new(pk_loop *loop, const pk_config *cfg, pk_net *net, pk_transport_opener open,
                           void *open_ud, char **err);
/* The link's state in words for the home screen and dashboard (msgid), and who hears of its changes. */
const char *pk_backend_link_msgid(const pk_backend *be);
/* The same in a few words for the status line: online, or the cause of its absence. */
const char *pk_backend_network_msgid(const pk_backend *be);
void pk_backend_on_link(pk_backend *be, void (*cb)(void *ud, pk_link_state now), void *ud);
/* Why nobody may be served now (msgid), or NULL: at start, requests whose outcome nobody saw
 * are resolved with the window first — for at most [window] total_timeout_ms x 3, and not
 * when the window is known to be out of reach. */
const char *pk_backend_hold(const pk_backend *be, uint64_t now_ms);
/* Requests written but not yet resolved (sending) and queued. */
void pk_backend_queue_counts(const pk_backend *be, size_t *in_doubt, size_t *queued);
void pk_backend_free(pk_backend *be);
extern const pk_backend_ops pk_backend_live_ops;

/* The gettext msgid that tells a citizen this cause of a failed call (never NULL): net/
 * holds no sentences. */
const char *pk_net_error_msgid(pk_net_error e);
/* The network's state in the status line after a catalog sync ended with e: "offline" only
 * when the window cannot be reached, else the real cause in a few words. */
const char *pk_net_state_msgid(pk_net_error e);

/* The card result shown to the citizen for a card-layer status. */
pk_card_result pk_backend_card_result(pk_card_status st);

#endif
