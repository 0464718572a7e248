/* libFuzzer: the window client's checks of the health answer and of the PEM it fetches for
 * offline card authentication, on hostile bodies. The first byte picks the check. A PEM
 * accepted must hold its BEGIN line and only printable ASCII. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../net/net_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  const char *body = (const char *)data + 1;
  size_t len = size - 1;
  static const char *const labels[] = {"CERTIFICATE", "X509 CRL"};
  switch (data[0] % 3) {
  case 0: pk_net_parse_health(body, len); break;
  default: {
    const char *label = labels[data[0] % 3 - 1];
    if (pk_net_parse_pem(body, len, label) == 0) {
      if (len < strlen(label) + 16 || !memchr(body, '-', len)) __builtin_trap();
      for (size_t i = 0; i < len; i++)
        if ((unsigned char)body[i] >= 0x7f) __builtin_trap();
    }
    break;
  }
  }
  return 0;
}
