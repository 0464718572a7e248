/* What the TCP and serial drivers share: deadlines, writing a frame, reading the answer. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

int64_t pay_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int ms_left(int64_t deadline) {
  int64_t left = (deadline - pay_now_ns()) / 1000000;
  return left < 0 ? 0 : (int)left;
}

bool pay_wait_fd(int fd, short ev, int64_t deadline) {
  struct pollfd p = {.fd = fd, .events = ev};
  int r;
  while ((r = poll(&p, 1, ms_left(deadline))) < 0 && errno == EINTR) {
  }
  return r > 0;
}

/* A socket is written with send (no SIGPIPE for a peer gone), a serial line with write. */
static bool send_all(int fd, bool sock, const uint8_t *p, size_t n, int64_t deadline) {
  while (n > 0) {
    ssize_t w = sock ? send(fd, p, n, MSG_NOSIGNAL) : write(fd, p, n);
    if (w < 0 && (errno == EAGAIN || errno == EINTR) && pay_wait_fd(fd, POLLOUT, deadline)) continue;
    if (w <= 0) return false;
    p += w;
    n -= (size_t)w;
  }
  return true;
}

/* A sale's exchange is matched by trace; a batch, journal or settle one (no trace asked: a journal
 * answer carries the entry's) by its day and entry. */
static bool answers(const pk_pay_msg *req, const pk_pay_msg *ans) {
  if (ans->type != req->type + 1) return false;
  if (req->type == PK_PAY_MSG_BATCH || req->type == PK_PAY_MSG_JOURNAL || req->type == PK_PAY_MSG_SETTLE)
    return strcmp(ans->day, req->day) == 0 && ans->index == req->index;
  return strcmp(ans->trace, req->trace) == 0;
}

/* Frames until the one answering req; anything else on the line is dropped. */
static bool read_answer(pk_pay_terminal *t, int fd, const pk_pay_msg *req, pk_pay_msg *ans, int64_t deadline) {
  uint8_t buf[2 * (PK_PAY_FRAME_MAX + 3)];
  size_t have = 0;
  for (;;) {
    size_t used = 0;
    pk_pay_frame_rc r = have ? t->framing->parse(buf, have, ans, &used) : PK_PAY_FRAME_MORE;
    if (r == PK_PAY_FRAME_BAD) return false;
    if (r == PK_PAY_FRAME_OK) {
      if (answers(req, ans)) return true;
      memmove(buf, buf + used, have - used);
      have -= used;
      continue;
    }
    if (have == sizeof buf || !pay_wait_fd(fd, POLLIN, deadline)) return false;
    ssize_t got = read(fd, buf + have, sizeof buf - have);
    if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (got <= 0) return false;
    have += (size_t)got;
  }
}

bool pay_send_and_read(pk_pay_terminal *t, int fd, bool sock, const uint8_t *frame, size_t n, const pk_pay_msg *req,
                       pk_pay_msg *ans, int64_t deadline) {
  int64_t t0 = pay_now_ns();
  bool ok = send_all(fd, sock, frame, n, deadline) && read_answer(t, fd, req, ans, deadline);
  t->last_wait_ns = pay_now_ns() - t0;
  return ok;
}

pk_pay_terminal *pay_terminal_new(const pk_pay_terminal_ops *ops, const pk_pay_framing *f, const char *tid, void *impl) {
  pk_pay_terminal *t = calloc(1, sizeof *t);
  if (!t) {
    free(impl);
    return NULL;
  }
  snprintf(t->tid, sizeof t->tid, "%s", tid ? tid : "");
  t->ops = ops;
  t->framing = f;
  t->impl = impl;
  return t;
}
