/* Process hardening for the kiosk: its memory holds PINs, session tokens and citizens'
 * personal data, so it must not be readable through a core file or ptrace by another
 * process of the same user. */
#ifndef PISHKHAN_HARDEN_H
#define PISHKHAN_HARDEN_H
#include <stdbool.h>

/* Call first in main, before any thread starts. allow_core false (production): no core
 * files (RLIMIT_CORE 0) and not dumpable (PR_SET_DUMPABLE 0, which also refuses ptrace
 * attach by non-root). allow_core true (demo, tests): both left as they are, so a test can
 * gcore the process and check what it leaves in memory. Either way jansson and OpenSSL are
 * made to wipe what they free. 0, or -1 when a setting was refused (errno set). */
int pk_harden_process(bool allow_core);

#endif
