/* Counter throughput (issue 12): a clerk serving citizens, driven through the state machine with
 * the live backend — the card profile against the demo's in-process cards, the window client
 * (through pishkhan-net) against the in-process simulator over HTTPS with mutual TLS, receipts
 * printed as PNG — from "next citizen" (F3) to the printed receipt, for a citizen with their
 * card and for one signing in by a one-time code, on the same three-field form.
 *
 * It prints, per citizen, the keystrokes (the clerk's, and the citizen's on their keypad), the
 * wall time, and the time the software itself adds: the CPU time of the kiosk's loop thread
 * (the state machine, search, backend and window client; the simulated window and card run on
 * their own threads, TLS in the helper process). The wall time also holds the simulated
 * window's and card's own work on the same two cores. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../bench_clock.h"
#include "pishkhan/app.h"
#include "pishkhan/backend.h"
#include "pishkhan/catalog.h"
#include "pishkhan/demo.h"
#include "pishkhan/i18n.h"
#include "pishkhan/loop.h"
#include "pishkhan/module_opts.h"
#include "pishkhan/net.h"
#include "pishkhan/windowsim.h"

#define ROUNDS 10

typedef struct {
  pk_loop *loop;
  pk_config cfg;
  pk_demo *demo;
  pk_net *net;
  pk_backend *be;
  pk_catalog *cat;
  pk_app *app;
  unsigned clerk_keys, citizen_keys;
  bool synced;
} bench;

static double thread_cpu_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void synced(const pk_net_sync *r, void *ud) { ((bench *)ud)->synced = true; }

static void on_event(pk_loop *loop, const pk_event *ev, void *ud) {
  bench *b = ud;
  if (ev->type == PK_EV_CARD_INSERTED) pk_app_card_inserted(b->app, ev->reader, pk_now_ms());
  if (ev->type == PK_EV_CARD_REMOVED) pk_app_card_removed(b->app, ev->reader, pk_now_ms());
}

static void until(bench *b, pk_screen_id s, const char *what) {
  double end = bench_now_ms() + 20000;
  while (pk_app_screen(b->app) != s && bench_now_ms() < end) pk_loop_run_once(b->loop, 20);
  if (pk_app_screen(b->app) != s) {
    fprintf(stderr, "bench_counter: waiting for %s (%s), at %s: %s\n", pk_screen_name(s), what,
            pk_screen_name(pk_app_screen(b->app)), pk_app_message(b->app) ? pk_app_message(b->app) : "");
    exit(1);
  }
}

static void key(bench *b, pk_key_code c, uint32_t cp) {
  b->clerk_keys++;
  pk_app_key(b->app, (pk_key){c, cp}, pk_now_ms());
}

/* Each code point of UTF-8 text as a key on the clerk's keyboard. */
static void type(bench *b, const char *utf8) {
  const unsigned char *p = (const unsigned char *)utf8;
  while (*p) {
    int n = *p < 0x80 ? 1 : *p < 0xE0 ? 2 : *p < 0xF0 ? 3 : 4;
    uint32_t cp = n == 1 ? *p : (uint32_t)(*p & (0xFF >> (n + 1)));
    for (int i = 1; i < n; i++) cp = cp << 6 | (p[i] & 0x3F);
    p += n;
    key(b, PK_KEY_CHAR, cp);
  }
}

static void citizen(bench *b, const char *digits_then_enter) {
  for (const char *p = digits_then_enter; *p; p++, b->citizen_keys++)
    pk_app_citizen_key(b->app, *p == '\n' ? (pk_key){PK_KEY_ENTER, 0} : (pk_key){PK_KEY_CHAR, (uint32_t)*p},
                       pk_now_ms());
}

static void start(bench *b) {
  pk_config_defaults(&b->cfg);
  b->cfg.face = PK_FACE_COUNTER;
  snprintf(b->cfg.printer, sizeof b->cfg.printer, "png");
  snprintf(b->cfg.printer_dest, sizeof b->cfg.printer_dest, "/tmp/pk-bench-counter-receipts");
  if (system("rm -rf /tmp/pk-bench-counter-receipts && mkdir -p /tmp/pk-bench-counter-receipts") != 0) exit(1);
  char *err = NULL;
  b->loop = pk_loop_new();
  b->demo = pk_demo_start(b->loop, &b->cfg, PK_BINARY_DIR "/pki", &err);
  b->net = b->demo ? pk_net_new_config(b->loop, &b->cfg, &err) : NULL;
  b->cat = b->net ? pk_catalog_open(":memory:", &err) : NULL;
  b->be = b->cat ? pk_backend_new(b->loop, &b->cfg, b->net, pk_demo_open_transport, b->demo, &err) : NULL;
  if (!b->be) {
    fprintf(stderr, "bench_counter: %s\n", err ? err : "set-up failed");
    exit(1);
  }
  pk_net_catalog_sync(b->net, b->cat, synced, b);
  double end = bench_now_ms() + 30000;
  while (!b->synced && bench_now_ms() < end) pk_loop_run_once(b->loop, 50);
  b->app = pk_app_new(&b->cfg, &pk_backend_live_ops, b->be);
  pk_app_set_catalog(b->app, b->cat);
  pk_loop_on_event(b->loop, on_event, b);
}

static void open_shift(bench *b) {
  pk_demo_toggle_clerk_card(b->demo);
  until(b, PK_SCREEN_PIN, "the clerk's PIN");
  type(b, "0000");
  key(b, PK_KEY_ENTER, 0);
  double end = bench_now_ms() + 20000;
  while (pk_app_desk(b->app) != PK_DESK_OPEN && bench_now_ms() < end) pk_loop_run_once(b->loop, 20);
  if (pk_app_desk(b->app) != PK_DESK_OPEN) {
    fprintf(stderr, "bench_counter: the shift did not open\n");
    exit(1);
  }
}

/* The three-field form of the criminal record certificate, reviewed, confirmed, printed. */
static void request(bench *b, const char *query) {
  until(b, PK_SCREEN_DASHBOARD, "signed in");
  type(b, "1");
  type(b, query);
  key(b, PK_KEY_ENTER, 0);
  until(b, PK_SCREEN_SERVICE, "the service card");
  key(b, PK_KEY_ENTER, 0);
  /* What the citizen tells the clerk: only the fields the card or the sign-in did not fill. */
  const pk_form_field *ff;
  size_t nf = pk_app_form(b->app, &ff);
  for (size_t i = 0; i < nf; i++) {
    if (pk_app_form_source(b->app, i)) continue;
    type(b, ff[i].type == PK_FIELD_MOBILE ? "09121234567" : ff[i].type == PK_FIELD_JALALI_DATE ? "1370/05/12" : "0071234561");
    key(b, PK_KEY_ENTER, 0);
  }
  until(b, PK_SCREEN_REVIEW, "the review");
  key(b, PK_KEY_ENTER, 0); /* the clerk: ask the citizen */
  citizen(b, "\n");
  until(b, PK_SCREEN_RECEIPT, "the receipt");
  const char *printed = "Printed. Please take your receipt.";
  key(b, PK_KEY_PRINT, 0);
  double end = bench_now_ms() + 20000;
  while ((!pk_app_print_state(b->app) || strcmp(pk_app_print_state(b->app), printed)) && bench_now_ms() < end)
    pk_loop_run_once(b->loop, 20);
  if (!pk_app_print_state(b->app) || strcmp(pk_app_print_state(b->app), printed)) {
    fprintf(stderr, "bench_counter: not printed: %s\n", pk_app_print_state(b->app) ? pk_app_print_state(b->app) : "-");
    exit(1);
  }
}

static void card_citizen(bench *b) {
  pk_demo_toggle_card(b->demo); /* the citizen's card into the citizen's reader */
  until(b, PK_SCREEN_PIN, "the citizen's PIN");
  citizen(b, "1234\n");
  request(b, "سوء پیشینه");
}

static void otp_citizen(bench *b) {
  /* The window limits the codes a mobile gets in an hour: its clock moves on, not the bench's. */
  pk_window_sim_advance_clock(pk_demo_window(b->demo), 3700);
  type(b, "1");
  until(b, PK_SCREEN_OTP_ID, "sign-in without a card");
  type(b, "1234567891");
  key(b, PK_KEY_ENTER, 0);
  type(b, "09121234567");
  key(b, PK_KEY_ENTER, 0);
  until(b, PK_SCREEN_OTP_CODE, "the one-time code");
  char code[8] = "";
  if (pk_window_sim_latest_otp(pk_demo_window(b->demo), code) != 0) {
    fprintf(stderr, "bench_counter: no code at the window\n");
    exit(1);
  }
  citizen(b, code);
  citizen(b, "\n");
  request(b, "برگ سابقه بیمه");
}

typedef struct {
  double wall, cpu;
  unsigned clerk, citizen;
} sample;

static sample serve(bench *b, void (*how)(bench *)) {
  b->clerk_keys = b->citizen_keys = 0;
  double t0 = bench_now_ms(), c0 = thread_cpu_ms();
  key(b, PK_KEY_NEXT, 0);
  until(b, PK_SCREEN_HOME, "the desk");
  how(b);
  sample s = {bench_now_ms() - t0, thread_cpu_ms() - c0, b->clerk_keys, b->citizen_keys};
  if (how == card_citizen) { /* the citizen takes the card: outside the timing, as the next one walks up */
    pk_demo_toggle_card(b->demo);
    until(b, PK_SCREEN_HOME, "the card taken");
    while (pk_app_card_present(b->app)) pk_loop_run_once(b->loop, 20);
  }
  return s;
}

static void report(const char *who, sample *s, size_t n) {
  double wall[ROUNDS], cpu[ROUNDS];
  for (size_t i = 0; i < n; i++) wall[i] = s[i].wall, cpu[i] = s[i].cpu;
  printf("%-28s keys: clerk %u + citizen %u   wall p50 %7.1f ms  p90 %7.1f ms   kiosk loop CPU p50 %6.1f ms\n", who,
         s[0].clerk, s[0].citizen, bench_percentile(wall, n, 0.5), bench_percentile(wall, n, 0.9),
         bench_percentile(cpu, n, 0.5));
}

int main(void) {
  pk_i18n_set_lang(PK_LANG_FA);
  bench b = {0};
  start(&b);
  open_shift(&b);
  sample card[ROUNDS], otp[ROUNDS];
  for (int i = 0; i < ROUNDS; i++) {
    card[i] = serve(&b, card_citizen);
    otp[i] = serve(&b, otp_citizen);
  }
  printf("counter: %d citizens of each kind, %zu services in the catalog, next citizen to printed receipt\n", ROUNDS,
         pk_catalog_service_count(b.cat));
  report("citizen with their card", card, ROUNDS);
  report("citizen by one-time code", otp, ROUNDS);
  pk_app_free(b.app);
  pk_backend_free(b.be);
  pk_net_free(b.net);
  pk_catalog_close(b.cat);
  pk_demo_stop(b.demo);
  pk_loop_free(b.loop);
  return 0;
}
