/* Finding a service: by agency (paged, Persian-sorted), or by search as you type,
 * and the service card itself. */
#include <stdio.h>
#include <string.h>

#include "app_input.h"
#include "app_private.h"
#include "pishkhan/i18n.h"
#include "pishkhan/log.h"

static void load_agencies(pk_app *app) {
  const pk_agency *list = NULL;
  size_t n = app->cat ? pk_catalog_agencies(app->cat, &list) : 0;
  if (pk_app_items_reserve(app, n) != 0) n = 0;
  for (size_t i = 0; i < n; i++) app->items[i] = &list[i];
  app->nitems = n;
}

static pk_app_event agencies_enter(pk_app *app) {
  load_agencies(app);
  if (app->agency) {
    for (size_t i = 0; i < app->nitems; i++)
      if (app->items[i] == app->agency) app->sel = i;
  } else {
    app->sel = 0;
  }
  return PK_EV_APP_NONE;
}

static pk_app_event agencies_key(pk_app *app, pk_key key) {
  switch (pk_app_list_key(app, key, app->nitems, true)) {
  case PK_LIST_OPEN:
    app->agency = app->items[app->sel];
    return PK_EV_APP_OPEN;
  case PK_LIST_BACK:
    app->agency = NULL;
    return PK_EV_APP_BACK;
  default: return PK_EV_APP_NONE;
  }
}

const pk_screen_ops pk_screen_agencies = {agencies_enter, agencies_key, NULL};

static pk_app_event services_enter(pk_app *app) {
  size_t n = pk_catalog_services_of(app->cat, app->agency->id, NULL, 0);
  if (pk_app_items_reserve(app, n) != 0) n = 0;
  n = pk_catalog_services_of(app->cat, app->agency->id, (const pk_service **)app->items, n);
  app->nitems = n;
  app->sel = 0;
  if (app->service) {
    for (size_t i = 0; i < n; i++)
      if (app->items[i] == app->service) app->sel = i;
  }
  return PK_EV_APP_NONE;
}

static pk_app_event open_service(pk_app *app, bool from_search) {
  app->service = app->items[app->sel];
  app->service_from_search = from_search;
  app->service_from_inbox = false;
  return PK_EV_APP_OPEN;
}

static pk_app_event services_key(pk_app *app, pk_key key) {
  switch (pk_app_list_key(app, key, app->nitems, true)) {
  case PK_LIST_OPEN: return open_service(app, false);
  case PK_LIST_BACK:
    app->service = NULL;
    return PK_EV_APP_BACK;
  default: return PK_EV_APP_NONE;
  }
}

const pk_screen_ops pk_screen_services = {services_enter, services_key, NULL};

/* Results follow every keystroke: the catalog keeps folded titles, so this is a scan. All
 * matches are kept, so the count is true and every one can be paged to. */
static void run_search(pk_app *app) {
  app->sel = 0;
  app->dirty = true;
  size_t max = app->cat ? pk_catalog_service_count(app->cat) : 0;
  if (!app->query[0] || !max || pk_app_items_reserve(app, max) != 0) {
    app->nitems = 0;
    return;
  }
  app->nitems = pk_catalog_search(app->cat, app->query, (const pk_service **)app->items, max);
}

static pk_app_event search_enter(pk_app *app) {
  size_t sel = app->sel;
  run_search(app);
  if (sel < app->nitems) app->sel = sel;
  return PK_EV_APP_NONE;
}

/* Backspace edits the query; on an empty one it leaves, but not within a second of the
 * press that emptied it: a held key stops at the empty query instead of running on into the
 * dashboard, whose digits would then act as choices. */
static pk_app_event search_backspace(pk_app *app) {
  app->search_picking = false;
  if (app->query[0]) {
    pk_utf8_pop(app->query);
    if (!app->query[0]) pk_app_emptied(app);
    run_search(app);
    return PK_EV_APP_NONE;
  }
  if (pk_app_backspace_held(app)) return PK_EV_APP_NONE;
  app->nitems = 0;
  return PK_EV_APP_BACK;
}

/* Typing builds the query (titles hold digits too); the arrows move into the results, where
 * a digit picks one, so that a keypad is enough. */
static pk_app_event search_key(pk_app *app, pk_key key) {
  int d = pk_key_digit(key);
  bool pick = app->search_picking && d >= 1 && d <= PK_PAGE_SIZE;
  if (key.code == PK_KEY_CHAR && !pick) {
    app->search_picking = false;
    if (pk_utf8_append(app->query, sizeof app->query, key.cp) == 0) run_search(app);
    return PK_EV_APP_NONE;
  }
  if (key.code == PK_KEY_BACK) return search_backspace(app);
  switch (pk_app_list_key(app, key, app->nitems, pick)) {
  case PK_LIST_OPEN: return open_service(app, true);
  case PK_LIST_MOVED:
    app->search_picking = app->nitems > 0;
    return PK_EV_APP_NONE;
  case PK_LIST_BACK:
    app->query[0] = 0;
    app->nitems = 0;
    app->search_picking = false;
    return PK_EV_APP_BACK;
  default: return PK_EV_APP_NONE;
  }
}

const pk_screen_ops pk_screen_search = {search_enter, search_key, NULL};

/* A service that needs more than the session has is explained on its card, with the way up:
 * Enter again signs out, and the service opens once the citizen is back at its level. */
static pk_app_event too_low(pk_app *app) {
  if (app->step_up_offered) {
    snprintf(app->want_service, sizeof app->want_service, "%s", app->service->id);
    app->want_until = app->now + (uint64_t)app->cfg->idle_timeout_s * 1000;
    app->stepping_up = true;
    pk_info("sign-in again asked for a level %d service (session level %d)", app->service->auth_level, app->level);
    return PK_EV_APP_LOGOUT;
  }
  app->step_up_offered = true;
  pk_app_set_message(app, app->service->auth_level >= 3
                              ? N_("This service needs your ID card and its PIN (level 3); you signed in without your card. "
                                   "Press Enter again to sign out and sign in with your card: this service opens then.")
                              : N_("This service needs level 2: your ID card, or a code by text message to your registered "
                                   "mobile; you signed in with your date of birth (level 1). Press Enter again to sign in "
                                   "that way: this service opens then."));
  return PK_EV_APP_NONE;
}

static pk_app_event service_enter(pk_app *app) {
  app->step_up_offered = false;
  return PK_EV_APP_NONE;
}

static pk_app_event service_key(pk_app *app, pk_key key) {
  if (key.code != PK_KEY_ENTER) app->step_up_offered = false;
  switch (key.code) {
  case PK_KEY_ENTER: return app->service->auth_level > app->level ? too_low(app) : PK_EV_APP_REQUEST;
  case PK_KEY_BACK:
  case PK_KEY_CANCEL:
    if (app->service_from_inbox) return PK_EV_APP_BACK_TO_INBOX;
    return app->service_from_search ? PK_EV_APP_BACK_TO_SEARCH : PK_EV_APP_BACK;
  default: return PK_EV_APP_NONE;
  }
}

const pk_screen_ops pk_screen_service = {service_enter, service_key, NULL};

/* The service of id on its card (the way up's, a counter's quick pick); Back from it goes to its
 * agency's list. */
pk_app_event pk_app_open_service_id(pk_app *app, const char *id) {
  const pk_service *svc = app->cat && id[0] ? pk_catalog_service(app->cat, id) : NULL;
  const pk_agency *agency = svc ? pk_catalog_agency(app->cat, svc->agency_id) : NULL;
  if (!agency) return PK_EV_APP_NONE;
  app->service = svc;
  app->agency = agency;
  app->service_from_search = app->service_from_inbox = false;
  return PK_EV_APP_OPEN;
}

const char *const pk_app_want_msgid = N_("Sign in again the way the service asks: it opens then.");

/* Nobody signed in again in time: the service is forgotten, and home stops asking for it. */
void pk_app_want_expired(pk_app *app) {
  if (!app->want_service[0] || app->now <= app->want_until) return;
  pk_wipe(app->want_service, sizeof app->want_service);
  if (app->message == pk_app_want_msgid) app->message = NULL, app->dirty = true;
}

/* After the sign-in the way up asked for: the service chosen before it, if it is still wanted
 * (within the idle time) and still in the catalog. */
pk_app_event pk_app_wanted_service(pk_app *app) {
  char id[sizeof app->want_service];
  snprintf(id, sizeof id, "%s", app->now <= app->want_until ? app->want_service : "");
  pk_wipe(app->want_service, sizeof app->want_service);
  return pk_app_open_service_id(app, id);
}

const pk_agency *pk_app_agency_at(const pk_app *app, size_t i) {
  return app->screen == PK_SCREEN_AGENCIES && i < app->nitems ? app->items[i] : NULL;
}

const pk_service *pk_app_service_at(const pk_app *app, size_t i) {
  bool list = app->screen == PK_SCREEN_SERVICES || app->screen == PK_SCREEN_SEARCH;
  return list && i < app->nitems ? app->items[i] : NULL;
}
