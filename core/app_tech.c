/* The technician's view over the home screen (see pishkhan/app.h). Only home with nobody
 * signed in opens it: the checks name files, certificates and the window, which are the
 * kiosk's business, not a citizen's, and a citizen's session must never sit behind them. */
#include <stdlib.h>
#include <string.h>

#include "app_private.h"
#include "pishkhan/doctor.h"

void pk_app_tech_close(pk_app *app) {
  if (!app->tech) return;
  app->tech = false;
  app->tech_run = 0;
  free(app->tech_report);
  app->tech_report = NULL;
  app->dirty = true;
}

static void check_again(pk_app *app) {
  free(app->tech_report);
  app->tech_report = NULL;
  app->tech_run = ++app->tech_runs ? app->tech_runs : ++app->tech_runs;
  app->dirty = true;
}

bool pk_app_tech_key(pk_app *app, pk_key key) {
  if (!app->tech) {
    if (key.code != PK_KEY_TECH) return false;
    if (app->screen == PK_SCREEN_HOME && !app->has_session) {
      app->tech = true;
      check_again(app);
    }
    return true; /* elsewhere the key does nothing */
  }
  if (key.code == PK_KEY_ENTER) check_again(app);
  else pk_app_tech_close(app);
  return true;
}

bool pk_app_tech_open(const pk_app *app) { return app->tech; }
unsigned pk_app_tech_run(const pk_app *app) { return app->tech ? app->tech_run : 0; }
const pk_doctor_report *pk_app_tech_report(const pk_app *app) { return app->tech ? app->tech_report : NULL; }

void pk_app_set_tech_report(pk_app *app, unsigned run, const pk_doctor_report *r) {
  if (!app->tech || run != app->tech_run || !r) return;
  pk_doctor_report *copy = malloc(sizeof *copy);
  if (!copy) return;
  *copy = *r;
  free(app->tech_report);
  app->tech_report = copy;
  app->dirty = true;
}
