/* PC-POS over TCP: one connection per exchange, so a stray answer of an earlier exchange (a
 * duplicated or late one) dies with its connection and can never be read as this one's. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "pishkhan/payment.h"

typedef struct {
  char host[256];
  char port[8];
} tcp_impl;

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int ms_left(int64_t deadline) {
  int64_t left = (deadline - now_ns()) / 1000000;
  return left < 0 ? 0 : (int)left;
}

static bool wait_fd(int fd, short ev, int64_t deadline) {
  struct pollfd p = {.fd = fd, .events = ev};
  int r;
  while ((r = poll(&p, 1, ms_left(deadline))) < 0 && errno == EINTR) {
  }
  return r > 0;
}

static int connect_by(const tcp_impl *im, int64_t deadline) {
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *ai = NULL;
  if (getaddrinfo(im->host, im->port, &hints, &ai) != 0) return -1;
  int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
    int soerr = 0;
    socklen_t sl = sizeof soerr;
    if (errno != EINPROGRESS || !wait_fd(fd, POLLOUT, deadline) ||
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0 || soerr != 0) {
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(ai);
  return fd;
}

static bool send_all(int fd, const uint8_t *p, size_t n, int64_t deadline) {
  while (n > 0) {
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w < 0 && (errno == EAGAIN || errno == EINTR) && wait_fd(fd, POLLOUT, deadline)) continue;
    if (w <= 0) return false;
    p += w;
    n -= (size_t)w;
  }
  return true;
}

static bool answers(const pk_pay_msg *req, const pk_pay_msg *ans) {
  return ans->type == req->type + 1 && strcmp(ans->trace, req->trace) == 0;
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
    if (have == sizeof buf || !wait_fd(fd, POLLIN, deadline)) return false;
    ssize_t got = recv(fd, buf + have, sizeof buf - have, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    have += (size_t)got;
  }
}

static pk_pay_x_rc tcp_exchange(pk_pay_terminal *t, const pk_pay_msg *req, pk_pay_msg *ans, int timeout_ms,
                                bool (*on_connected)(void *ud), void *ud) {
  uint8_t frame[PK_PAY_FRAME_MAX + 3];
  int n = t->framing->encode(req, frame, sizeof frame);
  int64_t deadline = now_ns() + (int64_t)timeout_ms * 1000000;
  t->last_wait_ns = 0;
  if (n < 0) return PK_PAY_X_NOT_SENT;
  int fd = connect_by(t->impl, deadline);
  if (fd < 0) return PK_PAY_X_NOT_SENT;
  if (on_connected && !on_connected(ud)) {
    close(fd);
    return PK_PAY_X_NOT_SENT;
  }
  int64_t t0 = now_ns();
  bool ok = send_all(fd, frame, (size_t)n, deadline) && read_answer(t, fd, req, ans, deadline);
  t->last_wait_ns = now_ns() - t0;
  close(fd);
  return ok ? PK_PAY_X_ANSWER : PK_PAY_X_NO_ANSWER;
}

static void tcp_close(pk_pay_terminal *t) { free(t->impl); }

static const pk_pay_terminal_ops TCP_OPS = {.name = "pos-tcp", .exchange = tcp_exchange, .close = tcp_close};

pk_pay_terminal *pk_pay_pos_tcp_open(const char *host, int port, const pk_pay_framing *f, const char *tid) {
  if (!host || port <= 0 || port > 65535 || !f) return NULL;
  pk_pay_terminal *t = calloc(1, sizeof *t);
  tcp_impl *im = calloc(1, sizeof *im);
  if (!t || !im) {
    free(t);
    free(im);
    return NULL;
  }
  snprintf(im->host, sizeof im->host, "%s", host);
  snprintf(im->port, sizeof im->port, "%d", port);
  snprintf(t->tid, sizeof t->tid, "%s", tid ? tid : "");
  t->ops = &TCP_OPS;
  t->framing = f;
  t->impl = im;
  return t;
}

void pk_pay_terminal_close(pk_pay_terminal *t) {
  if (!t) return;
  t->ops->close(t);
  free(t);
}
