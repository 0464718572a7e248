/* The simulator's HTTPS front: libmicrohttpd with a thread per connection (so injected
 * latency and slow drip only hold back their own connection), body collection, kiosk
 * client-certificate checks, fault injection and response helpers. */
#include <arpa/inet.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim_internal.h"

#define SIM_MAX_BODY (256 * 1024)

enum { FAULT_NONE, FAULT_503, FAULT_DROP, FAULT_TRUNC };

typedef struct {
  sim_req r;
  size_t cap;
  int fault;
  int exempt;
  char inflight[72];  /* the Idempotency-Key this submit holds in the in-flight set, or "" */
} sim_conn_req;

char *sim_slurp(const char *path) {
  FILE *f = path ? fopen(path, "rb") : NULL;
  if (!f) return NULL;
  char *buf = NULL;
  size_t len = 0, cap = 0;
  for (;;) {
    if (len + 4096 + 1 > cap) {
      cap = cap ? cap * 2 : 8192;
      char *n = realloc(buf, cap);
      if (!n) { free(buf); fclose(f); return NULL; }
      buf = n;
    }
    size_t got = fread(buf + len, 1, 4096, f);
    len += got;
    if (got < 4096) break;
  }
  fclose(f);
  buf[len] = 0;
  return buf;
}

uint64_t sim_rand(pk_window_sim *s) {
  uint64_t x = s->rng;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return s->rng = x;
}

double sim_rand01(pk_window_sim *s) { return (double)(sim_rand(s) >> 11) / 9007199254740992.0; }

/* ---- slow drip and truncation ---- */
typedef struct {
  char *data;
  size_t len, limit;
  int drip_ms;
} body_src;

static ssize_t body_reader(void *cls, uint64_t pos, char *buf, size_t max) {
  body_src *b = cls;
  if (pos >= b->limit) return b->limit < b->len ? MHD_CONTENT_READER_END_WITH_ERROR : MHD_CONTENT_READER_END_OF_STREAM;
  size_t n = b->limit - pos;
  if (b->drip_ms) {
    if (n > 64) n = 64;
    usleep((useconds_t)b->drip_ms * 1000);
  }
  if (n > max) n = max;
  memcpy(buf, b->data + pos, n);
  return (ssize_t)n;
}

static void body_free(void *cls) {
  body_src *b = cls;
  free(b->data);
  free(b);
}

static void log_line(pk_window_sim *s, sim_req *r, unsigned status, const char *note) {
  if (!s->opts.quiet) fprintf(stderr, "window-sim: %s %s -> %u%s\n", r->method, r->url, status, note);
}

static enum MHD_Result send_full(pk_window_sim *s, sim_req *r, unsigned status, const char *ctype, const void *data,
                                 size_t len, int copy, const char *etag, const char *encoding) {
  sim_conn_req *cr = (sim_conn_req *)r;
  if (cr->fault != FAULT_NONE) s->faulted_answers++;
  if ((cr->fault == FAULT_DROP || cr->fault == FAULT_503) && !copy) free((void *)data);
  if (cr->fault == FAULT_DROP) {
    log_line(s, r, 0, " (fault: dropped after commit)");
    return MHD_NO;
  }
  if (cr->fault == FAULT_503) {
    cr->fault = FAULT_NONE;
    log_line(s, r, status, " (fault: answer replaced by 503)");
    return sim_problem(s, r, 503, "unavailable", "سامانه موقتا در دسترس نیست.",
                       "The service is temporarily unavailable.", NULL);
  }
  pthread_mutex_lock(&s->lock);
  int drip = s->faults.drip_ms;
  pthread_mutex_unlock(&s->lock);
  if (cr->exempt) drip = 0;
  struct MHD_Response *resp;
  if (cr->fault == FAULT_TRUNC || drip) {
    body_src *b = malloc(sizeof *b);
    if (!b) return MHD_NO;
    b->data = malloc(len ? len : 1);
    if (!b->data) { free(b); return MHD_NO; }
    memcpy(b->data, data, len);
    if (!copy) free((void *)data);
    b->len = len;
    b->limit = cr->fault == FAULT_TRUNC ? len / 2 : len;
    b->drip_ms = drip;
    resp = MHD_create_response_from_callback(len, 4096, body_reader, b, body_free);
  } else {
    resp = MHD_create_response_from_buffer(len, (void *)data, copy ? MHD_RESPMEM_MUST_COPY : MHD_RESPMEM_MUST_FREE);
  }
  if (!resp) return MHD_NO;
  if (ctype) MHD_add_response_header(resp, "Content-Type", ctype);
  if (etag) MHD_add_response_header(resp, "ETag", etag);
  if (encoding) MHD_add_response_header(resp, "Content-Encoding", encoding);
  MHD_add_response_header(resp, "Vary", "Accept-Encoding");
  MHD_add_response_header(resp, "Cache-Control", "no-store");
  if (status == 503 || status == 429) MHD_add_response_header(resp, "Retry-After", "1");
  enum MHD_Result ret = MHD_queue_response(r->conn, status, resp);
  MHD_destroy_response(resp);
  log_line(s, r, status, cr->fault == FAULT_TRUNC ? " (fault: truncated)" : drip ? " (fault: slow drip)" : "");
  return ret;
}

enum MHD_Result sim_send_raw(pk_window_sim *s, sim_req *r, unsigned status, const char *ctype, const void *data,
                             size_t len, int copy, const char *etag) {
  return send_full(s, r, status, ctype, data, len, copy, etag, NULL);
}

enum MHD_Result sim_send_gz(pk_window_sim *s, sim_req *r, unsigned status, const char *ctype, const void *data,
                            size_t len, const char *etag) {
  return send_full(s, r, status, ctype, data, len, 1, etag, "gzip");
}

enum MHD_Result sim_send_json(pk_window_sim *s, sim_req *r, unsigned status, json_t *body, int gz_ok) {
  (void)gz_ok;
  char *txt = json_dumps(body, JSON_COMPACT);
  json_decref(body);
  if (!txt) return MHD_NO;
  return sim_send_raw(s, r, status, "application/json", txt, strlen(txt), 0, NULL);
}

enum MHD_Result sim_problem(pk_window_sim *s, sim_req *r, unsigned status, const char *code, const char *fa,
                            const char *en, const char *field) {
  json_t *p = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s}", "type", "https://pishkhan.example/problems/", "title", en,
                        "status", (int)status, "code", code, "message_fa", fa, "message_en", en);
  char type[160];
  snprintf(type, sizeof type, "https://pishkhan.example/problems/%s", code);
  json_object_set_new(p, "type", json_string(type));
  if (field) json_object_set_new(p, "field", json_string(field));
  char *txt = json_dumps(p, JSON_COMPACT);
  json_decref(p);
  if (!txt) return MHD_NO;
  return sim_send_raw(s, r, status, "application/problem+json", txt, strlen(txt), 0, NULL);
}

/* ---- kiosk identity ---- */
static int peer_kiosk(struct MHD_Connection *c, char *kiosk, size_t n) {
  const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
  if (!ci || !ci->tls_session) return -1;
  gnutls_session_t tls = (gnutls_session_t)ci->tls_session;
  unsigned status = 0;
  if (gnutls_certificate_verify_peers2(tls, &status) != 0 || status != 0) return -1;
  unsigned nc = 0;
  const gnutls_datum_t *chain = gnutls_certificate_get_peers(tls, &nc);
  if (!chain || nc == 0) return -1;
  gnutls_x509_crt_t crt;
  if (gnutls_x509_crt_init(&crt) < 0) return -1;
  int rc = -1;
  size_t len = n;
  if (gnutls_x509_crt_import(crt, &chain[0], GNUTLS_X509_FMT_DER) >= 0 &&
      gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, kiosk, &len) >= 0)
    rc = 0;
  gnutls_x509_crt_deinit(crt);
  return rc;
}

static int decide_fault(pk_window_sim *s, sim_conn_req *cr, int *latency) {
  pthread_mutex_lock(&s->lock);
  pk_window_sim_faults f = s->faults;
  double a = sim_rand01(s), b = sim_rand01(s), c = sim_rand01(s);
  pthread_mutex_unlock(&s->lock);
  *latency = f.latency_ms;
  cr->fault = a < f.drop_ratio ? FAULT_DROP : b < f.error_ratio ? FAULT_503 : c < f.truncate_ratio ? FAULT_TRUNC
                                                                                                   : FAULT_NONE;
  return f.after_commit;
}

/* ---- submits in flight: a key is in the set from the moment its request's headers are in
 * (before any injected latency or fault) until the request has ended, committed or not ---- */
int sim_inflight_has(pk_window_sim *s, const char *key) {
  for (size_t i = 0; i < s->ninflight; i++)
    if (!strcmp(s->inflight[i], key)) return 1;
  return 0;
}

static int is_submit(const char *method, const char *url) {
  return !strcmp(method, "POST") && (!strcmp(url, "/api/v1/requests") || !strcmp(url, "/api/v1/requests/sealed"));
}

static void inflight_add(pk_window_sim *s, sim_conn_req *cr) {
  const char *key = MHD_lookup_connection_value(cr->r.conn, MHD_HEADER_KIND, "Idempotency-Key");
  if (!sim_idem_key_valid(key)) return;
  char *copy = strdup(key);
  pthread_mutex_lock(&s->lock);
  if (copy && s->ninflight == s->capinflight) {
    size_t cap = s->capinflight ? s->capinflight * 2 : 16;
    char **n = realloc(s->inflight, cap * sizeof *n);
    if (n) s->inflight = n, s->capinflight = cap;
  }
  if (copy && s->ninflight < s->capinflight) {
    s->inflight[s->ninflight++] = copy;
    snprintf(cr->inflight, sizeof cr->inflight, "%s", key);
    copy = NULL;
  }
  pthread_mutex_unlock(&s->lock);
  free(copy);
}

static void inflight_del(pk_window_sim *s, sim_conn_req *cr) {
  if (!cr->inflight[0]) return;
  pthread_mutex_lock(&s->lock);
  for (size_t i = 0; i < s->ninflight; i++)
    if (!strcmp(s->inflight[i], cr->inflight)) {
      free(s->inflight[i]);
      s->inflight[i] = s->inflight[--s->ninflight];
      break;
    }
  pthread_mutex_unlock(&s->lock);
  cr->inflight[0] = 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls) {
  pk_window_sim *s = cls;
  sim_conn_req *cr = *con_cls;
  if (!cr) {
    cr = calloc(1, sizeof *cr);
    if (!cr) return MHD_NO;
    cr->r.conn = conn;
    cr->r.method = method;
    cr->r.url = url;
    *con_cls = cr;
    if (is_submit(method, url)) inflight_add(s, cr);
    return MHD_YES;
  }
  if (*upload_size) {
    size_t n = *upload_size;
    *upload_size = 0;
    if (cr->r.too_big || cr->r.body_len + n > SIM_MAX_BODY) {
      cr->r.too_big = 1;
      return MHD_YES;
    }
    if (cr->r.body_len + n + 1 > cr->cap) {
      size_t cap = (cr->r.body_len + n + 1) * 2;
      char *nb = realloc(cr->r.body, cap);
      if (!nb) return MHD_NO;
      cr->r.body = nb;
      cr->cap = cap;
    }
    memcpy(cr->r.body + cr->r.body_len, upload, n);
    cr->r.body_len += n;
    cr->r.body[cr->r.body_len] = 0;
    return MHD_YES;
  }
  sim_req *r = &cr->r;
  if (s->mtls && peer_kiosk(conn, r->kiosk_id, sizeof r->kiosk_id) != 0)
    return sim_problem(s, r, 403, "kiosk_certificate_required", "گواهی کیوسک معتبر نیست.",
                       "A valid kiosk client certificate is required.", NULL);
  cr->exempt = !strncmp(url, "/api/v1/admin/", 14) || !strncmp(url, "/api/v1/test/", 13);
  if (!cr->exempt) {
    int latency = 0;
    int after = decide_fault(s, cr, &latency);
    if (latency > 0) usleep((useconds_t)latency * 1000);
    if (!(after && is_submit(method, url))) {
      if (cr->fault == FAULT_DROP) {
        log_line(s, r, 0, " (fault: dropped)");
        return MHD_NO;
      }
      if (cr->fault == FAULT_503) {
        cr->fault = FAULT_NONE;
        return sim_problem(s, r, 503, "unavailable", "سامانه موقتا در دسترس نیست.",
                           "The service is temporarily unavailable.", NULL);
      }
    }
  }
  if (r->too_big)
    return sim_problem(s, r, 413, "body_too_large", "درخواست بیش از حد بزرگ است.", "The request body is too large.",
                       NULL);
  if (r->body_len) {
    json_error_t je;
    r->json = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &je);
  }
  return sim_route(s, r);
}

static void on_done(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe) {
  sim_conn_req *cr = *con_cls;
  if (!cr) return;
  inflight_del(cls, cr);
  free(cr->r.body);
  json_decref(cr->r.json);
  free(cr);
  *con_cls = NULL;
}

void pk_window_sim_opts_defaults(pk_window_sim_opts *o) {
  memset(o, 0, sizeof *o);
  o->bind = "127.0.0.1";
  o->db_path = ":memory:";
  o->seed = 1404;
  o->services = 5240;
  o->token_ttl_s = 900;
  o->otp_ttl_s = 120;
  o->otp_resend_interval_s = 60;
  o->otp_max_sends = 3;
  o->max_queue_age_days = 7;
}

/* Listens on s->port (0 the first time: an ephemeral one, kept from then on). */
static int start_daemon(pk_window_sim *s) {
  const pk_window_sim_opts *o = &s->opts;
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s->port)};
  if (inet_pton(AF_INET, o->bind ? o->bind : "127.0.0.1", &sa.sin_addr) != 1) return -1;
  struct MHD_OptionItem ops[] = {
    {MHD_OPTION_HTTPS_MEM_KEY, 0, s->tls_key},
    {MHD_OPTION_HTTPS_MEM_CERT, 0, s->tls_cert},
    {MHD_OPTION_SOCK_ADDR, 0, &sa},
    {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_done, s},
    {MHD_OPTION_CONNECTION_TIMEOUT, 30, NULL},
    {MHD_OPTION_CONNECTION_MEMORY_LIMIT, 128 * 1024, NULL},
    /* Back on the same port at once after a cut, as a restored link would be. */
    {MHD_OPTION_LISTENING_ADDRESS_REUSE, 1, NULL},
    {s->mtls ? MHD_OPTION_HTTPS_MEM_TRUST : MHD_OPTION_END, 0, s->client_ca},
    {MHD_OPTION_END, 0, NULL},
  };
  s->daemon = MHD_start_daemon(MHD_USE_TLS | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
                                 MHD_USE_POLL | (o->quiet ? 0 : MHD_USE_ERROR_LOG),
                               0, NULL, NULL, on_request, s, MHD_OPTION_ARRAY, ops, MHD_OPTION_END);
  if (!s->daemon) return -1;
  const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
  if (di) s->port = di->port;
  return 0;
}

/* A cut link: the daemon goes, its listening socket and every open connection with it, so
 * that a kiosk sees refused connections, not HTTP errors; restored, it listens again. */
int pk_window_sim_set_reachable(pk_window_sim *s, bool reachable) {
  pthread_mutex_lock(&s->daemon_lock);
  int rc = 0;
  if (!reachable && s->daemon) {
    MHD_stop_daemon(s->daemon);
    s->daemon = NULL;
  } else if (reachable && !s->daemon) {
    rc = start_daemon(s);
  }
  pthread_mutex_unlock(&s->daemon_lock);
  return rc;
}

bool pk_window_sim_reachable(pk_window_sim *s) {
  pthread_mutex_lock(&s->daemon_lock);
  bool up = s->daemon;
  pthread_mutex_unlock(&s->daemon_lock);
  return up;
}

static pk_window_sim *fail(pk_window_sim *s, char **err, const char *msg) {
  if (err) *err = strdup(msg);
  pk_window_sim_stop(s);
  return NULL;
}

pk_window_sim *pk_window_sim_start(const pk_window_sim_opts *o, char **err) {
  if (err) *err = NULL;
  pk_window_sim *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->opts = *o;
  s->faults = o->faults;
  pthread_mutex_init(&s->lock, NULL);
  pthread_mutex_init(&s->daemon_lock, NULL);
  if (RAND_bytes((unsigned char *)&s->rng, sizeof s->rng) != 1 || !s->rng) s->rng = 0x1404;
  s->tls_cert = sim_slurp(o->tls_cert);
  s->tls_key = sim_slurp(o->tls_key);
  if (!s->tls_cert || !s->tls_key) return fail(s, err, "cannot read the TLS certificate or key");
  if (o->client_ca) {
    s->client_ca = sim_slurp(o->client_ca);
    if (!s->client_ca) return fail(s, err, "cannot read the client CA");
    s->mtls = 1;
  }
  if (sim_catalog_build(&s->cat, o->seed, o->services, 1) != 0) return fail(s, err, "catalog generation failed");
  char *e = NULL;
  if (sim_db_open(s, o->db_path ? o->db_path : ":memory:", &e) != 0 || sim_jws_init(s, o->receipt_key, o->enc_key, &e) != 0 ||
      (sim_seal_init(s) != 0 && (e = strdup("cannot use the request encryption key"))) ||
      sim_card_init(s, o->card_issuer_ca, o->card_crl, &e) != 0) {
    pk_window_sim_stop(s);
    if (err) *err = e; else free(e);
    return NULL;
  }
  s->port = o->port;
  if (start_daemon(s) != 0) return fail(s, err, "cannot start the HTTPS daemon (bad bind address, port in use or bad TLS material)");
  if (o->offline) pk_window_sim_set_reachable(s, false);
  return s;
}

int pk_window_sim_port(const pk_window_sim *s) { return s ? s->port : 0; }

time_t sim_now(pk_window_sim *s) { return time(NULL) + atomic_load(&s->clock_offset_s); }

void pk_window_sim_advance_clock(pk_window_sim *s, int seconds) { atomic_fetch_add(&s->clock_offset_s, seconds); }

bool pk_window_sim_in_flight(pk_window_sim *s, const char *key) {
  pthread_mutex_lock(&s->lock);
  bool busy = sim_inflight_has(s, key);
  pthread_mutex_unlock(&s->lock);
  return busy;
}

long pk_window_sim_faulted_answers(pk_window_sim *s) { return s->faulted_answers; }

void pk_window_sim_set_faults(pk_window_sim *s, const pk_window_sim_faults *f) {
  pthread_mutex_lock(&s->lock);
  s->faults = *f;
  pthread_mutex_unlock(&s->lock);
}

void pk_window_sim_stop(pk_window_sim *s) {
  if (!s) return;
  if (s->daemon) MHD_stop_daemon(s->daemon);
  sim_card_free(s);
  sim_seal_free(s);
  sim_jws_free(s);
  sim_db_close(s);
  sim_catalog_free(&s->cat);
  for (size_t i = 0; i < s->ninflight; i++) free(s->inflight[i]);
  free(s->inflight);
  free(s->tls_cert);
  free(s->tls_key);
  free(s->client_ca);
  pthread_mutex_destroy(&s->lock);
  pthread_mutex_destroy(&s->daemon_lock);
  free(s);
}
