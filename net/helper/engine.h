/* The helper's HTTPS engine: libcurl's multi interface on the helper's own loop. */
#ifndef PK_NET_HELPER_ENGINE_H
#define PK_NET_HELPER_ENGINE_H
#include <stdint.h>

#include "../wire.h"

typedef struct pk_engine pk_engine;
/* Runs once per started exchange that was not cancelled; r is valid during the call. */
typedef void (*pk_engine_done_cb)(void *ud, uint32_t id, const pk_wire_resp *r);

pk_engine *pk_engine_new(pk_loop *loop, pk_engine_done_cb done, void *ud);
void pk_engine_free(pk_engine *e);
void pk_engine_set_opts(pk_engine *e, const pk_wire_opts *o);
/* Copies what it needs of r. A request that cannot even start still answers through done. */
void pk_engine_start(pk_engine *e, uint32_t id, const pk_wire_req *r);
void pk_engine_cancel(pk_engine *e, uint32_t id);

#endif
