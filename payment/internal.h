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

#endif
