/* Canonical JSON of anything a request or bundle could carry: pk_jcs never crashes or leaks,
 * and what it accepts is a fixed point (canonicalizing the canonical form changes nothing). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pishkhan/outbox.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *c = pk_jcs((const char *)data, size);
  if (!c) return 0;
  char *again = pk_jcs(c, strlen(c));
  if (!again || strcmp(again, c) != 0) abort();
  free(again);
  free(c);
  return 0;
}
