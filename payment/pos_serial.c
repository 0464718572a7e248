/* PC-POS on a serial line (RS-232 or USB CDC): the same frames as over TCP on one long-lived
 * line, so what is left on it from an earlier exchange (a late or duplicated answer) is flushed
 * before each request, and an answer still counts only if it names the request's trace. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include "internal.h"

typedef struct {
  char device[256];
  speed_t speed;
  int fd;
} serial_impl;

static speed_t speed_of(int baud) {
  switch (baud) {
    case 9600: return B9600;
    case 19200: return B19200;
    case 38400: return B38400;
    case 57600: return B57600;
    default: return B115200;
  }
}

/* Raw 8N1, no flow control: frames are binary (the length and the LRC can be any byte). */
static int open_line(serial_impl *im) {
  int fd = open(im->device, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  struct termios tio;
  if (fd < 0 || tcgetattr(fd, &tio) != 0) {
    if (fd >= 0) close(fd);
    return -1;
  }
  cfmakeraw(&tio);
  tio.c_cflag |= CLOCAL | CREAD;
  tio.c_cflag &= ~(tcflag_t)(CSTOPB | CRTSCTS);
  cfsetispeed(&tio, im->speed);
  cfsetospeed(&tio, im->speed);
  if (tcsetattr(fd, TCSANOW, &tio) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

static pk_pay_x_rc serial_exchange(pk_pay_terminal *t, const pk_pay_msg *req, pk_pay_msg *ans, int timeout_ms,
                                   bool (*on_connected)(void *ud), void *ud) {
  serial_impl *im = t->impl;
  uint8_t frame[PK_PAY_FRAME_MAX + 3];
  int n = t->framing->encode(req, frame, sizeof frame);
  t->last_wait_ns = 0;
  if (n < 0) return PK_PAY_X_NOT_SENT;
  if (im->fd < 0) im->fd = open_line(im);
  if (im->fd < 0) return PK_PAY_X_NOT_SENT;
  tcflush(im->fd, TCIOFLUSH);
  if (on_connected && !on_connected(ud)) return PK_PAY_X_NOT_SENT;
  int64_t deadline = pay_now_ns() + (int64_t)timeout_ms * 1000000;
  if (pay_send_and_read(t, im->fd, false, frame, (size_t)n, req, ans, deadline)) return PK_PAY_X_ANSWER;
  /* A line that failed is reopened next time (a USB adapter unplugged and back). */
  close(im->fd);
  im->fd = -1;
  return PK_PAY_X_NO_ANSWER;
}

static void serial_close(pk_pay_terminal *t) {
  serial_impl *im = t->impl;
  if (im->fd >= 0) close(im->fd);
  free(im);
}

static const pk_pay_terminal_ops SERIAL_OPS = {.name = "pos-serial", .exchange = serial_exchange,
                                               .close = serial_close};

pk_pay_terminal *pk_pay_pos_serial_open(const char *device, int baud, const pk_pay_framing *f, const char *tid) {
  if (!device || !f) return NULL;
  serial_impl *im = calloc(1, sizeof *im);
  if (!im) return NULL;
  snprintf(im->device, sizeof im->device, "%s", device);
  im->speed = speed_of(baud);
  im->fd = -1;
  return pay_terminal_new(&SERIAL_OPS, f, tid, im);
}
