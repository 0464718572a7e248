/* The kiosk's side of its network helper: starts pishkhan-net on a socketpair, hands it HTTP
 * exchanges, and delivers their outcomes on the loop. A helper that dies or hangs fails what it
 * held as transient (the window client retries what may be retried) and is started afresh
 * for the next exchange. */
#ifndef PK_NET_NETPROC_H
#define PK_NET_NETPROC_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "wire.h"

typedef struct pk_netproc pk_netproc;

/* a's strings are copies; a->body, when there is one, sits at the start of block (NUL after
 * it). The callee may keep block by setting *take (then it frees it with pk_free_wiped). */
typedef void (*pk_netproc_cb)(void *ud, const pk_wire_resp *a, uint8_t *block, size_t cap, bool *take);

/* helper: the program's path, NULL or "" for the installed one (pk_netproc_default_path).
 * Starts it at once, so that a kiosk whose helper is missing says so at start. NULL with a
 * malloc'd message in *err. */
pk_netproc *pk_netproc_new(pk_loop *loop, const char *helper, const pk_wire_opts *o, char **err);
void pk_netproc_free(pk_netproc *p); /* pending exchanges end without their callbacks */

/* The helper beside this executable (a build tree), else in ../libexec/pishkhan/ from it,
 * else the one installed in libexec. */
void pk_netproc_default_path(char *out, size_t n);

/* Hands r to the helper; cb runs once, later, on the loop. deadline_ms bounds the whole
 * exchange: a helper that has not answered by then is taken for hung and killed. Returns an
 * id > 0, or 0 when the helper could not be reached (no callback then). */
uint32_t pk_netproc_send(pk_netproc *p, const pk_wire_req *r, uint64_t deadline_ms, pk_netproc_cb cb, void *ud);
/* The exchange's callback will not run; the helper drops it. */
void pk_netproc_cancel(pk_netproc *p, uint32_t id);

/* For tests: the running helper's pid, 0 when none. */
pid_t pk_netproc_pid(const pk_netproc *p);

#endif
