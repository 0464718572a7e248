/* sd_notify through libsystemd: the protocol (an abstract or path socket, credentials) is
 * systemd's to define, so it is not written again here. */
#include "pishkhan/sdnotify.h"
#include "pishkhan/log.h"

#include <systemd/sd-daemon.h>

void pk_sd_ready(void) { sd_notify(0, "READY=1"); }

void pk_sd_stopping(void) { sd_notify(0, "STOPPING=1"); }

/* A timer of the loop, not a thread: the ping stops exactly when the loop stops turning. */
static void ping(pk_loop *loop, unsigned id, void *ud) { sd_notify(0, "WATCHDOG=1"); }

long pk_sd_watchdog_start(pk_loop *loop) {
  uint64_t usec = 0;
  /* 0 also when WATCHDOG_PID names another process: the unit must not pass it to a
   * grandchild (packaging/systemd/pishkhan-kiosk.service unsets it). */
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec < 2000) return 0;
  uint64_t ms = usec / 2000;
  if (!pk_loop_every(loop, ms, ping, NULL)) {
    pk_err("watchdog: the ping timer cannot be made; systemd will restart the kiosk");
    return -1;
  }
  sd_notify(0, "WATCHDOG=1");
  pk_info("watchdog: pinging systemd every %llu ms", (unsigned long long)ms);
  return (long)ms;
}
