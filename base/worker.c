#include "pishkhan/worker.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

/* A completion the loop could not take is retried this often, never run on the worker. */
#define PK_WORKER_RETRY_MS 50

typedef struct pk_job {
  pk_job_fn run, done;
  void *ud;
  struct pk_job *next;
} pk_job;

struct pk_worker {
  pk_loop *loop;
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t cond;
  pk_job *head, *tail; /* waiting to run; guarded by lock */
  bool quit;
  /* Ran, but not yet handed to the loop, oldest first. Only the worker thread touches
   * them until pk_worker_free has joined it. */
  pk_job *unposted, *unposted_tail;
};

static void deliver(void *p) {
  pk_job *j = p;
  if (j->done) j->done(j->ud);
  free(j);
}

/* In order, so that done callbacks keep the order of their jobs; stops at the first
 * refusal. A posted job belongs to the loop, which may free it at once: read next first. */
static void post_completions(pk_worker *w) {
  while (w->unposted) {
    pk_job *j = w->unposted, *next = j->next;
    if (pk_loop_post_call(w->loop, deliver, j) != 0) return;
    w->unposted = next;
  }
  w->unposted_tail = NULL;
}

static void keep_unposted(pk_worker *w, pk_job *j) {
  j->next = NULL;
  if (w->unposted_tail) w->unposted_tail->next = j;
  else w->unposted = j;
  w->unposted_tail = j;
}

static void wait_retry(pk_worker *w) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  t.tv_nsec += PK_WORKER_RETRY_MS * 1000000L;
  if (t.tv_nsec >= 1000000000L) t.tv_sec++, t.tv_nsec -= 1000000000L;
  pthread_cond_timedwait(&w->cond, &w->lock, &t);
  pthread_mutex_unlock(&w->lock);
  post_completions(w);
  pthread_mutex_lock(&w->lock);
}

/* The next job to run, or NULL when told to quit. */
static pk_job *next_job(pk_worker *w) {
  pthread_mutex_lock(&w->lock);
  while (!w->head && !w->quit) {
    if (w->unposted) wait_retry(w);
    else pthread_cond_wait(&w->cond, &w->lock);
  }
  pk_job *j = w->quit ? NULL : w->head;
  if (j) {
    w->head = j->next;
    if (!w->head) w->tail = NULL;
  }
  pthread_mutex_unlock(&w->lock);
  return j;
}

static void *worker_main(void *arg) {
  pk_worker *w = arg;
  for (pk_job *j; (j = next_job(w));) {
    j->run(j->ud);
    keep_unposted(w, j);
    post_completions(w);
  }
  return NULL;
}

pk_worker *pk_worker_new(pk_loop *loop) {
  pk_worker *w = calloc(1, sizeof *w);
  if (!w) return NULL;
  w->loop = loop;
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_mutex_init(&w->lock, NULL);
  pthread_cond_init(&w->cond, &ca);
  pthread_condattr_destroy(&ca);
  if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->cond);
    free(w);
    return NULL;
  }
  return w;
}

static void deliver_all(pk_job *j) {
  while (j) {
    pk_job *n = j->next;
    deliver(j);
    j = n;
  }
}

void pk_worker_free(pk_worker *w) {
  if (!w) return;
  pthread_mutex_lock(&w->lock);
  w->quit = true;
  pk_job *dropped = w->head;
  w->head = w->tail = NULL;
  pthread_cond_signal(&w->cond);
  pthread_mutex_unlock(&w->lock);
  pthread_join(w->thread, NULL);
  /* This is the loop's thread: completions the loop never took, then jobs that never
   * ran (they still own memory their done frees). */
  deliver_all(w->unposted);
  deliver_all(dropped);
  /* Completions already posted to the loop run when the loop drains. */
  pthread_mutex_destroy(&w->lock);
  pthread_cond_destroy(&w->cond);
  free(w);
}

int pk_worker_submit(pk_worker *w, pk_job_fn run, pk_job_fn done, void *ud) {
  pk_job *j = calloc(1, sizeof *j);
  if (!j) return -1;
  *j = (pk_job){run, done, ud, NULL};
  pthread_mutex_lock(&w->lock);
  if (w->tail) w->tail->next = j;
  else w->head = j;
  w->tail = j;
  pthread_cond_signal(&w->cond);
  pthread_mutex_unlock(&w->lock);
  return 0;
}
