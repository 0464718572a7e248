/* The kiosk–helper frames (see wire.h): encoding, hostile-input decoding, and a loop-driven
 * connection. Hand-written because it is a dozen fields between two programs of ours; a
 * general serializer would add a dependency to both for no gain (docs/dependencies.md). */
#include "wire.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pishkhan/secret.h"

enum { T_CA = 1, T_CERT, T_KEY, T_PIN, T_PROXY, T_CONNECT_MS, T_TOTAL_MS };
enum { T_METHOD = 1, T_URL, T_HEADER, T_BODY, T_LIMIT, T_FLAGS };
enum { T_ERR = 1, T_CODE, T_TRANSIENT, T_DETAIL, T_HTTP, T_ETAG, T_RETRY_AFTER, T_DATE, T_NOT_AFTER, T_RBODY };
enum { F_DATE = 1, F_PEER_CERT = 2 };

#define HEAD 9 /* length, type, id */

/* ---- encoding ---- */
static void put_be(uint8_t *p, uint64_t v, int n) {
  for (int i = n - 1; i >= 0; i--, v >>= 8) p[i] = (uint8_t)v;
}

static uint64_t get_be(const uint8_t *p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; i++) v = v << 8 | p[i];
  return v;
}

static void reserve(pk_wire_buf *b, size_t more) {
  if (b->failed) return;
  if (more > PK_WIRE_MAX || b->len + more > PK_WIRE_MAX + HEAD) {
    b->failed = true;
    return;
  }
  if (b->len + more <= b->cap) return;
  size_t cap = b->cap ? b->cap : 512;
  while (cap < b->len + more) cap *= 2;
  uint8_t *np = pk_realloc_wiped(b->p, cap);
  if (!np) {
    b->failed = true;
    return;
  }
  b->p = np;
  b->cap = cap;
}

void pk_wire_begin(pk_wire_buf *b, uint8_t type, uint32_t id) {
  b->len = 0;
  b->failed = false;
  reserve(b, HEAD);
  if (b->failed) return;
  b->p[4] = type;
  put_be(b->p + 5, id, 4);
  b->len = HEAD;
}

void pk_wire_put(pk_wire_buf *b, uint8_t tag, const void *v, size_t n) {
  reserve(b, 5 + n);
  if (b->failed) return;
  b->p[b->len] = tag;
  put_be(b->p + b->len + 1, n, 4);
  if (n) memcpy(b->p + b->len + 5, v, n);
  b->len += 5 + n;
}

static void put_str(pk_wire_buf *b, uint8_t tag, const char *s) {
  if (s) pk_wire_put(b, tag, s, strlen(s) + 1); /* the NUL travels: decoded strings point in */
}

static void put_num(pk_wire_buf *b, uint8_t tag, int64_t v) {
  uint8_t n[8];
  put_be(n, (uint64_t)v, 8);
  pk_wire_put(b, tag, n, 8);
}

int pk_wire_end(pk_wire_buf *b) {
  if (b->failed || b->len < HEAD) return -1;
  put_be(b->p, b->len - 4, 4);
  return 0;
}

void pk_wire_buf_free(pk_wire_buf *b) {
  if (b->p) pk_wipe(b->p, b->cap);
  free(b->p);
  *b = (pk_wire_buf){0};
}

int pk_wire_encode_opts(pk_wire_buf *b, const pk_wire_opts *o) {
  pk_wire_begin(b, PK_WIRE_OPTS, 0);
  put_str(b, T_CA, o->ca_bundle);
  put_str(b, T_CERT, o->client_cert);
  put_str(b, T_KEY, o->client_key);
  put_str(b, T_PIN, o->pinned_pubkey);
  put_str(b, T_PROXY, o->proxy);
  put_num(b, T_CONNECT_MS, o->connect_timeout_ms);
  put_num(b, T_TOTAL_MS, o->total_timeout_ms);
  return pk_wire_end(b);
}

int pk_wire_encode_req(pk_wire_buf *b, uint32_t id, const pk_wire_req *r) {
  pk_wire_begin(b, PK_WIRE_REQ, id);
  put_str(b, T_METHOD, r->method);
  put_str(b, T_URL, r->url);
  for (size_t i = 0; i < r->nheaders && i < PK_WIRE_HEADERS; i++) put_str(b, T_HEADER, r->headers[i]);
  if (r->body) pk_wire_put(b, T_BODY, r->body, r->body_len);
  put_num(b, T_LIMIT, r->resp_limit);
  put_num(b, T_FLAGS, (r->want_date ? F_DATE : 0) | (r->want_peer_cert ? F_PEER_CERT : 0));
  return pk_wire_end(b);
}

int pk_wire_encode_cancel(pk_wire_buf *b, uint32_t id) {
  pk_wire_begin(b, PK_WIRE_CANCEL, id);
  return pk_wire_end(b);
}

int pk_wire_encode_resp(pk_wire_buf *b, uint32_t id, const pk_wire_resp *r) {
  pk_wire_begin(b, PK_WIRE_RESP, id);
  put_num(b, T_ERR, r->err);
  put_str(b, T_CODE, r->code);
  put_num(b, T_TRANSIENT, r->transient);
  put_str(b, T_DETAIL, r->detail);
  put_num(b, T_HTTP, r->http_status);
  put_str(b, T_ETAG, r->etag);
  put_num(b, T_RETRY_AFTER, r->retry_after_s);
  put_num(b, T_DATE, r->date);
  put_num(b, T_NOT_AFTER, r->peer_not_after);
  if (r->body) pk_wire_put(b, T_RBODY, r->body, r->body_len); /* last: its end is the frame's */
  return pk_wire_end(b);
}

/* ---- decoding ---- */
int pk_wire_frame_parse(const uint8_t *p, size_t n, pk_wire_frame *f) {
  if (n < HEAD - 4 || n > PK_WIRE_MAX) return -1;
  f->type = p[0];
  f->id = (uint32_t)get_be(p + 1, 4);
  f->fields = p + 5;
  f->fields_len = n - 5;
  return f->type >= PK_WIRE_OPTS && f->type <= PK_WIRE_RESP ? 0 : -1;
}

typedef struct {
  const pk_wire_frame *f;
  size_t pos;
} cursor;

/* 1 with the next field, 0 at the end, -1 when a field overruns the frame. */
static int next_field(cursor *c, uint8_t *tag, const uint8_t **v, size_t *n) {
  size_t left = c->f->fields_len - c->pos;
  if (!left) return 0;
  if (left < 5) return -1;
  const uint8_t *p = c->f->fields + c->pos;
  uint64_t len = get_be(p + 1, 4);
  if (len > left - 5) return -1;
  *tag = p[0];
  *v = p + 5;
  *n = (size_t)len;
  c->pos += 5 + (size_t)len;
  return 1;
}

/* A string field: NUL-terminated, with no NUL before its end. */
static const char *as_str(const uint8_t *v, size_t n) {
  if (!n || v[n - 1] || memchr(v, 0, n - 1)) return NULL;
  return (const char *)v;
}

static int copy_str(char *dst, size_t cap, const uint8_t *v, size_t n) {
  const char *s = as_str(v, n);
  if (!s || n > cap) return -1;
  memcpy(dst, s, n);
  return 0;
}

static int as_num(const uint8_t *v, size_t n, int64_t lo, int64_t hi, int64_t *out) {
  if (n != 8) return -1;
  int64_t x = (int64_t)get_be(v, 8);
  if (x < lo || x > hi) return -1;
  *out = x;
  return 0;
}

#define MS_MAX (24LL * 3600 * 1000)

/* Every field of a frame of the given type through fn (which refuses a tag it does not know). */
static int decode_fields(const pk_wire_frame *f, uint8_t type, int (*fn)(void *, uint8_t, const uint8_t *, size_t),
                         void *out) {
  if (f->type != type) return -1;
  cursor c = {f, 0};
  uint8_t tag;
  const uint8_t *v;
  size_t n;
  int rc;
  while ((rc = next_field(&c, &tag, &v, &n)) == 1)
    if (fn(out, tag, v, n) != 0) return -1;
  return rc;
}

static int opts_field(void *out, uint8_t tag, const uint8_t *v, size_t n) {
  pk_wire_opts *o = out;
  switch (tag) {
  case T_CA: return copy_str(o->ca_bundle, sizeof o->ca_bundle, v, n);
  case T_CERT: return copy_str(o->client_cert, sizeof o->client_cert, v, n);
  case T_KEY: return copy_str(o->client_key, sizeof o->client_key, v, n);
  case T_PIN: return copy_str(o->pinned_pubkey, sizeof o->pinned_pubkey, v, n);
  case T_PROXY: return copy_str(o->proxy, sizeof o->proxy, v, n);
  case T_CONNECT_MS: return as_num(v, n, 0, MS_MAX, &o->connect_timeout_ms);
  case T_TOTAL_MS: return as_num(v, n, 0, MS_MAX, &o->total_timeout_ms);
  default: return -1;
  }
}

int pk_wire_decode_opts(const pk_wire_frame *f, pk_wire_opts *o) {
  memset(o, 0, sizeof *o);
  return decode_fields(f, PK_WIRE_OPTS, opts_field, o);
}

static int req_field(void *out, uint8_t tag, const uint8_t *v, size_t n) {
  pk_wire_req *r = out;
  int64_t x;
  switch (tag) {
  case T_METHOD: return (r->method = as_str(v, n)) && n <= 8 ? 0 : -1;
  case T_URL: return (r->url = as_str(v, n)) ? 0 : -1;
  case T_HEADER:
    if (r->nheaders == PK_WIRE_HEADERS || !(r->headers[r->nheaders] = as_str(v, n))) return -1;
    /* A header with a line break would smuggle another header or request. */
    if (strpbrk(r->headers[r->nheaders], "\r\n")) return -1;
    r->nheaders++;
    return 0;
  case T_BODY: r->body = v, r->body_len = n; return 0;
  case T_LIMIT: return as_num(v, n, 0, PK_WIRE_MAX - 4096, &r->resp_limit);
  case T_FLAGS:
    if (as_num(v, n, 0, F_DATE | F_PEER_CERT, &x) != 0) return -1;
    r->want_date = x & F_DATE, r->want_peer_cert = x & F_PEER_CERT;
    return 0;
  default: return -1;
  }
}

int pk_wire_decode_req(const pk_wire_frame *f, pk_wire_req *r) {
  memset(r, 0, sizeof *r);
  if (decode_fields(f, PK_WIRE_REQ, req_field, r) != 0 || !r->method || !r->url) return -1;
  return strpbrk(r->url, " \r\n") ? -1 : 0;
}

static int resp_field(void *out, uint8_t tag, const uint8_t *v, size_t n) {
  pk_wire_resp *r = out;
  int64_t x;
  switch (tag) {
  case T_ERR:
    if (as_num(v, n, 0, PK_NET_ERROR_COUNT - 1, &x) != 0) return -1;
    r->err = (pk_net_error)x;
    return 0;
  case T_CODE: return copy_str(r->code, sizeof r->code, v, n);
  case T_TRANSIENT:
    if (as_num(v, n, 0, 1, &x) != 0) return -1;
    r->transient = x;
    return 0;
  case T_DETAIL: return copy_str(r->detail, sizeof r->detail, v, n);
  case T_HTTP: return as_num(v, n, 0, 999, &r->http_status);
  case T_ETAG: return copy_str(r->etag, sizeof r->etag, v, n);
  case T_RETRY_AFTER: return as_num(v, n, 0, 3600, &r->retry_after_s);
  case T_DATE: return as_num(v, n, 0, INT64_MAX, &r->date);
  case T_NOT_AFTER: return as_num(v, n, 0, INT64_MAX, &r->peer_not_after);
  case T_RBODY: r->body = v, r->body_len = n; return 0;
  default: return -1;
  }
}

int pk_wire_decode_resp(const pk_wire_frame *f, pk_wire_resp *r) {
  memset(r, 0, sizeof *r);
  return decode_fields(f, PK_WIRE_RESP, resp_field, r);
}

/* ---- the connection ---- */
typedef struct outq {
  pk_wire_buf b;
  size_t sent;
  struct outq *next;
} outq;

struct pk_wire_conn {
  pk_loop *loop;
  int fd;
  pk_wire_frame_cb on_frame;
  pk_wire_close_cb on_close;
  void *ud;
  uint8_t head[4];
  size_t head_got;
  uint8_t *block; /* the frame being read, one byte longer for a NUL after it */
  size_t need, got;
  outq *out, *out_tail;
  bool closed;
};

static void drop_block(pk_wire_conn *c) {
  if (c->block) pk_wipe(c->block, c->need + 1);
  free(c->block);
  c->block = NULL;
  c->need = c->got = c->head_got = 0;
}

static void close_conn(pk_wire_conn *c) {
  if (c->closed) return;
  c->closed = true;
  pk_loop_unwatch(c->loop, c->fd);
  c->on_close(c->ud); /* may free c */
}

/* 0, or -1 for bytes that are no frame (the caller closes). on_frame must not free c. */
static int deliver(pk_wire_conn *c) {
  pk_wire_frame f;
  bool take = false;
  c->block[c->need] = 0;
  if (pk_wire_frame_parse(c->block, c->need, &f) != 0) {
    drop_block(c);
    return -1;
  }
  uint8_t *blk = c->block;
  size_t cap = c->need + 1;
  c->block = NULL;
  c->need = c->got = c->head_got = 0;
  c->on_frame(c->ud, &f, blk, cap, &take);
  if (!take) {
    pk_wipe(blk, cap);
    free(blk);
  }
  return 0;
}

/* One read's worth: 1 to go on, 0 when nothing more is there now, -1 when the connection ends. */
static int read_some(pk_wire_conn *c) {
  uint8_t *dst = c->block ? c->block + c->got : c->head + c->head_got;
  size_t want = c->block ? c->need - c->got : 4 - c->head_got;
  ssize_t n = recv(c->fd, dst, want, 0);
  if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : errno == EINTR ? 1 : -1;
  if (n == 0) return -1;
  if (c->block) {
    c->got += (size_t)n;
    if (c->got == c->need) return deliver(c) == 0 ? 1 : -1;
    return 1;
  }
  c->head_got += (size_t)n;
  if (c->head_got < 4) return 1;
  c->need = (size_t)get_be(c->head, 4);
  if (c->need < HEAD - 4 || c->need > PK_WIRE_MAX) return -1;
  c->block = malloc(c->need + 1);
  c->got = 0;
  return c->block ? 1 : -1;
}

static int flush_out(pk_wire_conn *c) {
  while (c->out) {
    outq *q = c->out;
    ssize_t n = send(c->fd, q->b.p + q->sent, q->b.len - q->sent, MSG_NOSIGNAL);
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : errno == EINTR ? 0 : -1;
    q->sent += (size_t)n;
    if (q->sent < q->b.len) continue;
    c->out = q->next;
    if (!c->out) c->out_tail = NULL;
    pk_wire_buf_free(&q->b);
    free(q);
  }
  return 0;
}

static void on_io(pk_loop *loop, int fd, unsigned revents, void *ud);

static void rewatch(pk_wire_conn *c) {
  pk_loop_watch(c->loop, c->fd, PK_IO_IN | (c->out ? PK_IO_OUT : 0), on_io, c);
}

static void on_io(pk_loop *loop, int fd, unsigned revents, void *ud) {
  pk_wire_conn *c = ud;
  if ((revents & PK_IO_OUT) && flush_out(c) != 0) {
    close_conn(c);
    return;
  }
  if (revents & (PK_IO_IN | PK_IO_ERR)) {
    /* A bounded number of reads per turn, so that a flood of answers cannot starve the screen. */
    for (int i = 0; i < 64 && !c->closed; i++) {
      int rc = read_some(c);
      if (rc < 0) {
        close_conn(c);
        return;
      }
      if (rc == 0) break;
    }
  }
  if (!c->closed) rewatch(c);
}

pk_wire_conn *pk_wire_conn_new(pk_loop *loop, int fd, pk_wire_frame_cb on_frame, pk_wire_close_cb on_close,
                               void *ud) {
  pk_wire_conn *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  *c = (pk_wire_conn){.loop = loop, .fd = fd, .on_frame = on_frame, .on_close = on_close, .ud = ud};
  if (pk_loop_watch(loop, fd, PK_IO_IN, on_io, c) != 0) {
    free(c);
    return NULL;
  }
  return c;
}

int pk_wire_conn_send(pk_wire_conn *c, pk_wire_buf *b) {
  outq *q = c->closed || b->failed || !b->len ? NULL : calloc(1, sizeof *q);
  if (!q) {
    pk_wire_buf_free(b);
    return -1;
  }
  q->b = *b;
  *b = (pk_wire_buf){0};
  if (c->out_tail) c->out_tail->next = q;
  else c->out = q;
  c->out_tail = q;
  /* A broken socket is left to the loop, which sees it hang up and closes: closing here would
   * run on_close inside the sender's own call. */
  if (flush_out(c) != 0) return -1;
  rewatch(c);
  return 0;
}

void pk_wire_conn_free(pk_wire_conn *c) {
  if (!c) return;
  if (!c->closed) pk_loop_unwatch(c->loop, c->fd);
  close(c->fd);
  drop_block(c);
  while (c->out) {
    outq *q = c->out;
    c->out = q->next;
    pk_wire_buf_free(&q->b);
    free(q);
  }
  free(c);
}
