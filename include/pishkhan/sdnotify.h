/* Telling systemd how the kiosk is (sd_notify): ready once the first frame is on screen, a
 * watchdog ping from the poll loop itself so that a hung loop is killed and restarted, and
 * stopping at exit. Outside systemd (no NOTIFY_SOCKET) every call does nothing. */
#ifndef PISHKHAN_SDNOTIFY_H
#define PISHKHAN_SDNOTIFY_H
#include "pishkhan/loop.h"

void pk_sd_ready(void);
void pk_sd_stopping(void);
/* When systemd asked for a watchdog, pings it from a timer of loop at half its interval.
 * Returns the ping interval in ms, 0 when no watchdog is asked for, -1 when it cannot be set. */
long pk_sd_watchdog_start(pk_loop *loop);

#endif
