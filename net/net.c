/* The window client engine: each attempt handed to the network helper (netproc.c), which
 * does the HTTPS; here the answers' classification and the retries, with exponential backoff
 * and jitter, of idempotent and keyed calls. */
#include <errno.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net_internal.h"
#include "pishkhan/log.h"
#include "pishkhan/secret.h"

#define RESP_LIMIT_SMALL (1u << 20)
#define RESP_LIMIT_CATALOG (64u << 20)

const char *pk_net_error_name(pk_net_error e) {
  static const char *const n[] = {"ok",       "offline",   "timeout", "server",  "auth",    "validation",
                                  "protocol", "cancelled", "tls",     "storage", "internal"};
  _Static_assert(sizeof n / sizeof n[0] == PK_NET_ERROR_COUNT, "a name for every cause");
  return (unsigned)e < sizeof n / sizeof n[0] ? n[e] : "?";
}

/* ---- requests ---- */
void pk_net_fail(pk_net_result *st, pk_net_error err, const char *code) {
  st->err = err;
  snprintf(st->code, sizeof st->code, "%s", code);
}

/* Answers carry personal data: what a retry or the end of a request drops is wiped. */
static void reset_response(pk_net_req *r) {
  if (r->resp) pk_wipe(r->resp, r->resp_cap);
  r->resp_len = 0;
  r->etag[0] = 0;
  r->retry_after_s = 0;
}

static void on_answer(void *ud, const pk_wire_resp *a, uint8_t *block, size_t cap, bool *take);

/* The helper holds an attempt no longer than its own timeouts allow, and some slack. */
static uint64_t attempt_deadline_ms(const pk_net_opts *c) {
  int connect = c->connect_timeout_ms > 0 ? c->connect_timeout_ms : 5000;
  int total = c->total_timeout_ms > 0 ? c->total_timeout_ms : 20000;
  return (uint64_t)connect + (uint64_t)total + 5000;
}

static int send_attempt(pk_net_req *r) {
  reset_response(r);
  r->attempt++;
  pk_wire_req w = {.method = r->method, .url = r->url, .nheaders = r->nheaders,
                   .body = (const uint8_t *)r->body, .body_len = r->body ? strlen(r->body) : 0,
                   .resp_limit = (int64_t)r->resp_limit, .want_date = r->kind == NK_PROBE,
                   .want_peer_cert = r->kind == NK_PROBE};
  for (size_t i = 0; i < r->nheaders; i++) w.headers[i] = r->headers[i];
  r->wire_id = pk_netproc_send(r->net->proc, &w, attempt_deadline_ms(&r->net->cfg), on_answer, r);
  return r->wire_id ? 0 : -1;
}

static void drop_attempt(pk_net_req *r) {
  if (r->wire_id) pk_netproc_cancel(r->net->proc, r->wire_id);
  r->wire_id = 0;
}

static void unlink_req(pk_net_req *r) {
  pk_net *net = r->net;
  if (r->prev) r->prev->next = r->next;
  else net->reqs = r->next;
  if (r->next) r->next->prev = r->prev;
  r->prev = r->next = NULL;
}

static void stop_timers(pk_net_req *r) {
  pk_net *net = r->net;
  if (r->retry_timer) net->timers.cancel(net->timers.ud, r->retry_timer);
  if (r->later_timer) pk_loop_timer_cancel(net->loop, r->later_timer);
  r->retry_timer = r->later_timer = 0;
}

static void free_req(pk_net_req *r) {
  drop_attempt(r);
  stop_timers(r);
  for (size_t i = 0; i < r->nheaders; i++) pk_net_free_text(r->headers[i]);
  free(r->url);
  pk_net_free_text(r->body); /* forms carry personal data */
  if (r->resp) pk_wipe(r->resp, r->resp_cap);
  free(r->resp);
  free(r);
}

void pk_net_finish(pk_net_req *r, pk_net_result *st) {
  st->attempts = r->attempt;
  unlink_req(r);
  drop_attempt(r);
  stop_timers(r);
  pk_net *net = r->net;
  if (net->observer && st->err != PK_NET_CANCELLED)
    net->observer(net->observer_ud, (double)(pk_now_ms() - r->started_ms) / 1000.0, st->err);
  pk_net_deliver(r, st);
  free_req(r);
}

static void classify_http(pk_net_req *r, long http, pk_net_result *st) {
  st->http_status = (int)http;
  if (http >= 200 && http < 300) return;
  if (http == 304) return;
  if (http == 401 || http == 403) st->err = PK_NET_AUTH;
  else if (http == 409 && r->kind == NK_LOOKUP) st->err = PK_NET_SERVER; /* a submit still in progress */
  else if (http == 429 || http >= 500) st->err = PK_NET_SERVER;
  else if (http >= 400) st->err = PK_NET_VALIDATION;
  else st->err = PK_NET_PROTOCOL;
  st->retry_after_s = r->retry_after_s;
  if (pk_net_parse_problem(r->resp, r->resp_len, st) != 0) {
    static const char *const bare[PK_NET_ERROR_COUNT] = {
      [PK_NET_SERVER] = "server_error", [PK_NET_AUTH] = "unauthorized", [PK_NET_VALIDATION] = "rejected"};
    snprintf(st->code, sizeof st->code, "%s", bare[st->err] ? bare[st->err] : "unexpected_status");
  }
  if (!st->retry_after_s) st->retry_after_s = r->retry_after_s;
}

static uint64_t backoff_ms(pk_net_req *r) {
  pk_net *net = r->net;
  uint64_t d = net->backoff_base_ms;
  for (int i = 1; i < r->attempt && d < net->backoff_max_ms; i++) d *= 2;
  if (d > net->backoff_max_ms) d = net->backoff_max_ms;
  uint32_t rnd = 0;
  if (RAND_bytes((unsigned char *)&rnd, sizeof rnd) != 1) rnd = 0; /* jitter only spreads the herd */
  uint64_t j = d / 2 + (d / 2 ? rnd % (d / 2 + 1) : 0); /* "equal jitter": never zero, never herd */
  uint64_t ra = (uint64_t)r->retry_after_s * 1000u;
  if (ra > j) j = ra > net->backoff_max_ms * 4 ? net->backoff_max_ms * 4 : ra;
  return j;
}

static void on_retry(pk_loop *loop, unsigned id, void *ud) {
  pk_net_req *r = ud;
  r->retry_timer = 0;
  if (send_attempt(r) != 0) {
    pk_net_result st = {0};
    pk_net_fail(&st, PK_NET_INTERNAL, "cannot_resend");
    pk_net_finish(r, &st);
  }
}

/* The answer body becomes the request's: the block it came in, body first, NUL after it. */
static void keep_answer(pk_net_req *r, const pk_wire_resp *a, uint8_t *block, size_t cap, bool *take) {
  snprintf(r->etag, sizeof r->etag, "%s", a->etag);
  r->retry_after_s = (int)a->retry_after_s;
  r->date = a->date;
  r->peer_not_after = a->peer_not_after;
  if (!a->body || !block) return;
  if (r->resp) pk_wipe(r->resp, r->resp_cap);
  free(r->resp);
  r->resp = (char *)block;
  r->resp_cap = cap;
  r->resp_len = a->body_len;
  *take = true;
}

static void on_answer(void *ud, const pk_wire_resp *a, uint8_t *block, size_t cap, bool *take) {
  pk_net_req *r = ud;
  r->wire_id = 0;
  pk_net_result st = {.err = PK_NET_OK};
  bool transient;
  if (a->err != PK_NET_OK) {
    pk_net_fail(&st, a->err, a->code);
    snprintf(st.detail, sizeof st.detail, "%s", a->detail);
    transient = a->transient;
  } else {
    keep_answer(r, a, block, cap, take);
    long http = (long)a->http_status;
    classify_http(r, http, &st);
    transient = http == 429 || http == 502 || http == 503 || http == 504 || http == 500 ||
                (http == 409 && r->kind == NK_LOOKUP);
  }
  if (transient && r->retryable && r->attempt <= r->net->cfg.max_retries && !r->net->in_free) {
    uint64_t ms = backoff_ms(r);
    pk_debug("window: %s attempt %d failed (%s %s), retrying in %llu ms", pk_net_error_name(st.err), r->attempt,
             st.code, a->detail, (unsigned long long)ms);
    r->retry_timer = r->net->timers.start(r->net->timers.ud, ms, on_retry, r);
    if (r->retry_timer) return;
  }
  pk_net_finish(r, &st);
}

/* ---- start-up checks: a kiosk that cannot present its identity says so at once ---- */
typedef enum { PEM_CERTS, PEM_KEY } pem_kind;

/* NULL when the file holds what the setting needs, else why not. */
static const char *pem_problem(const char *path, pem_kind kind) {
  FILE *f = fopen(path, "r");
  if (!f) return strerror(errno);
  bool ok;
  if (kind == PEM_KEY) {
    EVP_PKEY *k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    ok = k;
    EVP_PKEY_free(k);
  } else {
    X509 *x = PEM_read_X509(f, NULL, NULL, NULL);
    ok = x;
    X509_free(x);
  }
  fclose(f);
  if (ok) return NULL;
  return kind == PEM_KEY ? "not a PEM private key (or it needs a passphrase)" : "no PEM certificate in it";
}

static int check_identity_files(const pk_net_opts *c, char **err) {
  static const struct {
    const char *key;
    size_t off;
    pem_kind kind;
  } files[] = {{"ca_bundle", offsetof(pk_net_opts, ca_bundle), PEM_CERTS},
               {"client_cert", offsetof(pk_net_opts, client_cert), PEM_CERTS},
               {"client_key", offsetof(pk_net_opts, client_key), PEM_KEY}};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    const char *path = (const char *)c + files[i].off;
    const char *why = path[0] ? pem_problem(path, files[i].kind) : NULL;
    if (!why) continue;
    if (err && asprintf(err, "[window] %s = %s: %s", files[i].key, path, why) < 0) *err = NULL;
    return -1;
  }
  return 0;
}

/* ---- public ---- */
pk_net *pk_net_new(pk_loop *loop, const pk_net_opts *cfg, char **err) {
  if (err) *err = NULL;
  if (strncmp(cfg->url, "https://", 8)) {
    if (err) *err = strdup("the window URL must start with https://");
    return NULL;
  }
  if (check_identity_files(cfg, err) != 0) return NULL;
  pk_net_wipe_json_memory();
  pk_net *net = calloc(1, sizeof *net);
  if (!net) return NULL;
  net->loop = loop;
  net->cfg = *cfg;
  snprintf(net->base, sizeof net->base, "%s", cfg->url);
  size_t bl = strlen(net->base);
  while (bl && net->base[bl - 1] == '/') net->base[--bl] = 0;
  snprintf(net->kiosk_id, sizeof net->kiosk_id, "%s", cfg->kiosk_id);
  if (net->cfg.max_retries < 0) net->cfg.max_retries = 0;
  if (net->cfg.max_retries > 10) net->cfg.max_retries = 10;
  net->backoff_base_ms = 250;
  net->backoff_max_ms = 8000;
  pk_net_set_retry_timers(net, NULL);
  pk_wire_opts w = {.connect_timeout_ms = cfg->connect_timeout_ms, .total_timeout_ms = cfg->total_timeout_ms};
  snprintf(w.ca_bundle, sizeof w.ca_bundle, "%s", cfg->ca_bundle);
  snprintf(w.client_cert, sizeof w.client_cert, "%s", cfg->client_cert);
  snprintf(w.client_key, sizeof w.client_key, "%s", cfg->client_key);
  snprintf(w.pinned_pubkey, sizeof w.pinned_pubkey, "%s", cfg->pinned_pubkey);
  snprintf(w.proxy, sizeof w.proxy, "%s", cfg->proxy);
  net->proc = pk_netproc_new(loop, cfg->helper, &w, err);
  if (!net->proc) {
    free(net);
    return NULL;
  }
  return net;
}

void pk_net_free(pk_net *net) {
  if (!net) return;
  net->in_free = true;
  while (net->reqs) pk_net_cancel(net->reqs);
  pk_netproc_free(net->proc);
  pk_wipe(net->token, sizeof net->token);
  free(net);
}

void pk_net_cancel(pk_net_req *r) {
  if (!r) return;
  pk_net_result st = {0};
  pk_net_fail(&st, PK_NET_CANCELLED, "cancelled");
  pk_net_finish(r, &st);
}

bool pk_net_has_session(const pk_net *net) { return net && net->token[0]; }

void pk_net_clear_session(pk_net *net) {
  if (net) pk_wipe(net->token, sizeof net->token);
}

static unsigned loop_timer_start(void *ud, uint64_t ms, pk_timer_cb cb, void *cb_ud) {
  return pk_loop_timer(ud, ms, cb, cb_ud);
}

static void loop_timer_cancel(void *ud, unsigned id) { pk_loop_timer_cancel(ud, id); }

void pk_net_set_retry_timers(pk_net *net, const pk_net_timers *t) {
  net->timers = t ? *t : (pk_net_timers){loop_timer_start, loop_timer_cancel, net->loop};
}

void pk_net_set_observer(pk_net *net, pk_net_observer fn, void *ud) {
  net->observer = fn;
  net->observer_ud = ud;
}

void pk_net_set_backoff_ms(pk_net *net, unsigned base_ms, unsigned max_ms) {
  net->backoff_base_ms = base_ms ? base_ms : 1;
  net->backoff_max_ms = max_ms >= net->backoff_base_ms ? max_ms : net->backoff_base_ms;
}

pk_net_req *pk_net_start(pk_net *net, pk_net_kind kind, const char *method, const char *path, char *body,
                         bool retryable, bool auth, void (*cb)(void), void *ud) {
  pk_net_req *r = calloc(1, sizeof *r);
  if (!r) {
    free(body);
    return NULL;
  }
  r->net = net;
  r->kind = kind;
  r->body = body;
  r->retryable = retryable;
  r->auth = auth;
  r->cb = cb;
  r->ud = ud;
  r->started_ms = pk_now_ms();
  r->next = net->reqs;
  if (net->reqs) net->reqs->prev = r;
  net->reqs = r;
  r->method = method;
  r->resp_limit = kind == NK_SYNC ? RESP_LIMIT_CATALOG : RESP_LIMIT_SMALL;
  /* Without its parts the request still exists, so that it can fail through its callback. */
  if (asprintf(&r->url, "%s%s", net->base, path) < 0) r->url = NULL;
  bool ok = r->url && pk_net_add_header(r, "Accept: application/json, application/problem+json") == 0;
  if (ok && body)
    ok = pk_net_add_header(r, kind == NK_SEALED ? "Content-Type: application/jose" : "Content-Type: application/json") == 0;
  if (ok && auth && net->token[0]) {
    char h[300];
    snprintf(h, sizeof h, "Authorization: Bearer %s", net->token);
    ok = pk_net_add_header(r, h) == 0;
    pk_wipe(h, sizeof h);
  }
  if (!ok) {
    r->fail_err = PK_NET_INTERNAL;
    r->fail_code = "out_of_memory";
  }
  return r;
}

int pk_net_add_header(pk_net_req *r, const char *line) {
  char *h = r->nheaders < PK_WIRE_HEADERS ? strdup(line) : NULL;
  if (!h) return -1;
  r->headers[r->nheaders++] = h;
  return 0;
}

int pk_net_go(pk_net_req *r) {
  if (r->fail_code) return -1;
  return send_attempt(r);
}

bool pk_net_new_idem_key(char out[37]) {
  unsigned char b[16];
  out[0] = 0;
  if (RAND_bytes(b, sizeof b) != 1) return false;
  b[6] = (b[6] & 0x0F) | 0x40;
  b[8] = (b[8] & 0x3F) | 0x80;
  snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3],
           b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return true;
}

int pk_net_helper_pid(const pk_net *net) { return net ? (int)pk_netproc_pid(net->proc) : 0; }
