/* One background thread for blocking card work. Jobs run in order; each job's `done`
 * runs afterwards on the main loop's thread, so results reach state only there. When the
 * loop cannot take a completion, the worker keeps it and posts it again later: done never
 * runs on the worker thread. */
#ifndef PISHKHAN_WORKER_H
#define PISHKHAN_WORKER_H
#include "pishkhan/loop.h"

typedef struct pk_worker pk_worker;
typedef void (*pk_job_fn)(void *job);

pk_worker *pk_worker_new(pk_loop *loop);
/* Call on the loop's thread. Waits for the running job, drops queued ones; their done,
 * and that of completions the loop never took, runs here. */
void pk_worker_free(pk_worker *w);
/* 0, or -1 when the job could not be queued: then neither run nor done will ever be
 * called, and the caller still owns job (and whatever waits for its done). */
int pk_worker_submit(pk_worker *w, pk_job_fn run, pk_job_fn done, void *job) __attribute__((warn_unused_result));

#endif
