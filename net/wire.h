/* The frames between the kiosk and its network helper (pishkhan-net), on a socketpair.
 *
 * Why a helper at all: libcurl, as Debian builds it, brings GnuTLS, LDAP, RTMP and SSH into
 * any process that links it. The kiosk process, which holds the card session, never loads
 * libcurl; the helper does the HTTPS and nothing else (docs/dependencies.md).
 *
 * frame := u32 length (big-endian, the bytes after it) | u8 type | u32 id | field*
 * field := u8 tag | u32 length | bytes
 * Both ends are ours, but the helper's answers carry what the network sent, so the decoder
 * treats every frame as hostile (fuzz/fuzz_net_wire.c). */
#ifndef PK_NET_WIRE_H
#define PK_NET_WIRE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pishkhan/loop.h"
#include "pishkhan/net.h"

/* The catalog's answer (64 MiB at most) and its fields fit; anything longer is an attack. */
#define PK_WIRE_MAX ((80u << 20))
#define PK_WIRE_HEADERS 8

enum { PK_WIRE_OPTS = 1, PK_WIRE_REQ, PK_WIRE_CANCEL, PK_WIRE_RESP };

/* What the helper needs of the settings to reach the window (sent once, id 0). */
typedef struct pk_wire_opts {
  char ca_bundle[PK_NET_STR], client_cert[PK_NET_STR], client_key[PK_NET_STR];
  char pinned_pubkey[PK_NET_STR], proxy[PK_NET_STR];
  int64_t connect_timeout_ms, total_timeout_ms;
} pk_wire_opts;

/* One HTTP exchange. The strings point into the frame (or the caller's memory when sending). */
typedef struct pk_wire_req {
  const char *method, *url;
  size_t nheaders;
  const char *headers[PK_WIRE_HEADERS];
  const uint8_t *body; /* NULL: none */
  size_t body_len;
  int64_t resp_limit;  /* a longer answer is PK_NET_PROTOCOL response_too_large */
  bool want_date;      /* the Date header, as unix seconds */
  bool want_peer_cert; /* the window's leaf certificate's notAfter */
} pk_wire_req;

/* Its outcome: a transport failure (err != PK_NET_OK), or the HTTP answer. */
typedef struct pk_wire_resp {
  pk_net_error err;
  char code[64];
  bool transient;      /* worth another attempt (connection refused, timeout, reset) */
  char detail[256];    /* for the log */
  int64_t http_status;
  char etag[160];
  int64_t retry_after_s, date, peer_not_after;
  const uint8_t *body;
  size_t body_len;
} pk_wire_resp;

/* ---- encoding ---- */
typedef struct pk_wire_buf {
  uint8_t *p;
  size_t len, cap;
  bool failed; /* out of memory somewhere: the frame must not be sent */
} pk_wire_buf;

void pk_wire_begin(pk_wire_buf *b, uint8_t type, uint32_t id);
void pk_wire_put(pk_wire_buf *b, uint8_t tag, const void *v, size_t n);
/* Patches the length in. 0, or -1 when the frame could not be built. */
int pk_wire_end(pk_wire_buf *b);
/* Frames carry tokens and personal data: wiped before they go. */
void pk_wire_buf_free(pk_wire_buf *b);

int pk_wire_encode_opts(pk_wire_buf *b, const pk_wire_opts *o);
int pk_wire_encode_req(pk_wire_buf *b, uint32_t id, const pk_wire_req *r);
int pk_wire_encode_cancel(pk_wire_buf *b, uint32_t id);
int pk_wire_encode_resp(pk_wire_buf *b, uint32_t id, const pk_wire_resp *r);

/* ---- decoding: a whole frame's bytes after its length ---- */
typedef struct pk_wire_frame {
  uint8_t type;
  uint32_t id;
  const uint8_t *fields;
  size_t fields_len;
} pk_wire_frame;

/* 0, or -1 for bytes that are no frame. */
int pk_wire_frame_parse(const uint8_t *p, size_t n, pk_wire_frame *f);
/* Each decoder refuses (-1) a frame of another type, a field that does not fit, a string
 * with a NUL or without room, a number out of range. Nothing is allocated: pointers point into
 * the frame. */
int pk_wire_decode_opts(const pk_wire_frame *f, pk_wire_opts *o);
int pk_wire_decode_req(const pk_wire_frame *f, pk_wire_req *r);
int pk_wire_decode_resp(const pk_wire_frame *f, pk_wire_resp *r);

/* ---- a connection on the loop: whole frames in, queued frames out ---- */
typedef struct pk_wire_conn pk_wire_conn;
/* f's bytes are valid during the call; body_base is the frame's own block, which the callee
 * may keep by setting *take (then it frees it, wiped, with pk_free_wiped). */
typedef void (*pk_wire_frame_cb)(void *ud, const pk_wire_frame *f, uint8_t *block, size_t block_cap, bool *take);
/* The other end went away, or sent something that is not a frame. No more frames arrive;
 * free the connection. */
typedef void (*pk_wire_close_cb)(void *ud);
pk_wire_conn *pk_wire_conn_new(pk_loop *loop, int fd, pk_wire_frame_cb on_frame, pk_wire_close_cb on_close, void *ud);
/* Queues b's frame (and empties b). 0, or -1 when the connection is closed or b failed. */
int pk_wire_conn_send(pk_wire_conn *c, pk_wire_buf *b);
/* Closes the descriptor; pending output is dropped. */
void pk_wire_conn_free(pk_wire_conn *c);

#endif
