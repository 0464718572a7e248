/* Internals of the window client: one pk_net_req per logical call, handed to the network
 * helper (netproc.h) once per attempt. */
#ifndef PK_NET_INTERNAL_H
#define PK_NET_INTERNAL_H
#include <stdbool.h>

#include "net_parse.h"
#include "netproc.h"
#include "pishkhan/net.h"

typedef enum {
  NK_CHALLENGE, NK_CARD, NK_OTP_REQ, NK_OTP_VERIFY, NK_LOGOUT, NK_SYNC, NK_SUBMIT, NK_TRACK, NK_INBOX, NK_DOC, NK_LOOKUP, NK_SEALED, NK_PKI_CA, NK_PKI_CRL, NK_HEALTH, NK_PROBE,
  NK_LEVEL1, NK_ENTITIES, NK_CLERK, NK_INVOICE, NK_PROFILE,
} pk_net_kind;

struct pk_net_req {
  pk_net *net;
  pk_net_kind kind;
  const char *method;     /* a literal */
  char *url;
  char *headers[PK_WIRE_HEADERS]; /* owned, wiped: one carries the bearer token */
  size_t nheaders;
  char *body;            /* request body (JSON), owned */
  bool retryable;
  bool auth;             /* sends the bearer token */
  int attempt;
  unsigned retry_timer;   /* through net->timers */
  unsigned later_timer;   /* fail_later, on the loop */
  pk_net_error fail_err;  /* why a call refused before sending fails */
  const char *fail_code;
  uint32_t wire_id;       /* the attempt the helper holds; 0 when none */
  char *resp;
  size_t resp_len, resp_cap, resp_limit;
  char etag[160];
  int retry_after_s;
  uint64_t started_ms;    /* for the observer */
  int64_t date;          /* the answer's Date header (NK_PROBE), unix seconds */
  int64_t peer_not_after; /* the window's leaf certificate (NK_PROBE) */
  struct pk_catalog *cat;
  void (*cb)(void);      /* cast back per kind */
  void *ud;
  pk_net_req *prev, *next;
};

struct pk_net {
  pk_loop *loop;
  pk_netproc *proc;
  char base[PK_NET_STR + 8];
  char kiosk_id[64];
  pk_net_opts cfg;       /* copy of the options it was made with */
  char token[256];
  unsigned backoff_base_ms, backoff_max_ms;
  pk_net_timers timers;  /* backoff waits */
  pk_net_req *reqs;
  pk_net_observer observer;
  void *observer_ud;
  bool in_free;
};

/* net.c */
pk_net_req *pk_net_start(pk_net *net, pk_net_kind kind, const char *method, const char *path, char *body,
                         bool retryable, bool auth, void (*cb)(void), void *ud);
/* Adds a header line ("Name: value") to a started request. 0, or -1 (no memory, too many:
 * the request then fails as out of memory when sent). */
int pk_net_add_header(pk_net_req *r, const char *line);
/* Sends a started request (after calls.c added its headers). 0 or -1. */
int pk_net_go(pk_net_req *r);
/* Sets the cause and machine code of a failure. */
void pk_net_fail(pk_net_result *st, pk_net_error err, const char *code);
/* Completes r: unlinks it, runs its callback once, frees it. */
void pk_net_finish(pk_net_req *r, pk_net_result *st);
/* calls.c: deliver a finished request to its callback (status already classified). */
void pk_net_deliver(pk_net_req *r, pk_net_result *st);

#endif
