/* Shared test harness: an in-process simulator over real HTTPS + mTLS on loopback,
 * a main loop and a client configured like a kiosk. */
#ifndef PK_TEST_NET_HARNESS_H
#define PK_TEST_NET_HARNESS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pishkhan/catalog.h"
#include "pishkhan/config.h"
#include "pishkhan/loop.h"
#include "pishkhan/net.h"
#include "pishkhan/windowsim.h"

typedef struct harness {
  pk_window_sim *sim;
  pk_loop *loop;
  pk_config cfg;
  pk_net *net;
  char pki[160];
} harness;

/* Starts sim + loop + client (which always presents the kiosk certificate).
 * mtls: the simulator requires it. extra: simulator options (NULL = defaults). */
void h_start(harness *h, const pk_window_sim_opts *extra, bool mtls);
void h_stop(harness *h);
void h_path(const harness *h, char *out, size_t n, const char *rel); /* pki/<rel> */
/* Runs the loop until *flag or timeout_ms; fails the test on timeout. */
void h_run_until(harness *h, const bool *flag, int timeout_ms);
/* Signs the card challenge like the card would (ECDSA P-256, SHA-256) with persona's key. */
int h_card_sign(const harness *h, const char *persona, const char *nonce, uint8_t *sig, size_t *sig_len,
                uint8_t **cert_der, size_t *cert_len);
/* Logs in with persona's card (challenge, signature, /auth/card); the session in *out (may
 * be NULL). */
pk_net_error h_login_card(harness *h, const char *persona, pk_net_session *out);
/* Logs in by OTP for national code nc (mobile 09121234567); returns level or -1. */
int h_login_otp(harness *h, const char *nc);

/* cmocka setup/teardown: a harness with mutual TLS in *state, and its end. */
int h_setup(void **state);
int h_teardown(void **state);

/* Re-creates the client from h->cfg (after a test changed it). */
void h_renet(harness *h);

#endif
