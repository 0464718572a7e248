/* Counter mode's quick picks: 7, 8 and 9 on the citizen's dashboard open a service at once. The
 * office's everyday services ([counter] pinned) come first, then those this shift served most
 * (ties: the latest). Counts per service, not a list of who asked for what: nothing on the
 * next citizen's screen tells what the last one asked for that others did not. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_private.h"

#define NUSED (sizeof ((pk_app *)0)->used / sizeof ((pk_app *)0)->used[0])

void pk_app_quick_count(pk_app *app, const char *id) {
  if (!pk_app_counter(app) || !id || !id[0]) return;
  size_t slot = 0;
  for (size_t i = 0; i < NUSED; i++) {
    if (!strcmp(app->used[i].id, id)) {
      slot = i;
      break;
    }
    if (app->used[i].n < app->used[slot].n) slot = i; /* else the least served makes room */
  }
  if (strcmp(app->used[slot].id, id)) {
    snprintf(app->used[slot].id, sizeof app->used[slot].id, "%s", id);
    app->used[slot].n = 0;
  }
  app->used[slot].n++;
  app->used[slot].last = ++app->uses;
}

static bool listed(const pk_service *const *out, size_t n, const pk_service *s) {
  for (size_t i = 0; i < n; i++)
    if (out[i] == s) return true;
  return false;
}

static size_t add(const pk_app *app, const char *id, const pk_service **out, size_t n, size_t max) {
  const pk_service *s = n < max ? pk_catalog_service(app->cat, id) : NULL;
  if (s && !listed(out, n, s)) out[n++] = s;
  return n;
}

size_t pk_app_quick_services(const pk_app *app, const pk_service **out, size_t max) {
  if (!pk_app_counter(app) || !app->cat) return 0;
  size_t n = 0;
  char pinned[sizeof app->cfg->pinned];
  snprintf(pinned, sizeof pinned, "%s", app->cfg->pinned);
  char *save = NULL;
  for (char *id = strtok_r(pinned, " ,", &save); id; id = strtok_r(NULL, " ,", &save)) n = add(app, id, out, n, max);
  bool taken[NUSED] = {false};
  for (size_t round = 0; round < NUSED && n < max; round++) {
    size_t best = NUSED;
    for (size_t i = 0; i < NUSED; i++) {
      if (taken[i] || !app->used[i].n) continue;
      if (best == NUSED || app->used[i].n > app->used[best].n ||
          (app->used[i].n == app->used[best].n && app->used[i].last > app->used[best].last))
        best = i;
    }
    if (best == NUSED) break;
    taken[best] = true;
    n = add(app, app->used[best].id, out, n, max);
  }
  return n;
}

pk_app_event pk_app_quick_key(pk_app *app, int digit) {
  const pk_service *q[PK_QUICK_MAX];
  size_t n = pk_app_quick_services(app, q, PK_QUICK_MAX);
  return digit >= 7 && (size_t)(digit - 7) < n ? pk_app_open_service_id(app, q[digit - 7]->id) : PK_EV_APP_NONE;
}
