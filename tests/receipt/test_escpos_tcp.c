/* ESC/POS over TCP: a loopback listener stands in for a port-9100 printer. The captured
 * job is decoded back to an image (GS v 0 raster -> PBM) and zbarimg reads its QR. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "helpers.h"
#include "pishkhan/config.h"
#include "pishkhan/loop.h"

/* How the stand-in printer treats a job. */
enum { JOB_PRINT = -1, STAY_SILENT = -2, JOB_RESET_AT_64 = -3, JOB_CLOSE_UNANSWERED = -4, JOB_NEVER_READ = -5,
       JOB_PAPER_OUT = -6 };

typedef struct {
  int lfd, port;
  int status_reply; /* a JOB_ or STAY_ mode above, else the DLE EOT 4 answer */
  unsigned char *buf;
  size_t len;
  pthread_t th;
} printer_t;

static bool ends_with_query(const printer_t *p) {
  return p->len >= 3 && !memcmp(p->buf + p->len - 3, "\x1d\x72\x01", 3); /* GS r 1 */
}

/* A job: read it, and answer the status query after it as the mode says. */
static void take_job(printer_t *p, int fd) {
  size_t cap = 1 << 16;
  p->buf = malloc(cap);
  for (;;) {
    if (p->len == cap) p->buf = realloc(p->buf, cap *= 2);
    ssize_t k = read(fd, p->buf + p->len, p->status_reply == JOB_RESET_AT_64 && p->len < 64 ? 64 - p->len : cap - p->len);
    if (k <= 0) break;
    p->len += (size_t)k;
    if (p->status_reply == JOB_RESET_AT_64 && p->len >= 64) {
      struct linger l = {.l_onoff = 1, .l_linger = 0}; /* close with RST, as a printer resetting */
      setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
      break;
    }
    if (ends_with_query(p) && p->status_reply == JOB_CLOSE_UNANSWERED) break;
    if (ends_with_query(p) && (p->status_reply == JOB_PRINT || p->status_reply == JOB_PAPER_OUT)) {
      unsigned char b = p->status_reply == JOB_PAPER_OUT ? 0x60 : 0x00;
      assert_int_equal(write(fd, &b, 1), 1);
    }
  }
}

static void *serve(void *arg) {
  printer_t *p = arg;
  int fd = accept(p->lfd, NULL, NULL);
  if (fd < 0) return NULL;
  if (p->status_reply == JOB_NEVER_READ) {
    usleep(1200 * 1000); /* longer than the client waits for its answer */
  } else if (p->status_reply <= JOB_PRINT && p->status_reply != STAY_SILENT) {
    take_job(p, fd);
  } else if (p->status_reply >= 0) {
    p->buf = malloc(3);
    ssize_t k = read(fd, p->buf, 3);
    p->len = k > 0 ? (size_t)k : 0;
    unsigned char b = (unsigned char)p->status_reply;
    assert_int_equal(write(fd, &b, 1), 1);
  } else {
    unsigned char q[3];
    assert_int_equal(read(fd, q, 3), 3);
    usleep(800 * 1000); /* longer than the client waits */
  }
  close(fd);
  return NULL;
}

static void start(printer_t *p, int reply) {
  memset(p, 0, sizeof *p);
  p->status_reply = reply;
  p->lfd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t al = sizeof a;
  assert_int_equal(bind(p->lfd, (struct sockaddr *)&a, sizeof a), 0);
  assert_int_equal(listen(p->lfd, 1), 0);
  getsockname(p->lfd, (struct sockaddr *)&a, &al);
  p->port = ntohs(a.sin_port);
  pthread_create(&p->th, NULL, serve, p);
}

static void stop(printer_t *p) {
  pthread_join(p->th, NULL);
  close(p->lfd);
}

static void config(pk_printer_opts *cfg, int port, int paper) {
  memset(cfg, 0, sizeof *cfg);
  snprintf(cfg->kind, sizeof cfg->kind, "escpos-tcp");
  snprintf(cfg->dest, sizeof cfg->dest, "127.0.0.1:%d", port);
  cfg->paper_mm = paper;
  cfg->confirm_ms = 1000;
}

static char *sign_sample(pk_receipt *r) {
  char key[512], kidp[512], kid[64];
  snprintf(key, sizeof key, "%s/pki/device/key.pem", PK_BINARY_DIR);
  snprintf(kidp, sizeof kidp, "%s/pki/device/kid", PK_BINARY_DIR);
  read_small(kidp, kid, sizeof kid);
  sample_receipt(r);
  char *jws = NULL;
  assert_int_equal(pk_receipt_sign_device(r, key, kid, &jws), 0);
  return jws;
}

/* Decodes an ESC/POS job into a PBM file; returns the raster width in dots. */
static int escpos_to_pbm(const unsigned char *b, size_t n, const char *pbm) {
  assert_true(n > 16);
  assert_memory_equal(b, "\x1b\x40", 2); /* ESC @ */
  size_t i = 2, rows = 0, bpr = 0;
  unsigned char *img = NULL;
  while (i + 8 <= n && b[i] == 0x1D && b[i + 1] == 0x76 && b[i + 2] == 0x30) {
    size_t x = b[i + 4] | (size_t)b[i + 5] << 8, y = b[i + 6] | (size_t)b[i + 7] << 8;
    if (bpr) assert_int_equal(x, bpr);
    bpr = x;
    i += 8;
    assert_true(i + x * y <= n);
    img = realloc(img, (rows + y) * bpr);
    memcpy(img + rows * bpr, b + i, x * y);
    rows += y, i += x * y;
  }
  /* feed, then feed-and-cut, then the status query that confirms the job, and nothing after */
  assert_int_equal(n - i, 10);
  assert_memory_equal(b + i, "\x1b\x64\x04\x1d\x56\x42\x00\x1d\x72\x01", 10);
  FILE *f = fopen(pbm, "wb");
  fprintf(f, "P4\n%zu %zu\n", bpr * 8, rows);
  fwrite(img, 1, rows * bpr, f);
  fclose(f);
  free(img);
  return (int)(bpr * 8);
}

static char *zbar(const char *path) {
  char cmd[600], out[2048] = "";
  snprintf(cmd, sizeof cmd, "zbarimg -q --raw -Sdisable -Sqrcode.enable '%s' 2>/dev/null", path);
  FILE *p = popen(cmd, "r");
  size_t k = fread(out, 1, sizeof out - 1, p);
  pclose(p);
  out[k] = 0;
  while (k && out[k - 1] == '\n') out[--k] = 0;
  return strdup(out);
}

static void print_and_decode(int paper, int width) {
  pk_receipt r;
  char *jws = sign_sample(&r);
  printer_t p;
  start(&p, JOB_PRINT);
  pk_printer_opts cfg;
  config(&cfg, p.port, paper);
  char err[256];
  assert_int_equal(pk_print_receipt(&cfg, &r, jws, err, sizeof err), 0);
  stop(&p);
  char dir[] = "/tmp/pk-escpos-XXXXXX", pbm[64];
  assert_non_null(mkdtemp(dir));
  snprintf(pbm, sizeof pbm, "%s/job.pbm", dir);
  assert_int_equal(escpos_to_pbm(p.buf, p.len, pbm), width);
  char *got = zbar(pbm);
  assert_string_equal(got, jws);
  print_message("%d mm job: %zu bytes, QR decoded from the printed raster\n", paper, p.len);
  unlink(pbm);
  rmdir(dir);
  free(got), free(p.buf), free(jws);
}

static void test_80mm_job_decodes(void **st) { print_and_decode(80, 576); }
static void test_58mm_job_decodes(void **st) { print_and_decode(58, 384); }

static pk_printer_state_t state_with(int reply) {
  printer_t p;
  start(&p, reply);
  pk_printer_opts cfg;
  config(&cfg, p.port, 80);
  char d[128];
  pk_printer_state_t s = pk_printer_state(&cfg, d, sizeof d);
  stop(&p);
  if (reply >= 0) {
    assert_int_equal(p.len, 3);
    assert_memory_equal(p.buf, "\x10\x04\x04", 3); /* DLE EOT 4: paper sensor */
  }
  free(p.buf);
  return s;
}

static void test_printer_state(void **st) {
  assert_int_equal(state_with(0x12), PK_PRINTER_READY);
  assert_int_equal(state_with(0x12 | 0x60), PK_PRINTER_PAPER_OUT);
  assert_int_equal(state_with(0x12 | 0x0C), PK_PRINTER_PAPER_LOW);
  assert_int_equal(state_with(STAY_SILENT), PK_PRINTER_UNKNOWN);
}

static int closed_port(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t al = sizeof a;
  bind(fd, (struct sockaddr *)&a, sizeof a);
  getsockname(fd, (struct sockaddr *)&a, &al);
  close(fd);
  return ntohs(a.sin_port);
}

/* The printer is off: the print fails with a message, the receipt is kept, and the
 * reprint from the same token succeeds once the printer is back. */
static void test_offline_then_reprint(void **st) {
  pk_receipt r;
  char *jws = sign_sample(&r);
  pk_printer_opts cfg;
  config(&cfg, closed_port(), 80);
  char err[256];
  assert_int_equal(pk_printer_state(&cfg, err, sizeof err), PK_PRINTER_OFFLINE);
  assert_int_equal(pk_print_receipt(&cfg, &r, jws, err, sizeof err), -PK_RECEIPT_EIO);
  assert_non_null(strstr(err, "does not answer"));
  const char *kept = jws; /* what the app keeps for a reprint */
  pk_receipt again;
  assert_int_equal(pk_receipt_parse(kept, &again), 0);
  printer_t p;
  start(&p, JOB_PRINT);
  config(&cfg, p.port, 80);
  assert_int_equal(pk_print_receipt(&cfg, &again, kept, err, sizeof err), 0);
  stop(&p);
  assert_true(p.len > 10000);
  free(p.buf), free(jws);
}

static void test_other_backends(void **st) {
  pk_receipt r;
  char *jws = sign_sample(&r);
  pk_printer_opts cfg = {.kind = "none", .paper_mm = 80};
  char err[256];
  assert_int_equal(pk_printer_state(&cfg, err, sizeof err), PK_PRINTER_NONE);
  assert_int_not_equal(pk_print_receipt(&cfg, &r, jws, err, sizeof err), 0);
  char dir[] = "/tmp/pk-pngprint-XXXXXX";
  assert_non_null(mkdtemp(dir));
  snprintf(cfg.kind, sizeof cfg.kind, "png");
  snprintf(cfg.dest, sizeof cfg.dest, "%s", dir);
  assert_int_equal(pk_printer_state(&cfg, err, sizeof err), PK_PRINTER_READY);
  assert_int_equal(pk_print_receipt(&cfg, &r, jws, err, sizeof err), 0);
  char path[128];
  snprintf(path, sizeof path, "%s/receipt-1403-0215-4823-%lld.png", dir, (long long)r.issued_at);
  char *got = zbar(path);
  assert_string_equal(got, jws);
  free(got);
  unlink(path);
  rmdir(dir);
  assert_int_equal(pk_printer_state(&cfg, err, sizeof err), PK_PRINTER_OFFLINE); /* directory gone */
  /* a device node that does not exist */
  snprintf(cfg.kind, sizeof cfg.kind, "escpos-dev");
  snprintf(cfg.dest, sizeof cfg.dest, "%s/lp0", dir);
  assert_int_equal(pk_printer_state(&cfg, err, sizeof err), PK_PRINTER_OFFLINE);
  assert_int_equal(pk_print_receipt(&cfg, &r, jws, err, sizeof err), -PK_RECEIPT_EIO);
  free(jws);
}

/* "Printed" only when the printer says so: before, each of these printers got the same
 * "Printed. Please take your receipt." within ~120 ms, because the kernel had taken the bytes. */
static int print_to(int mode, char *err, size_t errsz) {
  pk_receipt r;
  char *jws = sign_sample(&r);
  printer_t p;
  start(&p, mode);
  pk_printer_opts cfg;
  config(&cfg, p.port, 80);
  int rc = pk_print_receipt(&cfg, &r, jws, err, errsz);
  stop(&p);
  free(p.buf), free(jws);
  return rc;
}

static void test_printed_means_confirmed(void **st) {
  char err[256];
  assert_int_equal(print_to(JOB_PRINT, err, sizeof err), 0);
  assert_int_equal(print_to(JOB_RESET_AT_64, err, sizeof err), -PK_RECEIPT_EIO);
  print_message("reset after 64 bytes: %s\n", err);
  assert_int_equal(print_to(JOB_CLOSE_UNANSWERED, err, sizeof err), -PK_RECEIPT_EUNCONFIRMED);
  print_message("closed without an answer: %s\n", err);
  uint64_t t0 = pk_now_ms();
  assert_int_equal(print_to(JOB_NEVER_READ, err, sizeof err), -PK_RECEIPT_EUNCONFIRMED);
  print_message("never reads: %s (%llu ms)\n", err, (unsigned long long)(pk_now_ms() - t0));
  assert_int_equal(print_to(JOB_PAPER_OUT, err, sizeof err), -PK_RECEIPT_EIO);
  assert_non_null(strstr(err, "paper"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_80mm_job_decodes),     cmocka_unit_test(test_58mm_job_decodes),
      cmocka_unit_test(test_printer_state),        cmocka_unit_test(test_offline_then_reprint),
      cmocka_unit_test(test_other_backends),       cmocka_unit_test(test_printed_means_confirmed),
  };
  int failed = cmocka_run_group_tests(tests, NULL, NULL);
  pk_receipt_shutdown();
  return failed;
}
