/* Keeps the kiosk's memory to itself (see pishkhan/harden.h). */
#include "pishkhan/harden.h"

#include <sys/prctl.h>
#include <sys/resource.h>

#include "pishkhan/net.h"

int pk_harden_process(bool allow_core) {
  pk_net_wipe_json_memory();
  /* Refused only once OpenSSL has allocated, which being first in main rules out (a test
   * that forks after using OpenSSL gets the rest of the hardening all the same). */
  (void)pk_net_wipe_crypto_memory();
  if (allow_core) return 0;
  struct rlimit none = {0, 0};
  if (setrlimit(RLIMIT_CORE, &none) != 0) return -1;
  return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0 ? 0 : -1;
}
