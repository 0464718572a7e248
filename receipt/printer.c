/* Printer backends chosen by the config: none | png (a directory) | escpos-tcp host:port |
 * escpos-dev /dev/usb/lp0 or a serial port | cups queue. Every call renders from the
 * receipt and its token, so a failed print is retried by calling again. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "internal.h"
#include "pishkhan/loop.h"

#define IO_TIMEOUT_MS 5000

const char *pk_printer_state_name(pk_printer_state_t s) {
  static const char *const n[] = {"unknown", "ready", "paper-out", "paper-low", "offline", "none"};
  return s <= PK_PRINTER_NONE ? n[s] : "unknown";
}

/* ---- transports ---- */

static int tcp_connect(const char *hostport, int timeout_ms, char *err, size_t errsz) {
  char host[256], port[16] = "9100";
  const char *colon = strrchr(hostport, ':');
  size_t hl = colon ? (size_t)(colon - hostport) : strlen(hostport);
  if (hl == 0 || hl >= sizeof host || (colon && strlen(colon + 1) >= sizeof port)) {
    rc_set_err(err, errsz, "bad printer address \"%s\" (want host:port)", hostport);
    return -1;
  }
  memcpy(host, hostport, hl), host[hl] = '\0';
  if (colon) snprintf(port, sizeof port, "%s", colon + 1);
  struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *ai = NULL;
  if (getaddrinfo(host, port, &hints, &ai)) {
    rc_set_err(err, errsz, "cannot resolve printer host \"%s\"", host);
    return -1;
  }
  int fd = -1;
  for (struct addrinfo *a = ai; a && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    if (connect(fd, a->ai_addr, a->ai_addrlen) && errno != EINPROGRESS) goto next;
    struct pollfd p = {.fd = fd, .events = POLLOUT};
    int soerr = 0;
    socklen_t sl = sizeof soerr;
    if (poll(&p, 1, timeout_ms) == 1 && !getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) && !soerr) break;
  next:
    close(fd);
    fd = -1;
  }
  freeaddrinfo(ai);
  if (fd < 0) rc_set_err(err, errsz, "printer %s does not answer", hostport);
  return fd;
}

/* A printer that drops the connection must not end the kiosk with SIGPIPE: sockets are
 * written with MSG_NOSIGNAL (a device node is not a socket and never raises it). */
static int write_all(int fd, const unsigned char *p, size_t n, char *err, size_t errsz) {
  while (n) {
    ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
    if (k < 0 && errno == ENOTSOCK) k = write(fd, p, n);
    if (k < 0 && (errno == EAGAIN || errno == EINTR)) {
      struct pollfd pf = {.fd = fd, .events = POLLOUT};
      if (poll(&pf, 1, IO_TIMEOUT_MS) <= 0) {
        rc_set_err(err, errsz, "printer stopped accepting data (timeout)");
        return -1;
      }
      continue;
    }
    if (k <= 0) {
      rc_set_err(err, errsz, "write to printer failed: %s", strerror(errno));
      return -1;
    }
    p += k, n -= (size_t)k;
  }
  return 0;
}

static speed_t baud(const pk_printer_opts *o) {
  long v = o->baud ? o->baud : 9600;
  return v == 115200 ? B115200 : v == 57600 ? B57600 : v == 38400 ? B38400 : v == 19200 ? B19200 : B9600;
}

static int dev_open(const pk_printer_opts *cfg, int flags, char *err, size_t errsz) {
  int fd = open(cfg->dest, flags | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    rc_set_err(err, errsz, "cannot open %s: %s", cfg->dest, strerror(errno));
    return -1;
  }
  struct termios t;
  if (isatty(fd) && !tcgetattr(fd, &t)) { /* a serial printer: raw bytes at the configured speed */
    cfmakeraw(&t);
    cfsetispeed(&t, baud(cfg));
    cfsetospeed(&t, baud(cfg));
    tcsetattr(fd, TCSANOW, &t);
  }
  return fd;
}

/* ---- print ---- */

static int print_png(const pk_printer_opts *cfg, const pk_receipt *r, const char *jws, char *err, size_t errsz) {
  char name[64], path[sizeof cfg->dest + 128], tmp[sizeof cfg->dest + 160];
  size_t o = 0;
  for (const char *s = r->tracking_code; *s && o + 1 < sizeof name; s++)
    name[o++] = (char)((*s >= '0' && *s <= '9') || (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ? *s : '-');
  name[o] = '\0';
  snprintf(path, sizeof path, "%s/receipt-%s-%lld.png", cfg->dest, name, (long long)r->issued_at);
  snprintf(tmp, sizeof tmp, "%s.tmp%d", path, (int)getpid());
  int rc = pk_receipt_render_png(r, jws, cfg->paper_mm, tmp);
  if (!rc && rename(tmp, path)) rc = -PK_RECEIPT_EIO;
  if (rc) {
    unlink(tmp);
    rc_set_err(err, errsz, "cannot write %s", path);
  }
  return rc;
}

/* GS r 1: the paper sensor's status, sent after the job. A printer handles it in order, so
 * its answer means the job before it was processed; the kernel taking our bytes means
 * nothing of the kind (a printer may reset, close, or never read). */
static int confirm_job(int fd, const pk_printer_opts *cfg, char *err, size_t errsz) {
  static const unsigned char q[] = {0x1d, 0x72, 0x01};
  if (write_all(fd, q, sizeof q, err, errsz)) return -PK_RECEIPT_EIO;
  int budget = cfg->confirm_ms > 0 ? cfg->confirm_ms : 10000;
  struct pollfd p = {.fd = fd, .events = POLLIN};
  unsigned char b;
  ssize_t k = 0;
  uint64_t end = pk_now_ms() + (uint64_t)budget;
  for (uint64_t now = pk_now_ms(); now < end; now = pk_now_ms()) {
    int pr = poll(&p, 1, (int)(end - now));
    if (pr < 0 && errno == EINTR) continue;
    k = pr == 1 ? read(fd, &b, 1) : 0;
    if (k < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    break;
  }
  if (k < 0) { /* reset: the printer dropped the job */
    rc_set_err(err, errsz, "the printer broke off the job: %s", strerror(errno));
    return -PK_RECEIPT_EIO;
  }
  if (k == 0) { /* silence or a plain close: the paper may or may not have come out */
    rc_set_err(err, errsz, "the printer did not confirm the job within %d ms", budget);
    return -PK_RECEIPT_EUNCONFIRMED;
  }
  if (b & 0x60) {
    rc_set_err(err, errsz, "the printer ran out of paper");
    return -PK_RECEIPT_EIO;
  }
  return 0;
}

static int print_escpos(const pk_printer_opts *cfg, const pk_receipt *r, const char *jws, int tcp, char *err,
                        size_t errsz) {
  unsigned char *job;
  size_t n;
  int rc = pk_receipt_render_escpos(r, jws, cfg->paper_mm, &job, &n);
  if (rc) {
    rc_set_err(err, errsz, "cannot render the receipt");
    return rc;
  }
  int fd = tcp ? tcp_connect(cfg->dest, 3000, err, errsz) : dev_open(cfg, O_RDWR, err, errsz);
  if (fd < 0 && !tcp) fd = dev_open(cfg, O_WRONLY, err, errsz); /* a device with no way back */
  rc = fd < 0 || write_all(fd, job, n, err, errsz) ? -PK_RECEIPT_EIO : 0;
  if (fd >= 0) {
    if (!rc) rc = confirm_job(fd, cfg, err, errsz);
    if (!tcp) tcdrain(fd);
    close(fd);
  }
  free(job);
  return rc;
}

int pk_print_receipt(const pk_printer_opts *cfg, const pk_receipt *r, const char *jws, char *err, size_t errsz) {
  rc_set_err(err, errsz, "ok");
  if (!cfg || !r || !jws) return -PK_RECEIPT_EINVAL;
  const char *t = cfg->kind;
  if (!strcmp(t, "png")) return print_png(cfg, r, jws, err, errsz);
  if (!strcmp(t, "escpos-tcp")) return print_escpos(cfg, r, jws, 1, err, errsz);
  if (!strcmp(t, "escpos-dev")) return print_escpos(cfg, r, jws, 0, err, errsz);
  if (!strcmp(t, "cups")) return pk_print_cups(cfg, r, jws, err, errsz);
  rc_set_err(err, errsz, !strcmp(t, "none") ? "no printer is configured" : "unknown printer type \"%s\"", t);
  return -PK_RECEIPT_EIO;
}

/* ---- state ---- */

/* ESC/POS DLE EOT 4: paper roll sensor. Bits 2-3 = near end, bits 5-6 = paper out. */
static pk_printer_state_t escpos_status(int fd, char *detail, size_t dsz) {
  static const unsigned char q[] = {0x10, 0x04, 0x04};
  if (write_all(fd, q, sizeof q, detail, dsz)) return PK_PRINTER_OFFLINE;
  struct pollfd p = {.fd = fd, .events = POLLIN};
  unsigned char b;
  if (poll(&p, 1, 500) != 1 || read(fd, &b, 1) != 1) {
    rc_set_err(detail, dsz, "printer reachable; it does not report paper status");
    return PK_PRINTER_UNKNOWN;
  }
  if (b & 0x60) return rc_set_err(detail, dsz, "paper out"), PK_PRINTER_PAPER_OUT;
  if (b & 0x0C) return rc_set_err(detail, dsz, "paper near end"), PK_PRINTER_PAPER_LOW;
  return rc_set_err(detail, dsz, "ready"), PK_PRINTER_READY;
}

pk_printer_state_t pk_printer_state(const pk_printer_opts *cfg, char *detail, size_t dsz) {
  rc_set_err(detail, dsz, "%s", "");
  const char *t = cfg->kind;
  if (!strcmp(t, "png")) {
    int ok = access(cfg->dest, W_OK) == 0;
    rc_set_err(detail, dsz, ok ? "directory writable" : "directory not writable");
    return ok ? PK_PRINTER_READY : PK_PRINTER_OFFLINE;
  }
  if (!strcmp(t, "escpos-tcp") || !strcmp(t, "escpos-dev")) {
    int tcp = t[7] == 't';
    int fd = tcp ? tcp_connect(cfg->dest, 1000, detail, dsz) : dev_open(cfg, O_RDWR, detail, dsz);
    if (fd < 0) return PK_PRINTER_OFFLINE;
    pk_printer_state_t s = escpos_status(fd, detail, dsz);
    close(fd);
    return s;
  }
  if (!strcmp(t, "cups")) return pk_cups_state(cfg, detail, dsz);
  rc_set_err(detail, dsz, "no printer configured");
  return PK_PRINTER_NONE;
}
