/* Sealed envelopes reach the window (and our tools) from kiosks and USB sticks: pk_unseal must
 * refuse garbage, other algorithms and altered envelopes without crashing, reading out of bounds
 * or leaking. The key is a fixed test key, here only. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pishkhan/outbox.h"
#include "pishkhan/secret.h"

static const char PRIV[] = "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"Axl1LP9EkZABrRZvSZtgGgWaC5L31Uf69E18RZyLm78\","
                           "\"y\":\"kgjhyPfavEz8_aNqfL52HIee20qgdT1xRTjOauAuL0g\","
                           "\"d\":\"5NX4hccQ6jv_8b6KDVBUumOyXl1-gS7dEwRSbvvE3_M\",\"kid\":\"w-enc-fuzz\",\"use\":\"enc\"}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *s = malloc(size + 1);
  if (!s) return 0;
  memcpy(s, data, size);
  s[size] = '\0';
  char err[128];
  size_t n = 0;
  uint8_t *plain = pk_unseal(PRIV, s, &n, err, sizeof err);
  pk_free_wiped(plain);
  free(s);
  return 0;
}
