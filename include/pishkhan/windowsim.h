/* The national window simulator: HTTPS (libmicrohttpd, its own threads) + SQLite state.
 * Hosted by `pishkhan-window-sim` and in-process by `pishkhan-demo` and the tests. */
#ifndef PISHKHAN_WINDOWSIM_H
#define PISHKHAN_WINDOWSIM_H
#include <stdbool.h>

typedef struct pk_window_sim pk_window_sim;

/* Fault injection; every ratio is 0..1 and drawn per request. */
typedef struct pk_window_sim_faults {
  int latency_ms;        /* added before every answer */
  double error_ratio;    /* answer 503 problem+json instead */
  double drop_ratio;     /* close the connection without an answer */
  double truncate_ratio; /* announce the full length, send half the body, close */
  int drip_ms;           /* slow drip: send the body in 64-byte pieces, drip_ms apart (0 = off) */
  bool after_commit;     /* errors/drops on submits happen AFTER the request is stored (lost answers) */
} pk_window_sim_faults;

typedef struct pk_window_sim_opts {
  const char *bind;            /* "127.0.0.1" */
  int port;                    /* 0 = ephemeral */
  const char *db_path;         /* ":memory:" or a file (state persists across restarts) */
  const char *tls_cert, *tls_key; /* PEM; required */
  const char *client_ca;       /* PEM: require a kiosk client certificate chaining here; NULL = no mTLS */
  const char *card_issuer_ca;  /* PEM: card certificates must chain here (NULL: card auth answers 503) */
  const char *card_crl;        /* PEM CRL of the issuer, optional */
  const char *receipt_key;     /* PEM EC P-256 private key for receipts; NULL = ephemeral key */
  const char *enc_key;         /* PEM EC P-256 key sealed requests are encrypted to; NULL = ephemeral */
  unsigned seed;               /* catalog generator seed (default 1404) */
  int services;                /* catalog size (default 5240) */
  int token_ttl_s;             /* default 900 */
  int otp_ttl_s;               /* default 120 */
  int otp_resend_interval_s;   /* default 60 */
  int otp_max_sends;           /* per national code per hour, default 3 */
  int max_queue_age_days;      /* sealed requests older than this (+ 10 min) are refused; default 7 */
  bool test_endpoints;         /* /api/v1/test/otp and /api/v1/admin/... */
  bool quiet;                  /* no request log on stderr */
  bool offline;                /* start unreachable (pk_window_sim_set_reachable) */
  bool fees_enforce;           /* a fee service's submit needs a paid invoice (default off until kiosks pay) */
  char provider_pos_db[256];   /* the terminal's own record (pishkhan-pos-sim --db): the provider's word
                                * on a reference it has not been told of; "" = only POST /admin/provider */
  pk_window_sim_faults faults;
} pk_window_sim_opts;

void pk_window_sim_opts_defaults(pk_window_sim_opts *o);
/* Returns NULL with a malloc'd message in *err. */
pk_window_sim *pk_window_sim_start(const pk_window_sim_opts *o, char **err);
int pk_window_sim_port(const pk_window_sim *s);
/* Cuts the link (false: the port refuses connections and open ones are closed, as a cut
 * link would) or restores it on the same port. Not from inside a request. 0, or -1 when the
 * port cannot be had again. */
int pk_window_sim_set_reachable(pk_window_sim *s, bool reachable);
bool pk_window_sim_reachable(pk_window_sim *s);
void pk_window_sim_set_faults(pk_window_sim *s, const pk_window_sim_faults *f);
/* Tests: answers the window made and then lost to an injected fault (dropped, replaced by a
 * 503, truncated); with after_commit, every such submit answer is a request stored but unseen. */
long pk_window_sim_faulted_answers(pk_window_sim *s);
/* Tests: moves the window's clock on (session, challenge and OTP expiry) instead of sleeping. */
void pk_window_sim_advance_clock(pk_window_sim *s, int seconds);
/* Number of stored service requests (tests: "exactly one request"). */
long pk_window_sim_request_count(pk_window_sim *s);
/* Every stored request, as GET /api/v1/admin/requests answers it (JSON text, malloc'd):
 * {"requests":[{idempotency_key, tracking_code, service_id, channel, kiosk_id,
 * national_code_masked, created_at}]} -- tests count duplicates from it. */
char *pk_window_sim_requests(pk_window_sim *s);
/* Tests: whether a submit with this Idempotency-Key is being handled right now. */
bool pk_window_sim_in_flight(pk_window_sim *s, const char *key);
/* Last OTP issued for otp_id (tests), or -1. */
int pk_window_sim_last_otp(pk_window_sim *s, const char *otp_id, char out[8]);
/* The code of the one-time code sent last, whatever its handle (benchmarks). 0 or -1. */
int pk_window_sim_latest_otp(pk_window_sim *s, char out[8]);
/* The payment provider's word (tests, the POS simulator; also POST /api/v1/admin/provider):
 * a sale with this bank reference (RRN, 12 digits) settled for amount_rials. 0 or -1. */
int pk_window_sim_provider_confirm(pk_window_sim *s, const char *bank_ref, long long amount_rials);
/* Tests: the citizen's phone pays (approve) or its bank declines on the page the payment link
 * with this token opened (also POST /api/v1/test/phone-pay). 0, or -1 when the link is unknown
 * or no longer payable. */
int pk_window_sim_phone_pay(pk_window_sim *s, const char *token, bool approve);
/* Tests: an invoice's status as the window holds it (unpaid, paid, cancelled, refunded). 0/-1. */
int pk_window_sim_invoice_status(pk_window_sim *s, const char *invoice_id, char out[12]);
void pk_window_sim_stop(pk_window_sim *s);
/* The JWKS (JSON text, malloc'd) of an EC P-256 receipt key file and, when enc_key_path is
 * not NULL, of the request encryption key too; NULL when a key cannot be read. */
char *pk_window_sim_jwks(const char *receipt_key_path, const char *enc_key_path);

#endif
