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

#include "internal.h"

typedef struct {
  char host[256];
  char port[8];
} tcp_impl;

static int connect_by(const tcp_impl *im, int64_t deadline) {
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *ai = NULL;
  if (getaddrinfo(im->host, im->port, &hints, &ai) != 0) return -1;
  int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
    int soerr = 0;
    socklen_t sl = sizeof soerr;
    if (errno != EINPROGRESS || !pay_wait_fd(fd, POLLOUT, deadline) ||
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0 || soerr != 0) {
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(ai);
  return fd;
}

static pk_pay_x_rc tcp_exchange(pk_pay_terminal *t, const pk_pay_msg *req, pk_pay_msg *ans, int timeout_ms,
                                bool (*on_connected)(void *ud), void *ud) {
  uint8_t frame[PK_PAY_FRAME_MAX + 3];
  int n = t->framing->encode(req, frame, sizeof frame);
  int64_t deadline = pay_now_ns() + (int64_t)timeout_ms * 1000000;
  t->last_wait_ns = 0;
  if (n < 0) return PK_PAY_X_NOT_SENT;
  int fd = connect_by(t->impl, deadline);
  if (fd < 0) return PK_PAY_X_NOT_SENT;
  if (on_connected && !on_connected(ud)) {
    close(fd);
    return PK_PAY_X_NOT_SENT;
  }
  bool ok = pay_send_and_read(t, fd, true, frame, (size_t)n, req, ans, deadline);
  close(fd);
  return ok ? PK_PAY_X_ANSWER : PK_PAY_X_NO_ANSWER;
}

static void tcp_close(pk_pay_terminal *t) { free(t->impl); }

static const pk_pay_terminal_ops TCP_OPS = {.name = "pos-tcp", .exchange = tcp_exchange, .close = tcp_close};

pk_pay_terminal *pk_pay_pos_tcp_open(const char *host, int port, const pk_pay_framing *f, const char *tid) {
  if (!host || port <= 0 || port > 65535 || !f) return NULL;
  tcp_impl *im = calloc(1, sizeof *im);
  if (!im) return NULL;
  snprintf(im->host, sizeof im->host, "%s", host);
  snprintf(im->port, sizeof im->port, "%d", port);
  return pay_terminal_new(&TCP_OPS, f, tid, im);
}

void pk_pay_terminal_close(pk_pay_terminal *t) {
  if (!t) return;
  t->ops->close(t);
  free(t);
}
