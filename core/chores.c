/* The kiosk's background chores on a schedule (include/pishkhan/chores.h). */
#include "pishkhan/chores.h"

void pk_chores_init(pk_chores *c, uint64_t now) {
  c->printer_due = now;
  c->sync_due = now + PK_CATALOG_SYNC_MS;
  c->running = PK_CHORE_SYNC; /* the start-up sync */
}

unsigned pk_chores_due(pk_chores *c, uint64_t now, bool nobody_here) {
  unsigned start = 0;
  if (!(c->running & PK_CHORE_PRINTER) && now >= c->printer_due) {
    start |= PK_CHORE_PRINTER;
    c->printer_due = now + PK_PRINTER_POLL_MS;
  }
  if (!(c->running & PK_CHORE_SYNC) && now >= c->sync_due && nobody_here) {
    start |= PK_CHORE_SYNC;
    c->sync_due = now + PK_CATALOG_SYNC_MS;
  }
  c->running |= start;
  return start;
}

void pk_chores_done(pk_chores *c, unsigned chore) { c->running &= ~chore; }
