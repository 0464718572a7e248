/* The serial driver on a pseudo-terminal, with this test playing the terminal on the other end:
 * a duplicated answer left on the line never passes for the next sale's, and a sale whose answer
 * never comes is settled by status on the same line. */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "pishkhan/payment.h"

typedef struct {
  int master;
  volatile int stop;
  int sales;
  char approved[8][PK_PAY_TRACE_LEN + 1];
  int napproved;
} terminal;

static void answer(terminal *tm, const pk_pay_msg *req) {
  pk_pay_msg a = {.type = req->type + 1, .amount = req->amount, .rc = "00"};
  snprintf(a.trace, sizeof a.trace, "%s", req->trace);
  bool silent = false;
  if (req->type == PK_PAY_MSG_SALE) {
    tm->sales++;
    snprintf(tm->approved[tm->napproved++ % 8], PK_PAY_TRACE_LEN + 1, "%s", req->trace);
    snprintf(a.approval, sizeof a.approval, "%06d", tm->sales);
    snprintf(a.pan, sizeof a.pan, "603799******4421");
    silent = req->amount % 100 == 5;
  } else if (req->type == PK_PAY_MSG_STATUS) {
    snprintf(a.state, sizeof a.state, "none");
    for (int i = 0; i < tm->napproved; i++)
      if (!strcmp(tm->approved[i], req->trace)) snprintf(a.state, sizeof a.state, "approved");
  }
  uint8_t buf[PK_PAY_FRAME_MAX + 3];
  int n = pk_pay_framing_pkpos.encode(&a, buf, sizeof buf);
  for (int k = 0; !silent && k < (req->type == PK_PAY_MSG_SALE ? 2 : 1); k++) (void)!write(tm->master, buf, (size_t)n);
}

static void *play(void *arg) {
  terminal *tm = arg;
  uint8_t buf[4096];
  size_t have = 0;
  while (!tm->stop) {
    struct pollfd p = {.fd = tm->master, .events = POLLIN};
    if (poll(&p, 1, 50) <= 0) continue;
    ssize_t got = read(tm->master, buf + have, sizeof buf - have);
    if (got <= 0) continue;
    have += (size_t)got;
    pk_pay_msg req;
    size_t used;
    while (pk_pay_framing_pkpos.parse(buf, have, &req, &used) == PK_PAY_FRAME_OK) {
      answer(tm, &req);
      memmove(buf, buf + used, have - used);
      have -= used;
    }
  }
  return NULL;
}

static void test_serial_sales(void **st) {
  terminal tm = {.master = posix_openpt(O_RDWR | O_NOCTTY)};
  assert_true(tm.master >= 0 && grantpt(tm.master) == 0 && unlockpt(tm.master) == 0);
  const char *slave = ptsname(tm.master);
  int hold = open(slave, O_RDWR | O_NOCTTY); /* the line stays up while the driver reopens it */
  pthread_t th;
  pthread_create(&th, NULL, play, &tm);
  char dir[] = "/tmp/pk-payser-XXXXXX", db[64];
  assert_non_null(mkdtemp(dir));
  snprintf(db, sizeof db, "%s/pay.db", dir);
  pk_pay_opts o = {.sale_timeout_ms = 300, .status_timeout_ms = 200, .resolve_bound_ms = 600};
  pk_pay_store *s = pk_pay_store_open(db, &o, NULL, 0);
  pk_pay_terminal *t = pk_pay_pos_serial_open(slave, 115200, &pk_pay_framing_pkpos, "T01");
  pk_pay_record a, b, c;
  assert_int_equal(pk_pay_begin(s, 1250000, "i1", "k1", &a), 0);
  assert_int_equal(pk_pay_sale(s, t, a.trace, &a), 0);
  assert_int_equal(a.state, PK_PAY_APPROVED);
  assert_string_equal(a.approval, "000001");
  assert_int_equal(pk_pay_begin(s, 1250000, "i2", "k2", &b), 0);
  assert_int_equal(pk_pay_sale(s, t, b.trace, &b), 0);
  assert_int_equal(b.state, PK_PAY_APPROVED);
  assert_string_equal(b.approval, "000002"); /* its own answer, not the first sale's duplicate */
  assert_int_equal(pk_pay_begin(s, 1250005, "i3", "k3", &c), 0);
  assert_int_equal(pk_pay_sale(s, t, c.trace, &c), 0);
  assert_int_equal(c.state, PK_PAY_APPROVED); /* no answer; status on the reopened line */
  assert_int_equal(tm.sales, 3);
  tm.stop = 1;
  pthread_join(th, NULL);
  pk_pay_terminal_close(t);
  pk_pay_store_close(s);
  close(hold);
  close(tm.master);
  char f[80];
  const char *suffix[] = {"", "-wal", "-shm"};
  for (int i = 0; i < 3; i++) snprintf(f, sizeof f, "%s%s", db, suffix[i]), unlink(f);
  rmdir(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_serial_sales)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
