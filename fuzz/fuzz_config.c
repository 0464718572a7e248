/* The configuration file comes from outside the program: any bytes must give a config or a
 * message, never a crash, and every known value must stay within its documented range. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pishkhan/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = malloc(size + 1);
  if (!text) return 0;
  memcpy(text, data, size);
  text[size] = 0;
  pk_config c;
  pk_config_defaults(&c);
  char err[256];
  pk_config_load_string(&c, text, err, sizeof err);
  if (c.idle_timeout_s < 15 || c.idle_timeout_s > 3600 || (c.paper_mm != 58 && c.paper_mm != 80) ||
      c.max_retries < 0 || c.max_retries > 10 || memchr(c.kiosk_id, 0, sizeof c.kiosk_id) == NULL)
    abort();
  pk_config_free(&c);
  free(text);
  return 0;
}
