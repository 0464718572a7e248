/* Starting, feeding and burying the network helper (see netproc.h). */
#include "netproc.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pishkhan/log.h"
#include "pishkhan/secret.h"

#ifndef PK_NET_HELPER_PATH
#define PK_NET_HELPER_PATH "/usr/libexec/pishkhan/pishkhan-net"
#endif
#define HELPER_FD 3

extern char **environ;

typedef struct pending {
  struct pk_netproc *owner;
  uint32_t id;
  unsigned deadline_timer;
  pk_netproc_cb cb;
  void *ud;
  struct pending *next;
} pending;

struct pk_netproc {
  pk_loop *loop;
  char path[PATH_MAX];
  pk_wire_opts opts;
  pid_t pid;
  pk_wire_conn *conn;
  uint32_t next_id;
  pending *pend;
};

/* Beside the executable (a build tree), then where an install beside it puts it (bin/ and
 * libexec/pishkhan/ under one prefix, also unpacked elsewhere), then the configured path. */
void pk_netproc_default_path(char *out, size_t n) {
  static const char *const rel[] = {"pishkhan-net", "../libexec/pishkhan/pishkhan-net"};
  char self[PATH_MAX];
  ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
  for (size_t i = 0; len > 0 && i < sizeof rel / sizeof rel[0]; i++) {
    self[len] = 0;
    snprintf(out, n, "%s/%s", dirname(self), rel[i]);
    if (access(out, X_OK) == 0) return;
    len = readlink("/proc/self/exe", self, sizeof self - 1);
  }
  snprintf(out, n, "%s", PK_NET_HELPER_PATH);
}

static void on_frame(void *ud, const pk_wire_frame *f, uint8_t *block, size_t cap, bool *take);
static void on_close(void *ud);

/* The helper's end of the pair must arrive as fd 3 without close-on-exec: dup2 onto itself
 * would keep the flag, so a descriptor that already is 3 is moved first. */
static int child_end_not_3(int fd) {
  if (fd != HELPER_FD) return fd;
  int moved = fcntl(fd, F_DUPFD_CLOEXEC, HELPER_FD + 1);
  close(fd);
  return moved;
}

static int spawn(pk_netproc *p, char **err) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) goto fail_errno;
  sv[1] = child_end_not_3(sv[1]);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, sv[1], HELPER_FD);
  /* The kiosk's blocked and ignored signals are its own business, not the helper's. */
  posix_spawnattr_t at;
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_init(&at);
  posix_spawnattr_setsigmask(&at, &none);
  posix_spawnattr_setsigdefault(&at, &all);
  posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  char *argv[] = {"pishkhan-net", NULL};
  int rc = sv[1] < 0 ? errno : posix_spawn(&p->pid, p->path, &fa, &at, argv, environ);
  posix_spawnattr_destroy(&at);
  posix_spawn_file_actions_destroy(&fa);
  if (sv[1] >= 0) close(sv[1]);
  if (rc != 0) {
    close(sv[0]);
    p->pid = 0;
    errno = rc;
    goto fail_errno;
  }
  fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
  p->conn = pk_wire_conn_new(p->loop, sv[0], on_frame, on_close, p);
  pk_wire_buf b = {0};
  if (!p->conn || pk_wire_encode_opts(&b, &p->opts) != 0 || pk_wire_conn_send(p->conn, &b) != 0) {
    pk_wire_buf_free(&b);
    if (!p->conn) close(sv[0]);
    if (err) *err = strdup("cannot talk to the network helper");
    return -1;
  }
  pk_debug("window: network helper %s started (pid %d)", p->path, (int)p->pid);
  return 0;
fail_errno:
  if (err && asprintf(err, "cannot start the network helper %s: %s", p->path, strerror(errno)) < 0) *err = NULL;
  return -1;
}

/* Ends the helper whatever its state: it holds nothing worth saving. */
static void bury(pk_netproc *p) {
  pk_wire_conn_free(p->conn);
  p->conn = NULL;
  if (p->pid <= 0) return;
  kill(p->pid, SIGKILL);
  int st = 0;
  while (waitpid(p->pid, &st, 0) < 0 && errno == EINTR) {
  }
  p->pid = 0;
}

static pending *unlink_pending(pk_netproc *p, uint32_t id) {
  for (pending **pp = &p->pend; *pp; pp = &(*pp)->next) {
    if ((*pp)->id != id) continue;
    pending *q = *pp;
    *pp = q->next;
    if (q->deadline_timer) pk_loop_timer_cancel(p->loop, q->deadline_timer);
    return q;
  }
  return NULL;
}

static void on_frame(void *ud, const pk_wire_frame *f, uint8_t *block, size_t cap, bool *take) {
  pk_netproc *p = ud;
  pk_wire_resp a;
  if (pk_wire_decode_resp(f, &a) != 0) {
    pk_warn("window: the network helper sent a malformed answer; restarting it");
    if (p->pid > 0) kill(p->pid, SIGKILL); /* its hang-up fails what it held */
    return;
  }
  pending *q = unlink_pending(p, f->id);
  if (!q) return; /* cancelled meanwhile */
  if (a.body) {
    memmove(block, a.body, a.body_len);
    block[a.body_len] = 0;
    a.body = block;
  }
  q->cb(q->ud, &a, block, cap, take);
  free(q);
}

static void on_close(void *ud) {
  pk_netproc *p = ud;
  pending *held = p->pend;
  p->pend = NULL;
  bury(p);
  pk_warn("window: the network helper stopped; %s", held ? "failing what it held" : "it starts again when needed");
  /* Callbacks may send again: a fresh helper serves them. */
  while (held) {
    pending *q = held;
    held = q->next;
    if (q->deadline_timer) pk_loop_timer_cancel(p->loop, q->deadline_timer);
    pk_wire_resp a = {.err = PK_NET_OFFLINE, .transient = true};
    snprintf(a.code, sizeof a.code, "net_helper_failed");
    snprintf(a.detail, sizeof a.detail, "the network helper stopped during the exchange");
    bool take = false;
    q->cb(q->ud, &a, NULL, 0, &take);
    free(q);
  }
}

/* Past its deadline the helper is taken for hung: killing it fails everything it held, by
 * its hang-up, as for any other death. */
static void on_deadline(pk_loop *loop, unsigned id, void *ud) {
  pending *q = ud;
  q->deadline_timer = 0;
  pk_warn("window: the network helper did not answer in time; restarting it");
  if (q->owner->pid > 0) kill(q->owner->pid, SIGKILL);
}

pk_netproc *pk_netproc_new(pk_loop *loop, const char *helper, const pk_wire_opts *o, char **err) {
  pk_netproc *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  p->loop = loop;
  p->opts = *o;
  if (helper && *helper) snprintf(p->path, sizeof p->path, "%s", helper);
  else pk_netproc_default_path(p->path, sizeof p->path);
  if (spawn(p, err) != 0) {
    bury(p);
    free(p);
    return NULL;
  }
  return p;
}

void pk_netproc_free(pk_netproc *p) {
  if (!p) return;
  while (p->pend) free(unlink_pending(p, p->pend->id));
  bury(p);
  pk_wipe(&p->opts, sizeof p->opts);
  free(p);
}

uint32_t pk_netproc_send(pk_netproc *p, const pk_wire_req *r, uint64_t deadline_ms, pk_netproc_cb cb, void *ud) {
  char *err = NULL;
  if (!p->conn && spawn(p, &err) != 0) {
    pk_warn("window: %s", err ? err : "cannot start the network helper");
    free(err);
    bury(p);
    return 0;
  }
  pending *q = calloc(1, sizeof *q);
  pk_wire_buf b = {0};
  uint32_t id = ++p->next_id ? p->next_id : ++p->next_id;
  if (!q || pk_wire_encode_req(&b, id, r) != 0) {
    pk_wire_buf_free(&b);
    free(q);
    return 0;
  }
  /* A helper that died a moment ago refuses the bytes; its hang-up, at the loop's next turn,
   * then fails this exchange as transient with the others it held. */
  (void)pk_wire_conn_send(p->conn, &b);
  *q = (pending){.owner = p, .id = id, .cb = cb, .ud = ud, .next = p->pend};
  q->deadline_timer = pk_loop_timer(p->loop, deadline_ms, on_deadline, q);
  p->pend = q;
  return id;
}

void pk_netproc_cancel(pk_netproc *p, uint32_t id) {
  pending *q = unlink_pending(p, id);
  if (!q) return;
  free(q);
  pk_wire_buf b = {0};
  if (p->conn && pk_wire_encode_cancel(&b, id) == 0) pk_wire_conn_send(p->conn, &b);
  pk_wire_buf_free(&b);
}

pid_t pk_netproc_pid(const pk_netproc *p) { return p ? p->pid : 0; }
