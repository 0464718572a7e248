/* The terminal's side of a day: batch totals (ISO 8583 0500), then its journal entry by entry
 * (one frame each: a day's journal does not fit a 512-byte frame). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static bool ask_day(pk_pay_terminal *t, pk_pay_msg_type type, const char *day, int64_t index, int timeout_ms,
                    pk_pay_msg *ans) {
  pk_pay_msg req = {.type = type, .index = index};
  snprintf(req.day, sizeof req.day, "%s", day);
  snprintf(req.tid, sizeof req.tid, "%s", t->tid);
  return t->ops->exchange(t, &req, ans, timeout_ms, NULL, NULL) == PK_PAY_X_ANSWER && strcmp(ans->rc, "00") == 0;
}

static void entry_from(const pk_pay_msg *m, pk_pay_journal_entry *e) {
  memset(e, 0, sizeof *e);
  memcpy(e->trace, m->trace, sizeof e->trace);
  memcpy(e->invoice, m->invoice, sizeof e->invoice);
  memcpy(e->state, m->state, sizeof e->state);
  memcpy(e->rrn, m->rrn, sizeof e->rrn);
  e->amount = m->amount;
}

/* A journal that changes while it is read (a sale during the report) is read again once: the
 * totals and the entries must describe the same journal. */
static bool read_journal(pk_pay_terminal *t, const char *day, int timeout_ms, pk_pay_batch *b, int64_t entries) {
  enum { MAX_ENTRIES = 100000 };
  if (entries < 0 || entries > MAX_ENTRIES) return false;
  b->entries = entries ? calloc((size_t)entries, sizeof *b->entries) : NULL;
  if (entries && !b->entries) return false;
  for (int64_t i = 0; i < entries; i++) {
    pk_pay_msg ans;
    if (!ask_day(t, PK_PAY_MSG_JOURNAL, day, i, timeout_ms, &ans) || ans.entries != entries) return false;
    entry_from(&ans, &b->entries[b->n++]);
  }
  return true;
}

int pk_pay_batch_fetch(pk_pay_terminal *t, const char *day, int timeout_ms, pk_pay_batch *b) {
  if (!t || !day || strlen(day) != 8 || !b) return PK_PAY_EINVAL;
  for (int attempt = 0; attempt < 2; attempt++) {
    memset(b, 0, sizeof *b);
    pk_pay_msg tot;
    if (!ask_day(t, PK_PAY_MSG_BATCH, day, 0, timeout_ms, &tot)) return PK_PAY_OK;
    b->n_approved = tot.n_approved, b->sum_approved = tot.sum_approved;
    b->n_reversed = tot.n_reversed, b->sum_reversed = tot.sum_reversed;
    if (read_journal(t, day, timeout_ms, b, tot.entries)) return b->reached = true, PK_PAY_OK;
    pk_pay_batch_free(b);
  }
  return PK_PAY_OK;
}

pk_pay_settle_rc pk_pay_batch_settle(pk_pay_terminal *t, const char *day, int64_t n, int64_t sum, int timeout_ms,
                                     pk_pay_batch *closed) {
  memset(closed, 0, sizeof *closed);
  if (!t || !day || strlen(day) != 8) return PK_PAY_SETTLE_NO_ANSWER;
  pk_pay_msg req = {.type = PK_PAY_MSG_SETTLE, .n_approved = n, .sum_approved = sum}, ans;
  snprintf(req.day, sizeof req.day, "%s", day);
  snprintf(req.tid, sizeof req.tid, "%s", t->tid);
  if (t->ops->exchange(t, &req, &ans, timeout_ms, NULL, NULL) != PK_PAY_X_ANSWER) return PK_PAY_SETTLE_NO_ANSWER;
  closed->reached = true;
  closed->n_approved = ans.n_approved, closed->sum_approved = ans.sum_approved;
  if (!strcmp(ans.rc, "95")) return PK_PAY_SETTLE_REFUSED;
  return !strcmp(ans.rc, "00") ? PK_PAY_SETTLE_DONE : PK_PAY_SETTLE_NO_ANSWER;
}

void pk_pay_batch_free(pk_pay_batch *b) {
  if (!b) return;
  free(b->entries);
  memset(b, 0, sizeof *b);
}
