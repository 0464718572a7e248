/* Persian alphabetical order with ICU's "fa" collator (پ after ب, چ after ج, ژ after ز,
 * گ after ک), one collator per thread because ICU collators are not thread-safe. */
#include "internal.h"
#include "pishkhan/i18n.h"
#include <stdlib.h>
#include <string.h>
#include <unicode/ucol.h>

static _Thread_local UCollator *g_coll;

static UCollator *collator(void) {
  if (g_coll) return g_coll;
  UErrorCode e = U_ZERO_ERROR;
  g_coll = ucol_open("fa", &e);
  if (U_FAILURE(e)) g_coll = NULL;
  else pk_i18n_thread_cached();
  return g_coll;
}

int pk_collate_fa(const char *a, const char *b) {
  UCollator *c = collator();
  UErrorCode e = U_ZERO_ERROR;
  if (!a) a = "";
  if (!b) b = "";
  if (!c) return strcmp(a, b);
  UCollationResult r = ucol_strcollUTF8(c, a, -1, b, -1, &e);
  if (U_FAILURE(e)) return strcmp(a, b);
  return r == UCOL_LESS ? -1 : r == UCOL_GREATER ? 1 : 0;
}

/* The calling thread's collator; other threads' collators go with their threads. */
void pk_collate_release(void) {
  if (g_coll) ucol_close(g_coll);
  g_coll = NULL;
}
