/* The main loop: one thread owns all state and waits in poll() on the terminal,
 * libcurl's sockets, application timers and a wake-up eventfd through which other
 * threads (the card monitor, card workers) post events. Nothing else touches state. */
#ifndef PISHKHAN_LOOP_H
#define PISHKHAN_LOOP_H
#include <stdint.h>
#include "pishkhan/event.h"

typedef struct pk_loop pk_loop;

enum { PK_IO_IN = 1u, PK_IO_OUT = 2u, PK_IO_ERR = 4u };

typedef void (*pk_io_cb)(pk_loop *loop, int fd, unsigned revents, void *ud);
typedef void (*pk_timer_cb)(pk_loop *loop, unsigned id, void *ud);
typedef void (*pk_event_cb)(pk_loop *loop, const pk_event *ev, void *ud);
typedef void (*pk_call_cb)(void *ud);

pk_loop *pk_loop_new(void);
void pk_loop_free(pk_loop *loop);

/* Watch fd for PK_IO_IN/PK_IO_OUT (replaces an existing watch on the same fd). */
int pk_loop_watch(pk_loop *loop, int fd, unsigned events, pk_io_cb cb, void *ud);
void pk_loop_unwatch(pk_loop *loop, int fd);

/* One-shot timer after ms milliseconds; returns an id > 0, or 0 on failure. */
unsigned pk_loop_timer(pk_loop *loop, uint64_t ms, pk_timer_cb cb, void *ud);
/* Every ms milliseconds until cancelled: once made it cannot fail, so what depends on it (the
 * idle wipe) cannot stop. Returns an id > 0, or 0 on failure. */
unsigned pk_loop_every(pk_loop *loop, uint64_t ms, pk_timer_cb cb, void *ud);
void pk_loop_timer_cancel(pk_loop *loop, unsigned id);

/* Thread-safe: queue an event for the main thread's handler. Both posts return 0 when
 * queued and -1 when not (then nothing is delivered, so the caller may retry). */
int pk_loop_post(pk_loop *loop, const pk_event *ev);
/* A pk_event_sink that posts to the loop given as ud (a lost event is logged). */
void pk_loop_sink(const pk_event *ev, void *loop);
/* Thread-safe: run fn(ud) on the main thread at the next turn. */
int pk_loop_post_call(pk_loop *loop, pk_call_cb fn, void *ud);
void pk_loop_on_event(pk_loop *loop, pk_event_cb cb, void *ud);

/* Run one turn: wait at most max_wait_ms (-1 = until something happens). */
int pk_loop_run_once(pk_loop *loop, int max_wait_ms);
void pk_loop_stop(pk_loop *loop);
int pk_loop_stopped(const pk_loop *loop);

/* Monotonic milliseconds. */
uint64_t pk_now_ms(void);

#endif
