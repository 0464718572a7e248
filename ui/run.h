#ifndef PK_UI_RUN_H
#define PK_UI_RUN_H
#include <stdbool.h>

#include "pishkhan/config.h"

typedef struct {
  bool demo;
  bool kiosk;
} ui_run_opts;

/* Runs the kiosk until quit (never in kiosk mode) or SIGTERM. Returns the exit status. */
int ui_run(pk_config *cfg, const ui_run_opts *opts);

#endif
