/* The technician's checks block (pcscd, the printer, the window over the network helper):
 * they run on a worker of their own, and the report comes back to the app on the loop. */
#include "tech_run.h"

#include <stdlib.h>

#include "pishkhan/doctor.h"

typedef struct {
  ui_tech *t;
  unsigned run;
  pk_doctor_report report;
} tech_job;

static void tech_work(void *arg) {
  tech_job *j = arg;
  pk_doctor_opts o = {.config_path = j->t->config_path};
  pk_doctor_run(j->t->cfg, &o, &j->report);
}

static void tech_done(void *arg) {
  tech_job *j = arg;
  j->t->busy = false;
  if (j->t->app) pk_app_set_tech_report(j->t->app, j->run, &j->report);
  free(j);
}

void ui_tech_poll(ui_tech *t, pk_loop *loop, pk_app *app, const pk_config *cfg, const char *config_path) {
  unsigned run = pk_app_tech_run(app);
  if (!run || run == t->started || t->busy) return;
  if (!t->worker && !(t->worker = pk_worker_new(loop))) return;
  tech_job *j = calloc(1, sizeof *j);
  if (!j) return;
  *t = (ui_tech){.worker = t->worker, .app = app, .cfg = cfg, .config_path = config_path, .started = run, .busy = true};
  j->t = t;
  j->run = run;
  if (pk_worker_submit(t->worker, tech_work, tech_done, j) != 0) {
    t->busy = false;
    free(j);
  }
}

void ui_tech_stop(ui_tech *t) {
  t->app = NULL;
  pk_worker_free(t->worker);
  t->worker = NULL;
}
