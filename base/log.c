#include "pishkhan/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <syslog.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>

static int log_stderr;
static int log_journal;
static char log_ident[32] = "pishkhan";
static char log_kiosk_id[64];
static pk_log_level log_min = PK_LOG_INFO;
static pk_log_sink log_sink;
static void *log_sink_ud;

/* systemd's word that stderr is connected to the journal: JOURNAL_STREAM names its device and
 * inode (systemd.exec(5)); another stderr (a terminal, a pipe) with the variable inherited is not. */
static int stderr_is_journal(void) {
  const char *v = getenv("JOURNAL_STREAM");
  unsigned long long dev, ino;
  struct stat st;
  if (!v || sscanf(v, "%llu:%llu", &dev, &ino) != 2 || fstat(2, &st) != 0) return 0;
  return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

/* Under systemd, the journal directly, with fields: the service's own stderr, or (the kiosk
 * inside cage and foot, whose stderr is a terminal) any service or systemd-booted machine
 * unless --log-stderr asked for stderr. */
static int want_journal(int to_stderr) {
  if (stderr_is_journal()) return 1;
  return !to_stderr && (getenv("JOURNAL_STREAM") || sd_booted() > 0);
}

void pk_log_open(const char *ident, int to_stderr, pk_log_level min_level) {
  log_min = min_level;
  snprintf(log_ident, sizeof log_ident, "%s", ident);
  log_journal = want_journal(to_stderr);
  log_stderr = !log_journal && to_stderr;
  if (!log_journal && !to_stderr) openlog(ident, LOG_PID | LOG_NDELAY, LOG_USER);
}

void pk_log_close(void) {
  if (!log_stderr && !log_journal) closelog();
}

void pk_log_set_kiosk_id(const char *id) { snprintf(log_kiosk_id, sizeof log_kiosk_id, "%s", id ? id : ""); }

void pk_log_set_sink(pk_log_sink sink, void *ud) {
  log_sink = sink;
  log_sink_ud = ud;
}

/* A field's value is one line of printable ASCII: a queue reference or a tracking code. */
static void field_value(const char *in, char *out, size_t n) {
  size_t k = 0;
  for (; in && *in && k + 1 < n; in++)
    if (*in > ' ' && *in < 0x7f) out[k++] = *in;
  out[k] = '\0';
}

/* MESSAGE, PRIORITY and identity always; PK_EVENT and PK_REQUEST only on events. */
static int journal_send(pk_log_level level, const char *event, const char *request, const char *line) {
  char f[6][1100], req[48];
  struct iovec iov[6];
  int n = 0;
  field_value(request, req, sizeof req);
  snprintf(f[n++], sizeof f[0], "MESSAGE=%s", line);
  snprintf(f[n++], sizeof f[0], "PRIORITY=%d", (int)level);
  snprintf(f[n++], sizeof f[0], "SYSLOG_IDENTIFIER=%s", log_ident);
  if (log_kiosk_id[0]) snprintf(f[n++], sizeof f[0], "PK_KIOSK_ID=%s", log_kiosk_id);
  if (event) snprintf(f[n++], sizeof f[0], "PK_EVENT=%s", event);
  if (event && req[0]) snprintf(f[n++], sizeof f[0], "PK_REQUEST=%s", req);
  for (int i = 0; i < n; i++) iov[i] = (struct iovec){.iov_base = f[i], .iov_len = strlen(f[i])};
  return sd_journal_sendv(iov, n);
}

static void emit(pk_log_level level, const char *event, const char *request, const char *line) {
  if (log_sink) log_sink(level, line, log_sink_ud);
  if (level > log_min) return;
  /* A journal gone away (socket missing) must not silence the kiosk: stderr then. */
  if (log_journal && journal_send(level, event, request, line) == 0) return;
  if (log_stderr || log_journal) fprintf(stderr, "pishkhan[%d]: %s\n", (int)level, line);
  else syslog((int)level, "%s", line);
}

static void vlog(pk_log_level level, const char *event, const char *request, const char *fmt, va_list ap)
    __attribute__((format(printf, 4, 0)));
static void vlog(pk_log_level level, const char *event, const char *request, const char *fmt, va_list ap) {
  if (level > log_min && !log_sink) return;
  char line[1024];
  vsnprintf(line, sizeof line, fmt, ap);
  emit(level, event, request, line);
}

void pk_log(pk_log_level level, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vlog(level, NULL, NULL, fmt, ap);
  va_end(ap);
}

void pk_log_event(pk_log_level level, const char *event, const char *request, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vlog(level, event, request, fmt, ap);
  va_end(ap);
}

bool pk_log_to_journal(void) { return log_journal; }

void pk_mask_national_code(const char *code, char *out, size_t outsz) {
  if (!out || outsz == 0) return;
  size_t n = code ? strlen(code) : 0;
  size_t i = 0;
  for (; i < n && i + 1 < outsz; i++) out[i] = (i + 4 < n) ? '*' : code[i];
  out[i] = '\0';
}
