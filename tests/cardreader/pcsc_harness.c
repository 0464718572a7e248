#include "pcsc_harness.h"

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <winscard.h>

static void sleep_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

static pid_t spawn(char *const argv[], const char *log) {
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
      close(fd);
    }
    execvp(argv[0], argv);
    _exit(127);
  }
  return pid;
}

static void reap(pid_t *pid) {
  if (*pid <= 0) return;
  kill(*pid, SIGTERM);
  for (int i = 0; i < 100; i++) {
    if (waitpid(*pid, NULL, WNOHANG) == *pid) {
      *pid = 0;
      return;
    }
    sleep_ms(20);
  }
  kill(*pid, SIGKILL);
  waitpid(*pid, NULL, 0);
  *pid = 0;
}

static bool reader_listed(void) {
  SCARDCONTEXT ctx;
  if (SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx) != SCARD_S_SUCCESS) return false;
  char buf[1024];
  DWORD len = sizeof buf;
  bool ok = SCardListReaders(ctx, NULL, buf, &len) == SCARD_S_SUCCESS && strstr(buf, H_READER) != NULL;
  SCardReleaseContext(ctx);
  return ok;
}

int h_pcscd_start(harness *h) {
  char conf[300], log[300];
  snprintf(conf, sizeof conf, "%s/reader.conf", h->dir);
  snprintf(log, sizeof log, "%s/pcscd.log", h->dir);
  char *argv[] = {"pcscd", "-f", "-c", conf, NULL};
  h->pcscd = spawn(argv, log);
  for (int i = 0; i < 100; i++) {
    if (reader_listed()) return 0;
    sleep_ms(50);
  }
  return -1;
}

void h_pcscd_stop(harness *h) { reap(&h->pcscd); }

int h_setup(harness *h) {
  memset(h, 0, sizeof *h);
  snprintf(h->dir, sizeof h->dir, "/tmp/pk-pcsc-XXXXXX");
  if (!mkdtemp(h->dir)) return -1;
  snprintf(h->fifo, sizeof h->fifo, "%s/control", h->dir);
  char conf[300];
  snprintf(conf, sizeof conf, "%s/reader.conf", h->dir);
  FILE *f = fopen(conf, "w");
  if (!f) return -1;
  fprintf(f, "FRIENDLYNAME \"Pishkhan Test Reader\"\nDEVICENAME /dev/null:%s\n"
             "LIBPATH /usr/lib/pcsc/drivers/serial/libifdvpcd.so\nCHANNELID %s\n", H_PORT, H_PORT);
  fclose(f);
  return h_pcscd_start(h);
}

void h_teardown(harness *h) {
  h_vcard_stop(h);
  h_pcscd_stop(h);
  char cmd[400];
  if (!getenv("PK_KEEP_TMP")) {
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", h->dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", h->dir);
  }
}

bool h_card_present(int timeout_ms, bool want) {
  SCARDCONTEXT ctx;
  if (SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx) != SCARD_S_SUCCESS) return false;
  SCARD_READERSTATE st = {.szReader = H_READER, .dwCurrentState = SCARD_STATE_UNAWARE};
  bool ok = false;
  for (int waited = 0; waited <= timeout_ms; waited += 50) {
    if (SCardGetStatusChange(ctx, 0, &st, 1) == SCARD_S_SUCCESS &&
        ((st.dwEventState & SCARD_STATE_PRESENT) != 0) == want) {
      ok = true;
      break;
    }
    sleep_ms(50);
  }
  SCardReleaseContext(ctx);
  return ok;
}

int h_vcard_start(harness *h, const char *persona, int wait, ...) {
  char *argv[24];
  int n = 0;
  argv[n++] = PK_BINARY_DIR "/bin/pishkhan-vcard";
  argv[n++] = "--persona";
  argv[n++] = (char *)persona;
  argv[n++] = "--port";
  argv[n++] = H_PORT;
  argv[n++] = "--control";
  argv[n++] = h->fifo;
  argv[n++] = "-v";
  va_list ap;
  va_start(ap, wait);
  for (char *a; n < 23 && (a = va_arg(ap, char *));) argv[n++] = a;
  va_end(ap);
  argv[n] = NULL;
  char log[300];
  snprintf(log, sizeof log, "%s/vcard.log", h->dir);
  h->vcard = spawn(argv, log);
  /* the FIFO exists once the program runs */
  for (int i = 0; i < 100 && access(h->fifo, F_OK) != 0; i++) sleep_ms(20);
  return wait && !h_card_present(5000, true) ? -1 : 0;
}

void h_vcard_stop(harness *h) {
  reap(&h->vcard);
  unlink(h->fifo);
}

void h_vcard_control(harness *h, const char *line) {
  int fd = open(h->fifo, O_WRONLY | O_NONBLOCK);
  if (fd < 0) return;
  if (write(fd, line, strlen(line)) < 0 || write(fd, "\n", 1) < 0) perror("control");
  close(fd);
}

static void on_event(pk_loop *loop, const pk_event *ev, void *ud) {
  (void)loop;
  h_events *e = ud;
  if (e->n < (int)(sizeof e->ev / sizeof e->ev[0])) e->ev[e->n++] = *ev;
}

void h_events_init(h_events *e) {
  memset(e, 0, sizeof *e);
  e->loop = pk_loop_new();
  pk_loop_on_event(e->loop, on_event, e);
}

void h_events_free(h_events *e) { pk_loop_free(e->loop); }

bool h_wait_event(h_events *e, pk_event_type type, int timeout_ms, pk_event *out) {
  uint64_t end = pk_now_ms() + (uint64_t)timeout_ms;
  for (;;) {
    while (e->seen < e->n) {
      pk_event *ev = &e->ev[e->seen++];
      if (ev->type == type) {
        if (out) *out = *ev;
        return true;
      }
    }
    uint64_t now = pk_now_ms();
    if (now >= end) return false;
    pk_loop_run_once(e->loop, (int)(end - now));
  }
}
