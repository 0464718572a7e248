/* The terminal's frames are outside input: for any bytes the parser answers OK, MORE or BAD, an
 * OK message (sale, status, reversal, batch totals or journal entry) has printable fields and
 * non-negative numbers only, and frames again to what it said. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pishkhan/payment.h"

static void printable(const char *s, size_t cap) {
  for (size_t i = 0; i < cap && s[i]; i++)
    if (s[i] < 0x20 || s[i] > 0x7e) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const pk_pay_framing *f = &pk_pay_framing_pkpos;
  pk_pay_msg m, again;
  size_t used = 0;
  if (f->parse(data, size, &m, &used) != PK_PAY_FRAME_OK) return 0;
  if (used > size) abort();
  const char *fields[] = {m.trace, m.invoice, m.tid, m.rc, m.approval, m.rrn, m.pan, m.state, m.day};
  for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) printable(fields[i], 24);
  /* Batch totals and journal positions are counts and sums: never negative. */
  const int64_t nums[] = {m.amount, m.index, m.entries, m.n_approved, m.sum_approved, m.n_reversed, m.sum_reversed};
  for (size_t i = 0; i < sizeof nums / sizeof *nums; i++)
    if (nums[i] < 0) abort();
  uint8_t buf[PK_PAY_FRAME_MAX + 3];
  int n = f->encode(&m, buf, sizeof buf);
  if (n > 0 && (f->parse(buf, (size_t)n, &again, &used) != PK_PAY_FRAME_OK || memcmp(&m, &again, sizeof m) != 0))
    abort();
  char pan[24];
  if (pk_pay_mask_pan(m.pan, pan, sizeof pan) && strlen(pan) > 10 && strspn(pan + 6, "*") != strlen(pan) - 10)
    abort();
  return 0;
}
