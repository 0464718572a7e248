/* Shared inside payment/: the store's transitions, used by the sale logic. */
#ifndef PK_PAYMENT_INTERNAL_H
#define PK_PAYMENT_INTERNAL_H

#include <pthread.h>
#include <sqlite3.h>

#include "pishkhan/payment.h"

struct pk_pay_store {
  sqlite3 *db;
  pthread_mutex_t lock;
  pk_pay_opts opts;
};

#define PAY_BIT(s) (1u << (s))

/* One durable step: if trace's state is in from_mask, it becomes to, with ans's references
 * (cleaned) when given, and a history line; committed before it returns. PK_PAY_ESTATE when the
 * state was not in from_mask. */
int pay_set_state(pk_pay_store *s, const char *trace, unsigned from_mask, pk_pay_state to, const pk_pay_msg *ans,
                  const char *note);
/* Up to n traces whose state is in mask, oldest first. */
size_t pay_list(pk_pay_store *s, unsigned mask, char (*traces)[PK_PAY_TRACE_LEN + 1], size_t n);

/* ---- payment/line.c: the drivers' shared I/O ---- */
int64_t pay_now_ns(void);
/* Waits for ev on fd until deadline (CLOCK_MONOTONIC ns). */
bool pay_wait_fd(int fd, short ev, int64_t deadline);
/* Writes frame, then reads frames until the one answering req (others on the line are dropped);
 * t->last_wait_ns gets the time this took. */
bool pay_send_and_read(pk_pay_terminal *t, int fd, bool sock, const uint8_t *frame, size_t n, const pk_pay_msg *req,
                       pk_pay_msg *ans, int64_t deadline);
/* A driver's handle around its impl (freed here if the handle cannot be made). */
pk_pay_terminal *pay_terminal_new(const pk_pay_terminal_ops *ops, const pk_pay_framing *f, const char *tid, void *impl);

#endif
