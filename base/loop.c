/* poll()-based main loop. Other threads never touch state: they write into a queue
 * guarded by a mutex and kick an eventfd; the loop drains the queue on its own thread. */
#include "pishkhan/loop.h"
#include "pishkhan/log.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

typedef struct {
  int fd;
  unsigned events;
  pk_io_cb cb;
  void *ud;
} pk_watch;

typedef struct {
  unsigned id;
  uint64_t due;
  uint64_t every;   /* 0: once */
  pk_timer_cb cb;
  void *ud;
} pk_timer;

typedef struct pk_posted {
  pk_event ev;      /* used when fn == NULL */
  pk_call_cb fn;
  void *ud;
  struct pk_posted *next;
} pk_posted;

struct pk_loop {
  pk_watch *watches;
  size_t nwatches, capwatches;
  pk_timer *timers;
  size_t ntimers, captimers;
  unsigned next_timer_id;
  int wakefd;
  pthread_mutex_t lock;
  pk_posted *head, *tail;
  pk_event_cb on_event;
  void *on_event_ud;
  int stop;
};

uint64_t pk_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

pk_loop *pk_loop_new(void) {
  pk_loop *l = calloc(1, sizeof *l);
  if (!l) return NULL;
  l->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (l->wakefd < 0) {
    free(l);
    return NULL;
  }
  pthread_mutex_init(&l->lock, NULL);
  l->next_timer_id = 1;
  return l;
}

void pk_loop_free(pk_loop *l) {
  if (!l) return;
  pk_posted *p = l->head;
  while (p) {
    pk_posted *n = p->next;
    free(p);
    p = n;
  }
  close(l->wakefd);
  pthread_mutex_destroy(&l->lock);
  free(l->watches);
  free(l->timers);
  free(l);
}

static pk_watch *find_watch(pk_loop *l, int fd) {
  for (size_t i = 0; i < l->nwatches; i++)
    if (l->watches[i].fd == fd) return &l->watches[i];
  return NULL;
}

int pk_loop_watch(pk_loop *l, int fd, unsigned events, pk_io_cb cb, void *ud) {
  pk_watch *w = find_watch(l, fd);
  if (!w) {
    if (l->nwatches == l->capwatches) {
      size_t cap = l->capwatches ? l->capwatches * 2 : 8;
      pk_watch *nw = realloc(l->watches, cap * sizeof *nw);
      if (!nw) return -1;
      l->watches = nw;
      l->capwatches = cap;
    }
    w = &l->watches[l->nwatches++];
  }
  *w = (pk_watch){fd, events, cb, ud};
  return 0;
}

void pk_loop_unwatch(pk_loop *l, int fd) {
  pk_watch *w = find_watch(l, fd);
  if (w) *w = l->watches[--l->nwatches];
}

static unsigned add_timer(pk_loop *l, uint64_t ms, uint64_t every, pk_timer_cb cb, void *ud) {
  if (l->ntimers == l->captimers) {
    size_t cap = l->captimers ? l->captimers * 2 : 8;
    pk_timer *nt = realloc(l->timers, cap * sizeof *nt);
    if (!nt) return 0;
    l->timers = nt;
    l->captimers = cap;
  }
  unsigned id = l->next_timer_id++;
  if (l->next_timer_id == 0) l->next_timer_id = 1;
  l->timers[l->ntimers++] = (pk_timer){id, pk_now_ms() + ms, every, cb, ud};
  return id;
}

unsigned pk_loop_timer(pk_loop *l, uint64_t ms, pk_timer_cb cb, void *ud) { return add_timer(l, ms, 0, cb, ud); }

unsigned pk_loop_every(pk_loop *l, uint64_t ms, pk_timer_cb cb, void *ud) {
  return ms ? add_timer(l, ms, ms, cb, ud) : 0;
}

void pk_loop_timer_cancel(pk_loop *l, unsigned id) {
  for (size_t i = 0; i < l->ntimers; i++) {
    if (l->timers[i].id == id) {
      l->timers[i] = l->timers[--l->ntimers];
      return;
    }
  }
}

/* The wake-up is written under the lock, so a failed write can take the item back out
 * before the loop could have drained it: failure always means "not queued", and a caller
 * that retries cannot get the item delivered twice. */
static int enqueue(pk_loop *l, pk_posted *p) {
  pthread_mutex_lock(&l->lock);
  pk_posted *prev = l->tail;
  if (prev) prev->next = p;
  else l->head = p;
  l->tail = p;
  uint64_t one = 1;
  /* EAGAIN means the counter is already non-zero: the loop will wake anyway. */
  int rc = write(l->wakefd, &one, sizeof one) < 0 && errno != EAGAIN ? -1 : 0;
  if (rc != 0) {
    if (prev) prev->next = NULL;
    else l->head = NULL;
    l->tail = prev;
    free(p);
  }
  pthread_mutex_unlock(&l->lock);
  return rc;
}

int pk_loop_post(pk_loop *l, const pk_event *ev) {
  pk_posted *p = calloc(1, sizeof *p);
  if (!p) return -1;
  p->ev = *ev;
  return enqueue(l, p);
}

int pk_loop_post_call(pk_loop *l, pk_call_cb fn, void *ud) {
  pk_posted *p = calloc(1, sizeof *p);
  if (!p) return -1;
  p->fn = fn;
  p->ud = ud;
  return enqueue(l, p);
}

void pk_loop_on_event(pk_loop *l, pk_event_cb cb, void *ud) {
  l->on_event = cb;
  l->on_event_ud = ud;
}

static void drain_posted(pk_loop *l) {
  uint64_t n;
  while (read(l->wakefd, &n, sizeof n) > 0) {
  }
  pthread_mutex_lock(&l->lock);
  pk_posted *p = l->head;
  l->head = l->tail = NULL;
  pthread_mutex_unlock(&l->lock);
  while (p) {
    pk_posted *next = p->next;
    if (p->fn) p->fn(p->ud);
    else if (p->ev.type == PK_EV_QUIT) l->stop = 1;
    else if (l->on_event) l->on_event(l, &p->ev, l->on_event_ud);
    free(p);
    p = next;
  }
}

static int next_timeout(const pk_loop *l, int max_wait_ms) {
  if (l->ntimers == 0) return max_wait_ms;
  uint64_t now = pk_now_ms(), soonest = UINT64_MAX;
  for (size_t i = 0; i < l->ntimers; i++)
    if (l->timers[i].due < soonest) soonest = l->timers[i].due;
  int wait = soonest <= now ? 0 : (int)(soonest - now > 60000 ? 60000 : soonest - now);
  return (max_wait_ms >= 0 && max_wait_ms < wait) ? max_wait_ms : wait;
}

/* Fire due timers one at a time: a callback may add or cancel timers. */
static void fire_timers(pk_loop *l) {
  uint64_t now = pk_now_ms();
  for (;;) {
    size_t i;
    for (i = 0; i < l->ntimers; i++)
      if (l->timers[i].due <= now) break;
    if (i == l->ntimers) return;
    pk_timer t = l->timers[i];
    /* A periodic timer keeps its slot (nothing to allocate, nothing to re-arm); the callback
     * may still cancel it by id. */
    if (t.every) l->timers[i].due = now + t.every;
    else l->timers[i] = l->timers[--l->ntimers];
    t.cb(l, t.id, t.ud);
  }
}

static short to_poll(unsigned ev) {
  return (short)(((ev & PK_IO_IN) ? POLLIN : 0) | ((ev & PK_IO_OUT) ? POLLOUT : 0));
}

static unsigned from_poll(short rev) {
  return ((rev & POLLIN) ? PK_IO_IN : 0u) | ((rev & POLLOUT) ? PK_IO_OUT : 0u) |
         ((rev & (POLLERR | POLLHUP | POLLNVAL)) ? PK_IO_ERR : 0u);
}

static void dispatch_io(pk_loop *l, const struct pollfd *pfd, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (!pfd[i].revents) continue;
    /* The watch may have been removed or replaced by an earlier callback. */
    pk_watch *w = find_watch(l, pfd[i].fd);
    if (w) w->cb(l, w->fd, from_poll(pfd[i].revents), w->ud);
  }
}

int pk_loop_run_once(pk_loop *l, int max_wait_ms) {
  size_t n = l->nwatches;
  struct pollfd *pfd = calloc(n + 1, sizeof *pfd);
  if (!pfd) return -1;
  pfd[0] = (struct pollfd){.fd = l->wakefd, .events = POLLIN};
  for (size_t i = 0; i < n; i++)
    pfd[i + 1] = (struct pollfd){.fd = l->watches[i].fd, .events = to_poll(l->watches[i].events)};
  int r = poll(pfd, n + 1, next_timeout(l, max_wait_ms));
  if (r < 0 && errno != EINTR) {
    free(pfd);
    return -1;
  }
  if (r > 0) {
    if (pfd[0].revents) drain_posted(l);
    dispatch_io(l, pfd + 1, n);
  }
  free(pfd);
  fire_timers(l);
  return 0;
}

void pk_loop_stop(pk_loop *l) { l->stop = 1; }
int pk_loop_stopped(const pk_loop *l) { return l->stop; }

void pk_loop_sink(const pk_event *ev, void *loop) {
  if (pk_loop_post(loop, ev) != 0) pk_err("an event of type %d was lost: the main loop refused it", (int)ev->type);
}
