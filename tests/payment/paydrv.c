/* Crash safety of payments, counted at the terminal: a child pays then marks submitted, one
 * request after another, and is killed -9 at a random moment, CYCLES times; each restart resolves
 * what is pending first. Then pishkhan-pos-sim's own record must show no request charged twice,
 * no trace sold twice, and every charge that stands attached to a request the driver submitted.
 *   paydrv [CYCLES]     (default 300, or $PK_PAY_KILL9_CYCLES; 60 under ASan) */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pishkhan/payment.h"
#include "possim.h"

#if defined(__SANITIZE_ADDRESS__)
#define DEFAULT_CYCLES 60
#else
#define DEFAULT_CYCLES 300
#endif

static const pk_pay_opts OPTS = {.sale_timeout_ms = 150, .status_timeout_ms = 60, .resolve_bound_ms = 120};
/* Mostly approvals, with a duplicated and a slow answer, a lost one, a silent one and a decline. */
static const int SCENARIO[10] = {0, 0, 7, 0, 8, 0, 6, 0, 5, 1};

static void pay_all(const char *db, int port, int keys) {
  pk_pay_store *s = pk_pay_store_open(db, &OPTS, NULL, 0);
  pk_pay_terminal *t = pk_pay_pos_tcp_open("127.0.0.1", port, &pk_pay_framing_pkpos, "T01");
  if (!s || !t || pk_pay_resolve_pending(s, t, NULL, NULL) != 0) _exit(3);
  for (int i = 0; i < keys; i++) {
    char key[16], inv[16], trk[16];
    snprintf(key, sizeof key, "k%d", i);
    snprintf(inv, sizeof inv, "inv%d", i);
    snprintf(trk, sizeof trk, "TRK%d", i);
    pk_pay_record r;
    if (pk_pay_find(s, key, &r) == PK_PAY_OK &&
        (r.state == PK_PAY_SUBMITTED || r.state == PK_PAY_DECLINED || r.state == PK_PAY_REVERSED))
      continue;
    if (pk_pay_begin(s, 500000 + SCENARIO[i % 10], inv, key, &r) || pk_pay_sale(s, t, r.trace, &r)) _exit(4);
    if (r.state == PK_PAY_APPROVED && pk_pay_mark_submitted(s, r.trace, trk)) _exit(5);
  }
  pk_pay_terminal_close(t);
  pk_pay_store_close(s);
  _exit(0);
}

static int run_child(const char *db, int port, int keys, int kill_after_us) {
  pid_t pid = fork();
  if (pid == 0) pay_all(db, port, keys);
  if (kill_after_us >= 0) {
    struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)kill_after_us * 1000};
    nanosleep(&ts, NULL); /* the random moment of the crash, not a wait for anything */
    kill(pid, SIGKILL);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

typedef struct {
  int charged, reversed, declined, double_charged, sold_twice, unattached, submitted_not_charged;
} tally;

static tally count(const possim *sim, const char *db, int keys) {
  tally c = {0};
  possim_row *rows = calloc((size_t)keys * 4 + 16, sizeof *rows);
  size_t n = possim_dump(sim, rows, (size_t)keys * 4 + 16);
  int *per_invoice = calloc((size_t)keys, sizeof *per_invoice);
  pk_pay_store *s = pk_pay_store_open(db, &OPTS, NULL, 0);
  for (size_t i = 0; i < n; i++) {
    const possim_row *r = &rows[i];
    pk_pay_record k;
    bool submitted = pk_pay_get(s, r->trace, &k) == PK_PAY_OK && k.state == PK_PAY_SUBMITTED;
    c.sold_twice += r->sales > 1;
    c.reversed += !strcmp(r->state, "reversed");
    c.declined += !strcmp(r->state, "declined");
    if (strcmp(r->state, "approved") == 0) {
      c.charged++;
      int inv = atoi(r->invoice + 3);
      if (inv >= 0 && inv < keys && ++per_invoice[inv] == 2) c.double_charged++;
      c.unattached += !submitted;
    } else {
      c.submitted_not_charged += submitted;
    }
  }
  pk_pay_store_close(s);
  free(per_invoice);
  free(rows);
  return c;
}

int main(int argc, char **argv) {
  const char *env = getenv("PK_PAY_KILL9_CYCLES");
  int cycles = argc > 1 ? atoi(argv[1]) : env ? atoi(env) : DEFAULT_CYCLES;
  int keys = cycles / 2 + 10;
  possim sim;
  if (!possim_start(&sim, 20)) return fprintf(stderr, "paydrv: pishkhan-pos-sim did not start\n"), 2;
  char db[320];
  snprintf(db, sizeof db, "%s/kiosk-pay.db", sim.dir);
  srandom((unsigned)time(NULL));
  for (int i = 0; i < cycles; i++) run_child(db, sim.port, keys, (int)(random() % 40000));
  int last = run_child(db, sim.port, keys, -1);
  tally c = count(&sim, db, keys);
  printf("%d kill -9 cycles over %d requests: at the terminal %d charged, %d reversed, %d declined;\n"
         "%d charged twice, %d traces sold twice, %d charges without a submitted request, %d submitted"
         " without a standing charge\n",
         cycles, keys, c.charged, c.reversed, c.declined, c.double_charged, c.sold_twice, c.unattached,
         c.submitted_not_charged);
  char wal[340], shm[340];
  snprintf(wal, sizeof wal, "%s-wal", db);
  snprintf(shm, sizeof shm, "%s-shm", db);
  unlink(db), unlink(wal), unlink(shm);
  possim_stop(&sim);
  bool ok = last == 0 && c.charged > 0 && !c.double_charged && !c.sold_twice && !c.unattached &&
            !c.submitted_not_charged;
  return ok ? 0 : 1;
}
