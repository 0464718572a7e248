/* When the kiosk does its background chores: ask the printer for its state (a printer can
 * take a second to answer, so a worker does it), and refresh the catalog from the window
 * (only while nobody is at the kiosk: a changed catalog is reloaded, and a session holds
 * pointers into it). Pure policy over a clock the caller gives, so tests use a fake one. */
#ifndef PISHKHAN_CHORES_H
#define PISHKHAN_CHORES_H
#include <stdbool.h>
#include <stdint.h>

enum { PK_CHORE_PRINTER = 1u, PK_CHORE_SYNC = 2u };

#define PK_PRINTER_POLL_MS 30000u
#define PK_CATALOG_SYNC_MS 300000u

typedef struct pk_chores {
  uint64_t printer_due, sync_due;
  unsigned running;      /* chores started and not yet done */
} pk_chores;

/* The printer is asked at once; the catalog was just synced at start. */
void pk_chores_init(pk_chores *c, uint64_t now_ms);
/* The chores to start now (PK_CHORE_* bits); each is then running until pk_chores_done. A
 * sync that falls due during a session waits for the first moment nobody is there. */
unsigned pk_chores_due(pk_chores *c, uint64_t now_ms, bool nobody_here);
void pk_chores_done(pk_chores *c, unsigned chore);

#endif
