#include "pishkhan/worker.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

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
  pk_job *head, *tail;
  bool quit;
};

static void deliver(void *p) {
  pk_job *j = p;
  if (j->done) j->done(j->ud);
  free(j);
}

static void *worker_main(void *arg) {
  pk_worker *w = arg;
  pthread_mutex_lock(&w->lock);
  for (;;) {
    while (!w->head && !w->quit) pthread_cond_wait(&w->cond, &w->lock);
    if (w->quit) break;
    pk_job *j = w->head;
    w->head = j->next;
    if (!w->head) w->tail = NULL;
    pthread_mutex_unlock(&w->lock);
    j->run(j->ud);
    if (pk_loop_post_call(w->loop, deliver, j) != 0) deliver(j);
    pthread_mutex_lock(&w->lock);
  }
  pthread_mutex_unlock(&w->lock);
  return NULL;
}

pk_worker *pk_worker_new(pk_loop *loop) {
  pk_worker *w = calloc(1, sizeof *w);
  if (!w) return NULL;
  w->loop = loop;
  pthread_mutex_init(&w->lock, NULL);
  pthread_cond_init(&w->cond, NULL);
  if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
    free(w);
    return NULL;
  }
  return w;
}

void pk_worker_free(pk_worker *w) {
  if (!w) return;
  pthread_mutex_lock(&w->lock);
  w->quit = true;
  pk_job *j = w->head;
  w->head = w->tail = NULL;
  pthread_cond_signal(&w->cond);
  pthread_mutex_unlock(&w->lock);
  pthread_join(w->thread, NULL);
  /* Jobs that never ran still own memory their done frees. */
  while (j) {
    pk_job *n = j->next;
    deliver(j);
    j = n;
  }
  /* Completions already posted to the loop run when the loop drains (pk_loop_free frees). */
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
