/* What a citizen reads when a call fails: every cause the client reports has a sentence
 * in core with a Persian translation; a failed random generator or a request that cannot
 * even get a curl handle still fails through its callback, clearly, and sends nothing. */
#define OPENSSL_SUPPRESS_DEPRECATED /* RAND_set_rand_method: the way to make RAND_bytes fail */
#include <curl/curl.h>
#include <dlfcn.h>
#include <locale.h>
#include <openssl/rand.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static void on_inbox(const pk_net_inbox *r, void *ud) {
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

/* libcurl refusing a handle (out of memory): the executable's definition interposes. */
static bool refuse_handles;

CURL *curl_easy_init(void) {
  static CURL *(*real)(void);
  if (!real) *(void **)&real = dlsym(RTLD_NEXT, "curl_easy_init");
  return refuse_handles ? NULL : real();
}

static void test_no_curl_handle_still_calls_back(void **state) {
  fixture *f = *state;
  refuse_handles = true;
  seen s = {0};
  pk_net_req *r = pk_net_inbox_get(f->net, on_inbox, &s);
  seen t = {0};
  pk_net_submit(f->net, "tamin-0001", "{}", "0123456789abcdef", on_rec, &t);
  refuse_handles = false;
  assert_non_null(r);
  run_until_called(f, &s);
  run_until_called(f, &t);
  assert_int_equal(s.st.err, PK_NET_INTERNAL);
  assert_string_equal(s.st.code, "out_of_memory");
  assert_int_equal(t.st.err, PK_NET_INTERNAL);
}

int main(void) {
  setlocale(LC_ALL, "C");
  pk_i18n_init(NULL);
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_every_cause_has_a_persian_sentence),
    cmocka_unit_test_setup_teardown(test_failed_rng_gives_no_key_and_the_submit_fails, setup, teardown),
    cmocka_unit_test_setup_teardown(test_no_curl_handle_still_calls_back, setup, teardown),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  pk_i18n_shutdown();
  return rc;
}
