/* Receipt tokens come from any QR a citizen or clerk scans: parse and verify must
 * reject garbage without crashing, leaking or reading out of bounds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pishkhan/receipt.h"

/* A fixed P-256 key (public point of the test vector in RFC 7515 appendix A.3). */
static const char JWKS[] =
    "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"k1\","
    "\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\","
    "\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}]}";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *s = malloc(size + 1);
  if (!s) return 0;
  memcpy(s, data, size);
  s[size] = '\0';
  pk_receipt r;
  if (pk_receipt_parse(s, &r) == 0) {
    /* whatever parses must be printable and re-serializable */
    char *c = pk_receipt_claims_json(&r);
    free(c);
  }
  char why[128];
  (void)pk_receipt_verify(s, JWKS, &r, why, sizeof why);
  (void)pk_receipt_verify(s, s, &r, why, sizeof why); /* hostile JWKS too */
  free(s);
  return 0;
}
