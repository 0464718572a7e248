/* The state machine's inputs: keys, card events and the clock become events for the
 * transition table (app_machine.c). What each screen does with a key lives in app_*.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_private.h"
#include "pishkhan/log.h"

pk_app *pk_app_new(const pk_config *cfg, const pk_backend_ops *ops, void *be) {
  pk_app *app = calloc(1, sizeof *app);
  if (!app) return NULL;
  app->pin = pk_secret_new(PK_CARD_PIN_MAX);
  if (!app->pin) {
    free(app);
    return NULL;
  }
  app->cfg = cfg;
  app->ops = ops;
  app->be = be;
  app->countdown = -1;
  app->gen = 1;
  app->screen = PK_SCREEN_HOME;
  app->desk = cfg->face == PK_FACE_COUNTER ? PK_DESK_CLOSED : PK_DESK_OFF;
  app->dirty = true;
  return app;
}

void pk_app_free(pk_app *app) {
  if (!app) return;
  pk_app_wipe(app, "shutdown");
  pk_app_tech_close(app);
  pk_secret_free(app->pin);
  free(app->items);
  free(app);
}

void pk_app_set_message(pk_app *app, const char *msgid) {
  app->message = msgid;
  app->message_input = app->inputs;
  app->dirty = true;
}

void pk_app_input_begins(pk_app *app) { app->inputs++; }

void pk_app_emptied(pk_app *app) { app->emptied_at = app->now; }
bool pk_app_backspace_held(const pk_app *app) { return app->now - app->emptied_at < 1000; }

static void touch(pk_app *app, uint64_t now) {
  pk_app_input_begins(app);
  app->now = now;
  app->last_activity = now;
  if (app->countdown >= 0) {
    app->countdown = -1;
    app->dirty = true;
  }
}

void pk_app_key(pk_app *app, pk_key key, uint64_t now) {
  touch(app, now);
  if (key.code == PK_KEY_LANG) {
    app->dirty = true; /* the view switches the catalog language; state is unchanged */
    return;
  }
  if (pk_app_tech_key(app, key) && !app->from_citizen) return;
  /* Help covers the screen: the key that closes it does nothing else, so that a citizen who
   * pressed something to get rid of it is not taken anywhere. */
  if (key.code == PK_KEY_HELP || app->help) {
    app->help = key.code == PK_KEY_HELP && !app->help;
    app->dirty = true;
    return;
  }
  if (pk_app_desk_key(app, key)) return;
  const pk_screen_ops *ops = pk_app_screen_ops(app->screen);
  if (ops->key) pk_app_dispatch(app, ops->key(app, key));
}

void pk_app_card_inserted(pk_app *app, const char *reader, uint64_t now) {
  touch(app, now);
  if (pk_app_desk_card_in(app, reader)) return;
  app->card_present = true;
  snprintf(app->reader, sizeof app->reader, "%s", reader ? reader : "");
  app->dirty = true;
  if (app->hold && app->screen == PK_SCREEN_HOME) return; /* served once the hold ends */
  pk_app_dispatch(app, PK_EV_APP_CARD_INSERTED);
}

/* Nobody is served while earlier requests are being resolved: a card put in meanwhile is
 * taken as soon as the hold ends. */
void pk_app_set_hold(pk_app *app, const char *msgid) {
  if (app->hold == msgid) return;
  pk_app_input_begins(app);
  app->hold = msgid;
  app->dirty = true;
  if (!msgid && app->card_present && app->screen == PK_SCREEN_HOME) pk_app_dispatch(app, PK_EV_APP_CARD_INSERTED);
}
const char *pk_app_hold(const pk_app *app) { return app->hold; }

void pk_app_card_removed(pk_app *app, const char *reader, uint64_t now) {
  touch(app, now);
  if (pk_app_desk_card_out(app, reader)) return;
  app->card_present = false;
  pk_app_dispatch(app, PK_EV_APP_CARD_REMOVED);
}

/* Only a screen that belongs to someone times out: home has nobody to protect. */
void pk_app_tick(pk_app *app, uint64_t now) {
  pk_app_input_begins(app);
  app->now = now;
  pk_app_desk_tick(app);
  if (app->screen == PK_SCREEN_HOME) {
    pk_app_want_expired(app);
    return;
  }
  uint64_t idle_ms = now - app->last_activity;
  uint64_t limit = (uint64_t)app->cfg->idle_timeout_s * 1000u;
  /* A citizen at the card terminal, or on their own phone, types there, not here: the sale's
   * own bound applies (a phone's bank page, with its SMS code, 3 minutes), and a little for its
   * reversal, so that a PIN typed slowly does not wipe the session. */
  if (pk_app_paying_at_terminal(app)) {
    uint64_t sale = app->pay.way == PK_APP_PAY_PHONE ? 180000u : (uint64_t)app->cfg->pay_sale_timeout_ms;
    if (sale + 15000u > limit) limit = sale + 15000u;
  }
  uint64_t warn = (uint64_t)app->cfg->idle_warning_s * 1000u;
  if (idle_ms >= limit) {
    pk_app_dispatch(app, PK_EV_APP_IDLE_TIMEOUT);
    return;
  }
  int left = idle_ms + warn >= limit ? (int)((limit - idle_ms + 999) / 1000) : -1;
  if (left != app->countdown) {
    app->countdown = left;
    app->dirty = true;
  }
}

pk_screen_id pk_app_screen(const pk_app *app) { return app->screen; }
bool pk_app_has_session(const pk_app *app) { return app->has_session; }
const pk_citizen *pk_app_citizen(const pk_app *app) { return app->has_session ? &app->who : NULL; }
size_t pk_app_pin_length(const pk_app *app) { return pk_secret_len(app->pin); }
int pk_app_pin_tries(const pk_app *app) { return app->pin_tries; }
pk_card_result pk_app_card_result(const pk_app *app) { return app->card_res; }
const char *pk_app_message(const pk_app *app) { return app->message; }
int pk_app_idle_countdown(const pk_app *app) { return app->countdown; }
bool pk_app_card_present(const pk_app *app) { return app->card_present; }
const char *pk_app_reader(const pk_app *app) { return app->reader; }
bool pk_app_pinpad(const pk_app *app) { return app->pinpad; }
unsigned pk_app_generation(const pk_app *app) { return app->gen; }

bool pk_app_take_dirty(pk_app *app) {
  bool d = app->dirty;
  app->dirty = false;
  return d;
}

void pk_app_set_catalog(pk_app *app, pk_catalog *cat) { app->cat = cat; }
const pk_catalog *pk_app_catalog(const pk_app *app) { return app->cat; }
size_t pk_app_list_count(const pk_app *app) {
  return app->screen == PK_SCREEN_INBOX      ? app->ninbox
         : app->screen == PK_SCREEN_DOCUMENT ? app->doc.nrows
         : app->screen == PK_SCREEN_ENTITY   ? app->nentities
                                             : app->nitems;
}
size_t pk_app_list_selected(const pk_app *app) { return app->sel; }
const char *pk_app_query(const pk_app *app) { return app->query; }
const pk_agency *pk_app_current_agency(const pk_app *app) { return app->agency; }
const pk_agency *pk_app_agency_of(const pk_app *app, const pk_service *s) {
  return app->cat && s ? pk_catalog_agency(app->cat, s->agency_id) : NULL;
}
bool pk_app_search_picking(const pk_app *app) { return app->search_picking; }
bool pk_app_help_open(const pk_app *app) { return app->help; }
const pk_service *pk_app_current_service(const pk_app *app) { return app->service; }
int pk_app_session_level(const pk_app *app) { return app->level; }
