/* USB bundles come from any stick a clerk plugs in. First byte 0: the whole file through
 * signature verification and payload checks; otherwise the rest is a payload (as if its
 * signature had verified) for the field-by-field checks. Never a crash, leak or overread. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../outbox/internal.h"

/* A fixed test key's public half (its private half signed the seed in the corpus). */
static const char JWKS[] = "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"d-fuzz\",\"use\":\"sig\","
                           "\"x\":\"Axl1LP9EkZABrRZvSZtgGgWaC5L31Uf69E18RZyLm78\","
                           "\"y\":\"kgjhyPfavEz8_aNqfL52HIee20qgdT1xRTjOauAuL0g\"}]}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  char err[160];
  if (data[0] == 0) {
    json_t *pl = ob_bundle_verify((const char *)data + 1, size - 1, JWKS, 1700000000, err, sizeof err);
    json_decref(pl);
    return 0;
  }
  json_t *pl = json_loadb((const char *)data + 1, size - 1, 0, NULL);
  if (pl) (void)ob_bundle_payload_problem(pl, 1700000000);
  json_decref(pl);
  return 0;
}
