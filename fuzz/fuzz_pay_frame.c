/* The terminal's frames are outside input: for any bytes the parser answers OK, MORE or BAD, an
 * OK message has printable fields only and frames again to what it said. */
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
  const char *fields[] = {m.trace, m.invoice, m.tid, m.rc, m.approval, m.rrn, m.pan, m.state};
  for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) printable(fields[i], 24);
  uint8_t buf[PK_PAY_FRAME_MAX + 3];
  int n = f->encode(&m, buf, sizeof buf);
  if (n > 0 && (f->parse(buf, (size_t)n, &again, &used) != PK_PAY_FRAME_OK || memcmp(&m, &again, sizeof m) != 0))
    abort();
  char pan[24];
  if (pk_pay_mask_pan(m.pan, pan, sizeof pan) && strlen(pan) > 10 && strspn(pan + 6, "*") != strlen(pan) - 10)
    abort();
  return 0;
}
