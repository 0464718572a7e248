/* Delivery of the outbox against the real simulator over HTTPS: how often an in-doubt row is
 * tried when the window refuses to say what became of it, and how soon it is asked about once
 * the citizen's session has ended. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../net/harness.h"
#include "pishkhan/delivery.h"
#include "pishkhan/link.h"
#include "pishkhan/outbox.h"

typedef struct fixture {
  harness h;
  char dir[64];
  pk_outbox *ob;
  pk_link *link;
  pk_delivery *d;
  int attempts; /* outcomes reported by the delivery, one per attempt */
  pk_outbox_state last;
} fixture;

static void on_row(void *ud, const pk_outbox_row *row, const pk_net_result *st) {
  fixture *f = ud;
  f->attempts++;
  f->last = row->state;
}

static void open_fixture(fixture *f, bool mtls) {
  memset(f, 0, sizeof *f);
  h_start(&f->h, NULL, mtls);
  snprintf(f->dir, sizeof f->dir, "/tmp/pk-delivery-XXXXXX");
  assert_non_null(mkdtemp(f->dir));
  char path[96], err[128];
  snprintf(path, sizeof path, "%s/outbox.db", f->dir);
  f->ob = pk_outbox_open(path, NULL, err, sizeof err);
  assert_non_null(f->ob);
  f->link = pk_link_new(f->h.loop, f->h.net, PK_OFFLINE_NEVER, NULL, NULL);
  assert_non_null(f->link);
  f->d = pk_delivery_new(f->h.loop, f->h.net, f->ob, f->link, 1, on_row, f);
  assert_non_null(f->d);
}

static void close_fixture(fixture *f) {
  pk_delivery_stop(f->d);
  pk_delivery_free(f->d);
  pk_link_free(f->link);
  pk_outbox_close(f->ob);
  char cmd[96];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
  assert_int_equal(system(cmd), 0);
  h_stop(&f->h);
}

/* A row written before a crash: in doubt, no body in memory, so it can only be looked up. */
static void write_row(fixture *f, pk_outbox_row *row) {
  assert_true(pk_outbox_draft(f->ob, row));
  snprintf(row->service_id, sizeof row->service_id, "SV-10231");
  snprintf(row->national_masked, sizeof row->national_masked, "001****003");
  row->level = 3;
  row->state = PK_OB_SENDING;
  char err[128];
  assert_int_equal(pk_outbox_insert(f->ob, row, "h.k.iv.ct.tag", err, sizeof err), 0);
}

static void run_for(fixture *f, int ms) {
  uint64_t end = pk_now_ms() + (uint64_t)ms;
  while (pk_now_ms() < end) pk_loop_run_once(f->h.loop, 50);
}

/* The window answers a lookup 401 (this kiosk is not known to it without its certificate):
 * the row waits its backoff like any failure. Before, it was asked again at once, hundreds of
 * times a second, for as long as the kiosk ran. */
static void test_refused_lookup_waits(void **st) {
  fixture f;
  open_fixture(&f, false);
  pk_outbox_row row;
  write_row(&f, &row);
  pk_delivery_kick(f.d);
  run_for(&f, 2500);
  print_message("lookups answered 401 in 2.5 s: %d\n", f.attempts);
  assert_true(f.attempts >= 1);
  assert_true(f.attempts <= 2); /* the first, and at most one more after 1–3 s of backoff */
  assert_int_equal(f.last, PK_OB_QUEUED); /* waiting for its next attempt, nothing decided */
  pk_outbox_row_clear(&row);
  close_fixture(&f);
}

/* The citizen's session ended at the window while their request was replayed: the kiosk asks
 * by key at once (its certificate), and learns within a second that it was never stored. */
static void test_ended_session_asks_at_once(void **st) {
  fixture f;
  open_fixture(&f, true);
  assert_int_equal(h_login_otp(&f.h, "1234567891"), 2);
  pk_window_sim_advance_clock(f.h.sim, 3600); /* the session's token expires */
  pk_outbox_row row;
  write_row(&f, &row);
  uint64_t t0 = pk_now_ms();
  assert_int_equal(pk_delivery_send(f.d, &row, "{\"full_name\":\"x\"}"), 0);
  while (f.last != PK_OB_NOT_REGISTERED && pk_now_ms() - t0 < 5000) pk_loop_run_once(f.h.loop, 50);
  print_message("replay refused, then looked up: %s after %d attempts, %llu ms\n", pk_outbox_state_name(f.last),
                f.attempts, (unsigned long long)(pk_now_ms() - t0));
  assert_int_equal(f.last, PK_OB_NOT_REGISTERED);
  assert_int_equal(f.attempts, 2);
  assert_true(pk_now_ms() - t0 < 1000); /* no backoff between the refusal and the lookup */
  pk_outbox_row_clear(&row);
  close_fixture(&f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_refused_lookup_waits),
      cmocka_unit_test(test_ended_session_asks_at_once),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
