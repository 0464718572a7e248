/* A kiosk whose TLS identity files are missing or broken says so at start-up, naming the
 * setting and the file, instead of failing every call later; and the process hardening
 * that keeps its memory out of core files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "pishkhan/module_opts.h"
#include "pishkhan/harden.h"
#include "pishkhan/loop.h"
#include "pishkhan/net.h"

static void kiosk_cfg(pk_config *c) {
  const char *bin = getenv("PK_BINARY_DIR") ? getenv("PK_BINARY_DIR") : PK_BINARY_DIR;
  pk_config_defaults(c);
  snprintf(c->url, sizeof c->url, "https://127.0.0.1:9/api/v1");
  snprintf(c->ca_bundle, sizeof c->ca_bundle, "%s/pki/tls/ca.pem", bin);
  snprintf(c->client_cert, sizeof c->client_cert, "%s/pki/tls/kiosk.pem", bin);
  snprintf(c->client_key, sizeof c->client_key, "%s/pki/tls/kiosk-key.pem", bin);
}

/* pk_net_new refuses cfg with a message naming key and path. */
static void refused(const pk_config *c, const char *key, const char *path) {
  pk_loop *loop = pk_loop_new();
  char *err = NULL;
  pk_net *net = pk_net_new_config(loop, c, &err);
  if (net) fail_msg("%s = %s was accepted", key, path);
  assert_non_null(err);
  if (!strstr(err, key) || !strstr(err, path)) fail_msg("message does not name %s and %s: %s", key, path, err);
  free(err);
  pk_loop_free(loop);
}

static void test_identity_files_checked_at_start(void **state) {
  pk_config c;
  kiosk_cfg(&c);
  pk_loop *loop = pk_loop_new();
  char *err = NULL;
  pk_net *net = pk_net_new_config(loop, &c, &err);
  if (!net) fail_msg("a good configuration was refused: %s", err);
  pk_net_free(net);
  pk_loop_free(loop);

  pk_config bad = c;
  snprintf(bad.ca_bundle, sizeof bad.ca_bundle, "/nonexistent/pishkhan/ca.pem");
  refused(&bad, "ca_bundle", bad.ca_bundle);
  bad = c;
  snprintf(bad.client_cert, sizeof bad.client_cert, "/nonexistent/pishkhan/kiosk.pem");
  refused(&bad, "client_cert", bad.client_cert);

  char garbage[] = "/tmp/pk-garbage-key-XXXXXX";
  int fd = mkstemp(garbage);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, "-----BEGIN PRIVATE KEY-----\nnot base64 at all\n", 46), 46);
  close(fd);
  bad = c;
  snprintf(bad.client_key, sizeof bad.client_key, "%s", garbage);
  refused(&bad, "client_key", garbage);
  /* A certificate where the key should be is no key either. */
  snprintf(bad.client_key, sizeof bad.client_key, "%s", c.client_cert);
  refused(&bad, "client_key", c.client_cert);
  bad = c;
  snprintf(bad.ca_bundle, sizeof bad.ca_bundle, "%s", garbage);
  refused(&bad, "ca_bundle", garbage);
  unlink(garbage);
  pk_config_free(&c);
}

/* In a child: the settings are for the whole process. */
static int harden_child(bool allow_core) {
  pid_t pid = fork();
  if (pid == 0) {
    int dumpable_before = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
    if (pk_harden_process(allow_core) != 0) _exit(10);
    struct rlimit rl;
    getrlimit(RLIMIT_CORE, &rl);
    int dumpable = prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
    if (allow_core) _exit(dumpable == dumpable_before ? 0 : 11);
    _exit(dumpable == 0 && rl.rlim_cur == 0 && rl.rlim_max == 0 ? 0 : 12);
  }
  int st = 0;
  waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_harden_process(void **state) {
  assert_int_equal(harden_child(false), 0);
  assert_int_equal(harden_child(true), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_identity_files_checked_at_start),
    cmocka_unit_test(test_harden_process),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
