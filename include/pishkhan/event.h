/* Events posted to the main loop by other threads (card monitor) or by the loop itself. */
#ifndef PISHKHAN_EVENT_H
#define PISHKHAN_EVENT_H
#include <stddef.h>
#include <stdint.h>

typedef enum {
  PK_EV_NONE = 0,
  PK_EV_READER_ADDED,    /* reader: name */
  PK_EV_READER_REMOVED,  /* reader: name */
  PK_EV_CARD_INSERTED,   /* reader, atr */
  PK_EV_CARD_REMOVED,    /* reader */
  PK_EV_READER_ERROR,    /* the PC/SC service went away or failed; code = SCARD_* */
  PK_EV_QUIT,
} pk_event_type;

#define PK_READER_NAME_MAX 128
#define PK_ATR_MAX 33

typedef struct pk_event {
  pk_event_type type;
  char reader[PK_READER_NAME_MAX];
  uint8_t atr[PK_ATR_MAX];
  size_t atr_len;
  long code;
} pk_event;


/* Where a thread that watches the world (the card monitor) sends what it saw. Called on that
 * thread: it must only hand the event over (pk_loop_sink posts it to the main loop). */
typedef void (*pk_event_sink)(const pk_event *ev, void *ud);

#endif
