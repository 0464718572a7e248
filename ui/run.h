#ifndef PK_UI_RUN_H
#define PK_UI_RUN_H
#include <stdbool.h>

#include "pishkhan/backend.h"
#include "pishkhan/config.h"
#include "pishkhan/loop.h"

/* The embedded demo, seen from the kiosk: only `pishkhan-demo` (ui/main_demo.c, linked with
 * libpishkhan-sim) fills this in, so the production binary holds no simulator or demo card. */
typedef struct ui_demo_hooks {
  void *(*start)(pk_loop *loop, pk_config *cfg, char **err); /* points cfg at the simulator */
  void (*stop)(void *demo);
  void (*toggle_card)(void *demo);
  void (*next_persona)(void *demo);
  void (*toggle_clerk_card)(void *demo);
  void (*toggle_window)(void *demo);     /* F9: the link cut, or back */ /* counter mode: the demo clerk's card, in its own reader */
  const char *(*persona)(const void *demo);
  pk_transport_opener open_transport;
} ui_demo_hooks;

typedef struct {
  const ui_demo_hooks *demo; /* NULL: a real kiosk (PC/SC readers, the configured window) */
  bool kiosk;
  const char *config_path;   /* the settings file it loaded, NULL for the compiled-in defaults */
} ui_run_opts;

/* Runs the kiosk until quit (never in kiosk mode) or SIGTERM. Returns the exit status. */
int ui_run(pk_config *cfg, const ui_run_opts *opts);

/* The whole command line (ui/cli.c); demo is NULL in the production binary. */
int ui_main(int argc, char **argv, const ui_demo_hooks *demo);

#endif
