/* After a citizen's requests end, the client's memory holds none of their personal data:
 * no national code, mobile, birth date or one-time code, in plain digits or in the JSON
 * forms the requests used. The window runs in a child process (its copies are legitimately
 * its own); this process then reads every writable mapping it has, the way a core file or
 * a memory-reading attacker would see it. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "pishkhan/module_opts.h"
#include "pishkhan/loop.h"
#include "pishkhan/net.h"
#include "pishkhan/windowsim.h"

/* Needles are kept XOR-ed, so that this test's own copy of them is not found. */
#define KEY 0x5A

static void pki(char *out, size_t n, const char *rel) {
  const char *bin = getenv("PK_BINARY_DIR") ? getenv("PK_BINARY_DIR") : PK_BINARY_DIR;
  snprintf(out, n, "%s/pki/%s", bin, rel);
}

/* The window in a child: reports its port, then answers "otp_id" lines with the code. */
static pid_t start_window(int *to_win, int *from_win) {
  int a[2], b[2];
  assert_int_equal(pipe(a), 0);
  assert_int_equal(pipe(b), 0);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid) {
    close(a[0]);
    close(b[1]);
    *to_win = a[1];
    *from_win = b[0];
    return pid;
  }
  close(a[1]);
  close(b[0]);
  static char cert[512], key[512], ca[512], cardca[512], rkey[512];
  pki(cert, sizeof cert, "tls/server.pem");
  pki(key, sizeof key, "tls/server-key.pem");
  pki(ca, sizeof ca, "tls/ca.pem");
  pki(cardca, sizeof cardca, "card/ca.crt.pem");
  pki(rkey, sizeof rkey, "window/receipt-key.pem");
  pk_window_sim_opts o;
  pk_window_sim_opts_defaults(&o);
  o.tls_cert = cert, o.tls_key = key, o.client_ca = ca, o.card_issuer_ca = cardca, o.receipt_key = rkey;
  o.test_endpoints = o.quiet = true;
  char *err = NULL;
  pk_window_sim *s = pk_window_sim_start(&o, &err);
  int port = s ? pk_window_sim_port(s) : -1;
  if (write(b[1], &port, sizeof port) != sizeof port || !s) _exit(1);
  char id[64];
  ssize_t n;
  while ((n = read(a[0], id, sizeof id - 1)) > 0) {
    id[n] = 0;
    char code[8] = "";
    pk_window_sim_last_otp(s, id, code);
    if (write(b[1], code, sizeof code) != sizeof code) break;
  }
  pk_window_sim_stop(s);
  _exit(0);
}

typedef struct {
  bool done;
  pk_net_error err;
  char otp_id[64];
} ctx;

static void on_otp(const pk_net_otp *r, void *ud) {
  ctx *c = ud;
  c->err = r->st.err;
  snprintf(c->otp_id, sizeof c->otp_id, "%s", r->otp_id);
  c->done = true;
}
static void on_ses(const pk_net_session *r, void *ud) {
  ctx *c = ud;
  c->err = r->st.err;
  c->done = true;
}
static void on_rec(const pk_net_receipt *r, void *ud) {
  ctx *c = ud;
  c->err = r->st.err;
  c->done = true;
}
static void on_done(const pk_net_result *r, void *ud) {
  ctx *c = ud;
  c->err = r->err;
  c->done = true;
}

static pk_net_error wait_for(pk_loop *loop, ctx *c) {
  uint64_t end = pk_now_ms() + 15000;
  while (!c->done && pk_now_ms() < end) pk_loop_run_once(loop, 50);
  assert_true(c->done);
  c->done = false;
  return c->err;
}

/* Every rw mapping, from /proc/self/maps, read through /proc/self/mem. */
typedef struct {
  const char *name;
  unsigned char enc[64];
  size_t len;
  size_t hits;
} needle;

static void encode(needle *n, const char *name, const char *plain) {
  n->name = name;
  n->len = strlen(plain);
  for (size_t i = 0; i < n->len; i++) n->enc[i] = (unsigned char)plain[i] ^ KEY;
  n->hits = 0;
}

static void show(const char *name, const unsigned char *p, size_t len, size_t at) {
  fprintf(stderr, "%s, with what surrounds it: ", name);
  for (size_t q = at >= 160 ? at - 160 : 0; q < at + 80 && q < len; q++)
    fputc(p[q] >= 32 && p[q] < 127 ? p[q] : '.', stderr);
  fputc('\n', stderr);
}

static void search(needle *nd, size_t nn, const unsigned char *p, size_t len) {
  for (size_t i = 0; i < len; i++)
    for (size_t k = 0; k < nn; k++) {
      if ((p[i] ^ KEY) != nd[k].enc[0] || i + nd[k].len > len) continue;
      size_t j = 1;
      while (j < nd[k].len && (p[i + j] ^ KEY) == nd[k].enc[j]) j++;
      if (j == nd[k].len && !nd[k].hits++) show(nd[k].name, p, len, i); /* where, to find its owner */
    }
}

static void scan_memory(needle *nd, size_t nn) {
  enum { CHUNK = 1 << 20, OVERLAP = 64 };
  unsigned char *buf = mmap(NULL, CHUNK + OVERLAP, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  assert_true(buf != MAP_FAILED);
  FILE *maps = fopen("/proc/self/maps", "r");
  int mem = open("/proc/self/mem", O_RDONLY);
  assert_non_null(maps);
  assert_true(mem >= 0);
  char line[512];
  while (fgets(line, sizeof line, maps)) {
    unsigned long lo, hi;
    char perms[8];
    if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3 || perms[0] != 'r' || perms[1] != 'w') continue;
    /* The scan buffer, and sanitizer shadow (terabytes reserved, never personal data). */
    if (lo == (unsigned long)buf || hi - lo > (1ul << 30)) continue;
    for (unsigned long at = lo; at < hi; at += CHUNK) {
      size_t want = hi - at < CHUNK + OVERLAP ? hi - at : CHUNK + OVERLAP;
      ssize_t got = pread(mem, buf, want, (off_t)at);
      if (got > 0) search(nd, nn, buf, (size_t)got < CHUNK ? (size_t)got : CHUNK + (size_t)got - want);
    }
  }
  memset(buf, 0, CHUNK + OVERLAP);
  munmap(buf, CHUNK + OVERLAP);
  close(mem);
  fclose(maps);
}

static void test_no_personal_data_left_after_the_session(void **state) {
  int to_win, from_win, port = -1;
  pid_t win = start_window(&to_win, &from_win);
  assert_int_equal(read(from_win, &port, sizeof port), (ssize_t)sizeof port);
  assert_true(port > 0);
  pk_loop *loop = pk_loop_new();
  pk_config cfg;
  pk_config_defaults(&cfg);
  snprintf(cfg.kiosk_id, sizeof cfg.kiosk_id, "kiosk-test-01");
  snprintf(cfg.url, sizeof cfg.url, "https://127.0.0.1:%d/api/v1", port);
  pki(cfg.ca_bundle, sizeof cfg.ca_bundle, "tls/ca.pem");
  pki(cfg.client_cert, sizeof cfg.client_cert, "tls/kiosk.pem");
  pki(cfg.client_key, sizeof cfg.client_key, "tls/kiosk-key.pem");
  char *err = NULL;
  pk_net *net = pk_net_new_config(loop, &cfg, &err);
  assert_non_null(net);

  /* The citizen's data from read-only literals; the OTP through a buffer wiped after use. */
  ctx c = {0};
  pk_net_otp_request(net, "0071234561", "09121234567", on_otp, &c);
  assert_int_equal(wait_for(loop, &c), PK_NET_OK);
  char code[8];
  assert_int_equal(write(to_win, c.otp_id, strlen(c.otp_id)), (ssize_t)strlen(c.otp_id));
  assert_int_equal(read(from_win, code, sizeof code), (ssize_t)sizeof code);
  needle nd[8];
  char form[40];
  snprintf(form, sizeof form, "\"code\":\"%s\"", code);
  encode(&nd[0], "one-time code (JSON)", form);
  pk_net_otp_verify(net, c.otp_id, code, on_ses, &c);
  memset(code, 0, sizeof code);
  memset(form, 0, sizeof form);
  assert_int_equal(wait_for(loop, &c), PK_NET_OK);
  char key[37];
  assert_true(pk_net_new_idem_key(key));
  pk_net_submit(net, "tamin-0001",
                "{\"national_code\":\"0071234561\",\"mobile\":\"09121234567\",\"birth_date\":\"1370/05/12\"}", key,
                on_rec, &c);
  assert_int_equal(wait_for(loop, &c), PK_NET_OK);
  pk_net_logout(net, on_done, &c);
  assert_int_equal(wait_for(loop, &c), PK_NET_OK);
  for (int i = 0; i < 5; i++) pk_loop_run_once(loop, 10);

  /* The kiosk keeps its client (and its connections) between citizens: scanned alive. */
  encode(&nd[1], "national code", "0071234561");
  encode(&nd[2], "mobile", "09121234567");
  encode(&nd[3], "birth date", "1370/05/12");
  encode(&nd[4], "birth date (JSON)", "\"birth_date\":\"1370");
  scan_memory(nd, 5);
  int leaks = 0;
  for (size_t k = 0; k < 5; k++)
    if (nd[k].hits) fprintf(stderr, "LEAK: %s found %zu times\n", nd[k].name, nd[k].hits), leaks++;

  pk_net_free(net);
  pk_loop_free(loop);
  pk_config_free(&cfg);
  close(to_win);
  int st;
  waitpid(win, &st, 0);
  close(from_win);
  assert_int_equal(leaks, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_no_personal_data_left_after_the_session),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
