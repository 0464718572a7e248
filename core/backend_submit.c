/* The backend's submit: every request is written to the outbox before a byte leaves, then
 * sent at once with the citizen's session, or — with no link, or a card session made
 * offline — signed by the citizen's card, sealed to the window and queued, with a receipt
 * the kiosk's device key signs. What becomes of a request later reaches the app by its
 * queue reference. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backend_private.h"
#include "pishkhan/i18n.h"
#include "pishkhan/log.h"
#include "pishkhan/metrics.h"
#include "pishkhan/module_opts.h"

/* A request being made: the consent job carries it to the card and back. */
typedef struct {
  pk_backend *be;
  unsigned gen;
  pk_outbox_row row;
  char *request;          /* the canonical request's JSON (citizen data: wiped) */
  uint8_t digest[32];
  uint8_t sig[80];
  size_t sig_len;
  uint8_t *cert;
  size_t cert_len;
  pk_card_status st;
} consent_job;

static void answer(pk_backend *be, unsigned gen, const pk_app_submit_result *res) {
  if (be->app && pk_app_generation(be->app) == gen) pk_app_submit_done(be->app, gen, res);
}

static void answer_failure(pk_backend *be, unsigned gen, pk_submit_outcome o, const char *msgid, const char *ref) {
  pk_app_submit_result res = {.outcome = o};
  res.fail.msgid = msgid;
  snprintf(res.ref, sizeof res.ref, "%s", ref ? ref : "");
  answer(be, gen, &res);
}

/* What the citizen consents to, as the window rebuilds it (RFC 8785 text). */
static char *request_json(const pk_backend *be, const pk_outbox_row *row, const char *fields_json) {
  const pk_citizen *who = pk_app_citizen(be->app);
  const pk_app_entity *obo = be->app ? pk_app_acting_for(be->app) : NULL;
  pk_outbox_request rq = {.service_id = row->service_id, .fields_json = fields_json, .kiosk_id = be->cfg->kiosk_id,
                          .idem_key = row->idem_key, .created_at = row->created_at,
                          .national_code = who ? who->national_code : "", .level = row->level,
                          .on_behalf_of = obo ? obo->legal_id : NULL,
                          .assisted_by = be->app ? pk_app_assisted_by(be->app) : NULL};
  return pk_outbox_consent_tbs(&rq);
}

/* The envelope the window opens — the request, and for an offline one the card's certificate
 * and consent — sealed to the window's encryption key: the plaintext never touches the disk. */
static char *seal(const pk_backend *be, const char *request, const consent_job *j, char *err, size_t errsz) {
  if (!be->window_jwks) {
    snprintf(err, errsz, "no window keys ([receipt] jwks)");
    return NULL;
  }
  if (j) return pk_outbox_seal_request(be->window_jwks, request, j->cert, j->cert_len, j->sig, j->sig_len, err, errsz);
  /* Online: no consent to carry (the session vouches for the citizen); sealed all the same,
   * so the disk never holds a request in clear. */
  char *plain = NULL, *jwe = NULL;
  if (asprintf(&plain, "{\"v\":1,\"request\":%s}", request) < 0) plain = NULL;
  if (plain) jwe = pk_seal(be->window_jwks, (const uint8_t *)plain, strlen(plain), err, errsz);
  else snprintf(err, errsz, "out of memory");
  pk_free_wiped(plain);
  return jwe;
}

/* A paid request keeps the ref and key its invoice was made for. */
static const char *new_row(pk_backend *be, pk_outbox_row *row, const char *service_id, bool offline) {
  const char *invoice = offline ? NULL : pk_be_pay_claim(be, service_id, row);
  if (!invoice) pk_outbox_draft(be->ob, row);
  snprintf(row->service_id, sizeof row->service_id, "%s", service_id);
  const pk_citizen *who = pk_app_citizen(be->app);
  pk_mask_national_code(who ? who->national_code : "", row->national_masked, sizeof row->national_masked);
  row->level = pk_app_session_level(be->app);
  row->sealed_offline = offline;
  row->state = offline ? PK_OB_QUEUED : PK_OB_SENDING;
  row->created_at = row->updated_at = row->next_attempt_at = (int64_t)time(NULL);
  return invoice;
}

/* Nothing is claimed before the row is durable: a failed write is said as such. */
static int store(pk_backend *be, unsigned gen, pk_outbox_row *row, const char *sealed) {
  char err[256] = "";
  int rc = pk_outbox_insert(be->ob, row, sealed, err, sizeof err);
  if (rc == 0) pk_metrics_inc(PK_M_REQUESTS, "submitted");
  if (rc == 0) pk_log_event(PK_LOG_INFO, "submit", row->ref, "request %s recorded (%s)", row->ref, row->service_id);
  if (rc == 0) pk_be_audit_recorded(be, row, pk_be_pay_claimed(be, row->service_id));
  if (rc == 0) return 0;
  pk_err("outbox: request not recorded: %s", err);
  answer_failure(be, gen, PK_SUBMIT_NOT_RECORDED,
                 rc == PK_OB_EFULL ? N_("The kiosk's queue is full, so this request was not recorded. Please ask the clerk.")
                                   : N_("This kiosk could not record your request (its disk may be full). Nothing was "
                                        "sent. Please ask the clerk."),
                 NULL);
  return -1;
}

static void send_online(pk_backend *be, unsigned gen, const char *service_id, const char *fields_json) {
  pk_outbox_row row;
  const char *invoice = new_row(be, &row, service_id, false);
  char *request = request_json(be, &row, fields_json), err[256] = "";
  char *sealed = request ? seal(be, request, NULL, err, sizeof err) : NULL;
  if (request) pk_free_wiped(request);
  if (!sealed) pk_err("outbox: request not sealed: %s", err);
  int rc = sealed ? store(be, gen, &row, sealed) : -1;
  if (!sealed)
    answer_failure(be, gen, PK_SUBMIT_NOT_RECORDED,
                   N_("This kiosk cannot seal requests for later delivery. Nothing was recorded. Please ask the clerk."),
                   NULL);
  free(sealed);
  if (rc != 0) return;
  be->cur_gen = gen;
  snprintf(be->cur_ref, sizeof be->cur_ref, "%s", row.ref);
  be->cur_answered = false;
  if (be->app) pk_app_submit_recorded(be->app, gen, row.ref);
  const pk_app_entity *obo = be->app ? pk_app_acting_for(be->app) : NULL;
  pk_net_submit_extra extra = {.invoice_id = invoice,
                               .on_behalf_of = obo ? obo->legal_id : NULL,
                               .assisted_by = be->app ? pk_app_assisted_by(be->app) : NULL};
  if (pk_delivery_send_with(be->dl, &row, fields_json, &extra) != 0)
    pk_warn("request %s recorded; it will be delivered by the queue", row.ref);
  pk_outbox_row_clear(&row);
}

/* ---- offline: the citizen's card signs the request, then it is sealed and queued ---- */

static void consent_free(consent_job *j) {
  if (j->request) pk_free_wiped(j->request);
  if (j->cert) pk_wipe(j->cert, j->cert_len);
  free(j->cert);
  pk_outbox_row_clear(&j->row);
  pk_wipe(j, sizeof *j);
  free(j);
}

static void consent_run(void *p) {
  consent_job *j = p;
  pk_backend *be = j->be;
  if (!be->card) {
    j->st = PK_CARD_REMOVED;
    return;
  }
  j->sig_len = sizeof j->sig;
  j->st = pk_card_sign_digest(be->card, j->digest, j->sig, &j->sig_len);
  if (j->st == PK_CARD_OK && !(j->cert = pk_be_card_cert(be, &j->cert_len))) j->st = PK_CARD_COMM;
}

/* The kiosk's own signature on a "queued" receipt: it proves the request was taken here. */
static char *queued_receipt(pk_backend *be, const pk_outbox_row *row) {
  const pk_service *svc = pk_app_current_service(be->app);
  const pk_citizen *who = pk_app_citizen(be->app);
  pk_receipt r = {.issued_at = row->created_at, .status = PK_RECEIPT_QUEUED};
  snprintf(r.tracking_code, sizeof r.tracking_code, "%s", row->ref);
  snprintf(r.service_id, sizeof r.service_id, "%s", row->service_id);
  snprintf(r.service_title, sizeof r.service_title, "%s", svc && svc->title_fa ? svc->title_fa : "");
  snprintf(r.kiosk_id, sizeof r.kiosk_id, "%s", be->cfg->kiosk_id);
  snprintf(r.office, sizeof r.office, "%s", be->cfg->office);
  if (who) pk_receipt_set_national_code(&r, who->national_code);
  const pk_app_entity *obo = pk_app_acting_for(be->app);
  const char *ast = pk_app_assisted_by(be->app);
  if (obo) snprintf(r.on_behalf_of, sizeof r.on_behalf_of, "%s", obo->legal_id);
  if (ast) snprintf(r.assisted_by, sizeof r.assisted_by, "%s", ast);
  char *jws = NULL;
  if (!be->device_kid[0] || pk_receipt_sign_device(&r, be->cfg->device_key, be->device_kid, &jws) != 0) {
    pk_err("queued receipt for %s could not be signed with the device key", row->ref);
    return NULL;
  }
  return jws;
}

static void consent_done(void *p) {
  consent_job *j = p;
  pk_backend *be = j->be;
  bool current = be->app && pk_app_generation(be->app) == j->gen;
  if (!current) {
    consent_free(j);
    return;
  }
  if (j->st != PK_CARD_OK || !j->cert) {
    pk_warn("offline request: the card did not sign (%s)", pk_card_status_name(j->st));
    answer_failure(be, j->gen, PK_SUBMIT_NOT_RECORDED,
                   j->st == PK_CARD_REMOVED ? N_("The card was removed before it could sign. Nothing was recorded.")
                                            : N_("Your card could not sign this request. Nothing was recorded."),
                   NULL);
    consent_free(j);
    return;
  }
  char err[256] = "";
  char *sealed = seal(be, j->request, j, err, sizeof err);
  if (!sealed) {
    pk_err("offline request not sealed: %s", err);
    answer_failure(be, j->gen, PK_SUBMIT_NOT_RECORDED,
                   N_("This kiosk cannot seal requests for later delivery. Nothing was recorded. Please ask the clerk."),
                   NULL);
  } else if (store(be, j->gen, &j->row, sealed) == 0) {
    pk_app_submit_recorded(be->app, j->gen, j->row.ref);
    char *jws = queued_receipt(be, &j->row);
    pk_app_submit_result res = {.outcome = PK_SUBMIT_QUEUED, .jws = jws};
    snprintf(res.ref, sizeof res.ref, "%s", j->row.ref);
    pk_log_event(PK_LOG_INFO, "queued", j->row.ref, "request %s queued for delivery (%s)", j->row.ref, j->row.service_id);
    pk_metrics_inc(PK_M_REQUESTS, "queued");
    answer(be, j->gen, &res);
    free(jws);
    pk_delivery_kick(be->dl); /* a session made offline while the link is up: deliver now */
  }
  free(sealed);
  consent_free(j);
}

static void queue_offline(pk_backend *be, unsigned gen, const char *service_id, const char *fields_json) {
  consent_job *j = calloc(1, sizeof *j);
  if (!j) {
    answer_failure(be, gen, PK_SUBMIT_NOT_RECORDED, N_("This kiosk could not prepare the request. Please try again or ask the clerk."), NULL);
    return;
  }
  j->be = be;
  j->gen = gen;
  j->st = PK_CARD_COMM;
  new_row(be, &j->row, service_id, true);
  j->request = request_json(be, &j->row, fields_json);
  if (!j->request || pk_outbox_consent_digest(j->request, j->digest) != 0) {
    answer_failure(be, gen, PK_SUBMIT_NOT_RECORDED, N_("This kiosk could not prepare the request. Please try again or ask the clerk."), NULL);
    consent_free(j);
    return;
  }
  pk_be_run(be, consent_run, consent_done, j);
}

/* ---- the one entry: a request, or the same request again ---- */

/* A request already made answers from its row: registered, queued, or still in doubt (then
 * sent again with the same key). */
static bool again(pk_backend *be, unsigned gen, const char *ref, const char *fields_json) {
  pk_outbox_row row;
  if (!ref || !ref[0] || pk_outbox_get(be->ob, ref, false, &row) != 0) return false;
  bool handled = true;
  pk_app_submit_result res = {.jws = row.receipt_jws};
  snprintf(res.ref, sizeof res.ref, "%s", row.ref);
  snprintf(res.tracking, sizeof res.tracking, "%s", row.tracking_code);
  if (row.state == PK_OB_DELIVERED) {
    res.outcome = PK_SUBMIT_REGISTERED;
    answer(be, gen, &res);
  } else if (!row.sealed_offline && (row.state == PK_OB_SENDING || row.state == PK_OB_QUEUED)) {
    be->cur_gen = gen;
    snprintf(be->cur_ref, sizeof be->cur_ref, "%s", row.ref);
    be->cur_answered = false;
    pk_delivery_send(be->dl, &row, fields_json);
  } else if (row.state == PK_OB_QUEUED || row.state == PK_OB_SENDING) {
    char *jws = queued_receipt(be, &row);
    res.outcome = PK_SUBMIT_QUEUED;
    res.jws = jws;
    answer(be, gen, &res);
    free(jws);
  } else {
    handled = false; /* failed or never registered: a new request */
  }
  pk_outbox_row_clear(&row);
  return handled;
}

void pk_be_submit(void *bep, pk_app *app, unsigned gen, const char *service_id, const char *fields_json,
                  const char *ref) {
  pk_backend *be = bep;
  be->app = app;
  if (!be->ob) {
    answer_failure(be, gen, PK_SUBMIT_NOT_RECORDED, N_("This kiosk could not record your request (its disk may be full). Nothing was sent. Please ask the clerk."), NULL);
    return;
  }
  if (again(be, gen, ref, fields_json)) return;
  /* A card session made offline has no window token: its requests go sealed, whatever the link. */
  bool offline = pk_link_queue_new(be->link) || !pk_net_has_session(be->net);
  if (offline && (!be->card_session || !be->offline_ok)) {
    answer_failure(be, gen, PK_SUBMIT_REFUSED,
                   be->card_session ? N_("This kiosk does not queue requests. Please try again when the connection returns.")
                                    : N_("Without a connection, requests are accepted only with your national card. Please sign in with your card."),
                   NULL);
    return;
  }
  const pk_service *svc = pk_app_current_service(app);
  const char *unpaid = pk_be_pay_refusal(be, svc, offline);
  if (unpaid) {
    answer_failure(be, gen, PK_SUBMIT_REFUSED, unpaid, NULL);
    return;
  }
  if (offline && svc && !svc->offline_capable) {
    answer_failure(be, gen, PK_SUBMIT_REFUSED,
                   N_("This service needs a live answer from the national window, so it cannot be queued. Please "
                      "try again when the connection returns."),
                   NULL);
    return;
  }
  if (offline) queue_offline(be, gen, service_id, fields_json);
  else send_online(be, gen, service_id, fields_json);
}

/* ---- what became of a request: the delivery's word, told to the citizen waiting for it ---- */

static pk_submit_outcome outcome_of(const pk_outbox_row *row) {
  switch (row->state) {
  case PK_OB_DELIVERED: return PK_SUBMIT_REGISTERED;
  case PK_OB_FAILED: return PK_SUBMIT_REFUSED;
  case PK_OB_NOT_REGISTERED: return PK_SUBMIT_NOT_REGISTERED;
  case PK_OB_QUEUED: return PK_SUBMIT_QUEUED;
  default: return PK_SUBMIT_IN_DOUBT;
  }
}

void pk_be_delivered(void *bep, const pk_outbox_row *row, const pk_net_result *st) {
  pk_backend *be = bep;
  if (row->state == PK_OB_DELIVERED) pk_be_audit_request(be, "request_delivered", row->ref, row->service_id);
  if (row->state == PK_OB_FAILED || row->state == PK_OB_NOT_REGISTERED)
    pk_be_audit_request(be, "request_failed", row->ref, row->service_id);
  pk_be_pay_request_ended(be, row);
  if (!be->app || !be->cur_ref[0] || strcmp(be->cur_ref, row->ref)) return;
  pk_app_submit_result res = {.outcome = outcome_of(row), .jws = row->receipt_jws};
  /* Later retries of a request still in doubt are not news: only its end is. */
  if (res.outcome == PK_SUBMIT_IN_DOUBT && be->cur_answered) return;
  be->cur_answered = true;
  snprintf(res.ref, sizeof res.ref, "%s", row->ref);
  snprintf(res.tracking, sizeof res.tracking, "%s", row->tracking_code);
  if (res.outcome != PK_SUBMIT_REGISTERED) {
    res.fail.msgid = pk_net_error_msgid(st->err);
    snprintf(res.fail.fa, sizeof res.fail.fa, "%s", st->message_fa);
    snprintf(res.fail.en, sizeof res.fail.en, "%s", st->message_en);
  }
  if (res.outcome != PK_SUBMIT_IN_DOUBT) be->cur_ref[0] = 0;
  pk_app_submit_done(be->app, be->cur_gen, &res);
}

/* ---- the outbox's life ---- */

static char *read_text(const char *path) {
  FILE *f = path && path[0] ? fopen(path, "rb") : NULL;
  if (!f) return NULL;
  char *buf = NULL;
  size_t n = 0;
  FILE *m = open_memstream(&buf, &n);
  char chunk[4096];
  size_t got;
  while (m && (got = fread(chunk, 1, sizeof chunk, f)) > 0) fwrite(chunk, 1, got, m);
  if (m) fclose(m);
  fclose(f);
  return buf;
}

/* The device key's kid, from its published JWKS (what verifiers look it up by). */
static void load_device_kid(pk_backend *be) {
  char *path = pk_config_device_jwks_path(be->cfg), *text = read_text(path);
  json_t *o = text ? json_loads(text, 0, NULL) : NULL;
  const char *kid = json_string_value(json_object_get(json_array_get(json_object_get(o, "keys"), 0), "kid"));
  snprintf(be->device_kid, sizeof be->device_kid, "%s", kid ? kid : "");
  if (!kid) pk_warn("no device JWKS at %s: queued receipts cannot be signed", path ? path : "(none)");
  json_decref(o);
  free(text);
  free(path);
}

static void link_changed(void *ud, pk_link_state now) {
  pk_backend *be = ud;
  if (now != PK_LINK_OFFLINE) pk_delivery_kick(be->dl);
  if (now == PK_LINK_ONLINE) pk_be_refresh_pki(be);
  if (be->link_changed) be->link_changed(be->link_ud, now);
}

static void pki_tick(pk_loop *loop, unsigned id, void *ud) {
  (void)loop;
  (void)id;
  pk_be_refresh_pki(ud);
}

int pk_be_open_outbox(pk_backend *be, char **err) {
  char path[PK_CFG_STR + 16], why[256] = "";
  snprintf(path, sizeof path, "%s/outbox.db", be->cfg->data_dir);
  pk_outbox_limits lim = {.max_rows = be->cfg->queue_max_rows, .max_age_days = be->cfg->queue_max_age_days};
  be->ob = pk_outbox_open(path, &lim, why, sizeof why);
  if (!be->ob) {
    if (asprintf(err, "the request queue %s cannot be opened: %s", path, why) < 0) *err = NULL;
    return -1;
  }
  be->offline_ok = be->cfg->offline_mode != PK_OFFLINE_NEVER;
  pk_be_open_pki(be);
  be->window_jwks = read_text(be->cfg->jwks);
  load_device_kid(be);
  pk_be_open_audit(be);
  be->link = pk_link_new(be->loop, be->net, be->cfg->offline_mode, link_changed, be);
  be->dl = be->link ? pk_delivery_new(be->loop, be->net, be->ob, be->link, be->cfg->queue_parallel, pk_be_delivered, be)
                    : NULL;
  if (!be->dl) {
    *err = strdup("out of memory");
    return -1;
  }
  be->hold_until_ms = pk_now_ms() + 3 * (uint64_t)be->cfg->total_timeout_ms;
  if (pk_be_open_pay(be, err) != 0) return -1;
  be->pki_timer = pk_loop_every(be->loop, 60000, pki_tick, be);
  return 0;
}

void pk_be_close_outbox(pk_backend *be) {
  if (be->pki_timer) pk_loop_timer_cancel(be->loop, be->pki_timer);
  be->pki_timer = 0;
  pk_be_close_pki(be);
  pk_be_close_pay(be);
  pk_delivery_free(be->dl);
  pk_link_free(be->link);
  pk_outbox_close(be->ob);
  pk_be_close_audit(be);
  free(be->window_jwks);
  be->dl = NULL;
  be->link = NULL;
  be->ob = NULL;
  be->window_jwks = NULL;
}

/* Offline, the card's chain is checked against the CRL the kiosk holds: past the hard limit
 * that knowledge is too old to sign anyone in; past the soft one the clerk is warned. */
bool pk_be_offline_login_allowed(pk_backend *be, pk_card_result *why) {
  long long issued = pk_card_crl_issued(be->trust.crl);
  long long age_h = issued < 0 ? -1 : ((long long)time(NULL) - issued) / 3600;
  if (issued < 0 || age_h > be->cfg->crl_hard_limit_h) {
    pk_warn("offline card sign-in refused: CRL %s is %s", be->trust.crl,
            issued < 0 ? "unreadable" : "older than [offline] crl_hard_limit_h");
    *why = PK_CARDRES_CRL_STALE;
    return false;
  }
  if (age_h > be->cfg->crl_max_age_h) pk_warn("CRL is %lld hours old: refresh it ([offline] crl_max_age_h)", age_h);
  return true;
}

const char *pk_backend_link_msgid(const pk_backend *be) { return pk_link_state_msgid(be->link); }

const char *pk_backend_network_msgid(const pk_backend *be) {
  if (pk_link_checking(be->link)) return N_("connecting");
  return pk_link_state_now(be->link) == PK_LINK_ONLINE ? pk_net_state_msgid(PK_NET_OK)
                                                       : pk_net_state_msgid(pk_link_last_error(be->link));
}

void pk_backend_on_link(pk_backend *be, void (*cb)(void *ud, pk_link_state now), void *ud) {
  be->link_changed = cb;
  be->link_ud = ud;
}

const char *pk_backend_hold(const pk_backend *be, uint64_t now_ms) {
  if (pk_be_pay_hold(be)) return pk_be_pay_hold(be);
  if (!be->hold_until_ms || now_ms >= be->hold_until_ms || pk_link_known_down(be->link)) return NULL;
  size_t in_doubt, queued;
  pk_backend_queue_counts(be, &in_doubt, &queued);
  return in_doubt ? N_("Please wait: the kiosk is confirming earlier requests with the national window.") : NULL;
}

/* Counted by SQLite on each call (the UI asks once a tick): a count kept in memory would miss
 * what `pishkhan queue` changes from another process, and the query is one indexed scan of
 * at most max_rows sealed rows plus the day's online ones. */
void pk_backend_queue_counts(const pk_backend *be, size_t *in_doubt, size_t *queued) {
  size_t c[PK_OB_STATE_COUNT] = {0};
  int64_t oldest = 0;
  if (be->ob) pk_outbox_counts(be->ob, c, &oldest);
  *in_doubt = c[PK_OB_SENDING];
  *queued = c[PK_OB_QUEUED];
}
