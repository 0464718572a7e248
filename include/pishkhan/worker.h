/* One background thread for blocking card work. Jobs run in order; each job's `done`
 * runs afterwards on the main loop's thread, so results reach state only there. */
#ifndef PISHKHAN_WORKER_H
#define PISHKHAN_WORKER_H
#include "pishkhan/loop.h"

typedef struct pk_worker pk_worker;
typedef void (*pk_job_fn)(void *job);

pk_worker *pk_worker_new(pk_loop *loop);
/* Waits for the running job, drops queued ones (their done still runs, on this thread). */
void pk_worker_free(pk_worker *w);
int pk_worker_submit(pk_worker *w, pk_job_fn run, pk_job_fn done, void *job);

#endif
