/* pishkhan-net: the kiosk's network helper. Started by pishkhan with its end of a socketpair
 * as fd 3; does the HTTPS exchanges the kiosk hands it and nothing else, and dies with it.
 * Why a separate process: docs/dependencies.md ("GnuTLS and the kiosk's process"). */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../wire.h"
#include "engine.h"
#include "pishkhan/harden.h"

#define KIOSK_FD 3

typedef struct helper {
  pk_loop *loop;
  pk_wire_conn *conn;
  pk_engine *eng;
  bool have_opts;
} helper;

static void answer(void *ud, uint32_t id, const pk_wire_resp *r) {
  helper *h = ud;
  pk_wire_buf b = {0};
  if (pk_wire_encode_resp(&b, id, r) == 0) pk_wire_conn_send(h->conn, &b);
  pk_wire_buf_free(&b);
}

static void refuse(helper *h, uint32_t id) {
  pk_wire_resp r = {.err = PK_NET_INTERNAL};
  snprintf(r.code, sizeof r.code, "bad_exchange");
  answer(h, id, &r);
}

static void on_frame(void *ud, const pk_wire_frame *f, uint8_t *block, size_t cap, bool *take) {
  helper *h = ud;
  pk_wire_opts o;
  pk_wire_req r;
  switch (f->type) {
  case PK_WIRE_OPTS:
    if (pk_wire_decode_opts(f, &o) == 0) pk_engine_set_opts(h->eng, &o), h->have_opts = true;
    break;
  case PK_WIRE_REQ:
    if (h->have_opts && pk_wire_decode_req(f, &r) == 0) pk_engine_start(h->eng, f->id, &r);
    else refuse(h, f->id);
    break;
  case PK_WIRE_CANCEL: pk_engine_cancel(h->eng, f->id); break;
  default: break;
  }
}

/* The kiosk went away: nothing here outlives it. */
static void on_close(void *ud) {
  helper *h = ud;
  pk_loop_stop(h->loop);
}

static bool kiosk_fd_ok(void) {
  struct stat st;
  return fstat(KIOSK_FD, &st) == 0 && S_ISSOCK(st.st_mode);
}

int main(int argc, char **argv) {
  (void)argv;
  if (argc != 1 || !kiosk_fd_ok()) {
    fprintf(stderr, "pishkhan-net: the kiosk's network helper; pishkhan starts it, it is not run by hand\n");
    return 2;
  }
  pk_harden_process(false);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  if (getppid() == 1) return 0; /* the kiosk died before the line above */
  close_range(KIOSK_FD + 1, ~0U, 0); /* whatever the kiosk had open is not the helper's */
  signal(SIGPIPE, SIG_IGN);
  fcntl(KIOSK_FD, F_SETFL, fcntl(KIOSK_FD, F_GETFL) | O_NONBLOCK);
  helper h = {.loop = pk_loop_new()};
  h.eng = h.loop ? pk_engine_new(h.loop, answer, &h) : NULL;
  h.conn = h.eng ? pk_wire_conn_new(h.loop, KIOSK_FD, on_frame, on_close, &h) : NULL;
  if (!h.conn) {
    fprintf(stderr, "pishkhan-net: out of memory\n");
    return 1;
  }
  while (!pk_loop_stopped(h.loop)) pk_loop_run_once(h.loop, -1);
  pk_engine_free(h.eng);
  pk_wire_conn_free(h.conn);
  pk_loop_free(h.loop);
  return 0;
}
