#include "pishkhan/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

static int log_stderr;
static pk_log_level log_min = PK_LOG_INFO;
static pk_log_sink log_sink;
static void *log_sink_ud;

void pk_log_open(const char *ident, int to_stderr, pk_log_level min_level) {
  log_stderr = to_stderr;
  log_min = min_level;
  if (!to_stderr) openlog(ident, LOG_PID | LOG_NDELAY, LOG_USER);
}

void pk_log_close(void) {
  if (!log_stderr) closelog();
}

void pk_log_set_sink(pk_log_sink sink, void *ud) {
  log_sink = sink;
  log_sink_ud = ud;
}

void pk_log(pk_log_level level, const char *fmt, ...) {
  if (level > log_min && !log_sink) return;
  char line[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  if (log_sink) log_sink(level, line, log_sink_ud);
  if (level > log_min) return;
  if (log_stderr) fprintf(stderr, "pishkhan[%d]: %s\n", (int)level, line);
  else syslog((int)level, "%s", line);
}

void pk_mask_national_code(const char *code, char *out, size_t outsz) {
  if (!out || outsz == 0) return;
  size_t n = code ? strlen(code) : 0;
  size_t i = 0;
  for (; i < n && i + 1 < outsz; i++) out[i] = (i + 4 < n) ? '*' : code[i];
  out[i] = '\0';
}
