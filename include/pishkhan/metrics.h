/* Fleet metrics: a few counters, one histogram and gauges, written in Prometheus' text format
 * for node_exporter's textfile collector ([metrics] textfile_dir, file pishkhan.prom). The
 * registry belongs to the loop thread: every call below is made on it. */
#ifndef PISHKHAN_METRICS_H
#define PISHKHAN_METRICS_H
#include <stddef.h>
#include <stdint.h>

#include "pishkhan/card.h"
#include "pishkhan/loop.h"
#include "pishkhan/net.h"

struct pk_config;
struct pk_doctor_report;

typedef enum {
  PK_M_REQUESTS,      /* pishkhan_requests_total{outcome}: submitted queued delivered retry failed not_registered */
  PK_M_CARD_SESSIONS, /* pishkhan_card_sessions_total{result}: ok pin_wrong pin_blocked expired revoked tampered removed other */
  PK_M_PRINT_JOBS,    /* pishkhan_print_jobs_total{result}: ok error */
  PK_M_COUNTER_COUNT
} pk_metric;

/* label: one of the values listed for the family; another is counted as "other". */
void pk_metrics_inc(pk_metric m, const char *label);
/* A card's answer, counted under the result its status belongs to. */
void pk_metrics_card(pk_card_status st);
/* What a delivery attempt left the request in (a pk_outbox_state): delivered, failed,
 * not_registered, or retry. */
void pk_metrics_delivery(int outbox_state);
/* A window call that ended, in seconds: a pk_net_observer (pk_net_set_observer). */
void pk_metrics_observe_window(void *ud, double seconds, pk_net_error err);
/* The catalog was confirmed current (200 or 304) at unix time t. */
void pk_metrics_catalog_synced(int64_t t);
/* Zeroes everything (tests). */
void pk_metrics_reset(void);

/* The registry as Prometheus text (malloc'd): build info from cfg, the CRL's age from cfg->crl. */
char *pk_metrics_format(const struct pk_config *cfg, int64_t now);
/* pishkhan_doctor_check_ok{check} for each check of a report (malloc'd). */
char *pk_metrics_format_doctor(const struct pk_doctor_report *r);
/* dir/name written whole or not at all: a temp file, fsync, rename, fsync of the folder.
 * 0, or -1 with errno set. */
int pk_metrics_write_file(const char *dir, const char *name, const char *text);

/* The kiosk: pishkhan.prom every 30 s on loop and once more at pk_metrics_stop. Does nothing
 * when [metrics] textfile_dir is empty. cfg must outlive the timer. */
void pk_metrics_start(pk_loop *loop, const struct pk_config *cfg);
void pk_metrics_stop(void);
#define PK_METRICS_PERIOD_MS 30000

#endif
