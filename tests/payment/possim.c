#include "possim.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *bin_dir(void) {
  const char *b = getenv("PK_BINARY_DIR");
  return b ? b : PK_BINARY_DIR;
}

/* The sim prints "listening on ADDR:PORT" once it accepts: reading that line is the wait. */
static int read_port(int fd) {
  char line[128];
  size_t n = 0;
  while (n + 1 < sizeof line && read(fd, line + n, 1) == 1 && line[n] != '\n') n++;
  line[n] = 0;
  const char *colon = strrchr(line, ':');
  return strncmp(line, "listening on ", 13) == 0 && colon ? atoi(colon + 1) : 0;
}

bool possim_start(possim *p, int slow_ms) {
  memset(p, 0, sizeof *p);
  snprintf(p->dir, sizeof p->dir, "/tmp/pk-possim-XXXXXX");
  if (!mkdtemp(p->dir)) return false;
  snprintf(p->db, sizeof p->db, "%s/pos.db", p->dir);
  int pipefd[2];
  if (pipe(pipefd) != 0) return false;
  char exe[512], slow[16];
  snprintf(exe, sizeof exe, "%s/bin/pishkhan-pos-sim", bin_dir());
  snprintf(slow, sizeof slow, "%d", slow_ms);
  p->pid = fork();
  if (p->pid == 0) {
    dup2(pipefd[1], 1);
    close(pipefd[0]);
    execl(exe, exe, "--db", p->db, "--port", "0", "--slow-ms", slow, (char *)NULL);
    _exit(127);
  }
  close(pipefd[1]);
  p->port = p->pid > 0 ? read_port(pipefd[0]) : 0;
  close(pipefd[0]);
  return p->port > 0;
}

void possim_stop(possim *p) {
  if (p->pid > 0) {
    kill(p->pid, SIGTERM);
    waitpid(p->pid, NULL, 0);
  }
  const char *suffix[] = {"", "-wal", "-shm"};
  for (int i = 0; i < 3; i++) {
    char f[320];
    snprintf(f, sizeof f, "%s%s", p->db, suffix[i]);
    unlink(f);
  }
  if (p->dir[0]) rmdir(p->dir);
  p->pid = 0;
}

size_t possim_dump(const possim *p, possim_row *rows, size_t n) {
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "'%s/bin/pishkhan-pos-sim' --dump '%s'", bin_dir(), p->db);
  FILE *f = popen(cmd, "r");
  if (!f) return 0;
  size_t got = 0;
  possim_row r;
  while (fscanf(f, " trace=%15s invoice=%39s amount=%lld state=%15s sales=%d reversals=%d statuses=%d closed=%d",
                r.trace, r.invoice, &r.amount, r.state, &r.sales, &r.reversals, &r.statuses, &r.closed) == 8)
    if (got < n) rows[got++] = r;
  pclose(f);
  return got;
}

const possim_row *possim_find(const possim_row *rows, size_t n, const char *trace) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(rows[i].trace, trace) == 0) return &rows[i];
  return NULL;
}
