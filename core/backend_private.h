/* Inside the live backend: shared by its card half (backend.c) and its request half
 * (backend_requests.c). */
#ifndef PK_BACKEND_PRIVATE_H
#define PK_BACKEND_PRIVATE_H
#include <stdbool.h>

#include "pishkhan/backend.h"
#include "pishkhan/delivery.h"
#include "pishkhan/link.h"
#include "pishkhan/outbox.h"
#include "pishkhan/receipt.h"
#include "pishkhan/worker.h"

struct pk_backend {
  pk_loop *loop;
  const pk_config *cfg;
  pk_net *net;
  pk_worker *worker;
  pk_transport_opener open;
  void *open_ud;
  pk_card_trust trust;
  pk_printer_opts printer;
  /* Touched only on the worker thread (jobs run in order). */
  pk_transport *tr;
  pk_card *card;
  bool pinpad;            /* the reader offers FEATURE_VERIFY_PIN_DIRECT */
  /* Main thread only. */
  pk_app *app;
  pk_net_req *inflight;
  pk_outbox *ob;          /* every request, durable before it is sent */
  pk_link *link;
  pk_delivery *dl;
  char *window_jwks;      /* the window's published keys: its "enc" key seals requests */
  char device_kid[64];    /* kid of the device key that signs queued receipts */
  struct pk_audit *audit; /* data_dir/audit.log, or NULL when it cannot be opened */
  unsigned char last_print[32]; /* SHA-256 of the last token printed: the same again is a reprint */
  bool offline_ok;        /* [offline] mode is not "never" */
  bool card_session;      /* the session was opened with the card (it can sign consents) */
  char card_fpr[65];      /* SHA-256 (hex) of the signed-in card's certificate: the register copy's key */
  bool offline_session;   /* ... without the window: its requests are sealed and queued */
  /* The request a citizen is waiting for (or stopped waiting for). */
  char cur_ref[16];
  char otp_id[64];        /* the window's handle of the one-time code sent (not the code) */
  unsigned cur_gen;
  bool cur_answered;
  char crl_path[PK_CFG_STR + 16]; /* the kiosk's own copy of the CRL (data folder), or "" */
  pk_net_req *crl_req;
  unsigned pki_timer;
  uint64_t crl_fetched_ms;
  uint64_t hold_until_ms; /* end of the start's resolution of requests in doubt */
  void (*link_changed)(void *ud, pk_link_state now);
  void *link_ud;
  struct pk_be_pay *pay;  /* the fee's payment on the card terminal (backend_pay.c) */
  bool shift_open;        /* counter: a shift's first clerk_login is in the log ... */
  long long shift_log_from; /* ... at this byte offset: its report counts from there */
};

/* The delivery's word on a row (pk_delivery_cb): told to the citizen waiting for it. */
void pk_be_delivered(void *be, const pk_outbox_row *row, const pk_net_result *st);
/* Opens the outbox, the link watch and the delivery (backend_submit.c's half of new/free). */
int pk_be_open_outbox(pk_backend *be, char **err);
/* The audit log (backend_audit.c). */
void pk_be_open_audit(pk_backend *be);
void pk_be_close_audit(pk_backend *be);
void pk_be_audit_auth(pk_backend *be, const char *method, int level, const char *national_code);
void pk_be_audit_request(pk_backend *be, const char *kind, const char *ref, const char *service_id);
void pk_be_audit_recorded(pk_backend *be, const pk_outbox_row *row, long long paid_rials);
void pk_be_audit_print(pk_backend *be, const char *tracking_code, const char *service_id, bool again);
/* Counter: cash taken (cash_received) or to be given back (cash_refunded), with the clerk, the
 * amount and the invoice: the shift report's cash to hand over. */
void pk_be_audit_cash(pk_backend *be, const char *kind, long long rials, const char *invoice);
/* Worker thread: a copy of the card's certificate (DER, malloc'd) for the main thread, or NULL. */
uint8_t *pk_be_card_cert(pk_backend *be, size_t *len);
/* The CRL the card layer trusts: a copy in the data folder, refreshed while the link is up. */
void pk_be_open_pki(pk_backend *be);
void pk_be_refresh_pki(pk_backend *be);
void pk_be_close_pki(pk_backend *be);
/* Offline card sign-in: refused (why) when the kiosk's CRL is past [offline] crl_hard_limit_h. */
bool pk_be_offline_login_allowed(pk_backend *be, pk_card_result *why);
void pk_be_close_outbox(pk_backend *be);

/* pk_worker_submit that never loses a job: refused, done still runs on the loop. */
int pk_be_run(pk_backend *be, pk_job_fn run, pk_job_fn done, void *job);

void pk_be_submit(void *be, pk_app *app, unsigned gen, const char *service_id, const char *fields_json,
                  const char *ref);
void pk_be_tell_recent(pk_backend *be, unsigned gen); /* after sign-in */
/* After a sign-in with the window: what it has on file (mobile, postal code), for the forms. */
void pk_be_ask_profile(pk_backend *be, unsigned gen);
void pk_be_track(void *be, pk_app *app, unsigned gen, const char *tracking);
void pk_be_otp_request(void *be, pk_app *app, unsigned gen, const char *national_code, const char *mobile);
void pk_be_otp_verify(void *be, pk_app *app, unsigned gen, pk_secret *code);
void pk_be_level1(void *be, pk_app *app, unsigned gen, const char *national_code, const char *birth_date);
void pk_be_inbox(void *be, pk_app *app, unsigned gen);
void pk_be_document(void *be, pk_app *app, unsigned gen, const char *kind);
void pk_be_print(void *be, pk_app *app, unsigned gen, const char *jws);
void pk_be_entities(void *be, pk_app *app, unsigned gen);
void pk_be_clerk_check(void *be, pk_app *app, unsigned gen);
/* backend_counter.c: the desk's audit entries and the shift report. */
void pk_be_desk_audit(void *be, const char *kind, const char *clerk_id);
/* Written whole or not at all (backend_pki.c): temp file, fsync, rename, fsync of the folder. */
int pk_be_write_atomic(const char *path, const void *data, size_t len, mode_t mode);
/* The window's word on a clerk, kept for a counter without a link: data_dir/clerk-register.json,
 * keyed by the card certificate's fingerprint (no national code), good for PK_CLERK_COPY_DAYS. */
#define PK_CLERK_COPY_DAYS 7
void pk_be_clerk_copy_save(pk_backend *be, const pk_app_clerk *k);
void pk_be_card_fingerprint(pk_backend *be, const uint8_t *cert, size_t len);
bool pk_be_clerk_copy_find(pk_backend *be, pk_app_clerk *k);
void pk_be_shift_end(void *be, pk_app *app, const pk_app_shift *shift);

/* backend_pay.c: the payment store, the terminal and its worker; the start's resolution. */
int pk_be_open_pay(pk_backend *be, char **err);
void pk_be_close_pay(pk_backend *be);
void pk_be_pay(void *be, pk_app *app, unsigned gen, const char *service_id, long long amount_rials);
void pk_be_pay_cancel(void *be, pk_app *app, unsigned gen);
/* The session ended: money not yet carried by a request is given back. */
void pk_be_pay_session_end(pk_backend *be);
/* The submit of service_id in this session: the request paid for (its drafted ref and key in
 * row) and its invoice, or NULL when no payment is approved for it. */
const char *pk_be_pay_claim(pk_backend *be, const char *service_id, pk_outbox_row *row);
/* The fee paid for the request just claimed (rials), 0 when none. */
long long pk_be_pay_claimed(const pk_backend *be, const char *service_id);
/* Why a fee service's request may not be made now (msgid), or NULL. */
const char *pk_be_pay_refusal(pk_backend *be, const pk_service *svc, bool offline);
/* A request reached its end (registered, failed, never registered): its payment is attached or
 * reversed. */
void pk_be_pay_request_ended(pk_backend *be, const pk_outbox_row *row);
/* Why nobody may be served yet (msgid): earlier payments are being settled. */
const char *pk_be_pay_hold(const pk_backend *be);

#endif
