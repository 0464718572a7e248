/* Printing to a CUPS queue, with libcups loaded only when a kiosk is configured for one.
 * Linked, libcups would map itself, Avahi, Kerberos and GnuTLS into every kiosk, also the
 * ones that print ESC/POS; the header gives the types and the names are looked up once. */
#include <cups/cups.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define CUPS_SONAME "libcups.so.2"

/* The ten calls we make, by the names libcups exports. */
#define CUPS_CALLS(X)                                                                                   \
  X(cupsSetServer, void, (const char *))                                                                \
  X(cupsCreateJob, int, (http_t *, const char *, const char *, int, cups_option_t *))                  \
  X(cupsStartDocument, http_status_t, (http_t *, const char *, int, const char *, const char *, int))   \
  X(cupsWriteRequestData, http_status_t, (http_t *, const char *, size_t))                              \
  X(cupsFinishDocument, ipp_status_t, (http_t *, const char *))                                         \
  X(cupsCancelJob, int, (const char *, int))                                                            \
  X(cupsLastErrorString, const char *, (void))                                                          \
  X(cupsGetNamedDest, cups_dest_t *, (http_t *, const char *, const char *))                            \
  X(cupsGetOption, const char *, (const char *, int, cups_option_t *))                                  \
  X(cupsFreeDests, void, (int, cups_dest_t *))

typedef struct cups_api {
#define FIELD(name, ret, args) ret(*name) args;
  CUPS_CALLS(FIELD)
#undef FIELD
} cups_api;

static cups_api api;
static const cups_api *loaded;
static char load_error[160];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void) {
  void *h = dlopen(CUPS_SONAME, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    snprintf(load_error, sizeof load_error, "%s cannot be loaded (is libcups2 installed?): %s", CUPS_SONAME,
             dlerror());
    return;
  }
#define LOOKUP(name, ret, args)                                                            \
  if (!(*(void **)&api.name = dlsym(h, #name))) {                                          \
    snprintf(load_error, sizeof load_error, "%s lacks %s", CUPS_SONAME, #name);            \
    return;                                                                                \
  }
  CUPS_CALLS(LOOKUP)
#undef LOOKUP
  loaded = &api; /* kept open for the process's life: the kiosk prints all day */
}

static const cups_api *cups(const pk_printer_opts *o, char *err, size_t errsz) {
  pthread_once(&once, load);
  if (!loaded) {
    rc_set_err(err, errsz, "%s", load_error);
    return NULL;
  }
  if (o->cups_server[0]) loaded->cupsSetServer(o->cups_server);
  return loaded;
}

int pk_print_cups(const pk_printer_opts *cfg, const pk_receipt *r, const char *jws, char *err, size_t errsz) {
  const cups_api *c = cups(cfg, err, errsz);
  if (!c) return -PK_RECEIPT_EIO;
  int paper = cfg->cups_roll ? cfg->paper_mm : 210; /* A4 unless the queue is a roll */
  unsigned char *pdf;
  size_t n;
  int rc = pk_receipt_render_pdf(r, jws, paper, &pdf, &n);
  if (rc) {
    rc_set_err(err, errsz, "cannot render the receipt");
    return rc;
  }
  char title[96];
  snprintf(title, sizeof title, "receipt %s", r->tracking_code);
  int job = c->cupsCreateJob(CUPS_HTTP_DEFAULT, cfg->dest, title, 0, NULL);
  rc = -PK_RECEIPT_EIO;
  if (job <= 0) {
    rc_set_err(err, errsz, "CUPS refused the job on \"%s\": %s", cfg->dest, c->cupsLastErrorString());
  } else if (c->cupsStartDocument(CUPS_HTTP_DEFAULT, cfg->dest, job, "receipt.pdf", CUPS_FORMAT_PDF, 1) !=
                 HTTP_STATUS_CONTINUE ||
             c->cupsWriteRequestData(CUPS_HTTP_DEFAULT, (const char *)pdf, n) != HTTP_STATUS_CONTINUE ||
             c->cupsFinishDocument(CUPS_HTTP_DEFAULT, cfg->dest) != IPP_STATUS_OK) {
    rc_set_err(err, errsz, "CUPS job %d failed: %s", job, c->cupsLastErrorString());
    c->cupsCancelJob(cfg->dest, job);
  } else {
    rc = 0;
  }
  free(pdf);
  return rc;
}

pk_printer_state_t pk_cups_state(const pk_printer_opts *cfg, char *detail, size_t dsz) {
  const cups_api *c = cups(cfg, detail, dsz);
  if (!c) return PK_PRINTER_OFFLINE;
  cups_dest_t *d = c->cupsGetNamedDest(CUPS_HTTP_DEFAULT, cfg->dest, NULL);
  if (!d) {
    rc_set_err(detail, dsz, "CUPS queue \"%s\" not found: %s", cfg->dest, c->cupsLastErrorString());
    return PK_PRINTER_OFFLINE;
  }
  const char *st = c->cupsGetOption("printer-state", d->num_options, d->options);
  const char *why = c->cupsGetOption("printer-state-reasons", d->num_options, d->options);
  pk_printer_state_t s = PK_PRINTER_READY;
  if (why && strstr(why, "media-empty")) s = PK_PRINTER_PAPER_OUT;
  else if (why && strstr(why, "offline")) s = PK_PRINTER_OFFLINE;
  else if (st && !strcmp(st, "5")) s = PK_PRINTER_OFFLINE; /* stopped */
  else if (why && strstr(why, "media-low")) s = PK_PRINTER_PAPER_LOW;
  rc_set_err(detail, dsz, "printer-state %s, reasons %s", st ? st : "?", why ? why : "none");
  c->cupsFreeDests(1, d);
  return s;
}
