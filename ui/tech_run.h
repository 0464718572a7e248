#ifndef PK_UI_TECH_RUN_H
#define PK_UI_TECH_RUN_H
#include <stdbool.h>

#include "pishkhan/app.h"
#include "pishkhan/config.h"
#include "pishkhan/loop.h"
#include "pishkhan/worker.h"

/* Runs the technician's checks (pishkhan doctor's) off the loop when the app asks for them. */
typedef struct ui_tech {
  pk_worker *worker;
  pk_app *app;
  const pk_config *cfg;
  const char *config_path;
  unsigned started; /* the app's run number last started */
  bool busy;
} ui_tech;

/* After each turn of the loop: starts a run the app asks for and none is under way. */
void ui_tech_poll(ui_tech *t, pk_loop *loop, pk_app *app, const pk_config *cfg, const char *config_path);
/* Waits for a run under way; its report is dropped. */
void ui_tech_stop(ui_tech *t);

#endif
