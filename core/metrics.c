/* The fleet's metrics registry and its textfile writer. Names follow Prometheus' conventions:
 * pishkhan_ prefix, _total counters, base units (seconds). Every label value a family can take
 * is written from the start, at 0, so that rate() sees the first increment. */
#include "pishkhan/metrics.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pishkhan/config.h"
#include "pishkhan/doctor.h"
#include "pishkhan/log.h"
#include "pishkhan/outbox.h"

#define MAX_LABELS 8
typedef struct {
  const char *name, *help, *label;
  const char *values[MAX_LABELS]; /* the last is "other" where a family has it */
  uint64_t counts[MAX_LABELS];
} counter;

static counter counters[PK_M_COUNTER_COUNT] = {
    [PK_M_REQUESTS] = {"pishkhan_requests_total",
                       "Requests by outcome: submitted (recorded), queued offline, delivered, retry (delivery to "
                       "try again), failed (refused), not_registered.",
                       "outcome",
                       {"submitted", "queued", "delivered", "retry", "failed", "not_registered", "other"},
                       {0}},
    [PK_M_CARD_SESSIONS] = {"pishkhan_card_sessions_total",
                            "Card reads and PIN checks by result.",
                            "result",
                            {"ok", "pin_wrong", "pin_blocked", "expired", "revoked", "tampered", "removed", "other"},
                            {0}},
    [PK_M_PRINT_JOBS] = {"pishkhan_print_jobs_total",
                         "Receipts printed, by result: ok (the printer confirmed), unconfirmed (sent, no answer), error.",
                         "result",
                         {"ok", "unconfirmed", "error"},
                         {0}},
};

/* Seconds: a window call is 50 ms on a good link, tens of seconds over a failing modem. */
static const double buckets[] = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 60};
#define NBUCKETS (sizeof buckets / sizeof buckets[0])
static struct {
  uint64_t le[NBUCKETS], count;
  double sum;
} latency;
static int64_t catalog_synced_at;

void pk_metrics_inc(pk_metric m, const char *label) {
  if ((unsigned)m >= PK_M_COUNTER_COUNT || !label) return;
  counter *c = &counters[m];
  int last = 0;
  for (int i = 0; i < MAX_LABELS && c->values[i]; i++) {
    last = i;
    if (!strcmp(c->values[i], label)) {
      c->counts[i]++;
      return;
    }
  }
  if (!strcmp(c->values[last], "other")) c->counts[last]++;
}

void pk_metrics_card(pk_card_status st) {
  switch (st) {
  case PK_CARD_OK: pk_metrics_inc(PK_M_CARD_SESSIONS, "ok"); return;
  case PK_CARD_PIN_WRONG: pk_metrics_inc(PK_M_CARD_SESSIONS, "pin_wrong"); return;
  case PK_CARD_PIN_BLOCKED: pk_metrics_inc(PK_M_CARD_SESSIONS, "pin_blocked"); return;
  case PK_CARD_EXPIRED: pk_metrics_inc(PK_M_CARD_SESSIONS, "expired"); return;
  case PK_CARD_REVOKED: pk_metrics_inc(PK_M_CARD_SESSIONS, "revoked"); return;
  case PK_CARD_TAMPERED:
  case PK_CARD_UNTRUSTED: pk_metrics_inc(PK_M_CARD_SESSIONS, "tampered"); return;
  case PK_CARD_REMOVED: pk_metrics_inc(PK_M_CARD_SESSIONS, "removed"); return;
  default: pk_metrics_inc(PK_M_CARD_SESSIONS, "other"); return;
  }
}

void pk_metrics_delivery(int s) {
  switch (s) {
  case PK_OB_DELIVERED: pk_metrics_inc(PK_M_REQUESTS, "delivered"); return;
  case PK_OB_FAILED: pk_metrics_inc(PK_M_REQUESTS, "failed"); return;
  case PK_OB_NOT_REGISTERED: pk_metrics_inc(PK_M_REQUESTS, "not_registered"); return;
  default: pk_metrics_inc(PK_M_REQUESTS, "retry"); return;
  }
}

void pk_metrics_observe_window(void *ud, double s, pk_net_error err) {
  for (size_t i = 0; i < NBUCKETS; i++)
    if (s <= buckets[i]) latency.le[i]++;
  latency.count++;
  latency.sum += s;
}

void pk_metrics_catalog_synced(int64_t t) { catalog_synced_at = t; }

void pk_metrics_reset(void) {
  for (int m = 0; m < PK_M_COUNTER_COUNT; m++) memset(counters[m].counts, 0, sizeof counters[m].counts);
  memset(&latency, 0, sizeof latency);
  catalog_synced_at = 0;
}

/* A label value from the settings: \, " and newline escaped as the format requires. */
static void put_label(FILE *f, const char *v) {
  for (; *v; v++) {
    if (*v == '\\' || *v == '"') fputc('\\', f), fputc(*v, f);
    else if (*v == '\n') fputs("\\n", f);
    else fputc(*v, f);
  }
}

static void put_counters(FILE *f) {
  for (int m = 0; m < PK_M_COUNTER_COUNT; m++) {
    const counter *c = &counters[m];
    fprintf(f, "# HELP %s %s\n# TYPE %s counter\n", c->name, c->help, c->name);
    for (int i = 0; i < MAX_LABELS && c->values[i]; i++)
      fprintf(f, "%s{%s=\"%s\"} %llu\n", c->name, c->label, c->values[i], (unsigned long long)c->counts[i]);
  }
}

static void put_latency(FILE *f) {
  const char *n = "pishkhan_window_request_seconds";
  fprintf(f, "# HELP %s Time a call to the window took, every attempt included.\n# TYPE %s histogram\n", n, n);
  for (size_t i = 0; i < NBUCKETS; i++)
    fprintf(f, "%s_bucket{le=\"%g\"} %llu\n", n, buckets[i], (unsigned long long)latency.le[i]);
  fprintf(f, "%s_bucket{le=\"+Inf\"} %llu\n%s_sum %.6f\n%s_count %llu\n", n, (unsigned long long)latency.count, n,
          latency.sum, n, (unsigned long long)latency.count);
}

static void put_gauge(FILE *f, const char *name, const char *help, int64_t since, int64_t now) {
  if (since <= 0) return; /* unknown: absent, not a made-up number */
  fprintf(f, "# HELP %s %s\n# TYPE %s gauge\n%s %lld\n", name, help, name, name, (long long)(now - since));
}

char *pk_metrics_format(const pk_config *cfg, int64_t now) {
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  if (!f) return NULL;
  fputs("# HELP pishkhan_build_info The kiosk's version and identity.\n# TYPE pishkhan_build_info gauge\n"
        "pishkhan_build_info{version=\"" PK_VERSION "\",kiosk_id=\"", f);
  put_label(f, cfg->kiosk_id);
  fputs("\"} 1\n", f);
  put_counters(f);
  put_latency(f);
  put_gauge(f, "pishkhan_catalog_age_seconds", "Seconds since the catalog was last confirmed current.",
            catalog_synced_at, now);
  put_gauge(f, "pishkhan_crl_age_seconds", "Seconds since the card revocation list in use was issued.",
            cfg->crl[0] ? pk_card_crl_issued(cfg->crl) : 0, now);
  return fclose(f) == 0 ? text : (free(text), NULL);
}

char *pk_metrics_format_doctor(const pk_doctor_report *r) {
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  if (!f) return NULL;
  fputs("# HELP pishkhan_doctor_check_ok 1 when the check of pishkhan doctor passed.\n"
        "# TYPE pishkhan_doctor_check_ok gauge\n", f);
  for (size_t i = 0; i < r->n; i++)
    fprintf(f, "pishkhan_doctor_check_ok{check=\"%s\",severity=\"%s\"} %d\n", r->checks[i].name,
            pk_doctor_severity_name(r->checks[i].severity), r->checks[i].ok);
  return fclose(f) == 0 ? text : (free(text), NULL);
}

static int write_fd(int fd, const char *text) {
  size_t n = strlen(text);
  while (n) {
    ssize_t w = write(fd, text, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    text += w, n -= (size_t)w;
  }
  return fsync(fd);
}

/* A collector that reads the folder mid-write sees the old file or the new, never half. */
int pk_metrics_write_file(const char *dir, const char *name, const char *text) {
  char tmp[PK_CFG_STR + 64], dst[PK_CFG_STR + 64];
  /* node_exporter reads only *.prom: the temp file is invisible to it. */
  snprintf(tmp, sizeof tmp, "%s/.%s.%ld.tmp", dir, name, (long)getpid());
  snprintf(dst, sizeof dst, "%s/%s", dir, name);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return -1;
  int rc = write_fd(fd, text);
  int saved = errno;
  if (close(fd) != 0 && rc == 0) rc = -1, saved = errno;
  if (rc == 0 && rename(tmp, dst) != 0) rc = -1, saved = errno;
  if (rc != 0) {
    unlink(tmp);
    errno = saved;
    return -1;
  }
  int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) fsync(dfd), close(dfd);
  return 0;
}

static struct {
  pk_loop *loop;
  const pk_config *cfg;
  unsigned timer;
  int last_errno;
} writer;

static void write_now(void) {
  char *text = pk_metrics_format(writer.cfg, (int64_t)time(NULL));
  int rc = text ? pk_metrics_write_file(writer.cfg->metrics_dir, "pishkhan.prom", text) : -1;
  /* Said once per cause, not every 30 s. */
  if (rc != 0 && errno != writer.last_errno)
    pk_warn("metrics: cannot write %s/pishkhan.prom: %s", writer.cfg->metrics_dir, strerror(errno));
  writer.last_errno = rc != 0 ? errno : 0;
  free(text);
}

static void on_period(pk_loop *loop, unsigned id, void *ud) { write_now(); }

void pk_metrics_start(pk_loop *loop, const pk_config *cfg) {
  if (!cfg->metrics_dir[0]) return;
  writer.loop = loop;
  writer.cfg = cfg;
  writer.timer = pk_loop_every(loop, PK_METRICS_PERIOD_MS, on_period, NULL);
  write_now();
}

void pk_metrics_stop(void) {
  if (!writer.cfg) return;
  if (writer.timer) pk_loop_timer_cancel(writer.loop, writer.timer);
  write_now();
  writer.cfg = NULL;
  writer.timer = 0;
}
