/* pishkhan-demo: the same kiosk with the embedded demo (libpishkhan-sim): the window
 * simulator in-process and demo cards in an in-process reader. Never installed on a kiosk. */
#include <stdlib.h>
#include <unistd.h>

#include "pishkhan/demo.h"
#include "run.h"

/* For the supervision tests (tests/packaging/notify.py): PK_TEST_HANG_AFTER_S=N hangs the loop
 * N seconds after start, as a deadlock would, so that the watchdog pings stop. Only the demo
 * has this: nothing in the environment can hang the production kiosk. */
static void hang(pk_loop *loop, unsigned id, void *ud) {
  for (;;) pause();
}

static void *demo_start(pk_loop *loop, pk_config *cfg, char **err) {
  const char *hang_s = getenv("PK_TEST_HANG_AFTER_S");
  if (hang_s && !pk_loop_timer(loop, strtoull(hang_s, NULL, 10) * 1000u, hang, NULL)) return NULL;
  return pk_demo_start(loop, cfg, NULL, err);
}
static void demo_stop(void *d) { pk_demo_stop(d); }
static void demo_toggle(void *d) { pk_demo_toggle_card(d); }
static void demo_next(void *d) { pk_demo_next_persona(d); }
static void demo_clerk(void *d) { pk_demo_toggle_clerk_card(d); }
static void demo_window(void *d) { pk_demo_toggle_window(d); }
static const char *demo_persona(const void *d) { return pk_demo_persona(d); }

static const ui_demo_hooks hooks = {
    .start = demo_start,
    .stop = demo_stop,
    .toggle_card = demo_toggle,
    .next_persona = demo_next,
    .toggle_clerk_card = demo_clerk,
    .toggle_window = demo_window,
    .persona = demo_persona,
    .open_transport = pk_demo_open_transport,
};

/* `make demo` runs this from the build tree: its catalogs are there, not installed yet. */
static void use_build_catalogs(void) {
  if (!getenv("PK_LOCALEDIR") && access(PK_BUILD_LOCALEDIR "/C/LC_MESSAGES/pishkhan-fa.mo", R_OK) == 0)
    setenv("PK_LOCALEDIR", PK_BUILD_LOCALEDIR, 0);
}

int main(int argc, char **argv) {
  use_build_catalogs();
  return ui_main(argc, argv, &hooks);
}
