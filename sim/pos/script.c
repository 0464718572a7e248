/* Per-sale scenarios: a test that has one fee service to buy (its amount fixed by the catalog)
 * still needs a declined card then an approved one, or a lost answer, in one run. The script
 * is consumed one new sale at a time; a duplicate transmission of a trace takes no entry. */
#include "script.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* In the enum's order. */
static const char *const NAMES[SCENARIOS] = {"approve",       "decline", "no-funds",   "card-removed",
                                             "timeout-before", "timeout-after", "lost", "duplicated",
                                             "slow",          "full-pan", "bad-bytes"};
enum { SCRIPT_MAX = 64 };
static int script[SCRIPT_MAX];
static size_t script_len, script_next;
static bool script_cycles;

static int by_name(const char *s, size_t n) {
  for (int i = 0; i < SCENARIOS; i++)
    if (strlen(NAMES[i]) == n && !strncmp(NAMES[i], s, n)) return i;
  return -1;
}

int pos_script_set(const char *list) {
  script_len = script_next = 0;
  for (const char *p = list; *p;) {
    size_t n = strcspn(p, ",");
    int sc = by_name(p, n);
    if (sc < 0 || script_len == SCRIPT_MAX) {
      fprintf(stderr, "pishkhan-pos-sim: --script: unknown scenario or too many: %.*s\n", (int)n, p);
      return -1;
    }
    script[script_len++] = sc;
    p += n + (p[n] == ',');
  }
  return 0;
}

void pos_script_cycle(bool on) { script_cycles = on; }

int pos_script_take(int64_t amount) {
  if (script_cycles && script_len && script_next == script_len) script_next = 0;
  if (script_next < script_len) return script[script_next++];
  int sc = (int)(amount % 100);
  return sc >= 0 && sc < SCENARIOS ? sc : APPROVE;
}

const char *pos_script_names(void) {
  static char buf[256];
  if (!buf[0])
    for (int i = 0; i < SCENARIOS; i++)
      snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", i ? ", " : "", NAMES[i]);
  return buf;
}
