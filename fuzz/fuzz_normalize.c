/* Search keys: any input normalizes without crashing, and normalizing a key again changes
 * nothing (the catalog and the query meet in the same form). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "pishkhan/i18n.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *in = malloc(size + 1);
  memcpy(in, data, size);
  in[size] = 0;
  char *k = pk_normalize_fa(in);
  if (!k) abort();
  char *k2 = pk_normalize_fa(k);
  if (!k2 || strcmp(k, k2)) abort();
  free(k2);
  free(k);
  free(in);
  return 0;
}
