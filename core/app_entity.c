/* Acting for a company: the window's list of legal entities the citizen is a registered
 * signatory of, one chosen by its number and Enter (or its 11-digit national ID), or "for myself".
 * The window checks the signatory again on submit; the check digit is checked here first so a
 * mistyped ID is told at once. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_input.h"
#include "app_private.h"
#include "pishkhan/i18n.h"
#include "pishkhan/legal_id.h"
#include "pishkhan/log.h"

void pk_app_forget_entities(pk_app *app) {
  if (app->entities) pk_wipe(app->entities, app->nentities * sizeof *app->entities);
  free(app->entities);
  app->entities = NULL;
  app->nentities = 0;
  app->entities_busy = false;
  pk_wipe(&app->obo, sizeof app->obo);
}

static pk_app_event entity_enter(pk_app *app) {
  app->sel = 0;
  app->query[0] = 0;
  app->entities_busy = true;
  app->ops->entities(app->be, app, app->gen);
  return PK_EV_APP_NONE;
}

static pk_app_event choose(pk_app *app, const pk_app_entity *e) {
  bool first = !app->obo.legal_id[0];
  app->obo = *e;
  if (first && pk_app_assisted_by(app)) app->shift.for_entity++;
  pk_info("acting for a legal entity");
  return PK_EV_APP_OPEN;
}

/* 11 digits typed: a valid ID the window lists for this citizen. */
static pk_app_event typed_id(pk_app *app) {
  if (!pk_legal_id_digits_valid(app->query)) {
    pk_app_set_message(app, N_("This national ID of a legal entity is not valid. Please check its 11 digits."));
    return PK_EV_APP_NONE;
  }
  for (size_t i = 0; i < app->nentities; i++)
    if (!strcmp(app->entities[i].legal_id, app->query)) return choose(app, &app->entities[i]);
  pk_app_set_message(app, N_("The national window does not list you as a signatory of this company."));
  return PK_EV_APP_NONE;
}

/* Legal IDs begin with a digit a row's number could be: digits are typed, and Enter decides —
 * one digit is the row of that number, eleven are an ID. */
static pk_app_event typed_enter(pk_app *app) {
  size_t n = strlen(app->query);
  if (n == 1 && app->query[0] >= '1' && (size_t)(app->query[0] - '0') <= app->nentities) {
    size_t i = app->sel / PK_PAGE_SIZE * PK_PAGE_SIZE + (size_t)(app->query[0] - '1');
    if (i < app->nentities) return choose(app, &app->entities[i]);
  }
  return typed_id(app);
}

static pk_app_event entity_key(pk_app *app, pk_key key) {
  int d = pk_key_digit(key);
  size_t n = strlen(app->query);
  if (d >= 0) {
    if (n + 1 < 12) app->query[n] = (char)('0' + d), app->query[n + 1] = 0;
    app->dirty = true;
    return PK_EV_APP_NONE;
  }
  if (n && key.code == PK_KEY_BACK) {
    app->query[n - 1] = 0;
    app->dirty = true;
    return PK_EV_APP_NONE;
  }
  if (n && key.code == PK_KEY_ENTER) return typed_enter(app);
  if (key.code == PK_KEY_CHAR && (key.cp == '*' || key.cp == '-')) { /* for myself again */
    pk_wipe(&app->obo, sizeof app->obo);
    return PK_EV_APP_BACK;
  }
  switch (pk_app_list_key(app, key, app->nentities, false)) {
  case PK_LIST_OPEN: return choose(app, &app->entities[app->sel]);
  case PK_LIST_BACK: return PK_EV_APP_BACK;
  default: return PK_EV_APP_NONE;
  }
}

const pk_screen_ops pk_screen_entity = {entity_enter, entity_key, NULL};

void pk_app_entities_done(pk_app *app, unsigned gen, const pk_app_failure *fail, const pk_app_entity *items,
                          size_t n) {
  if (gen != app->gen || app->screen != PK_SCREEN_ENTITY) return;
  pk_app_input_begins(app);
  app->entities_busy = false;
  app->dirty = true;
  if (fail) {
    pk_app_fail(app, fail);
    return;
  }
  free(app->entities);
  app->entities = n ? calloc(n, sizeof *items) : NULL;
  app->nentities = app->entities ? n : 0;
  if (app->entities) memcpy(app->entities, items, n * sizeof *items);
  if (!n) pk_app_set_message(app, N_("The national window lists no company you sign for."));
}

const pk_app_entity *pk_app_entity_at(const pk_app *app, size_t i) {
  return i < app->nentities ? &app->entities[i] : NULL;
}
const pk_app_entity *pk_app_acting_for(const pk_app *app) {
  return app->has_session && app->obo.legal_id[0] ? &app->obo : NULL;
}
