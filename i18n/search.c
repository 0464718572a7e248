/* Catalog search for the kiosk's "find a service" box: entries are normalized once, so a
 * keystroke costs one normalization of the query and a substring scan per entry. */
#include "pishkhan/i18n.h"
#include <stdlib.h>
#include <string.h>

struct pk_search {
  char **keys;
  size_t n;
};

pk_search *pk_search_new(const char *const *entries, size_t n) {
  pk_search *s = calloc(1, sizeof *s);
  if (!s || !(s->keys = calloc(n ? n : 1, sizeof *s->keys))) { free(s); return NULL; }
  for (s->n = 0; s->n < n; s->n++) {
    s->keys[s->n] = pk_normalize_fa(entries[s->n]);
    if (!s->keys[s->n]) { pk_search_free(s); return NULL; }
  }
  return s;
}

void pk_search_free(pk_search *s) {
  if (!s) return;
  for (size_t i = 0; i < s->n; i++) free(s->keys[i]);
  free(s->keys);
  free(s);
}

/* Every space-separated word of q occurs in key. */
static bool all_words(const char *key, char *q) {
  for (char *w = q, *end; *w; w = end + (*end != 0)) {
    end = strchr(w, ' ');
    if (!end) end = w + strlen(w);
    char keep = *end;
    *end = 0;
    bool hit = strstr(key, w) != NULL;
    *end = keep;
    if (!hit) return false;
  }
  return true;
}

size_t pk_search_query(const pk_search *s, const char *query, size_t *out, size_t max) {
  char *q = pk_normalize_fa(query);
  size_t hits = 0;
  if (!s || !q) { free(q); return 0; }
  for (size_t i = 0; i < s->n; i++) {
    if (!all_words(s->keys[i], q)) continue;
    if (hits < max && out) out[hits] = i;
    hits++;
  }
  free(q);
  return hits;
}
