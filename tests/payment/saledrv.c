/* A kiosk selling fees for real, for the crash test of pay-and-submit (sale_kill9.sh): the state
 * machine with the live backend (what the pishkhan binary runs, less its ncurses view), the
 * citizen's card in process, the standalone window simulator and pishkhan-pos-sim over TCP. It
 * serves citizens one after another: card, PIN, the fee service, its form, pay, submit, the card
 * taken out. The crash test kills it -9 at random moments and starts it again; each start
 * settles what the last one left (the backend's own hold) before anyone is served.
 *   t_sale_driver CONF CARD_DIR COUNT
 * COUNT > 0: serve COUNT citizens. COUNT = 0: start, then wait until no payment is live and no
 * request is pending; exit 0 then, 1 if that does not come within 240 s.
 * Each step is a line on stdout (unbuffered): "ready", "paying", "receipt TRACKING INVOICE",
 * "outcome NAME", "stuck SCREEN". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fee_walk.h"
#include "pishkhan/app.h"
#include "pishkhan/backend.h"
#include "pishkhan/catalog.h"
#include "pishkhan/log.h"
#include "pishkhan/module_opts.h"
#include "pishkhan/net.h"
#include "pishkhan/outbox.h"
#include "pishkhan/payment.h"
#include "pishkhan/vcard.h"

typedef struct {
  pk_loop *loop;
  pk_config cfg;
  pk_net *net;
  pk_catalog *cat;
  pk_vcard *card;
  pk_backend *be;
  pk_app *app;
  bool synced;
} kiosk;

static void synced(const pk_net_sync *r, void *ud) {
  (void)r;
  ((kiosk *)ud)->synced = true;
}

static bool run_until(kiosk *k, bool (*done)(kiosk *), int ms) {
  uint64_t end = pk_now_ms() + (uint64_t)ms;
  while (!done(k) && pk_now_ms() < end) {
    pk_app_tick(k->app, pk_now_ms());
    pk_loop_run_once(k->loop, 20);
  }
  if (!done(k)) pk_debug("saledrv: gave up waiting at %s (%s)", pk_screen_name(pk_app_screen(k->app)), pk_app_message(k->app) ? pk_app_message(k->app) : "");
  return done(k);
}

static bool is_synced(kiosk *k) { return k->synced; }
static bool served(kiosk *k) { return !pk_backend_hold(k->be, pk_now_ms()); }
static bool at_pin(kiosk *k) { return pk_app_screen(k->app) == PK_SCREEN_PIN; }
static bool at_dashboard(kiosk *k) { return pk_app_screen(k->app) == PK_SCREEN_DASHBOARD; }

/* The sale ended for the citizen: a receipt, back at the review (the request refused or in
 * doubt), or a payment outcome they must act on. */
static bool sale_over(kiosk *k) {
  pk_screen_id s = pk_app_screen(k->app);
  const pk_app_payment *p = pk_app_payment_shown(k->app);
  return s == PK_SCREEN_RECEIPT || s == PK_SCREEN_REVIEW || s == PK_SCREEN_HOME ||
         (s == PK_SCREEN_PAY && p && p->outcome != PK_APP_PAY_PROGRESS);
}

static int open_kiosk(kiosk *k, const char *conf, const char *card_dir) {
  char err[256], *e = NULL;
  pk_config_defaults(&k->cfg);
  if (pk_config_load(&k->cfg, conf, err, sizeof err)) return fprintf(stderr, "saledrv: %s\n", err), -1;
  char path[PK_CFG_STR + 16];
  snprintf(path, sizeof path, "%s/catalog.db", k->cfg.data_dir);
  if (!(k->loop = pk_loop_new()) || !(k->net = pk_net_new_config(k->loop, &k->cfg, &e)) ||
      !(k->cat = pk_catalog_open(path, &e)) || !(k->card = pk_vcard_new("citizen", card_dir, &e)))
    return fprintf(stderr, "saledrv: %s\n", e ? e : "out of memory"), -1;
  const pk_agency *ag;
  if (pk_catalog_agencies(k->cat, &ag) == 0) { /* the first start only: later ones read it cached */
    pk_net_catalog_sync(k->net, k->cat, synced, k);
    uint64_t end = pk_now_ms() + 60000;
    while (!is_synced(k) && pk_now_ms() < end) pk_loop_run_once(k->loop, 50);
  }
  if (!(k->be = pk_backend_new(k->loop, &k->cfg, k->net, fw_open_card, k->card, &e)))
    return fprintf(stderr, "saledrv: %s\n", e ? e : "backend"), -1;
  k->app = pk_app_new(&k->cfg, &pk_backend_live_ops, k->be);
  pk_app_set_catalog(k->app, k->cat);
  return k->app ? 0 : -1;
}

/* The card is in the reader the settings name. */
static const char *reader(const kiosk *k) { return k->cfg.reader_pattern[0] ? k->cfg.reader_pattern : "Reader 0"; }

static void take_card(kiosk *k) {
  pk_vcard_set_present(k->card, false);
  pk_app_card_removed(k->app, reader(k), pk_now_ms());
  for (int i = 0; i < 3; i++) pk_loop_run_once(k->loop, 0);
}

static const char *outcome_name(const pk_app_payment *p) {
  static const char *const names[] = {"progress", "approved", "declined", "reversed", "unavailable"};
  return p && (unsigned)p->outcome < sizeof names / sizeof *names ? names[p->outcome] : "none";
}

/* One citizen, card to receipt; what became of it on stdout. */
static void serve_one(kiosk *k, const pk_service *s) {
  pk_vcard_set_present(k->card, true);
  pk_app_card_inserted(k->app, reader(k), pk_now_ms());
  if (run_until(k, at_pin, 10000)) {
    fw_type(k->app, "1234");
    fw_key(k->app, PK_KEY_ENTER, 0);
  }
  if (run_until(k, at_dashboard, 10000) && fw_to_review(k->app, s)) {
    fw_key(k->app, PK_KEY_ENTER, 0);
    printf("paying\n");
    run_until(k, sale_over, 60000);
  }
  const pk_app_receipt *rc = pk_app_last_receipt(k->app);
  if (pk_app_screen(k->app) == PK_SCREEN_RECEIPT && rc) printf("receipt %s %s\n", rc->tracking, rc->invoice);
  else if (pk_app_screen(k->app) == PK_SCREEN_PAY) printf("outcome %s\n", outcome_name(pk_app_payment_shown(k->app)));
  else printf("stuck %s %s\n", pk_screen_name(pk_app_screen(k->app)), pk_app_message(k->app) ? pk_app_message(k->app) : "");
  take_card(k);
}

/* Payments still live (neither final nor attached to a request) and requests not yet final. */
static void open_counts(kiosk *k, int *live, size_t *pending) {
  char path[PK_CFG_STR + 16], err[128];
  snprintf(path, sizeof path, "%s/payments.db", k->cfg.data_dir);
  pk_pay_opts o;
  pk_config_pay_opts(&k->cfg, &o);
  pk_pay_store *ps = pk_pay_store_open(path, &o, err, sizeof err);
  pk_pay_record *rows = NULL;
  int n = ps ? pk_pay_list_between(ps, 0, INT64_MAX, &rows) : -1;
  *live = n < 0 ? 1 : 0;
  for (int i = 0; i < n; i++)
    *live += rows[i].state == PK_PAY_CREATED || rows[i].state == PK_PAY_SENT || rows[i].state == PK_PAY_UNCERTAIN ||
             rows[i].state == PK_PAY_APPROVED;
  free(rows);
  pk_pay_store_close(ps);
  snprintf(path, sizeof path, "%s/outbox.db", k->cfg.data_dir);
  pk_outbox *ob = pk_outbox_open(path, NULL, err, sizeof err);
  size_t c[PK_OB_STATE_COUNT] = {0};
  *pending = ob && pk_outbox_counts(ob, c, NULL) == 0 ? c[PK_OB_SENDING] + c[PK_OB_QUEUED] : 1;
  pk_outbox_close(ob);
}

static bool all_final(kiosk *k) {
  int live;
  size_t pending;
  open_counts(k, &live, &pending);
  return live == 0 && pending == 0;
}

int main(int argc, char **argv) {
  if (argc != 4) return fprintf(stderr, "usage: t_sale_driver CONF CARD_DIR COUNT\n"), 2;
  setvbuf(stdout, NULL, _IONBF, 0);
  pk_log_open("t_sale_driver", 1, getenv("PK_SALEDRV_DEBUG") ? PK_LOG_DEBUG : PK_LOG_WARN);
  static kiosk k;
  if (open_kiosk(&k, argv[1], argv[2])) return 3;
  int count = atoi(argv[3]);
  if (!run_until(&k, served, 120000)) return fprintf(stderr, "saledrv: still holding: %s\n", pk_backend_hold(k.be, pk_now_ms())), 4;
  printf("ready\n");
  const pk_service *s = fw_fee_service(k.cat);
  if (!s) return fprintf(stderr, "saledrv: no fee service with a simple form\n"), 5;
  for (int i = 0; i < count; i++) serve_one(&k, s);
  int rc = 0;
  if (count == 0) {
    /* Polled: the store and the outbox are other handles on the backend's files. */
    uint64_t end = pk_now_ms() + 240000;
    while (!all_final(&k) && pk_now_ms() < end)
      for (int i = 0; i < 25; i++) pk_loop_run_once(k.loop, 20);
    rc = all_final(&k) ? 0 : 1;
  }
  pk_app_free(k.app);
  pk_backend_free(k.be);
  pk_catalog_close(k.cat);
  pk_vcard_free(k.card);
  pk_net_free(k.net);
  pk_loop_free(k.loop);
  return rc;
}
