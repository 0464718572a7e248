/* Integration harness: a private pcscd with vpcd, pishkhan-vcard processes, and the
 * events of a card monitor collected from a pk_loop. Run under pcsc-ns.sh. */
#ifndef PK_PCSC_HARNESS_H
#define PK_PCSC_HARNESS_H
#include <stdbool.h>
#include <sys/types.h>

#include "pishkhan/event.h"
#include "pishkhan/loop.h"

#define H_READER "Pishkhan Test Reader 00 00"
#define H_PORT "35963"

typedef struct {
  char dir[256];      /* private temp dir: reader.conf, logs, control FIFO */
  pid_t pcscd, vcard;
  char fifo[300];
} harness;

int h_setup(harness *h);          /* temp dir + pcscd running with the vpcd reader */
void h_teardown(harness *h);
int h_pcscd_start(harness *h);    /* returns 0 once the reader is listed */
void h_pcscd_stop(harness *h);
/* Starts pishkhan-vcard with persona and extra args (NULL-terminated); waits until
 * the card is present in the reader when wait is true. */
int h_vcard_start(harness *h, const char *persona, int wait, ...);
void h_vcard_stop(harness *h);
void h_vcard_control(harness *h, const char *line); /* "remove", "insert", ... */
bool h_card_present(int timeout_ms, bool want);

/* Events from a monitor */
typedef struct {
  pk_loop *loop;
  pk_event ev[256];
  int n, seen;
} h_events;
void h_events_init(h_events *e);
void h_events_free(h_events *e);
/* Waits for the next event of type (skipping others); true if it came in time. */
bool h_wait_event(h_events *e, pk_event_type type, int timeout_ms, pk_event *out);

#endif
