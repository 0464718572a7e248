/* What a citizen reads when a call fails: every cause the client reports has a sentence
 * in core with a Persian translation; a failed random generator fails through its callback,
 * clearly, and sends nothing; a network helper that is missing, dies or hangs is said,
 * fails only what it held, and the next call gets a fresh one. */
#define OPENSSL_SUPPRESS_DEPRECATED /* RAND_set_rand_method: the way to make RAND_bytes fail */
#include <locale.h>
#include <netinet/in.h>
#include <openssl/rand.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "pishkhan/i18n.h"
#include "pishkhan/module_opts.h"
#include "pishkhan/backend.h"
#include "pishkhan/loop.h"
#include "pishkhan/net.h"

static bool has_arabic_script(const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p >= 0xD8 && *p <= 0xDB) return true; /* lead bytes of U+0600..U+06FF */
  return false;
}

static void test_every_cause_has_a_persian_sentence(void **state) {
  pk_i18n_set_lang(PK_LANG_FA);
  for (int e = 0; e < PK_NET_ERROR_COUNT; e++) {
    const char *name = pk_net_error_name((pk_net_error)e), *msgid = pk_net_error_msgid((pk_net_error)e);
    assert_string_not_equal(name, "?");
    assert_non_null(msgid);
    const char *fa = pk_tr_fa(msgid);
    if (strcmp(fa, msgid) == 0 || !has_arabic_script(fa)) fail_msg("no Persian for %s: \"%s\"", name, msgid);
    for (int o = 0; o < e; o++) assert_string_not_equal(name, pk_net_error_name((pk_net_error)o));
  }
  /* The causes a citizen must tell apart do not share a sentence. */
  const pk_net_error apart[] = {PK_NET_OFFLINE, PK_NET_TLS, PK_NET_PROTOCOL, PK_NET_STORAGE, PK_NET_INTERNAL};
  for (size_t i = 0; i < sizeof apart / sizeof *apart; i++)
    for (size_t j = 0; j < i; j++) assert_string_not_equal(pk_net_error_msgid(apart[i]), pk_net_error_msgid(apart[j]));
}

/* ---- a client with no window behind it: these calls fail before they leave ---- */
typedef struct {
  pk_loop *loop;
  pk_config cfg;
  pk_net *net;
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  f->loop = pk_loop_new();
  pk_config_defaults(&f->cfg);
  snprintf(f->cfg.url, sizeof f->cfg.url, "https://127.0.0.1:9/api/v1");
  snprintf(f->cfg.kiosk_id, sizeof f->cfg.kiosk_id, "kiosk-test-01");
  char *err = NULL;
  f->net = pk_net_new_config(f->loop, &f->cfg, &err);
  if (!f->net) fail_msg("pk_net_new: %s", err ? err : "?");
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  pk_net_free(f->net);
  pk_loop_free(f->loop);
  pk_config_free(&f->cfg);
  free(f);
  return 0;
}

typedef struct {
  int calls;
  pk_net_result st;
} seen;

static void on_rec(const pk_net_receipt *r, void *ud) {
  seen *s = ud;
  s->calls++;
  s->st = r->st;
}

static void run_until_called(fixture *f, const seen *s) {
  uint64_t end = pk_now_ms() + 2000;
  while (!s->calls && pk_now_ms() < end) pk_loop_run_once(f->loop, 50);
  assert_int_equal(s->calls, 1);
}

static int no_bytes(unsigned char *buf, int num) {
  (void)buf;
  (void)num;
  return 0;
}

static int rand_status_bad(void) { return 0; }

static void test_failed_rng_gives_no_key_and_the_submit_fails(void **state) {
  fixture *f = *state;
  RAND_METHOD broken = {.bytes = no_bytes, .pseudorand = no_bytes, .status = rand_status_bad};
  char key[37] = "stale-key-from-an-earlier-request";
  assert_int_equal(RAND_set_rand_method(&broken), 1);
  bool ok = pk_net_new_idem_key(key);
  RAND_set_rand_method(NULL);
  assert_false(ok);
  assert_string_equal(key, "");
  seen s = {0};
  assert_non_null(pk_net_submit(f->net, "tamin-0001", "{\"mobile\":\"09121234567\"}", key, on_rec, &s));
  assert_int_equal(s.calls, 0); /* never from inside the call */
  run_until_called(f, &s);
  assert_int_equal(s.st.err, PK_NET_INTERNAL);
  assert_string_equal(s.st.code, "no_random_key");
  assert_int_equal(s.st.attempts, 0); /* nothing was sent */
  assert_true(pk_net_new_idem_key(key));
  assert_int_equal(strlen(key), 36);
}

/* A window that takes the connection and never says a word: the exchange stays in the helper. */
static int silent_listener(char *url, size_t n) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  socklen_t al = sizeof a;
  assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
  assert_int_equal(listen(fd, 8), 0);
  assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &al), 0);
  snprintf(url, n, "https://127.0.0.1:%d/api/v1", ntohs(a.sin_port));
  return fd;
}

static void on_done(const pk_net_result *r, void *ud) {
  seen *s = ud;
  s->calls++;
  s->st = *r;
}

static void run_for(fixture *f, const seen *s, int ms) {
  uint64_t end = pk_now_ms() + (uint64_t)ms;
  while (!s->calls && pk_now_ms() < end) pk_loop_run_once(f->loop, 50);
  assert_int_equal(s->calls, 1);
}

static void renet(fixture *f, const char *url, const char *helper, char **err) {
  pk_net_free(f->net);
  pk_net_opts o;
  pk_config_net_opts(&f->cfg, &o);
  snprintf(o.url, sizeof o.url, "%s", url);
  snprintf(o.helper, sizeof o.helper, "%s", helper);
  o.connect_timeout_ms = 300;
  o.total_timeout_ms = 500;
  f->net = pk_net_new(f->loop, &o, err);
}

/* A client whose window never answers; its helper's pid. */
static pid_t client_of_a_silent_window(fixture *f, int *lfd) {
  char url[64];
  *lfd = silent_listener(url, sizeof url);
  renet(f, url, "", NULL);
  assert_non_null(f->net);
  pid_t pid = pk_net_helper_pid(f->net);
  assert_true(pid > 0);
  return pid;
}

static void test_missing_helper_is_said_at_start(void **state) {
  fixture *f = *state;
  char *err = NULL;
  renet(f, "https://127.0.0.1:9/api/v1", "/nonexistent/pishkhan-net", &err);
  assert_null(f->net);
  assert_non_null(err);
  assert_non_null(strstr(err, "network helper"));
  assert_non_null(strstr(err, "/nonexistent/pishkhan-net"));
  free(err);
}

/* The helper killed in the middle of an exchange: that call fails as transient (offline), and
 * the next call is served by a new helper, which really reaches the network. */
static void test_dead_helper_fails_its_call_and_is_replaced(void **state) {
  fixture *f = *state;
  int lfd;
  pid_t first = client_of_a_silent_window(f, &lfd);
  seen s = {0};
  assert_non_null(pk_net_health(f->net, on_done, &s));
  for (int i = 0; i < 5; i++) pk_loop_run_once(f->loop, 20); /* the exchange reaches the helper */
  assert_int_equal(s.calls, 0);
  assert_int_equal(kill(first, SIGKILL), 0);
  run_for(f, &s, 2000);
  assert_int_equal(s.st.err, PK_NET_OFFLINE);
  assert_string_equal(s.st.code, "net_helper_failed");
  seen t = {0};
  close(lfd); /* now refused: only a working helper can tell */
  assert_non_null(pk_net_health(f->net, on_done, &t));
  pid_t second = pk_net_helper_pid(f->net);
  assert_true(second > 0 && second != first);
  run_for(f, &t, 3000);
  assert_int_equal(t.st.err, PK_NET_OFFLINE);
  assert_string_equal(t.st.code, "offline");
  assert_int_equal(kill(first, 0), -1); /* reaped, not left a zombie */
}

static bool is_zombie(pid_t pid) {
  char path[64], st[256];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  FILE *f = fopen(path, "r");
  size_t n = f ? fread(st, 1, sizeof st - 1, f) : 0;
  if (f) fclose(f);
  st[n] = 0;
  const char *close_paren = strrchr(st, ')');
  return close_paren && close_paren[1] == ' ' && close_paren[2] == 'Z';
}

/* A call made after the helper died but before the loop saw it go: the same transient failure
 * as for what it held, never an internal error. */
static void test_a_call_to_a_helper_just_dead_is_transient(void **state) {
  fixture *f = *state;
  int lfd;
  pid_t pid = client_of_a_silent_window(f, &lfd);
  assert_int_equal(kill(pid, SIGKILL), 0);
  uint64_t end = pk_now_ms() + 2000;
  while (!is_zombie(pid) && pk_now_ms() < end) usleep(1000);
  assert_true(is_zombie(pid));
  seen s = {0};
  assert_non_null(pk_net_health(f->net, on_done, &s));
  run_for(f, &s, 2000);
  assert_int_equal(s.st.err, PK_NET_OFFLINE);
  assert_string_equal(s.st.code, "net_helper_failed");
  close(lfd);
}

/* A helper that stops answering (stopped, as a hung one would be) is killed at its deadline:
 * the call ends instead of waiting for ever. */
static void test_hung_helper_is_killed_at_the_deadline(void **state) {
  fixture *f = *state;
  int lfd;
  pid_t pid = client_of_a_silent_window(f, &lfd);
  assert_int_equal(kill(pid, SIGSTOP), 0);
  seen s = {0};
  uint64_t t0 = pk_now_ms();
  assert_non_null(pk_net_health(f->net, on_done, &s));
  run_for(f, &s, 15000);
  uint64_t took = pk_now_ms() - t0;
  assert_int_equal(s.st.err, PK_NET_OFFLINE);
  assert_string_equal(s.st.code, "net_helper_failed");
  assert_true(took >= 5000 && took < 12000); /* 300 + 500 ms of timeouts and 5 s of slack */
  close(lfd);
}

int main(void) {
  setlocale(LC_ALL, "C");
  pk_i18n_init(NULL);
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_every_cause_has_a_persian_sentence),
    cmocka_unit_test_setup_teardown(test_failed_rng_gives_no_key_and_the_submit_fails, setup, teardown),
    cmocka_unit_test_setup_teardown(test_missing_helper_is_said_at_start, setup, teardown),
    cmocka_unit_test_setup_teardown(test_dead_helper_fails_its_call_and_is_replaced, setup, teardown),
    cmocka_unit_test_setup_teardown(test_a_call_to_a_helper_just_dead_is_transient, setup, teardown),
    cmocka_unit_test_setup_teardown(test_hung_helper_is_killed_at_the_deadline, setup, teardown),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  pk_i18n_shutdown();
  return rc;
}
