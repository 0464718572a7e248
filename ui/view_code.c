#include "view_code.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Below this a code (the kiosk's 10-digit queue reference) is short enough to read at once. */
enum { GROUP_FROM = 12, GROUP = 4 };

static bool all_digits(const char *s) {
  for (; *s; s++)
    if (!isdigit((unsigned char)*s)) return false;
  return true;
}

char *ui_code_groups(const char *code) {
  size_t n = strlen(code);
  if (n < GROUP_FROM || !all_digits(code)) return strdup(code);
  char *out = malloc(n + n / GROUP + 1);
  if (!out) return NULL;
  char *p = out;
  for (size_t i = 0; i < n; i++) {
    if (i && i % GROUP == 0) *p++ = ' ';
    *p++ = code[i];
  }
  *p = '\0';
  return out;
}
