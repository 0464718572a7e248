/* Inside the live backend: shared by its card half (backend.c) and its request half
 * (backend_requests.c). */
#ifndef PK_BACKEND_PRIVATE_H
#define PK_BACKEND_PRIVATE_H
#include <stdbool.h>

#include "pishkhan/backend.h"
#include "pishkhan/receipt.h"
#include "pishkhan/worker.h"

struct pk_backend {
  pk_loop *loop;
  const pk_config *cfg;
  pk_net *net;
  pk_worker *worker;
  pk_transport_opener open;
  void *open_ud;
  pk_card_trust trust;
  pk_printer_opts printer;
  /* Touched only on the worker thread (jobs run in order). */
  pk_transport *tr;
  pk_card *card;
  bool pinpad;            /* the reader offers FEATURE_VERIFY_PIN_DIRECT */
  /* Main thread only. */
  pk_app *app;
  pk_net_req *inflight;
};

/* pk_worker_submit that never loses a job: refused, done still runs on the loop. */
int pk_be_run(pk_backend *be, pk_job_fn run, pk_job_fn done, void *job);

void pk_be_submit(void *be, pk_app *app, unsigned gen, const char *service_id, const char *fields_json,
                  const char *idem_key);
void pk_be_track(void *be, pk_app *app, unsigned gen, const char *tracking);
void pk_be_inbox(void *be, pk_app *app, unsigned gen);
void pk_be_document(void *be, pk_app *app, unsigned gen, const char *kind);
void pk_be_print(void *be, pk_app *app, unsigned gen, const char *jws);

#endif
