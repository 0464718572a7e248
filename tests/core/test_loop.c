/* The loop must deliver events posted from other threads, fire timers in order,
 * and wake for a readable fd: the three things the kiosk waits on. */
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "pishkhan/loop.h"
#include "pishkhan/worker.h"

/* How ui/run.c drives the loop. */
static void run_until_stopped(pk_loop *l) {
  while (!pk_loop_stopped(l)) pk_loop_run_once(l, -1);
}

static int seen_removed;
static void on_event(pk_loop *l, const pk_event *ev, void *ud) {
  (void)ud;
  if (ev->type == PK_EV_CARD_REMOVED) seen_removed++;
  pk_loop_stop(l);
}

static void *poster(void *arg) {
  usleep(20000);
  pk_event ev = {.type = PK_EV_CARD_REMOVED};
  pk_loop_post(arg, &ev);
  return NULL;
}

static void test_post_from_thread_wakes_loop(void **state) {
  (void)state;
  pk_loop *l = pk_loop_new();
  pk_loop_on_event(l, on_event, NULL);
  pthread_t t;
  pthread_create(&t, NULL, poster, l);
  uint64_t t0 = pk_now_ms();
  run_until_stopped(l);
  pthread_join(t, NULL);
  assert_int_equal(seen_removed, 1);
  assert_true(pk_now_ms() - t0 < 2000);
  pk_loop_free(l);
}

static int order[3], norder;
static void timer_cb(pk_loop *l, unsigned id, void *ud) {
  order[norder++] = (int)(intptr_t)ud;
  if (norder == 2) pk_loop_stop(l);
}

static void test_timers_fire_in_order_and_cancel(void **state) {
  (void)state;
  pk_loop *l = pk_loop_new();
  pk_loop_timer(l, 30, timer_cb, (void *)2);
  unsigned c = pk_loop_timer(l, 10, timer_cb, (void *)9);
  pk_loop_timer(l, 5, timer_cb, (void *)1);
  pk_loop_timer_cancel(l, c);
  run_until_stopped(l);
  assert_int_equal(norder, 2);
  assert_int_equal(order[0], 1);
  assert_int_equal(order[1], 2);
  pk_loop_free(l);
}

static int io_hits;
static void io_cb(pk_loop *l, int fd, unsigned rev, void *ud) {
  char c;
  assert_true(rev & PK_IO_IN);
  assert_int_equal(read(fd, &c, 1), 1);
  io_hits++;
  pk_loop_unwatch(l, fd);
  pk_loop_stop(l);
}

static int ticks;
static void tick_cb(pk_loop *l, unsigned id, void *ud) {
  if (++ticks == 3) pk_loop_timer_cancel(l, id);
}

/* One periodic timer fires again and again without being re-armed, until cancelled. */
static void test_periodic_timer_fires_until_cancelled(void **state) {
  pk_loop *l = pk_loop_new();
  ticks = 0;
  assert_true(pk_loop_every(l, 5, tick_cb, NULL) > 0);
  uint64_t end = pk_now_ms() + 2000;
  while (ticks < 3 && pk_now_ms() < end) pk_loop_run_once(l, 50);
  assert_int_equal(ticks, 3);
  for (int i = 0; i < 5; i++) pk_loop_run_once(l, 10); /* cancelled: no fourth */
  assert_int_equal(ticks, 3);
  pk_loop_free(l);
}

static void test_fd_watch(void **state) {
  (void)state;
  int p[2];
  assert_int_equal(pipe(p), 0);
  pk_loop *l = pk_loop_new();
  pk_loop_watch(l, p[0], PK_IO_IN, io_cb, NULL);
  assert_int_equal(write(p[1], "x", 1), 1);
  run_until_stopped(l);
  assert_int_equal(io_hits, 1);
  pk_loop_free(l);
  close(p[0]);
  close(p[1]);
}

static int called;
static void call_cb(void *ud) { called = *(int *)ud; }

static void test_post_call_runs_on_loop(void **state) {
  (void)state;
  pk_loop *l = pk_loop_new();
  int v = 42;
  pk_loop_post_call(l, call_cb, &v);
  assert_int_equal(called, 0); /* not run by the poster */
  pk_loop_run_once(l, 100);
  assert_int_equal(called, 42);
  pk_loop_free(l);
}

/* The loop's wake-up eventfd, found by its name in /proc (one loop exists at a time here). */
static int loop_eventfd(void) {
  DIR *d = opendir("/proc/self/fd");
  int found = -1;
  for (struct dirent *e; d && (e = readdir(d));) {
    char path[300], target[64];
    snprintf(path, sizeof path, "/proc/self/fd/%s", e->d_name);
    ssize_t n = readlink(path, target, sizeof target - 1);
    if (n > 0 && (target[n] = '\0', !strcmp(target, "anon_inode:[eventfd]"))) found = atoi(e->d_name);
  }
  if (d) closedir(d);
  return found;
}

/* Puts a read-only file where the eventfd was, so the loop's wake-up write fails (EBADF)
 * as a real write error would; returns the saved eventfd for mend_wake. */
static int break_wake(int fd) {
  int saved = dup(fd), ro = open("/dev/null", O_RDONLY);
  assert_true(saved >= 0 && ro >= 0);
  assert_int_equal(dup2(ro, fd), fd);
  close(ro);
  return saved;
}

static void mend_wake(int fd, int saved) {
  assert_int_equal(dup2(saved, fd), fd);
  close(saved);
}

static int deliveries;
static void count_cb(void *ud) {
  (void)ud;
  deliveries++;
}

/* A post reported as failed must not be delivered: the caller retries, and the citizen's
 * event would otherwise happen twice. */
static void test_failed_post_is_never_delivered(void **state) {
  (void)state;
  pk_loop *l = pk_loop_new();
  int fd = loop_eventfd();
  assert_true(fd >= 0);
  int saved = break_wake(fd);
  assert_int_equal(pk_loop_post_call(l, count_cb, NULL), -1);
  mend_wake(fd, saved);
  assert_int_equal(pk_loop_post_call(l, count_cb, NULL), 0); /* the caller's retry */
  pk_loop_run_once(l, 100);
  assert_int_equal(deliveries, 1);
  pk_loop_free(l);
}

static pthread_t loop_thread;
static atomic_int dones, dones_off_loop;
static char done_order[4];

typedef struct {
  pthread_mutex_t m;
  pthread_cond_t c;
  bool started, go;
} gate;
static gate g = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, false};

static void gate_set(bool *flag) {
  pthread_mutex_lock(&g.m);
  *flag = true;
  pthread_cond_broadcast(&g.c);
  pthread_mutex_unlock(&g.m);
}

static void gate_wait(const bool *flag) {
  pthread_mutex_lock(&g.m);
  while (!*flag) pthread_cond_wait(&g.c, &g.m);
  pthread_mutex_unlock(&g.m);
}

static void run_nothing(void *ud) { (void)ud; }
/* Starts only after the previous job's completion was offered to the loop. */
static void run_gated(void *ud) {
  (void)ud;
  gate_set(&g.started);
  gate_wait(&g.go);
}

static void job_done(void *ud) {
  if (!pthread_equal(pthread_self(), loop_thread)) atomic_fetch_add(&dones_off_loop, 1);
  int n = atomic_fetch_add(&dones, 1);
  if (n < 3) done_order[n] = *(const char *)ud;
}

/* `done` touches the state the loop owns: it must run on the loop's thread even when the
 * loop refused the completion at first, and exactly once. */
static void test_refused_completion_runs_done_on_loop_thread_once(void **state) {
  (void)state;
  loop_thread = pthread_self();
  pk_loop *l = pk_loop_new();
  int fd = loop_eventfd();
  assert_true(fd >= 0);
  pk_worker *w = pk_worker_new(l);
  int saved = break_wake(fd);
  static const char a = 'A', b = 'B';
  assert_int_equal(pk_worker_submit(w, run_nothing, job_done, (void *)&a), 0);
  assert_int_equal(pk_worker_submit(w, run_gated, job_done, (void *)&b), 0);
  gate_wait(&g.started); /* A ran and the loop refused its completion */
  mend_wake(fd, saved);
  gate_set(&g.go);
  for (uint64_t t0 = pk_now_ms(); atomic_load(&dones) < 2 && pk_now_ms() - t0 < 5000;) pk_loop_run_once(l, 100);
  pk_worker_free(w);
  pk_loop_run_once(l, 0);
  assert_int_equal(atomic_load(&dones_off_loop), 0);
  assert_int_equal(atomic_load(&dones), 2);
  assert_memory_equal(done_order, "AB", 2);
  pk_loop_free(l);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_post_from_thread_wakes_loop),
      cmocka_unit_test(test_timers_fire_in_order_and_cancel),
      cmocka_unit_test(test_periodic_timer_fires_until_cancelled),
      cmocka_unit_test(test_fd_watch),
      cmocka_unit_test(test_post_call_runs_on_loop),
      cmocka_unit_test(test_failed_post_is_never_delivered),
      cmocka_unit_test(test_refused_completion_runs_done_on_loop_thread_once),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
