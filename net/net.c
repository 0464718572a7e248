/* The window client engine: libcurl's multi interface on the main loop's poll()
 * (CURLMOPT_SOCKETFUNCTION/TIMERFUNCTION + curl_multi_socket_action), error classification,
 * and retries with exponential backoff and full jitter for idempotent and keyed calls. */
#include <errno.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
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

/* ---- loop glue ---- */
static void check_done(pk_net *net);

static void on_io(pk_loop *loop, int fd, unsigned revents, void *ud) {
  pk_net *net = ud;
  int flags = (revents & PK_IO_IN ? CURL_CSELECT_IN : 0) | (revents & PK_IO_OUT ? CURL_CSELECT_OUT : 0) |
              (revents & PK_IO_ERR ? CURL_CSELECT_ERR : 0);
  int running;
  curl_multi_socket_action(net->multi, fd, flags, &running);
  check_done(net);
}

static int on_socket(CURL *e, curl_socket_t s, int what, void *userp, void *socketp) {
  pk_net *net = userp;
  if (what == CURL_POLL_REMOVE) {
    pk_loop_unwatch(net->loop, s);
    return 0;
  }
  unsigned ev = (what & CURL_POLL_IN ? PK_IO_IN : 0) | (what & CURL_POLL_OUT ? PK_IO_OUT : 0);
  return pk_loop_watch(net->loop, s, ev, on_io, net) == 0 ? 0 : -1;
}

static void on_timer(pk_loop *loop, unsigned id, void *ud) {
  pk_net *net = ud;
  net->timer_id = 0;
  int running;
  curl_multi_socket_action(net->multi, CURL_SOCKET_TIMEOUT, 0, &running);
  check_done(net);
}

static int on_timer_set(CURLM *m, long timeout_ms, void *userp) {
  pk_net *net = userp;
  if (net->timer_id) pk_loop_timer_cancel(net->loop, net->timer_id);
  net->timer_id = 0;
  if (timeout_ms >= 0) {
    net->timer_id = pk_loop_timer(net->loop, (uint64_t)timeout_ms, on_timer, net);
    if (!net->timer_id) return -1;
  }
  return 0;
}

/* ---- response collection ---- */
static size_t on_write(char *p, size_t sz, size_t n, void *ud) {
  pk_net_req *r = ud;
  size_t len = sz * n;
  if (r->resp_len + len > r->resp_limit) return 0; /* CURLE_WRITE_ERROR: oversized answer */
  if (r->resp_len + len + 1 > r->resp_cap) {
    size_t cap = r->resp_cap ? r->resp_cap : 16384;
    while (cap < r->resp_len + len + 1) cap *= 2;
    char *nb = malloc(cap); /* not realloc: the old block is wiped before it goes */
    if (!nb) return 0;
    if (r->resp) {
      memcpy(nb, r->resp, r->resp_len);
      pk_wipe(r->resp, r->resp_cap);
      free(r->resp);
    }
    r->resp = nb;
    r->resp_cap = cap;
  }
  memcpy(r->resp + r->resp_len, p, len);
  r->resp_len += len;
  r->resp[r->resp_len] = 0;
  return len;
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud) {
  pk_net_req *r = ud;
  size_t len = sz * n;
  if (len > 5 && !strncasecmp(p, "ETag:", 5)) {
    const char *v = p + 5;
    size_t vl = len - 5;
    while (vl && (*v == ' ' || *v == '\t')) v++, vl--;
    while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n' || v[vl - 1] == ' ')) vl--;
    if (vl < sizeof r->etag) {
      memcpy(r->etag, v, vl);
      r->etag[vl] = 0;
    }
  } else if (len > 12 && !strncasecmp(p, "Retry-After:", 12)) {
    int v = atoi(p + 12);
    r->retry_after_s = v > 0 && v < 3600 ? v : 0;
  } else if (r->kind == NK_PROBE && len > 5 && len < 128 && !strncasecmp(p, "Date:", 5)) {
    char v[128];
    snprintf(v, sizeof v, "%.*s", (int)(len - 5), p + 5);
    time_t t = curl_getdate(v, NULL);
    r->date = t > 0 ? (int64_t)t : 0;
  }
  return len;
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

static int add_to_multi(pk_net_req *r) {
  reset_response(r);
  r->attempt++;
  if (curl_multi_add_handle(r->net->multi, r->easy) != CURLM_OK) return -1;
  r->in_multi = true;
  return 0;
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
  if (r->in_multi) curl_multi_remove_handle(r->net->multi, r->easy);
  stop_timers(r);
  curl_easy_cleanup(r->easy);
  curl_slist_free_all(r->headers);
  pk_net_free_text(r->body); /* forms carry personal data */
  if (r->resp) pk_wipe(r->resp, r->resp_cap);
  free(r->resp);
  free(r);
}

void pk_net_finish(pk_net_req *r, pk_net_result *st) {
  st->attempts = r->attempt;
  unlink_req(r);
  if (r->in_multi) {
    curl_multi_remove_handle(r->net->multi, r->easy);
    r->in_multi = false;
  }
  stop_timers(r);
  pk_net *net = r->net;
  if (net->observer && st->err != PK_NET_CANCELLED)
    net->observer(net->observer_ud, (double)(pk_now_ms() - r->started_ms) / 1000.0, st->err);
  pk_net_deliver(r, st);
  free_req(r);
}

static bool transient_curl(CURLcode c) {
  switch (c) {
  case CURLE_COULDNT_CONNECT:
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_RESOLVE_PROXY:
  case CURLE_OPERATION_TIMEDOUT:
  case CURLE_SEND_ERROR:
  case CURLE_RECV_ERROR:
  case CURLE_GOT_NOTHING:
  case CURLE_PARTIAL_FILE:
  case CURLE_HTTP2:
  case CURLE_HTTP2_STREAM:
    return true;
  default:
    return false;
  }
}

static void classify_curl(CURLcode c, pk_net_result *st) {
  snprintf(st->detail, sizeof st->detail, "%s", curl_easy_strerror(c));
  switch (c) {
  case CURLE_COULDNT_CONNECT:
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_RESOLVE_PROXY:
  case CURLE_SEND_ERROR:
  case CURLE_RECV_ERROR:
  case CURLE_GOT_NOTHING: pk_net_fail(st, PK_NET_OFFLINE, "offline"); break;
  case CURLE_OPERATION_TIMEDOUT: pk_net_fail(st, PK_NET_TIMEOUT, "timeout"); break;
  case CURLE_PARTIAL_FILE:
  case CURLE_BAD_CONTENT_ENCODING:
  case CURLE_HTTP2:
  case CURLE_HTTP2_STREAM: pk_net_fail(st, PK_NET_PROTOCOL, "truncated_response"); break;
  case CURLE_WRITE_ERROR:
  case CURLE_FILESIZE_EXCEEDED: pk_net_fail(st, PK_NET_PROTOCOL, "response_too_large"); break;
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_SSL_CERTPROBLEM:
  case CURLE_SSL_CIPHER:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
  case CURLE_SSL_INVALIDCERTSTATUS:
  case CURLE_SSL_ISSUER_ERROR:
  case CURLE_SSL_CRL_BADFILE: pk_net_fail(st, PK_NET_TLS, "tls_failed"); break;
  case CURLE_OUT_OF_MEMORY: pk_net_fail(st, PK_NET_INTERNAL, "out_of_memory"); break;
  default: pk_net_fail(st, PK_NET_OFFLINE, "network_error"); break;
  }
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
  if (add_to_multi(r) != 0) {
    pk_net_result st = {0};
    pk_net_fail(&st, PK_NET_INTERNAL, "cannot_resend");
    pk_net_finish(r, &st);
  }
  /* curl's timer callback schedules the first socket_action for the re-added handle. */
}

static void done_one(pk_net_req *r, CURLcode code) {
  curl_multi_remove_handle(r->net->multi, r->easy);
  r->in_multi = false;
  pk_net_result st = {.err = PK_NET_OK};
  long http = 0;
  curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &http);
  bool transient;
  if (code != CURLE_OK) {
    classify_curl(code, &st);
    transient = transient_curl(code);
  } else {
    classify_http(r, http, &st);
    transient = http == 429 || http == 502 || http == 503 || http == 504 || http == 500 ||
                (http == 409 && r->kind == NK_LOOKUP);
  }
  if (transient && r->retryable && r->attempt <= r->net->cfg.max_retries && !r->net->in_free) {
    uint64_t ms = backoff_ms(r);
    pk_debug("window: %s attempt %d failed (%s %s), retrying in %llu ms", pk_net_error_name(st.err), r->attempt,
             st.code, curl_easy_strerror(code), (unsigned long long)ms);
    r->retry_timer = r->net->timers.start(r->net->timers.ud, ms, on_retry, r);
    if (r->retry_timer) return;
  }
  pk_net_finish(r, &st);
}

static void check_done(pk_net *net) {
  CURLMsg *m;
  int left;
  while ((m = curl_multi_info_read(net->multi, &left))) {
    if (m->msg != CURLMSG_DONE) continue;
    pk_net_req *r = NULL;
    curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
    if (r) done_one(r, m->data.result);
  }
}

static char *strdup_wiped(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  return d ? memcpy(d, s, n) : NULL;
}

/* OpenSSL decrypts answers in place and would keep the plaintext in its buffers. */
static CURLcode cleanse_plaintext(CURL *e, void *ssl_ctx, void *ud) {
  SSL_CTX_set_options(ssl_ctx, SSL_OP_CLEANSE_PLAINTEXT);
  return CURLE_OK;
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
  static int inited;
  if (err) *err = NULL;
  if (!inited) {
    /* curl keeps each request, body included, in buffers it frees without clearing. */
    curl_global_init_mem(CURL_GLOBAL_DEFAULT, malloc, pk_free_wiped, pk_realloc_wiped, strdup_wiped, calloc);
    inited = 1;
  }
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
  net->multi = curl_multi_init();
  if (!net->multi) {
    free(net);
    if (err) *err = strdup("curl_multi_init failed");
    return NULL;
  }
  curl_multi_setopt(net->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
  curl_multi_setopt(net->multi, CURLMOPT_SOCKETDATA, net);
  curl_multi_setopt(net->multi, CURLMOPT_TIMERFUNCTION, on_timer_set);
  curl_multi_setopt(net->multi, CURLMOPT_TIMERDATA, net);
  curl_multi_setopt(net->multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
  curl_multi_setopt(net->multi, CURLMOPT_MAX_HOST_CONNECTIONS, 4L);
  return net;
}

void pk_net_free(pk_net *net) {
  if (!net) return;
  net->in_free = true;
  while (net->reqs) pk_net_cancel(net->reqs);
  if (net->timer_id) pk_loop_timer_cancel(net->loop, net->timer_id);
  curl_multi_cleanup(net->multi);
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

static void tls_and_limits(pk_net *net, CURL *e) {
  const pk_net_opts *c = &net->cfg;
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(e, CURLOPT_SSL_CTX_FUNCTION, cleanse_plaintext);
  if (c->ca_bundle[0]) curl_easy_setopt(e, CURLOPT_CAINFO, c->ca_bundle);
  if (c->client_cert[0]) curl_easy_setopt(e, CURLOPT_SSLCERT, c->client_cert);
  if (c->client_key[0]) curl_easy_setopt(e, CURLOPT_SSLKEY, c->client_key);
  if (c->pinned_pubkey[0]) curl_easy_setopt(e, CURLOPT_PINNEDPUBLICKEY, c->pinned_pubkey);
  /* The configured proxy, or none: a kiosk never picks one up from its environment. */
  curl_easy_setopt(e, CURLOPT_PROXY, c->proxy);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)(c->connect_timeout_ms > 0 ? c->connect_timeout_ms : 5000));
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(c->total_timeout_ms > 0 ? c->total_timeout_ms : 20000));
  curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "https");
  curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(e, CURLOPT_USERAGENT, "pishkhan/" PK_VERSION);
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
  /* Without a handle the request still exists, so that it can fail through its callback. */
  CURL *e = r->easy = curl_easy_init();
  if (!e) {
    r->fail_err = PK_NET_INTERNAL;
    r->fail_code = "out_of_memory";
    return r;
  }
  r->resp_limit = kind == NK_SYNC ? RESP_LIMIT_CATALOG : RESP_LIMIT_SMALL;
  char url[PK_NET_STR + 256];
  snprintf(url, sizeof url, "%s%s", net->base, path);
  curl_easy_setopt(e, CURLOPT_URL, url);
  curl_easy_setopt(e, CURLOPT_PRIVATE, r);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
  tls_and_limits(net, e);
  if (kind == NK_PROBE) curl_easy_setopt(e, CURLOPT_CERTINFO, 1L);
  r->headers = curl_slist_append(NULL, "Accept: application/json, application/problem+json");
  if (body) {
    r->headers = curl_slist_append(r->headers, kind == NK_SEALED ? "Content-Type: application/jose"
                                                                 : "Content-Type: application/json");
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
  } else if (!strcmp(method, "POST")) {
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, "");
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, 0L);
  }
  if (auth && net->token[0]) {
    char h[300];
    snprintf(h, sizeof h, "Authorization: Bearer %s", net->token);
    r->headers = curl_slist_append(r->headers, h);
    pk_wipe(h, sizeof h);
  }
  return r;
}

int pk_net_go(pk_net_req *r) {
  if (!r->easy) return -1;
  curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, r->headers);
  if (add_to_multi(r) != 0) return -1;
  return 0;
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
