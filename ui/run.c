/* The kiosk at run time: wires the terminal, the card source (PC/SC monitor or the
 * demo), the window client and the backend to the application state machine, and
 * redraws when the state says it changed. */
#include "run.h"

#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "draw.h"
#include "input.h"
#include "pishkhan/app.h"
#include "pishkhan/backend.h"
#include "pishkhan/card.h"
#include "pishkhan/catalog.h"
#include "pishkhan/chores.h"
#include "pishkhan/i18n.h"
#include "pishkhan/log.h"
#include "pishkhan/loop.h"
#include "pishkhan/metrics.h"
#include "pishkhan/module_opts.h"
#include "pishkhan/net.h"
#include "pishkhan/receipt.h"
#include "pishkhan/sdnotify.h"
#include "pishkhan/worker.h"
#include "keypad.h"
#include "tech_run.h"
#include "term.h"
#include "view.h"

#define TICK_MS 200

typedef struct {
  pk_loop *loop;
  pk_config *cfg;
  ui_run_opts opts;
  void *demo;               /* the embedded demo, when opts.demo is set */
  pk_card_monitor *monitor;
  pk_net *net;
  pk_backend *be;
  pk_catalog *cat;
  pk_worker *printer_worker; /* asking a printer can block for a second: never on the loop */
  pk_worker *catalog_worker; /* loads the catalog after the first frame, the loop free for keys */
  bool catalog_loading;
  char *catalog_err;         /* why the catalog could not be opened: the kiosk stops */
  pk_printer_opts printer_opts;
  pk_printer_state_t printer;
  pk_net_req *sync;          /* a catalog sync in flight */
  pk_chores chores;          /* when the printer is asked and the catalog refreshed */
  pk_app *app;
  ui_tech tech;              /* the technician's checks, when asked for at home */
  ui_keypad keypad;          /* counter mode: the citizen-facing keypad ([counter] citizen_keypad) */
  unsigned tick;             /* the app's clock (pk_loop_every) */
  ui_status st;
  bool redraw;
  int exit_code;
} ui_runtime;

static void quit(ui_runtime *rt) {
  if (!rt->opts.kiosk) pk_loop_stop(rt->loop);
}

static void handle_cmd(ui_runtime *rt, const ui_cmd *c) {
  uint64_t now = pk_now_ms();
  switch (c->type) {
  case UI_CMD_KEY:
    if (c->key.code == PK_KEY_LANG)
      pk_i18n_set_lang(pk_i18n_lang() == PK_LANG_FA ? PK_LANG_EN : PK_LANG_FA);
    pk_app_key(rt->app, c->key, now);
    break;
  case UI_CMD_QUIT: quit(rt); break;
  case UI_CMD_RESIZE: rt->redraw = true; break;
  case UI_CMD_DEMO_CARD:
    if (rt->demo) rt->opts.demo->toggle_card(rt->demo);
    break;
  case UI_CMD_DEMO_CLERK:
    if (rt->demo && rt->opts.demo->toggle_clerk_card) rt->opts.demo->toggle_clerk_card(rt->demo);
    break;
  case UI_CMD_DEMO_WINDOW:
    if (rt->demo && rt->opts.demo->toggle_window) rt->opts.demo->toggle_window(rt->demo);
    break;
  case UI_CMD_DEMO_NEXT:
    if (rt->demo) {
      rt->opts.demo->next_persona(rt->demo);
      rt->st.demo_persona = rt->opts.demo->persona(rt->demo);
      rt->redraw = true;
    }
    break;
  default: break;
  }
}

static void on_stdin(pk_loop *loop, int fd, unsigned rev, void *ud) {
  ui_runtime *rt = ud;
  ui_cmd c;
  while (ui_input_read(&c)) handle_cmd(rt, &c);
}

static void on_keypad(pk_loop *loop, int fd, unsigned rev, void *ud) {
  ui_runtime *rt = ud;
  pk_key keys[16];
  size_t n;
  while ((n = ui_keypad_read(&rt->keypad, keys, sizeof keys / sizeof *keys)) > 0)
    for (size_t i = 0; i < n; i++) pk_app_citizen_key(rt->app, keys[i], pk_now_ms());
  pk_wipe(keys, sizeof keys);
}

/* A counter whose citizen keypad cannot be opened still serves card citizens on a PIN pad. */
static void open_keypad(ui_runtime *rt) {
  rt->keypad.fd = -1;
  if (rt->cfg->face != PK_FACE_COUNTER || !rt->cfg->citizen_keypad[0]) return;
  if (ui_keypad_open(&rt->keypad, rt->cfg->citizen_keypad) != 0) {
    pk_err("counter: the citizen keypad %s cannot be opened: %s", rt->cfg->citizen_keypad, strerror(errno));
    return;
  }
  pk_info("counter: citizen keypad %s%s", rt->cfg->citizen_keypad, rt->keypad.evdev ? " (input device, grabbed)" : "");
  pk_loop_watch(rt->loop, rt->keypad.fd, PK_IO_IN, on_keypad, rt);
}

static void on_signal_fd(pk_loop *loop, int fd, unsigned rev, void *ud) {
  ui_runtime *rt = ud;
  int bits = ui_term_signals();
  if (bits & 1) {
    endwin();
    refresh();
    rt->redraw = true;
  }
  if (bits & 2) pk_loop_stop(loop); /* SIGTERM/SIGHUP: the supervisor wants us gone */
}

static void on_event(pk_loop *loop, const pk_event *ev, void *ud) {
  ui_runtime *rt = ud;
  uint64_t now = pk_now_ms();
  switch (ev->type) {
  case PK_EV_CARD_INSERTED: pk_app_card_inserted(rt->app, ev->reader, now); break;
  case PK_EV_CARD_REMOVED: pk_app_card_removed(rt->app, ev->reader, now); break;
  case PK_EV_READER_ADDED: rt->st.reader_ok = true; break;
  case PK_EV_READER_REMOVED:
  case PK_EV_READER_ERROR:
    rt->st.reader_ok = false;
    pk_app_card_removed(rt->app, ev->reader, now);
    break;
  default: break;
  }
  rt->redraw = true;
}

static const char *printer_msgid(pk_printer_state_t s) {
  switch (s) {
  case PK_PRINTER_READY: return N_("ready");
  case PK_PRINTER_PAPER_OUT: return N_("out of paper");
  case PK_PRINTER_PAPER_LOW: return N_("paper low");
  case PK_PRINTER_OFFLINE: return N_("offline");
  case PK_PRINTER_NONE: return N_("none");
  default: return N_("unknown");
  }
}

static void printer_run(void *ud) {
  ui_runtime *rt = ud;
  rt->printer = pk_printer_state(&rt->printer_opts, NULL, 0);
}

/* A change of the printer's state goes to the log, where a fleet sees it. */
static void printer_done(void *ud) {
  ui_runtime *rt = ud;
  const char *was = rt->st.printer, *now = printer_msgid(rt->printer);
  if (was != now) pk_info("printer: %s", pk_printer_state_name(rt->printer));
  rt->st.printer = now;
  pk_chores_done(&rt->chores, PK_CHORE_PRINTER);
  rt->redraw = true;
}

static void ask_printer(ui_runtime *rt) {
  if (rt->printer_worker && pk_worker_submit(rt->printer_worker, printer_run, printer_done, rt) == 0) return;
  pk_warn("printer: its state cannot be asked now; asking again later");
  pk_chores_done(&rt->chores, PK_CHORE_PRINTER);
}

static void render(ui_runtime *rt) {
  ui_hits_clear();
  ui_draw(rt->app, &rt->st);
  rt->redraw = false;
}

static bool busy(pk_screen_id s) {
  return s == PK_SCREEN_CARD_READ || s == PK_SCREEN_AUTH || s == PK_SCREEN_SUBMIT;
}

static void start_sync(ui_runtime *rt);

static void run_chores(ui_runtime *rt, uint64_t now) {
  bool nobody = !pk_app_has_session(rt->app) && pk_app_screen(rt->app) == PK_SCREEN_HOME;
  unsigned due = pk_chores_due(&rt->chores, now, nobody);
  if (due & PK_CHORE_PRINTER) ask_printer(rt);
  if ((due & PK_CHORE_SYNC) && rt->cat) start_sync(rt);
}

/* The tick drives the idle wipe: without it a citizen who walked away would stay logged in.
 * It is a periodic timer, so nothing re-arms it and nothing can stop it once started. */
static void on_tick(pk_loop *loop, unsigned id, void *ud) {
  ui_runtime *rt = ud;
  uint64_t now = pk_now_ms();
  pk_app_tick(rt->app, now);
  pk_app_set_hold(rt->app, pk_backend_hold(rt->be, now));
  size_t in_doubt, queued;
  pk_backend_queue_counts(rt->be, &in_doubt, &queued);
  if (in_doubt + queued != rt->st.queued) rt->redraw = true;
  rt->st.queued = in_doubt + queued;
  run_chores(rt, now);
  if (busy(pk_app_screen(rt->app))) {
    rt->st.spinner++;
    rt->redraw = true;
  }
}

static void load_catalog(ui_runtime *rt);

/* Redraw after every turn of the loop in which anything changed. The home screen needs no
 * catalog: it is drawn first, and the catalog (thousands of services) loaded after it, off
 * the loop, so that the first keys are not kept waiting. */
static void run_loop(ui_runtime *rt, char **err) {
  render(rt);
  pk_sd_ready(); /* systemd: the home screen is up (Type=notify) */
  /* For bench/ui: how long a kiosk takes from exec to its first frame ("1"), or until it can
   * serve, its catalog loaded ("catalog"). */
  const char *bench = getenv("PK_EXIT_AFTER_FIRST_FRAME");
  if (bench && strcmp(bench, "catalog")) return;
  load_catalog(rt);
  while (!pk_loop_stopped(rt->loop) && !(bench && !rt->catalog_loading)) {
    pk_loop_run_once(rt->loop, 1000);
    ui_tech_poll(&rt->tech, rt->loop, rt->app, rt->cfg, rt->opts.config_path);
    if (pk_app_take_dirty(rt->app) || rt->redraw) render(rt);
  }
  *err = rt->catalog_err;
  rt->catalog_err = NULL;
}

static void synced(const pk_net_sync *r, void *ud) {
  ui_runtime *rt = ud;
  rt->sync = NULL;
  pk_chores_done(&rt->chores, PK_CHORE_SYNC);
  rt->st.network = pk_net_state_msgid(r->st.err);
  if (r->st.err == PK_NET_OK) pk_metrics_catalog_synced((int64_t)time(NULL));
  if (r->st.err == PK_NET_OK)
    pk_info("catalog: version %ld, %zu services%s", r->version, pk_catalog_service_count(rt->cat),
            r->changed ? "" : " (unchanged)");
  else
    pk_warn("catalog sync failed: %s: %s", pk_net_error_name(r->st.err), r->st.detail[0] ? r->st.detail : r->st.code);
  rt->redraw = true;
}

/* The link's word wins over the last sync's: it is the newer evidence. */
static void link_changed(void *ud, pk_link_state now) {
  ui_runtime *rt = ud;
  rt->st.link = pk_backend_link_msgid(rt->be);
  rt->st.network = pk_backend_network_msgid(rt->be);
  (void)now;
  rt->redraw = true;
}

/* The catalog is refreshed (one 304 when unchanged) and the network state follows. */
static void start_sync(ui_runtime *rt) {
  rt->sync = pk_net_catalog_sync(rt->net, rt->cat, synced, rt);
  if (!rt->sync) pk_chores_done(&rt->chores, PK_CHORE_SYNC);
}

/* The local catalog answers at once; the sync refreshes it in the background. */
typedef struct {
  ui_runtime *rt;
  char path[PK_CFG_STR + 16];
  pk_catalog *cat;
  char *err;
} catalog_job;

static void catalog_run(void *p) {
  catalog_job *j = p;
  j->cat = pk_catalog_open(j->path, &j->err);
}

/* The local catalog answers at once; the sync refreshes it in the background. A kiosk whose
 * catalog cannot be opened cannot serve: it stops and says why (its unit restarts it). */
static void catalog_done(void *p) {
  catalog_job *j = p;
  ui_runtime *rt = j->rt;
  rt->catalog_loading = false;
  if (j->cat) {
    rt->cat = j->cat;
    if (rt->app) pk_app_set_catalog(rt->app, rt->cat);
    start_sync(rt);
    rt->redraw = true;
  } else {
    rt->catalog_err = j->err ? j->err : strdup("the catalog cannot be opened");
    rt->exit_code = 1;
    pk_loop_stop(rt->loop);
  }
  free(j);
}

static void load_catalog(ui_runtime *rt) {
  catalog_job *j = calloc(1, sizeof *j);
  if (!j) {
    rt->catalog_err = strdup("out of memory");
    rt->exit_code = 1;
    pk_loop_stop(rt->loop);
    return;
  }
  j->rt = rt;
  snprintf(j->path, sizeof j->path, "%s/catalog.db", rt->cfg->data_dir);
  rt->catalog_loading = true;
  if (!rt->catalog_worker) rt->catalog_worker = pk_worker_new(rt->loop);
  if (rt->catalog_worker && pk_worker_submit(rt->catalog_worker, catalog_run, catalog_done, j) == 0) return;
  /* No thread to spare: loaded here, which only makes the first keys wait. */
  catalog_run(j);
  catalog_done(j);
}

static int start_sources(ui_runtime *rt, char **err) {
  if (rt->opts.demo) {
    rt->demo = rt->opts.demo->start(rt->loop, rt->cfg, err);
    if (!rt->demo) return -1;
    rt->st.demo = true;
    rt->st.reader_ok = true;
    rt->st.demo_persona = rt->opts.demo->persona(rt->demo);
  } else {
    rt->monitor = pk_card_monitor_start(pk_loop_sink, rt->loop, rt->cfg->reader_pattern);
  }
  rt->net = pk_net_new_config(rt->loop, rt->cfg, err);
  if (!rt->net) return -1;
  pk_chores_init(&rt->chores, pk_now_ms());
  pk_transport_opener open = rt->demo ? rt->opts.demo->open_transport : pk_backend_pcsc_opener;
  rt->be = pk_backend_new(rt->loop, rt->cfg, rt->net, open, rt->demo, err);
  if (!rt->be) return -1;
  pk_backend_on_link(rt->be, link_changed, rt);
  pk_net_set_observer(rt->net, pk_metrics_observe_window, NULL);
  rt->st.link = pk_backend_link_msgid(rt->be);
  return 0;
}

static void stop_sources(ui_runtime *rt) {
  if (rt->loop) {
    /* Nothing that reaches the app may run once it is gone: the backend's and the network's
     * last turns of the loop still fire timers and read the terminal. */
    pk_loop_on_event(rt->loop, NULL, NULL); /* events still queued find no app */
    if (rt->tick) pk_loop_timer_cancel(rt->loop, rt->tick);
    rt->tick = 0;
    pk_loop_unwatch(rt->loop, STDIN_FILENO);
    if (rt->keypad.fd >= 0) pk_loop_unwatch(rt->loop, rt->keypad.fd);
  }
  ui_keypad_close(&rt->keypad);
  ui_tech_stop(&rt->tech);
  pk_worker_free(rt->catalog_worker); /* a catalog still loading is handed over, then closed below */
  pk_worker_free(rt->printer_worker);
  if (rt->loop) pk_loop_run_once(rt->loop, 0); /* deliver (and free) a last printer answer */
  pk_app_free(rt->app);
  rt->app = NULL;
  pk_backend_free(rt->be);
  pk_net_free(rt->net);
  pk_catalog_close(rt->cat);
  if (rt->monitor) pk_card_monitor_stop(rt->monitor);
  if (rt->demo) rt->opts.demo->stop(rt->demo);
}

/* The app and its clock. Without the clock the idle wipe would never come: then nobody is served. */
static int start_app(ui_runtime *rt) {
  rt->app = pk_app_new(rt->cfg, &pk_backend_live_ops, rt->be);
  if (!rt->app) return -1;
  rt->tick = pk_loop_every(rt->loop, TICK_MS, on_tick, rt);
  return rt->tick ? 0 : -1;
}

int ui_run(pk_config *cfg, const ui_run_opts *opts) {
  ui_runtime rt = {.cfg = cfg, .opts = *opts, .keypad.fd = -1, .st.printer = N_("unknown"), .st.network = N_("connecting")};
  rt.loop = pk_loop_new();
  char *err = NULL;
  if (!rt.loop || start_sources(&rt, &err) != 0 || start_app(&rt) != 0) {
    fprintf(stderr, "%s: %s\n", pk_tr("Pishkhan cannot start"), err ? err : "out of memory");
    free(err);
    stop_sources(&rt);
    pk_loop_free(rt.loop);
    return 1;
  }
  if (ui_term_open(opts->kiosk || cfg->kiosk_mode, cfg->theme == PK_THEME_MONO,
                   cfg->theme == PK_THEME_HIGH_CONTRAST) != 0) {
    stop_sources(&rt);
    pk_loop_free(rt.loop);
    return 1;
  }
  pk_loop_on_event(rt.loop, on_event, &rt);
  pk_loop_watch(rt.loop, STDIN_FILENO, PK_IO_IN, on_stdin, &rt);
  open_keypad(&rt);
  pk_loop_watch(rt.loop, ui_term_signal_fd(), PK_IO_IN, on_signal_fd, &rt);
  pk_config_printer_opts(cfg, &rt.printer_opts); /* after the demo may have chosen its printer */
  rt.printer_worker = pk_worker_new(rt.loop);
  on_tick(rt.loop, 0, &rt);
  pk_sd_watchdog_start(rt.loop);
  pk_metrics_start(rt.loop, cfg);
  run_loop(&rt, &err);
  pk_sd_stopping();
  pk_metrics_stop();
  ui_term_close();
  if (err) fprintf(stderr, "%s: %s\n", pk_tr("Pishkhan cannot start"), err);
  free(err);
  stop_sources(&rt);
  pk_loop_free(rt.loop);
  return rt.exit_code;
}
