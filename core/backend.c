/* Backend: the state machine's card and login requests carried out for real. Card work
 * runs on the worker (APDUs block); the window client runs on the main loop. Each job
 * carries the app generation it was asked for, so a wiped session ignores late answers. */
#include "pishkhan/backend.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pishkhan/i18n.h"
#include "pishkhan/log.h"
#include "pishkhan/metrics.h"
#include "pishkhan/module_opts.h"
#include "pishkhan/worker.h"
#include "backend_pay.h"

#include <openssl/rand.h>

typedef struct {
  pk_backend *be;
  unsigned gen;
  char reader[128];
  pk_card_status st;      /* PK_CARD_COMM until the job has run */
  pk_secret *pin;         /* this login's PIN: written on the main thread, read and wiped on the worker */
  pk_identity id;
  int tries;
  bool pinpad;
  uint8_t nonce[64];
  size_t nonce_len;
  char nonce_b64[96];
  uint8_t sig[80];
  size_t sig_len;
  uint8_t *cert;
  size_t cert_len;
} card_job;

pk_card_result pk_backend_card_result(pk_card_status st) {
  switch (st) {
  case PK_CARD_OK: return PK_CARDRES_OK;
  case PK_CARD_REMOVED: return PK_CARDRES_REMOVED;
  case PK_CARD_UNKNOWN: return PK_CARDRES_UNKNOWN_CARD;
  case PK_CARD_TAMPERED:
  case PK_CARD_UNTRUSTED: return PK_CARDRES_TAMPERED;
  case PK_CARD_EXPIRED: return PK_CARDRES_EXPIRED;
  case PK_CARD_REVOKED: return PK_CARDRES_REVOKED;
  case PK_CARD_PIN_WRONG: return PK_CARDRES_PIN_WRONG;
  case PK_CARD_PIN_BLOCKED: return PK_CARDRES_PIN_BLOCKED;
  case PK_CARD_BAD_SIGNATURE: return PK_CARDRES_AUTH_REFUSED;
  case PK_CARD_PIN_CANCELLED:
  case PK_CARD_PIN_TIMEOUT: return PK_CARDRES_REMOVED; /* the citizen walked away from the pad */
  default: return PK_CARDRES_COMM;
  }
}

pk_transport *pk_backend_pcsc_opener(void *ud, const char *reader, pk_card_status *st) {
  long scard_err = 0;
  pk_transport *t = pk_transport_pcsc_open(reader, &scard_err);
  if (!t) *st = PK_CARD_COMM;
  return t;
}

pk_backend *pk_backend_new(pk_loop *loop, const pk_config *cfg, pk_net *net, pk_transport_opener open,
                           void *open_ud, char **err) {
  pk_backend *be = calloc(1, sizeof *be);
  if (!be) return NULL;
  be->loop = loop;
  be->cfg = cfg;
  be->net = net;
  be->open = open;
  be->open_ud = open_ud;
  be->trust.issuer_ca = cfg->issuer_ca;
  be->trust.crl = cfg->crl;
  pk_config_printer_opts(cfg, &be->printer);
  be->worker = pk_worker_new(loop);
  if (!be->worker) *err = strdup("out of memory");
  if (!be->worker || pk_be_open_outbox(be, err) != 0) {
    pk_backend_free(be);
    return NULL;
  }
  return be;
}

static void release_card(pk_backend *be) {
  if (be->card) pk_card_close(be->card);
  if (be->tr) pk_transport_free(be->tr);
  be->card = NULL;
  be->tr = NULL;
}

void pk_backend_free(pk_backend *be) {
  if (!be) return;
  be->app = NULL; /* the app is gone: completions still queued are dropped, not delivered */
  pk_net_cancel(be->inflight);
  pk_be_close_outbox(be); /* rows in flight stay "sending": resolved at the next start */
  pk_worker_free(be->worker); /* joins: no job touches the card after this */
  pk_loop_run_once(be->loop, 0); /* deliver completions already posted, so they are freed */
  release_card(be);
  free(be);
}

/* A job the worker could not take still ends: its done runs at the next turn of the loop with
 * the job's own failure status, so the screen waiting for it moves on. */
int pk_be_run(pk_backend *be, pk_job_fn run, pk_job_fn done, void *job) {
  if (pk_worker_submit(be->worker, run, done, job) == 0) return 0;
  pk_err("card worker refused a job: answering it as failed");
  if (pk_loop_post_call(be->loop, done, job) == 0) return -1;
  pk_err("card worker: the failed job could not be answered either");
  return -1;
}

static card_job *job_new(pk_backend *be, pk_app *app, unsigned gen) {
  card_job *j = calloc(1, sizeof *j);
  if (!j) return NULL;
  be->app = app;
  j->be = be;
  j->gen = gen;
  j->tries = -1;
  j->st = PK_CARD_COMM;
  return j;
}

static void job_free(card_job *j) {
  pk_identity_wipe(&j->id);
  pk_secret_free(j->pin);
  if (j->cert) pk_wipe(j->cert, j->cert_len); /* its subject: the national code and name */
  free(j->cert);
  pk_wipe(j, sizeof *j);
  free(j);
}

static bool job_current(const card_job *j) {
  return j->be->app && pk_app_generation(j->be->app) == j->gen;
}

/* ---- open: read and verify the identity, ask the PIN counter ---- */

static void open_run(void *p) {
  card_job *j = p;
  pk_backend *be = j->be;
  release_card(be);
  be->tr = be->open(be->open_ud, j->reader, &j->st);
  if (!be->tr) return;
  be->card = pk_card_open(be->tr, &be->trust, &j->st);
  if (!be->card) return;
  be->pinpad = j->pinpad = pk_card_has_pinpad(be->card);
  const char *used = pk_transport_pcsc_reader(be->tr); /* the reader a pattern matched */
  if (used) snprintf(j->reader, sizeof j->reader, "%s", used);
  j->st = pk_card_read_identity(be->card, &j->id);
  if (j->st == PK_CARD_OK) {
    pk_card_status t = pk_card_pin_tries(be->card, &j->tries);
    if (t == PK_CARD_PIN_BLOCKED) j->tries = 0;
  }
}

/* Names come from the card: sanitized before they can reach a screen or a printer. */
static void copy_name(char *dst, size_t n, const char *given, const char *family) {
  char joined[2 * PK_NAME_MAX + 2];
  snprintf(joined, sizeof joined, "%s %s", given, family);
  char *clean = pk_sanitize(joined, n - 1);
  snprintf(dst, n, "%s", clean ? clean : "");
  free(clean);
}

static void open_done(void *p) {
  card_job *j = p;
  if (job_current(j)) {
    pk_citizen who = {0};
    copy_name(who.name_fa, sizeof who.name_fa, j->id.given_fa, j->id.family_fa);
    copy_name(who.name_en, sizeof who.name_en, j->id.given_en, j->id.family_en);
    memcpy(who.national_code, j->id.national_code, sizeof who.national_code);
    snprintf(who.birth_date, sizeof who.birth_date, "%s", j->id.birth_date);
    snprintf(who.expires, sizeof who.expires, "%s", j->id.expires);
    who.clerk = j->id.role == PK_ROLE_CLERK;
    char masked[16];
    pk_mask_national_code(j->id.national_code, masked, sizeof masked);
    pk_log_event(PK_LOG_INFO, "card", NULL, "card read: %s (%s) in \"%s\"%s", pk_card_status_name(j->st), masked, j->reader,
            j->pinpad ? ", PIN pad reader" : "");
    pk_metrics_card(j->st);
    if (j->pinpad) pk_app_card_pinpad(j->be->app, j->gen);
    pk_app_card_open_done(j->be->app, j->gen, pk_backend_card_result(j->st), &who, j->tries);
    pk_wipe(&who, sizeof who);
  }
  job_free(j);
}

static void be_card_open(void *bep, pk_app *app, unsigned gen) {
  pk_backend *be = bep;
  card_job *j = job_new(be, app, gen);
  if (!j) return;
  const char *reader = pk_app_reader(app);
  snprintf(j->reader, sizeof j->reader, "%s", reader ? reader : "");
  pk_be_run(be, open_run, open_done, j);
}

/* ---- login: PIN, then the window's challenge signed by the card ---- */

static void audit_sign_in(pk_backend *be, const char *method) {
  const pk_citizen *who = pk_app_citizen(be->app);
  if (who) pk_be_audit_auth(be, method, pk_app_session_level(be->app), who->national_code);
}

static void login_fail(card_job *j, pk_card_result r) {
  if (job_current(j)) pk_app_card_login_done(j->be->app, j->gen, r, j->tries);
}

/* A failed login call, as the citizen must hear it: unreachable is not the same as refused,
 * broken or untrusted. */
static pk_card_result login_result(pk_net_error e) {
  switch (e) {
  case PK_NET_AUTH: return PK_CARDRES_AUTH_REFUSED;
  case PK_NET_OFFLINE:
  case PK_NET_TIMEOUT: return PK_CARDRES_NET;
  case PK_NET_SERVER: return PK_CARDRES_WINDOW_DOWN;
  case PK_NET_TLS: return PK_CARDRES_WINDOW_TLS;
  default: return PK_CARDRES_WINDOW_ANSWER;
  }
}

static void session_done(const pk_net_session *s, void *ud) {
  card_job *j = ud;
  j->be->inflight = NULL;
  pk_link_report(j->be->link, s->st.err);
  if (s->st.err == PK_NET_OK) {
    j->be->card_session = true;
    if (job_current(j)) pk_app_card_login_done(j->be->app, j->gen, PK_CARDRES_OK, j->tries);
    if (job_current(j)) pk_be_ask_profile(j->be, j->gen);
    if (job_current(j)) audit_sign_in(j->be, "card");
    if (job_current(j)) pk_be_tell_recent(j->be, j->gen);
  } else if (s->st.err != PK_NET_CANCELLED) {
    pk_warn("card login refused by the window: %s %s", pk_net_error_name(s->st.err), s->st.code);
    login_fail(j, login_result(s->st.err));
  }
  job_free(j);
}

uint8_t *pk_be_card_cert(pk_backend *be, size_t *len) {
  const uint8_t *der;
  uint8_t *copy = NULL;
  if (pk_card_certificate(be->card, &der, len) == PK_CARD_OK && (copy = malloc(*len))) memcpy(copy, der, *len);
  return copy;
}

static void sign_run(void *p) {
  card_job *j = p;
  pk_backend *be = j->be;
  if (!be->card) {
    j->st = PK_CARD_REMOVED;
    return;
  }
  j->sig_len = sizeof j->sig;
  j->st = pk_card_sign_challenge(be->card, j->nonce, j->nonce_len, be->cfg->kiosk_id, j->sig, &j->sig_len);
  if (j->st == PK_CARD_OK) j->cert = pk_be_card_cert(be, &j->cert_len);
}

static void sign_done(void *p) {
  card_job *j = p;
  if (!job_current(j)) {
    job_free(j);
    return;
  }
  if (j->st != PK_CARD_OK || !j->cert) {
    login_fail(j, pk_backend_card_result(j->st == PK_CARD_OK ? PK_CARD_COMM : j->st));
    job_free(j);
    return;
  }
  pk_be_card_fingerprint(j->be, j->cert, j->cert_len);
  if (!j->nonce_b64[0]) { /* the kiosk's own challenge: the card proved its key; chain and CRL were checked */
    pk_info("card login without the window: offline session, level 3");
    j->be->card_session = j->be->offline_session = true;
    pk_app_card_login_done(j->be->app, j->gen, PK_CARDRES_OK, j->tries);
    audit_sign_in(j->be, "card_offline");
    pk_be_tell_recent(j->be, j->gen);
    job_free(j);
    return;
  }
  j->be->inflight = pk_net_card_auth(j->be->net, j->nonce_b64, j->cert, j->cert_len, j->sig, j->sig_len,
                                     session_done, j);
}

static void sign_offline(card_job *j);

static void challenge_done(const pk_net_challenge *c, void *ud) {
  card_job *j = ud;
  j->be->inflight = NULL;
  pk_link_report(j->be->link, c->st.err);
  bool unreachable = c->st.err == PK_NET_OFFLINE || c->st.err == PK_NET_TIMEOUT;
  if (unreachable && j->be->offline_ok && job_current(j)) { /* the window is gone: sign in without it */
    sign_offline(j);
    return;
  }
  if (c->st.err != PK_NET_OK || !job_current(j) ||
      pk_net_nonce_decode(c->nonce, j->nonce, sizeof j->nonce, &j->nonce_len) != 0) {
    if (c->st.err != PK_NET_CANCELLED)
      pk_warn("card login: no usable challenge (%s %s, HTTP %d)", pk_net_error_name(c->st.err), c->st.code,
              c->st.http_status);
    if (c->st.err != PK_NET_CANCELLED) login_fail(j, login_result(c->st.err == PK_NET_OK ? PK_NET_PROTOCOL : c->st.err));
    job_free(j);
    return;
  }
  snprintf(j->nonce_b64, sizeof j->nonce_b64, "%s", c->nonce);
  j->st = PK_CARD_COMM;
  pk_be_run(j->be, sign_run, sign_done, j);
}

static void verify_run(void *p) {
  card_job *j = p;
  pk_backend *be = j->be;
  if (!be->card) j->st = PK_CARD_REMOVED;
  else if (be->pinpad) j->st = pk_card_verify_pin_pinpad(be->card, &j->tries); /* typed on the reader */
  else j->st = pk_card_verify_pin(be->card, j->pin, &j->tries);
  pk_secret_clear(j->pin);
}

/* Without the window the kiosk makes the challenge itself, if its revocation list is recent
 * enough to trust the card's chain offline. */
static void sign_offline(card_job *j) {
  pk_backend *be = j->be;
  pk_card_result why;
  if (!pk_be_offline_login_allowed(be, &why)) {
    login_fail(j, why);
    job_free(j);
    return;
  }
  j->nonce_len = 32;
  j->nonce_b64[0] = 0;
  if (RAND_bytes(j->nonce, (int)j->nonce_len) != 1) {
    login_fail(j, PK_CARDRES_COMM);
    job_free(j);
    return;
  }
  j->st = PK_CARD_COMM;
  pk_be_run(be, sign_run, sign_done, j);
}

static void verify_done(void *p) {
  card_job *j = p;
  if (job_current(j) && j->st != PK_CARD_OK) pk_metrics_card(j->st);
  if (!job_current(j) || j->st != PK_CARD_OK) {
    login_fail(j, pk_backend_card_result(j->st));
    job_free(j);
    return;
  }
  if (j->be->offline_ok && pk_link_known_down(j->be->link)) sign_offline(j);
  else j->be->inflight = pk_net_auth_challenge(j->be->net, challenge_done, j);
}

/* The PIN is copied into the job's own locked page before the worker sees the job, so no
 * buffer is shared between the threads; the worker wipes it right after VERIFY. */
static void be_card_login(void *bep, pk_app *app, unsigned gen, pk_secret *pin) {
  pk_backend *be = bep;
  card_job *j = job_new(be, app, gen);
  if (j) j->pin = pk_secret_new(PK_CARD_PIN_MAX);
  if (!j || !j->pin) {
    pk_err("card login: out of memory");
    if (j && pk_loop_post_call(be->loop, verify_done, j) != 0) job_free(j);
    return;
  }
  for (size_t i = 0; i < pk_secret_len(pin); i++) pk_secret_push(j->pin, pk_secret_data(pin)[i]);
  pk_be_run(be, verify_run, verify_done, j);
}

/* ---- end of session ---- */

static void close_run(void *p) {
  pk_backend *be = p;
  release_card(be);
}

static void close_done(void *p) { (void)p; }

static void logged_out(const pk_net_result *r, void *ud) {
  if (r->err == PK_NET_OK) pk_info("window session closed");
  else if (r->err != PK_NET_CANCELLED) pk_warn("logout: %s", pk_net_error_name(r->err));
}

/* The window's session ends with the citizen's: revoked there, wiped here. */
static void be_card_close(void *bep) {
  pk_backend *be = bep;
  be->card_session = be->offline_session = false;
  be->card_fpr[0] = 0;
  be->cur_ref[0] = 0;
  pk_be_pay_session_end(be);
  pk_delivery_forget_session(be->dl);
  if (be->net && pk_net_has_session(be->net)) pk_net_logout(be->net, logged_out, NULL);
  if (be->net) pk_net_clear_session(be->net);
  /* Refused, the card stays open until the next card's job releases it first (open_run). */
  pk_be_run(be, close_run, close_done, be);
}

static void be_cancel(void *bep) {
  pk_backend *be = bep;
  pk_net_req *r = be->inflight;
  be->inflight = NULL;
  pk_net_cancel(r);
}

const pk_backend_ops pk_backend_live_ops = {be_card_open,      be_card_login,    be_card_close, be_cancel,
                                            pk_be_submit,      pk_be_track,      pk_be_inbox,   pk_be_document,
                                            pk_be_print,       pk_be_otp_request, pk_be_otp_verify, pk_be_pay,
                                            pk_be_pay_cancel,  pk_be_entities,   pk_be_clerk_check, pk_be_desk_audit,
                                            pk_be_shift_end,   pk_be_level1,     pk_be_pay_cash};
