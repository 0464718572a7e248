/* The embedded demo: the national window simulator in-process on 127.0.0.1 (ephemeral
 * port, HTTPS with the build's test PKI) and an in-process reader holding demo cards.
 * Card insertion and removal are posted to the loop exactly like the PC/SC monitor's. */
#ifndef PISHKHAN_DEMO_H
#define PISHKHAN_DEMO_H
#include "pishkhan/card.h"
#include "pishkhan/config.h"
#include "pishkhan/loop.h"

typedef struct pk_demo pk_demo;

#define PK_DEMO_READER "Pishkhan Demo Reader 00 00"
/* Counter mode: the clerk's own reader, holding the demo clerk's card (persona "clerk"). */
#define PK_DEMO_CLERK_READER "Pishkhan Demo Clerk Reader 00 01"
/* Where the demo's receipts are printed (as PNG) unless the config names a printer. */
#define PK_DEMO_RECEIPTS "/tmp/pishkhan-demo-receipts"

/* Points cfg at the simulator and the test PKI (url, CA bundle, client certificate,
 * card trust, JWKS, data_dir). pki_root: the test PKI's folder; NULL: $PK_DEMO_PKI, else the
 * build's pki/. */
pk_demo *pk_demo_start(pk_loop *loop, pk_config *cfg, const char *pki_root, char **err);
void pk_demo_stop(pk_demo *d);
/* Insert the card if out, remove it if in. */
void pk_demo_toggle_card(pk_demo *d);
/* Next persona (removes the current card first). */
void pk_demo_next_persona(pk_demo *d);
/* The in-process window simulator (benchmarks and tests ask it what it sent). */
struct pk_window_sim *pk_demo_window(pk_demo *d);
/* The window's port refusing connections (a cut link) if it was up, up again if not. */
void pk_demo_toggle_window(pk_demo *d);
/* Counter mode: the clerk's card in its reader if out, out if in. */
void pk_demo_toggle_clerk_card(pk_demo *d);
const char *pk_demo_persona(const pk_demo *d);
bool pk_demo_card_in(const pk_demo *d);
/* pk_transport_opener for pk_backend_new(): a transport to the demo card. */
pk_transport *pk_demo_open_transport(void *demo, const char *reader, pk_card_status *st);

#endif
