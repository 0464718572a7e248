/* The national window client, on the main loop; the HTTPS itself runs in a helper process
 * (pishkhan-net, net/netproc.h), so that libcurl never loads into the kiosk's.
 * Every call is asynchronous; its callback runs on the loop thread exactly once
 * (also after pk_net_cancel, with PK_NET_CANCELLED, and at pk_net_free).
 * Result structs and their strings are valid only during the callback: copy what you keep.
 * Every string from the server has passed through the display sanitizer (pk_net_blob's
 * bytes excepted: they are data, not text to show). */
#ifndef PISHKHAN_NET_H
#define PISHKHAN_NET_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pishkhan/loop.h"

typedef struct pk_net pk_net;
typedef struct pk_net_req pk_net_req;
struct pk_catalog;

/* The cause of a failure. net/ says only which one (and a machine code); the sentence a
 * citizen reads is core's (pishkhan/backend.h: pk_net_error_msgid). */
typedef enum {
  PK_NET_OK = 0,
  PK_NET_OFFLINE,    /* unreachable: no route, DNS, connection refused/reset, proxy unreachable */
  PK_NET_TIMEOUT,    /* connect or total timeout after every retry */
  PK_NET_SERVER,     /* 5xx after every retry, 429 */
  PK_NET_AUTH,       /* 401/403: token missing/expired, card rejected, OTP wrong, TLS peer rejected */
  PK_NET_VALIDATION, /* 400/404/409/422, or arguments refused before sending (see code/field) */
  PK_NET_PROTOCOL,   /* bad answer: malformed, truncated, oversized or hostile */
  PK_NET_CANCELLED,
  PK_NET_TLS,        /* the secure channel failed: CA, pin, our certificate or key */
  PK_NET_STORAGE,    /* the kiosk's own store failed (full disk, read-only): detail has its error */
  PK_NET_INTERNAL,   /* the kiosk could not prepare the call: no memory, no randomness */
  PK_NET_ERROR_COUNT
} pk_net_error;

const char *pk_net_error_name(pk_net_error e); /* "ok", "offline", ... */

/* Common to every result: the category and, when the window sent problem+json, its details. */
typedef struct pk_net_result {
  pk_net_error err;
  int http_status;        /* 0 when no HTTP answer */
  char code[64];          /* stable machine code, e.g. "otp_invalid", "insufficient_level" */
  char message_fa[512];   /* sanitized; empty when none */
  char message_en[512];
  char field[64];         /* first offending form field for validation errors */
  int retry_after_s;      /* from Retry-After or the problem body, 0 if none */
  int attempts;           /* HTTP attempts made (retries + 1) */
  char detail[256];       /* for the log, never shown: the local cause (curl's or the store's error) */
} pk_net_result;

/* Bytes the card signs for card authentication (ECDSA P-256 or RSA, SHA-256), the same as
 * pk_card_challenge_tbs: 80 len(nonce) nonce 81 len(kiosk_id) kiosk_id, where nonce is the
 * base64url-decoded challenge (16..64 bytes) and kiosk_id 1..64 bytes. Returns the length,
 * or -1 (bad nonce, bad kiosk id, out too small). */
int pk_net_card_tbs(const char *kiosk_id, const char *nonce_b64url, uint8_t *out, size_t outsz);
/* The challenge's nonce (base64url text) as the 16..64 bytes the card signs. 0 or -1. */
int pk_net_nonce_decode(const char *nonce_b64url, uint8_t *out, size_t cap, size_t *len);

typedef struct pk_net_challenge {
  pk_net_result st;
  char nonce[96];         /* base64url */
  int expires_in_s;
} pk_net_challenge;

typedef struct pk_net_session {
  pk_net_result st;
  int level;              /* 1..3 */
  int expires_in_s;
  char national_code_masked[16];
  char name_fa[128];      /* may be empty for OTP sessions */
  char name_en[128];
} pk_net_session;

typedef struct pk_net_otp {
  pk_net_result st;
  char otp_id[64];
  int expires_in_s;
  int resend_after_s;
  int resends_left;
  char mobile_masked[16];
} pk_net_otp;

typedef struct pk_net_sync {
  pk_net_result st;
  bool changed;           /* false: ETag matched, nothing written */
  long version;
  size_t agencies, services;
} pk_net_sync;

typedef struct pk_net_receipt {
  pk_net_result st;
  char tracking_code[32];
  char status[32];        /* received | in_review | done | rejected */
  bool replayed;          /* the window had already accepted this idempotency key */
  int64_t submitted_at;   /* unix seconds */
  const char *receipt_jws;/* compact JWS ES256, verified by the receipt module */
} pk_net_receipt;

typedef struct pk_net_req_status {
  pk_net_result st;
  char tracking_code[32];
  char service_id[32];
  char status[32];
  char status_fa[256];
  char status_en[256];
  int64_t submitted_at, updated_at;
} pk_net_req_status;

typedef struct pk_net_inbox_item {
  const char *id, *kind;      /* kind: proactive | letter | status */
  const char *title_fa, *title_en, *body_fa, *body_en;
  const char *tracking_code;  /* may be "" */
  int64_t created_at;
  bool read;
} pk_net_inbox_item;

typedef struct pk_net_inbox {
  pk_net_result st;
  size_t n;
  const pk_net_inbox_item *items;
} pk_net_inbox;

typedef struct pk_net_doc_row {
  const char *label_fa, *label_en, *value;
  const char *value_en; /* the value in English when it is words («قبول» / "Passed"); "" otherwise */
} pk_net_doc_row;

typedef struct pk_net_doc {
  pk_net_result st;
  const char *document_id, *kind;  /* kind: report_card | insurance_record | tax_clearance */
  const char *title_fa, *title_en, *subject_fa;
  int64_t issued_at;
  size_t nrows;
  const pk_net_doc_row *rows;
  const char *jws;                 /* the document signed by the window (ES256) */
} pk_net_doc;

/* A company (legal entity) the session's person is a registered signatory of. */
typedef struct pk_net_entity {
  const char *legal_id;            /* 11 ASCII digits, check digit right (pk_legal_id_digits_valid) */
  const char *name;                /* Persian */
} pk_net_entity;

typedef struct pk_net_entities {
  pk_net_result st;
  size_t n;
  const pk_net_entity *items;
} pk_net_entities;

/* The clerk whose card opened the session, as the window's register knows them. */
#define PK_NET_CLERK_PERMS 16
typedef struct pk_net_clerk {
  pk_net_result st;
  char clerk_id[40];               /* opaque: what assisted_by carries (never a national code) */
  char office_id[40];
  char office_name[256];
  size_t npermissions;
  char permissions[PK_NET_CLERK_PERMS][40]; /* e.g. serve_card, serve_otp, act_for_entity, cash_payment */
} pk_net_clerk;

/* What the window has on file for the person signed in; "" for what it does not have. Both are
 * checked (a mobile 09 and 9 digits, a postal code of 10) before they are kept. */
typedef struct pk_net_profile {
  pk_net_result st;
  char mobile[12];
  char postal_code[11];
} pk_net_profile;

typedef struct pk_net_invoice {
  pk_net_result st;
  char invoice_id[40];
  char service_id[32];
  char status[16];                 /* unpaid | paid | cancelled | refunded */
  char bank_ref[16];               /* the reference it was paid with; "" if never paid */
  char method[8];                  /* card | phone | cash once paid; "" if never paid */
  char pay_url[96];                /* the open payment link ("HTTPS://.../..." uppercase), or "" */
  int64_t amount_rials;
  int64_t payable_until, paid_at;  /* unix seconds; paid_at 0 if never paid */
  int64_t link_expires_at;         /* while pay_url is open */
} pk_net_invoice;

/* Bytes as the window sent them (not display text: not sanitized), for the caller to parse,
 * verify and store. */
typedef struct pk_net_blob {
  pk_net_result st;
  const uint8_t *data;
  size_t len;
} pk_net_blob;

typedef void (*pk_net_blob_cb)(const pk_net_blob *r, void *ud);
typedef void (*pk_net_challenge_cb)(const pk_net_challenge *r, void *ud);
typedef void (*pk_net_session_cb)(const pk_net_session *r, void *ud);
typedef void (*pk_net_otp_cb)(const pk_net_otp *r, void *ud);
typedef void (*pk_net_done_cb)(const pk_net_result *r, void *ud);
typedef void (*pk_net_sync_cb)(const pk_net_sync *r, void *ud);
typedef void (*pk_net_submit_cb)(const pk_net_receipt *r, void *ud);
typedef void (*pk_net_req_status_cb)(const pk_net_req_status *r, void *ud);
typedef void (*pk_net_inbox_cb)(const pk_net_inbox *r, void *ud);
typedef void (*pk_net_document_cb)(const pk_net_doc *r, void *ud);
typedef void (*pk_net_entities_cb)(const pk_net_entities *r, void *ud);
typedef void (*pk_net_clerk_cb)(const pk_net_clerk *r, void *ud);
typedef void (*pk_net_profile_cb)(const pk_net_profile *r, void *ud);
typedef void (*pk_net_invoice_cb)(const pk_net_invoice *r, void *ud);

/* Uses cfg->url, ca_bundle, client_cert/key, pinned_pubkey, proxy, timeouts, max_retries,
 * kiosk_id. Returns NULL with a malloc'd English message in *err, also when a configured
 * ca_bundle, client_cert or client_key cannot be read or parsed (the message names the key
 * and the file). */
/* The window and how to reach it: what the client needs of the settings, and nothing more. */
#define PK_NET_STR 256
typedef struct pk_net_opts {
  char url[PK_NET_STR];            /* https://host:port/api/v1 */
  char kiosk_id[64];               /* bound into every card challenge */
  char ca_bundle[PK_NET_STR];      /* CAs of the window's certificate; verification is never off */
  char client_cert[PK_NET_STR];    /* this kiosk's mutual-TLS identity */
  char client_key[PK_NET_STR];
  char pinned_pubkey[PK_NET_STR];  /* curl's "sha256//..." form, "" = no pinning */
  char proxy[PK_NET_STR];          /* "" = none (never taken from the environment) */
  int connect_timeout_ms, total_timeout_ms, max_retries;
  char helper[PK_NET_STR];         /* the network helper program; "" = the installed one */
} pk_net_opts;

pk_net *pk_net_new(pk_loop *loop, const pk_net_opts *o, char **err);
/* Makes jansson wipe every block it frees (pk_net_new does it too; call it before other
 * threads use jansson). */
void pk_net_wipe_json_memory(void);
/* Makes OpenSSL wipe every block it frees. Only possible before OpenSSL's first allocation
 * (false after it): pk_harden_process does it first thing in main. */
bool pk_net_wipe_crypto_memory(void);
/* Cancels everything pending (callbacks run with PK_NET_CANCELLED) and frees. */
void pk_net_free(pk_net *net);

/* Cancel a pending request: its callback runs once, with PK_NET_CANCELLED, from inside
 * this call. A handle is valid only until its callback has started; NULL is ignored. */
void pk_net_cancel(pk_net_req *req);

/* For tests: the network helper's process id (0 when none runs). */
int pk_net_helper_pid(const pk_net *net);

/* The session token the window issued (kept inside pk_net, wiped on logout/clear). */
bool pk_net_has_session(const pk_net *net);
void pk_net_clear_session(pk_net *net); /* local wipe, e.g. on idle timeout; no request */
/* For tests and the demo: base delay of the retry backoff (default 250 ms). */
void pk_net_set_backoff_ms(pk_net *net, unsigned base_ms, unsigned max_ms);
/* For tests: who schedules the backoff waits (default: timers of the client's loop). A test
 * can hold a retry and fire it (cb(loop, id, cb_ud)) when it chooses, instead of sleeping. */
typedef struct pk_net_timers {
  unsigned (*start)(void *ud, uint64_t ms, pk_timer_cb cb, void *cb_ud); /* id > 0, or 0 */
  void (*cancel)(void *ud, unsigned id);
  void *ud;
} pk_net_timers;
void pk_net_set_retry_timers(pk_net *net, const pk_net_timers *t); /* NULL: back to the loop's */

/* Told of every call that ended, cancelled ones aside: how long it took from the first attempt
 * to the answer, retries included. For the fleet's metrics; NULL stops it. */
typedef void (*pk_net_observer)(void *ud, double seconds, pk_net_error err);
void pk_net_set_observer(pk_net *net, pk_net_observer fn, void *ud);

/* Authentication. */
pk_net_req *pk_net_auth_challenge(pk_net *net, pk_net_challenge_cb cb, void *ud);
/* cert_der: the card's authentication certificate; sig: the card's signature over
 * pk_net_card_tbs(kiosk_id, nonce). On success the session token is kept in net. */
pk_net_req *pk_net_card_auth(pk_net *net, const char *nonce, const uint8_t *cert_der, size_t cert_len,
                             const uint8_t *sig, size_t sig_len, pk_net_session_cb cb, void *ud);
pk_net_req *pk_net_otp_request(pk_net *net, const char *national_code, const char *mobile,
                               pk_net_otp_cb cb, void *ud);
pk_net_req *pk_net_otp_verify(pk_net *net, const char *otp_id, const char *code,
                              pk_net_session_cb cb, void *ud);
pk_net_req *pk_net_logout(pk_net *net, pk_net_done_cb cb, void *ud);
/* Level 1: national code and Jalali birth date ("1370-05-12", ASCII digits) checked against
 * the civil registry; a session of level 1 on success. A mismatch (or an unknown person: the
 * window does not say which) is PK_NET_AUTH, code level1_mismatch; after five misses for a
 * code in an hour, PK_NET_SERVER level1_rate_limited (429) for that hour. Not retried. */
pk_net_req *pk_net_level1(pk_net *net, const char *national_code, const char *birth_date, pk_net_session_cb cb,
                          void *ud);

/* Counter mode (in a session). The companies the person signs for; the clerk's own record
 * (PK_NET_AUTH, code not_a_clerk, for anyone else's session). Both read only: retried. */
pk_net_req *pk_net_entities_get(pk_net *net, pk_net_entities_cb cb, void *ud);
pk_net_req *pk_net_clerk_me(pk_net *net, pk_net_clerk_cb cb, void *ud);
/* In a session: the mobile and postal code the window has on file for the citizen, so that a
 * form does not ask for them (the contract's prefill). Read only: retried. */
pk_net_req *pk_net_profile_get(pk_net *net, pk_net_profile_cb cb, void *ud);

/* Fees (in a session). An invoice for a fee service and the request's idempotency key: the
 * same key gives the same invoice, so the call is retried. Paying records the terminal's
 * bank reference (RRN, 12 digits), terminal id and trace (1-6 digits); the window marks the
 * invoice paid only when its payment provider confirms the reference for the amount
 * (PK_NET_VALIDATION payment_not_confirmed / payment_amount_mismatch otherwise; 409
 * invoice_already_paid, bank_ref_used, invoice_expired). Paying again with the same
 * reference answers the paid invoice, so it is retried too. */
pk_net_req *pk_net_invoice_create(pk_net *net, const char *service_id, const char *idem_key, pk_net_invoice_cb cb,
                                  void *ud);
pk_net_req *pk_net_invoice_pay(pk_net *net, const char *invoice_id, const char *bank_ref, const char *terminal_id,
                               const char *trace, pk_net_invoice_cb cb, void *ud);
pk_net_req *pk_net_invoice_get(pk_net *net, const char *invoice_id, pk_net_invoice_cb cb, void *ud);
/* Any invoice by its id, with the kiosk's certificate and never the session's bearer: settling
 * at start an invoice of a citizen who has left. */
pk_net_req *pk_net_invoice_read_as_kiosk(pk_net *net, const char *invoice_id, pk_net_invoice_cb cb, void *ud);
/* The other ways, each retried (the same call again answers the invoice as it is): the payment
 * link the citizen's phone opens (shown as a QR code, then polled with _get); cash a clerk with
 * the cash_payment permission took; and cancel, which ends an invoice no request carries
 * (unpaid: cancelled; paid: refunded), in the session or (as_kiosk) with the kiosk's
 * certificate alone. */
pk_net_req *pk_net_invoice_link(pk_net *net, const char *invoice_id, pk_net_invoice_cb cb, void *ud);
pk_net_req *pk_net_invoice_cash(pk_net *net, const char *invoice_id, const char *clerk_id, pk_net_invoice_cb cb,
                                void *ud);
pk_net_req *pk_net_invoice_cancel(pk_net *net, const char *invoice_id, bool as_kiosk, pk_net_invoice_cb cb, void *ud);

/* Catalog: GET with If-None-Match from the store; a changed catalog is written in one
 * transaction and reloaded into memory. */
pk_net_req *pk_net_catalog_sync(pk_net *net, struct pk_catalog *cat, pk_net_sync_cb cb, void *ud);

/* Requests. fields_json: a JSON object {"field_name":"value",...}. idem_key: the caller's
 * idempotency key (keep it with the offline queue entry); the client resends it on every retry. */
pk_net_req *pk_net_submit(pk_net *net, const char *service_id, const char *fields_json,
                          const char *idem_key, pk_net_submit_cb cb, void *ud);
/* What a request may carry beyond its fields (each NULL when not): the legal entity acted
 * for (on_behalf_of; PK_NET_AUTH not_a_signatory when the person does not sign for it), the
 * assisting clerk's id (pk_net_clerk.clerk_id; a national code is refused before sending),
 * the paid invoice of a fee service (the window refuses one used twice: invoice_used). The
 * window's receipt then carries them as the claims obo, ast and inv. */
typedef struct pk_net_submit_extra {
  const char *on_behalf_of, *assisted_by, *invoice_id;
} pk_net_submit_extra;
pk_net_req *pk_net_submit_with(pk_net *net, const char *service_id, const char *fields_json, const char *idem_key,
                               const pk_net_submit_extra *extra, pk_net_submit_cb cb, void *ud);
/* A queued request, sealed to the window's encryption key (a JWE compact of at most
 * PK_NET_SEALED_MAX bytes), delivered under its idempotency key. Needs no session; retried
 * like pk_net_submit, with the same key on every attempt. The window's refusals are
 * PK_NET_VALIDATION with code seal_invalid, consent_invalid, card_revoked, card_untrusted,
 * request_too_old, clock_skew, idempotency_key_reused, service_not_found or
 * validation_failed, and PK_NET_AUTH kiosk_mismatch (the request names another kiosk than
 * this one's certificate): all permanent, never retried. */
#define PK_NET_SEALED_MAX (192 * 1024)
pk_net_req *pk_net_submit_sealed(pk_net *net, const char *jwe, const char *idem_key, pk_net_submit_cb cb,
                                 void *ud);
/* What the window stored under an idempotency key this kiosk (its certificate; without
 * mutual TLS, the session's citizen) sent: the submit's answer again, replayed = true.
 * Asks, never sends the request. Not stored: PK_NET_VALIDATION, code "request_unknown"
 * (404) -- and then it never will be, for the window answers 409 while a submit with the key
 * is still being handled: that is PK_NET_SERVER, code "request_in_progress", retried with
 * the usual backoff and reported only when it outlasts every retry (ask again later). */
pk_net_req *pk_net_request_lookup(pk_net *net, const char *idem_key, pk_net_submit_cb cb, void *ud);
pk_net_req *pk_net_track(pk_net *net, const char *tracking_code, pk_net_req_status_cb cb, void *ud);
pk_net_req *pk_net_inbox_get(pk_net *net, pk_net_inbox_cb cb, void *ud);
/* kind: report_card | insurance_record | tax_clearance; params_json: {"student_national_code":..,"year":..} or NULL */
pk_net_req *pk_net_document(pk_net *net, const char *kind, const char *params_json,
                            pk_net_document_cb cb, void *ud);

/* What offline card authentication needs, refreshed while the link is up: what = "card-ca"
 * (the card issuers' CA bundle) or "crl" (their CRL), PEM of at most PK_NET_PKI_MAX bytes.
 * The client checks only that the answer is PEM of the expected kind (PK_NET_PROTOCOL
 * otherwise); certificates, signatures and dates are the caller's to verify. Retried. */
#define PK_NET_PKI_MAX (1u << 20)
pk_net_req *pk_net_fetch_pki(pk_net *net, const char *what, pk_net_blob_cb cb, void *ud);
/* GET /health once, never retried (the connectivity watcher backs off itself): PK_NET_OK
 * when the window answers {"status":"ok"}. */
pk_net_req *pk_net_health(pk_net *net, pk_net_done_cb cb, void *ud);
/* The same probe for `pishkhan doctor`, which also wants what the answer tells of the window:
 * its clock (the Date header) and when its TLS certificate expires. 0 = not known. */
typedef struct pk_net_probe {
  pk_net_result st;
  int64_t server_date;    /* unix seconds */
  int64_t peer_not_after; /* the window's leaf certificate */
} pk_net_probe;
typedef void (*pk_net_probe_cb)(const pk_net_probe *r, void *ud);
pk_net_req *pk_net_probe_window(pk_net *net, pk_net_probe_cb cb, void *ud);

/* A fresh random idempotency key (UUID v4 text, 37 bytes with NUL). false, with out = "",
 * when the random generator fails: a guessable key must never be sent (pk_net_submit
 * refuses "" with PK_NET_INTERNAL). */
bool pk_net_new_idem_key(char out[37]);

#endif
