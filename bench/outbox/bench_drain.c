/* Draining 10,000 queued requests into the standalone simulator: the kiosk's own delivery
 * (pk_delivery in this process, parallel 2 as configured by default, each row marked sending and
 * then delivered durably) against wrk posting the same sealed bodies, each with its key, to the
 * same endpoint over as many connections; each run against a fresh simulator. Target: the
 * kiosk >= 50% of wrk's requests per second. Needs wrk (scripts/deps/bench/peers.txt).
 * PK_DRAIN_N changes the count. The simulator runs without client certificates (wrk has none). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pishkhan/config.h"
#include "pishkhan/delivery.h"
#include "pishkhan/link.h"
#include "pishkhan/loop.h"
#include "pishkhan/module_opts.h"
#include "pishkhan/outbox.h"
#include "../../tests/outbox/fixture.h"

#define PKI PK_BINARY_DIR "/pki"
#define PARALLEL 2

typedef struct {
  pid_t pid;
  char url[128];
} sim;

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* argv run as a child whose stdout is *out; its pid, or -1. */
static pid_t spawn_reading(char *const argv[], FILE **out) {
  int p[2];
  if (pipe(p)) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(p[1], STDOUT_FILENO);
    close(p[0]);
    execvp(argv[0], argv);
    _exit(127);
  }
  close(p[1]);
  *out = fdopen(p[0], "r");
  return pid;
}

/* A fresh simulator on an ephemeral port, its state in DIR/NAME.db; url ends in /api/v1. */
static int sim_start(sim *s, const char *dir, const char *name) {
  char db[600], line[256];
  snprintf(db, sizeof db, "%s/%s.db", dir, name);
  char *argv[] = {PK_BINARY_DIR "/bin/pishkhan-window-sim", "--port", "0", "--cert", PKI "/tls/server.pem", "--key",
                  PKI "/tls/server-key.pem", "--card-ca", PKI "/card/ca.crt.pem", "--card-crl", PKI "/card/crl.pem",
                  "--receipt-key", PKI "/window/receipt-key.pem", "--enc-key", PKI "/window/enc-key.pem", "--db", db,
                  "--quiet", NULL};
  FILE *out = NULL;
  int port = 0;
  s->pid = spawn_reading(argv, &out);
  while (!port && out && fgets(line, sizeof line, out)) sscanf(line, "listening on https://127.0.0.1:%d", &port);
  if (out) fclose(out);
  snprintf(s->url, sizeof s->url, "https://127.0.0.1:%d/api/v1", port);
  return port ? 0 : -1;
}

static void sim_stop(sim *s) {
  kill(s->pid, SIGTERM);
  waitpid(s->pid, NULL, 0);
}

/* The kiosk's settings: the window at url, its receipts and encryption key. */
static void write_conf(const char *path, const char *dir, const char *url) {
  FILE *f = fopen(path, "w");
  fprintf(f, "[kiosk]\nid = kiosk-test-01\ndata_dir = %s\n[window]\nurl = %s\nca_bundle = " PKI "/tls/ca.pem\n"
             "client_cert = " PKI "/tls/kiosk.pem\nclient_key = " PKI "/tls/kiosk-key.pem\n[receipt]\njwks = " PKI
             "/window/window-jwks.json\ndevice_key = " PKI "/device/key.pem\n[offline]\nmax_rows = 100000\n"
             "parallel = %d\n",
          dir, url, PARALLEL);
  fclose(f);
}

/* N sealed requests, enqueued by the queue tests' driver (consent, seal, durable insert). */
static int fill(const char *db, long n) {
  char cmd[2048];
  snprintf(cmd, sizeof cmd,
           "'%s/bin/t_queue_driver' '%s' '" PKI "/window/window-jwks.json' '" PKI "/card/citizen.key.pem' '" PKI
           "/card/citizen.crt.pem' 0071234561 kiosk-test-01 %ld > /dev/null",
           PK_BINARY_DIR, db, n);
  return system(cmd) == 0 ? 0 : -1;
}

/* The bodies wrk posts: "KEY<TAB>JWE" lines, the same as the kiosk will send. */
static long dump_bodies(pk_outbox *ob, const char *path) {
  enum { PAGE = 200 };
  pk_outbox_row rows[PAGE];
  FILE *f = fopen(path, "w");
  long total = 0;
  size_t n, off = 0;
  do {
    n = pk_outbox_list(ob, rows, PAGE, off);
    for (size_t i = 0; i < n; i++) {
      pk_outbox_row full;
      if (pk_outbox_get(ob, rows[i].ref, true, &full) == 0 && full.sealed)
        fprintf(f, "%s\t%s\n", full.idem_key, full.sealed), total++;
      pk_outbox_row_clear(&full);
      pk_outbox_row_clear(&rows[i]);
    }
    off += n;
  } while (n == PAGE);
  fclose(f);
  return total;
}

/* Requests per second until wrk saw every body stored once; 0 on failure. */
static double run_wrk(const char *url, const char *bodies, long n) {
  char conns[8], target[256], line[512];
  snprintf(conns, sizeof conns, "-c%d", PARALLEL);
  snprintf(target, sizeof target, "%s/requests/sealed", url);
  char *argv[] = {"wrk", "-t1", conns, "-d600s", "-s", PK_SOURCE_DIR "/bench/outbox/drain.lua", target, "--",
                  (char *)bodies, NULL};
  FILE *out = NULL;
  pid_t pid = spawn_reading(argv, &out);
  double secs = 0;
  long created = 0;
  while (!created && out && fgets(line, sizeof line, out)) sscanf(line, "created %ld in %lf s", &created, &secs);
  if (pid > 0) kill(pid, SIGTERM), waitpid(pid, NULL, 0); /* it would wait out -d otherwise */
  if (out) fclose(out);
  if (created != n || secs <= 0) {
    fprintf(stderr, "wrk: %ld of %ld stored (is wrk installed?)\n", created, n);
    return 0;
  }
  return (double)n / secs;
}

static void on_row(void *ud, const pk_outbox_row *row, const pk_net_result *st) {
  (void)st;
  if (row->state == PK_OB_DELIVERED) ++*(long *)ud;
}

/* The kiosk's delivery until every row is delivered; requests per second, 0 on failure. */
static double run_kiosk(pk_outbox *ob, const char *conf, long n) {
  pk_config cfg;
  char err[256];
  char *nerr = NULL;
  pk_config_defaults(&cfg);
  if (pk_config_load(&cfg, conf, err, sizeof err)) return fprintf(stderr, "%s: %s\n", conf, err), 0;
  long delivered = 0;
  pk_loop *loop = pk_loop_new();
  pk_net *net = pk_net_new_config(loop, &cfg, &nerr);
  pk_link *link = pk_link_new(loop, net, PK_OFFLINE_AUTO, NULL, NULL);
  pk_delivery *d = pk_delivery_new(loop, net, ob, link, cfg.queue_parallel, on_row, &delivered);
  double t0 = now_s();
  while (d && delivered < n && now_s() - t0 < 600) {
    pk_delivery_kick(d);
    pk_loop_run_once(loop, 200);
  }
  double t = now_s() - t0;
  pk_delivery_free(d);
  pk_link_free(link);
  pk_net_free(net);
  pk_loop_free(loop);
  pk_config_free(&cfg);
  free(nerr);
  if (delivered != n) return fprintf(stderr, "kiosk: %ld of %ld delivered\n", delivered, n), 0;
  return (double)n / t;
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  const char *env = getenv("PK_DRAIN_N");
  long n = env ? atol(env) : 10000;
  char dir[256], db[400], conf[400], bodies[400], err[256];
  fx_tmpdir(dir, sizeof dir);
  snprintf(db, sizeof db, "%s/outbox.db", dir);
  snprintf(conf, sizeof conf, "%s/kiosk.conf", dir);
  snprintf(bodies, sizeof bodies, "%s/bodies.tsv", dir);
  double t0 = now_s();
  pk_outbox *ob = fill(db, n) == 0 ? pk_outbox_open(db, &(pk_outbox_limits){100000, 7}, err, sizeof err) : NULL;
  if (!ob || dump_bodies(ob, bodies) != n) return fprintf(stderr, "bench_drain: cannot queue %ld requests\n", n), 1;
  printf("queued %ld sealed requests in %.1f s\n", n, now_s() - t0);
  sim s;
  if (sim_start(&s, dir, "sim-wrk")) return fprintf(stderr, "bench_drain: the simulator did not start\n"), 1;
  double wrk = run_wrk(s.url, bodies, n);
  sim_stop(&s);
  if (!wrk) return 1;
  if (sim_start(&s, dir, "sim-kiosk")) return fprintf(stderr, "bench_drain: the simulator did not start\n"), 1;
  write_conf(conf, dir, s.url);
  double kiosk = run_kiosk(ob, conf, n);
  sim_stop(&s);
  pk_outbox_close(ob);
  fx_rm_rf(dir);
  if (!kiosk) return 1;
  printf("drain into the simulator, %d at a time: kiosk (pk_delivery) %.0f req/s, wrk %.0f req/s\n", PARALLEL, kiosk,
         wrk);
  printf("kiosk / wrk = %.0f%%  (target >= 50%%: %s)\n", 100 * kiosk / wrk, kiosk >= wrk / 2 ? "met" : "MISSED");
  return 0;
}
