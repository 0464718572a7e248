/* libcurl's multi interface on the helper's poll() loop (CURLMOPT_SOCKETFUNCTION/TIMERFUNCTION
 * + curl_multi_socket_action), the TLS rules of every exchange, and what a transport failure
 * means. HTTP statuses, retries and bodies are the kiosk's to judge (net/net.c). */
#include "engine.h"

#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "pishkhan/secret.h"

typedef struct xfer {
  pk_engine *eng;
  uint32_t id;
  CURL *easy;
  struct curl_slist *headers;
  uint8_t *body;
  size_t body_len;
  bool in_multi, want_date, want_cert;
  char *resp;
  size_t resp_len, resp_cap, resp_limit;
  char etag[160];
  int retry_after_s;
  int64_t date;
  struct xfer *next;
} xfer;

struct pk_engine {
  pk_loop *loop;
  CURLM *multi;
  unsigned timer_id;
  pk_wire_opts opts;
  pk_engine_done_cb done;
  void *ud;
  xfer *list;
};

/* ---- loop glue ---- */
static void check_done(pk_engine *e);

static void on_io(pk_loop *loop, int fd, unsigned revents, void *ud) {
  pk_engine *e = ud;
  int flags = (revents & PK_IO_IN ? CURL_CSELECT_IN : 0) | (revents & PK_IO_OUT ? CURL_CSELECT_OUT : 0) |
              (revents & PK_IO_ERR ? CURL_CSELECT_ERR : 0);
  int running;
  curl_multi_socket_action(e->multi, fd, flags, &running);
  check_done(e);
}

static int on_socket(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp) {
  pk_engine *e = userp;
  if (what == CURL_POLL_REMOVE) {
    pk_loop_unwatch(e->loop, s);
    return 0;
  }
  unsigned ev = (what & CURL_POLL_IN ? PK_IO_IN : 0) | (what & CURL_POLL_OUT ? PK_IO_OUT : 0);
  return pk_loop_watch(e->loop, s, ev, on_io, e) == 0 ? 0 : -1;
}

static void on_timer(pk_loop *loop, unsigned id, void *ud) {
  pk_engine *e = ud;
  e->timer_id = 0;
  int running;
  curl_multi_socket_action(e->multi, CURL_SOCKET_TIMEOUT, 0, &running);
  check_done(e);
}

static int on_timer_set(CURLM *m, long timeout_ms, void *userp) {
  pk_engine *e = userp;
  if (e->timer_id) pk_loop_timer_cancel(e->loop, e->timer_id);
  e->timer_id = 0;
  if (timeout_ms >= 0) {
    e->timer_id = pk_loop_timer(e->loop, (uint64_t)timeout_ms, on_timer, e);
    if (!e->timer_id) return -1;
  }
  return 0;
}

/* ---- the answer ---- */
static size_t on_write(char *p, size_t sz, size_t n, void *ud) {
  xfer *x = ud;
  size_t len = sz * n;
  if (x->resp_len + len > x->resp_limit) return 0; /* CURLE_WRITE_ERROR: oversized answer */
  if (x->resp_len + len + 1 > x->resp_cap) {
    size_t cap = x->resp_cap ? x->resp_cap : 16384;
    while (cap < x->resp_len + len + 1) cap *= 2;
    char *nb = pk_realloc_wiped(x->resp, cap); /* answers carry personal data */
    if (!nb) return 0;
    x->resp = nb;
    x->resp_cap = cap;
  }
  memcpy(x->resp + x->resp_len, p, len);
  x->resp_len += len;
  return len;
}

static size_t on_header(char *p, size_t sz, size_t n, void *ud) {
  xfer *x = ud;
  size_t len = sz * n;
  if (len > 5 && !strncasecmp(p, "ETag:", 5)) {
    const char *v = p + 5;
    size_t vl = len - 5;
    while (vl && (*v == ' ' || *v == '\t')) v++, vl--;
    while (vl && (v[vl - 1] == '\r' || v[vl - 1] == '\n' || v[vl - 1] == ' ')) vl--;
    if (vl < sizeof x->etag && !memchr(v, 0, vl)) {
      memcpy(x->etag, v, vl);
      x->etag[vl] = 0;
    }
  } else if (len > 12 && !strncasecmp(p, "Retry-After:", 12)) {
    int v = atoi(p + 12);
    x->retry_after_s = v > 0 && v < 3600 ? v : 0;
  } else if (x->want_date && len > 5 && len < 128 && !strncasecmp(p, "Date:", 5)) {
    char v[128];
    snprintf(v, sizeof v, "%.*s", (int)(len - 5), p + 5);
    time_t t = curl_getdate(v, NULL);
    x->date = t > 0 ? (int64_t)t : 0;
  }
  return len;
}

/* The leaf's notAfter from curl's certificate info (the PEM it kept), read by OpenSSL. */
static int64_t peer_not_after(CURL *easy) {
  struct curl_certinfo *ci = NULL;
  if (curl_easy_getinfo(easy, CURLINFO_CERTINFO, &ci) != CURLE_OK || !ci || ci->num_of_certs < 1) return 0;
  for (struct curl_slist *f = ci->certinfo[0]; f; f = f->next) {
    if (strncmp(f->data, "Cert:", 5)) continue;
    BIO *b = BIO_new_mem_buf(f->data + 5, -1);
    X509 *c = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
    struct tm tm;
    int64_t at = c && ASN1_TIME_to_tm(X509_get0_notAfter(c), &tm) == 1 ? (int64_t)timegm(&tm) : 0;
    X509_free(c);
    BIO_free(b);
    return at;
  }
  return 0;
}

static void fail(pk_wire_resp *r, pk_net_error err, const char *code, bool transient) {
  r->err = err;
  r->transient = transient;
  snprintf(r->code, sizeof r->code, "%s", code);
}

static void classify_curl(CURLcode c, pk_wire_resp *r) {
  snprintf(r->detail, sizeof r->detail, "%s", curl_easy_strerror(c));
  switch (c) {
  case CURLE_COULDNT_CONNECT:
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_RESOLVE_PROXY:
  case CURLE_SEND_ERROR:
  case CURLE_RECV_ERROR:
  case CURLE_GOT_NOTHING: fail(r, PK_NET_OFFLINE, "offline", true); break;
  case CURLE_OPERATION_TIMEDOUT: fail(r, PK_NET_TIMEOUT, "timeout", true); break;
  case CURLE_PARTIAL_FILE:
  case CURLE_HTTP2:
  case CURLE_HTTP2_STREAM: fail(r, PK_NET_PROTOCOL, "truncated_response", true); break;
  case CURLE_BAD_CONTENT_ENCODING: fail(r, PK_NET_PROTOCOL, "truncated_response", false); break;
  case CURLE_WRITE_ERROR:
  case CURLE_FILESIZE_EXCEEDED: fail(r, PK_NET_PROTOCOL, "response_too_large", false); break;
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_SSL_CERTPROBLEM:
  case CURLE_SSL_CIPHER:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
  case CURLE_SSL_INVALIDCERTSTATUS:
  case CURLE_SSL_ISSUER_ERROR:
  case CURLE_SSL_CRL_BADFILE: fail(r, PK_NET_TLS, "tls_failed", false); break;
  case CURLE_OUT_OF_MEMORY: fail(r, PK_NET_INTERNAL, "out_of_memory", false); break;
  default: fail(r, PK_NET_OFFLINE, "network_error", false); break;
  }
}

/* ---- exchanges ---- */
static void free_xfer(xfer *x) {
  if (x->in_multi) curl_multi_remove_handle(x->eng->multi, x->easy);
  curl_easy_cleanup(x->easy);
  curl_slist_free_all(x->headers); /* the bearer token is in one: curl's free wipes */
  if (x->body) pk_wipe(x->body, x->body_len);
  free(x->body);
  if (x->resp) pk_wipe(x->resp, x->resp_cap);
  free(x->resp);
  free(x);
}

static void unlink_xfer(xfer *x) {
  for (xfer **pp = &x->eng->list; *pp; pp = &(*pp)->next)
    if (*pp == x) {
      *pp = x->next;
      return;
    }
}

static void finish(xfer *x, pk_wire_resp *r) {
  unlink_xfer(x);
  x->eng->done(x->eng->ud, x->id, r);
  free_xfer(x);
}

static void done_one(xfer *x, CURLcode code) {
  curl_multi_remove_handle(x->eng->multi, x->easy);
  x->in_multi = false;
  pk_wire_resp r = {.err = PK_NET_OK};
  if (code != CURLE_OK) {
    classify_curl(code, &r);
  } else {
    long http = 0;
    curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &http);
    r.http_status = http;
    r.retry_after_s = x->retry_after_s;
    r.date = x->date;
    r.peer_not_after = x->want_cert ? peer_not_after(x->easy) : 0;
    snprintf(r.etag, sizeof r.etag, "%s", x->etag);
    r.body = (const uint8_t *)(x->resp ? x->resp : "");
    r.body_len = x->resp_len;
  }
  finish(x, &r);
}

static void check_done(pk_engine *e) {
  CURLMsg *m;
  int left;
  while ((m = curl_multi_info_read(e->multi, &left))) {
    if (m->msg != CURLMSG_DONE) continue;
    xfer *x = NULL;
    curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
    if (x) done_one(x, m->data.result);
  }
}

/* OpenSSL decrypts answers in place and would keep the plaintext in its buffers. */
static CURLcode cleanse_plaintext(CURL *easy, void *ssl_ctx, void *ud) {
  SSL_CTX_set_options(ssl_ctx, SSL_OP_CLEANSE_PLAINTEXT);
  return CURLE_OK;
}

static void tls_and_limits(const pk_wire_opts *c, CURL *easy) {
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(easy, CURLOPT_SSL_CTX_FUNCTION, cleanse_plaintext);
  if (c->ca_bundle[0]) curl_easy_setopt(easy, CURLOPT_CAINFO, c->ca_bundle);
  if (c->client_cert[0]) curl_easy_setopt(easy, CURLOPT_SSLCERT, c->client_cert);
  if (c->client_key[0]) curl_easy_setopt(easy, CURLOPT_SSLKEY, c->client_key);
  if (c->pinned_pubkey[0]) curl_easy_setopt(easy, CURLOPT_PINNEDPUBLICKEY, c->pinned_pubkey);
  /* The configured proxy, or none: a kiosk never picks one up from its environment. */
  curl_easy_setopt(easy, CURLOPT_PROXY, c->proxy);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, (long)(c->connect_timeout_ms > 0 ? c->connect_timeout_ms : 5000));
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, (long)(c->total_timeout_ms > 0 ? c->total_timeout_ms : 20000));
  curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(easy, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "https");
  curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, "pishkhan/" PK_VERSION);
}

/* 0, or -1 when the exchange could not be set up (out of memory). */
static int setup(xfer *x, const pk_wire_req *r) {
  CURL *easy = x->easy = curl_easy_init();
  if (!easy) return -1;
  curl_easy_setopt(easy, CURLOPT_URL, r->url);
  curl_easy_setopt(easy, CURLOPT_PRIVATE, x);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, on_write);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, x);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, x);
  tls_and_limits(&x->eng->opts, easy);
  if (x->want_cert) curl_easy_setopt(easy, CURLOPT_CERTINFO, 1L);
  for (size_t i = 0; i < r->nheaders; i++) {
    struct curl_slist *h = curl_slist_append(x->headers, r->headers[i]);
    if (!h) return -1;
    x->headers = h;
  }
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, x->headers);
  if (r->body || !strcmp(r->method, "POST")) {
    x->body = malloc(r->body_len + 1);
    if (!x->body) return -1;
    if (r->body_len) memcpy(x->body, r->body, r->body_len);
    x->body_len = r->body_len;
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, (char *)x->body);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, (long)x->body_len);
  } else if (strcmp(r->method, "GET")) {
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, r->method);
  }
  if (curl_multi_add_handle(x->eng->multi, easy) != CURLM_OK) return -1;
  x->in_multi = true;
  return 0;
}

void pk_engine_start(pk_engine *e, uint32_t id, const pk_wire_req *r) {
  xfer *x = calloc(1, sizeof *x);
  if (!x) {
    pk_wire_resp a = {0};
    fail(&a, PK_NET_INTERNAL, "out_of_memory", false);
    e->done(e->ud, id, &a);
    return;
  }
  *x = (xfer){.eng = e, .id = id, .want_date = r->want_date, .want_cert = r->want_peer_cert,
              .resp_limit = (size_t)r->resp_limit, .next = e->list};
  e->list = x;
  if (setup(x, r) != 0) {
    pk_wire_resp a = {0};
    fail(&a, PK_NET_INTERNAL, "out_of_memory", false);
    finish(x, &a);
  }
  /* curl's timer callback schedules the first socket_action for the new handle. */
}

void pk_engine_cancel(pk_engine *e, uint32_t id) {
  for (xfer *x = e->list; x; x = x->next)
    if (x->id == id) {
      unlink_xfer(x);
      free_xfer(x);
      return;
    }
}

static char *strdup_wiped(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  return d ? memcpy(d, s, n) : NULL;
}

pk_engine *pk_engine_new(pk_loop *loop, pk_engine_done_cb done, void *ud) {
  /* curl keeps each request, body and token included, in buffers it frees without clearing. */
  curl_global_init_mem(CURL_GLOBAL_DEFAULT, malloc, pk_free_wiped, pk_realloc_wiped, strdup_wiped, calloc);
  pk_engine *e = calloc(1, sizeof *e);
  if (!e) return NULL;
  *e = (pk_engine){.loop = loop, .done = done, .ud = ud, .multi = curl_multi_init()};
  if (!e->multi) {
    free(e);
    return NULL;
  }
  curl_multi_setopt(e->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
  curl_multi_setopt(e->multi, CURLMOPT_SOCKETDATA, e);
  curl_multi_setopt(e->multi, CURLMOPT_TIMERFUNCTION, on_timer_set);
  curl_multi_setopt(e->multi, CURLMOPT_TIMERDATA, e);
  curl_multi_setopt(e->multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
  curl_multi_setopt(e->multi, CURLMOPT_MAX_HOST_CONNECTIONS, 4L);
  return e;
}

void pk_engine_set_opts(pk_engine *e, const pk_wire_opts *o) { e->opts = *o; }

void pk_engine_free(pk_engine *e) {
  if (!e) return;
  while (e->list) {
    xfer *x = e->list;
    e->list = x->next;
    free_xfer(x);
  }
  if (e->timer_id) pk_loop_timer_cancel(e->loop, e->timer_id);
  curl_multi_cleanup(e->multi);
  curl_global_cleanup();
  pk_wipe(&e->opts, sizeof e->opts);
  free(e);
}
