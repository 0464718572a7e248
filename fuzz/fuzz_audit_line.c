/* One line of an audit log (a file an inspector was handed): pk_audit_parse_line never crashes
 * or leaks, and what it accepts is canonical (re-serializing it gives back the same bytes). */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pishkhan/audit.h"
#include "pishkhan/outbox.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  json_t *e = pk_audit_parse_line((const char *)data, size);
  if (!e) return 0;
  char *text = json_dumps(e, JSON_COMPACT);
  char *canon = text ? pk_jcs(text, strlen(text)) : NULL;
  if (!canon || strlen(canon) != size || memcmp(canon, data, size)) abort();
  free(canon);
  free(text);
  json_decref(e);
  return 0;
}
