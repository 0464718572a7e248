/* The queue's command line: list, show, sync (with a progress bar on a terminal), retry,
 * export to and import from a USB bundle, purge. Same store and delivery as the kiosk. */
#include "pishkhan/queue_cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pishkhan/audit.h"
#include "pishkhan/config.h"
#include "pishkhan/delivery.h"
#include "pishkhan/i18n.h"
#include "pishkhan/link.h"
#include "pishkhan/log.h"
#include "pishkhan/module_opts.h"
#include "pishkhan/outbox.h"

typedef struct {
  pk_config cfg;
  pk_outbox *ob;
  bool json;
  int timeout_s;
  const char *device_jwks;
  int older_than_days;
  bool delivered;
} qctx;

static int usage(void) {
  fprintf(stderr, "%s\n", pk_tr_fa("Usage: pishkhan queue [--config FILE] [--json] COMMAND"));
  fprintf(stderr,
          "Usage: pishkhan queue [--config FILE] [--json] COMMAND\n"
          "  list                      every request in the outbox, newest first\n"
          "  show REF                  one request (by its queue reference)\n"
          "  sync [--timeout S]        deliver what is due now (default: wait up to 120 s)\n"
          "  retry REF                 a failed or exported request back into the queue\n"
          "  export DIR                queued requests into one signed bundle file in DIR\n"
          "  import FILE --device-jwks JWKS   forward a bundle's requests (then: sync)\n"
          "  purge --delivered --older-than DAYS\n");
  return 2;
}

static json_t *row_json(const pk_outbox_row *r) {
  return json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:b, s:i, s:I, s:I, s:I, s:s, s:s}", "ref", r->ref, "idempotency_key", r->idem_key, "state",
                   pk_outbox_state_name(r->state), "service_id", r->service_id, "national_code", r->national_masked,
                   "level", r->level, "offline", r->sealed_offline, "attempts", r->attempts, "created_at",
                   (json_int_t)r->created_at, "updated_at", (json_int_t)r->updated_at, "next_attempt_at",
                   (json_int_t)r->next_attempt_at, "last_error", r->last_error, "tracking_code", r->tracking_code);
}

static void print_row(const qctx *q, const pk_outbox_row *r) {
  if (q->json) return;
  char when[32], ref[16];
  time_t t = (time_t)r->created_at;
  strftime(when, sizeof when, "%Y-%m-%d %H:%M", localtime(&t));
  pk_outbox_ref_group(r->ref, ref, sizeof ref);
  printf("%-13s %-15s %-10s %s  %s  tries %d%s%s%s%s\n", ref, pk_outbox_state_name(r->state), r->service_id, when,
         r->national_masked, r->attempts, r->last_error[0] ? "  " : "", r->last_error, r->tracking_code[0] ? "  " : "",
         r->tracking_code);
}

static int cmd_list(qctx *q) {
  enum { PAGE = 100 };
  pk_outbox_row rows[PAGE];
  json_t *arr = json_array();
  size_t off = 0, n;
  do {
    n = pk_outbox_list(q->ob, rows, PAGE, off);
    for (size_t i = 0; i < n; i++) {
      print_row(q, &rows[i]);
      json_array_append_new(arr, row_json(&rows[i]));
      pk_outbox_row_clear(&rows[i]);
    }
    off += n;
  } while (n == PAGE);
  if (q->json) json_dumpf(arr, stdout, JSON_INDENT(1)), putchar('\n');
  json_decref(arr);
  return 0;
}

static int cmd_show(qctx *q, const char *ref) {
  pk_outbox_row r;
  if (pk_outbox_get(q->ob, ref, false, &r) != 0) {
    fprintf(stderr, "%s\npishkhan queue: no request %s\n", pk_tr_fa("No request has this queue reference."), ref);
    return 1;
  }
  if (q->json) {
    json_t *o = row_json(&r);
    json_dumpf(o, stdout, JSON_INDENT(1));
    putchar('\n');
    json_decref(o);
  } else {
    print_row(q, &r);
  }
  pk_outbox_row_clear(&r);
  return 0;
}

static size_t pending(pk_outbox *ob) {
  size_t c[PK_OB_STATE_COUNT] = {0};
  int64_t oldest;
  pk_outbox_counts(ob, c, &oldest);
  return c[PK_OB_SENDING] + c[PK_OB_QUEUED];
}

static void progress(size_t done, size_t total) {
  if (!isatty(STDERR_FILENO) || !total) return;
  int w = 30, fill = (int)(done * (size_t)w / total);
  fprintf(stderr, "\r[%.*s%*s] %zu/%zu", fill, "##############################", w - fill, "", done, total);
}

typedef struct {
  size_t delivered, failed;
} tally;

static void on_row(void *ud, const pk_outbox_row *row, const pk_net_result *st) {
  tally *t = ud;
  (void)st;
  if (row->state == PK_OB_DELIVERED) t->delivered++;
  else if (row->state == PK_OB_FAILED || row->state == PK_OB_NOT_REGISTERED) t->failed++;
}

/* Runs the kiosk's own delivery until nothing is due, or the time is up. */
static int cmd_sync(qctx *q) {
  size_t total = pending(q->ob);
  char *err = NULL;
  pk_loop *loop = pk_loop_new();
  pk_net *net = loop ? pk_net_new_config(loop, &q->cfg, &err) : NULL;
  if (!net) {
    fprintf(stderr, "%s\npishkhan queue: %s\n", pk_tr_fa("The national window cannot be reached."), err ? err : "");
    free(err);
    pk_loop_free(loop);
    return 3;
  }
  tally t = {0};
  pk_link *link = pk_link_new(loop, net, q->cfg.offline_mode == PK_OFFLINE_ALWAYS ? PK_OFFLINE_AUTO : q->cfg.offline_mode,
                              NULL, NULL);
  pk_delivery *d = pk_delivery_new(loop, net, q->ob, link, q->cfg.queue_parallel, on_row, &t);
  uint64_t end = pk_now_ms() + (uint64_t)q->timeout_s * 1000;
  while (pk_now_ms() < end && (pending(q->ob) > 0 || pk_delivery_inflight(d))) {
    pk_delivery_kick(d);
    pk_loop_run_once(loop, 200);
    progress(t.delivered + t.failed, total);
  }
  if (isatty(STDERR_FILENO) && total) fputc('\n', stderr);
  size_t left = pending(q->ob);
  pk_delivery_free(d);
  pk_link_free(link);
  pk_net_free(net);
  pk_loop_free(loop);
  if (q->json) printf("{\"delivered\":%zu,\"failed\":%zu,\"pending\":%zu}\n", t.delivered, t.failed, left);
  else printf("delivered %zu, failed %zu, still pending %zu\n", t.delivered, t.failed, left);
  return left || t.failed ? 1 : 0;
}

static int cmd_retry(qctx *q, const char *ref) {
  int rc = pk_outbox_requeue(q->ob, ref);
  if (rc != 0) fprintf(stderr, "pishkhan queue: %s cannot be retried (%s)\n", ref, rc == 1 ? "no such request" : "not failed or exported");
  return rc == 0 ? 0 : 1;
}

/* The kiosk's audit log takes the act too (the kiosk may hold it open: the log's lock orders
 * the two); the count only, never a name. A log that cannot be written is said, not fatal: the
 * bundle itself is the act's record then. */
static void audit_queue(qctx *q, const char *kind, size_t count) {
  char path[PK_CFG_STR + 16], err[200] = "", fields[48];
  snprintf(path, sizeof path, "%s/audit.log", q->cfg.data_dir);
  snprintf(fields, sizeof fields, "{\"count\":%zu}", count);
  pk_audit *a = pk_audit_open(&(pk_audit_opts){.path = path, .kiosk_id = q->cfg.kiosk_id}, err, sizeof err);
  if (!a || pk_audit_append(a, kind, fields, err, sizeof err) != 0)
    fprintf(stderr, "pishkhan queue: the audit log did not take %s: %s\n", kind, err);
  pk_audit_close(a);
}

static int cmd_export(qctx *q, const char *dir) {
  char path[1024] = "", err[256] = "", *djwks = pk_config_device_jwks_path(&q->cfg);
  json_error_t je;
  json_t *keys = djwks ? json_load_file(djwks, 0, &je) : NULL;
  const char *kid = json_string_value(json_object_get(json_array_get(json_object_get(keys, "keys"), 0), "kid"));
  size_t n = 0;
  int rc = kid ? pk_outbox_export(q->ob, dir, q->cfg.device_key, kid, q->cfg.kiosk_id, (int64_t)time(NULL),
                                  7 * 86400, path, sizeof path, &n, err, sizeof err)
               : PK_OB_EINVAL;
  if (!kid) snprintf(err, sizeof err, "no device key id in %s", djwks ? djwks : "(no [receipt] device_key)");
  json_decref(keys);
  free(djwks);
  if (rc != 0) {
    fprintf(stderr, "%s\npishkhan queue export: %s\n", pk_tr_fa("The bundle could not be written."), err);
    return 1;
  }
  if (n) audit_queue(q, "queue_export", n);
  if (q->json) printf("{\"file\":\"%s\",\"requests\":%zu}\n", path, n);
  else printf("%zu requests in %s\n", n, n ? path : "(nothing to export)");
  return 0;
}

/* Each envelope becomes a queued row of this office's own outbox, with the exporting kiosk's
 * key: delivered by the same code, and deduplicated by the window whoever delivers first. */
static int take_envelope(void *ud, const pk_outbox_row *meta, const char *sealed) {
  qctx *q = ud;
  pk_outbox_row row, old;
  if (pk_outbox_get_by_key(q->ob, meta->idem_key, false, &old) == 0) {
    pk_outbox_row_clear(&old);
    return 0; /* already here: harmless */
  }
  if (!pk_outbox_draft(q->ob, &row)) return -1;
  memcpy(row.idem_key, meta->idem_key, sizeof row.idem_key);
  snprintf(row.service_id, sizeof row.service_id, "%s", meta->service_id);
  snprintf(row.national_masked, sizeof row.national_masked, "%s", "");
  row.level = 3;
  row.sealed_offline = true;
  row.state = PK_OB_QUEUED;
  row.created_at = meta->created_at;
  char err[256];
  int rc = pk_outbox_insert(q->ob, &row, sealed, err, sizeof err);
  if (rc != 0) fprintf(stderr, "pishkhan queue import: %s: %s\n", meta->ref, err);
  return rc;
}

static int cmd_import(qctx *q, const char *file) {
  char err[256] = "", *jwks = NULL;
  size_t n = 0, len = 0;
  FILE *f = q->device_jwks ? fopen(q->device_jwks, "rb") : NULL;
  FILE *m = f ? open_memstream(&jwks, &len) : NULL;
  char buf[4096];
  size_t got;
  while (m && (got = fread(buf, 1, sizeof buf, f)) > 0) fwrite(buf, 1, got, m);
  if (m) fclose(m);
  if (f) fclose(f);
  if (!jwks) {
    fprintf(stderr, "pishkhan queue import: --device-jwks FILE (the exporting kiosk's keys) is required\n");
    return 2;
  }
  int rc = pk_outbox_import(q->ob, file, jwks, (int64_t)time(NULL), take_envelope, q, &n, err, sizeof err);
  free(jwks);
  if (rc != 0) {
    fprintf(stderr, "%s\npishkhan queue import: %s\n", pk_tr_fa("This bundle was refused."), err);
    return 1;
  }
  audit_queue(q, "queue_import", n);
  if (!q->json) printf("%zu requests taken from %s; delivering\n", n, file);
  return cmd_sync(q);
}

static int cmd_purge(qctx *q) {
  if (!q->delivered || q->older_than_days < 0) return usage();
  int n = pk_outbox_purge_delivered(q->ob, (int64_t)time(NULL) - (int64_t)q->older_than_days * 86400);
  if (n < 0) return 3;
  printf(q->json ? "{\"removed\":%d}\n" : "%d delivered requests removed\n", n);
  return 0;
}

static int run(qctx *q, int argc, char **argv) {
  const char *cmd = argv[0], *arg = argc > 1 ? argv[1] : NULL;
  if (!strcmp(cmd, "list")) return cmd_list(q);
  if (!strcmp(cmd, "sync")) return cmd_sync(q);
  if (!strcmp(cmd, "purge")) return cmd_purge(q);
  if (!arg) return usage();
  if (!strcmp(cmd, "show")) return cmd_show(q, arg);
  if (!strcmp(cmd, "retry")) return cmd_retry(q, arg);
  if (!strcmp(cmd, "export")) return cmd_export(q, arg);
  if (!strcmp(cmd, "import")) return cmd_import(q, arg);
  return usage();
}

enum { O_JSON = 256, O_TIMEOUT, O_DJWKS, O_OLDER, O_DELIVERED };

int pk_queue_cli(int argc, char **argv) {
  static const struct option opts[] = {
      {"config", required_argument, NULL, 'c'},     {"json", no_argument, NULL, O_JSON},
      {"timeout", required_argument, NULL, O_TIMEOUT}, {"device-jwks", required_argument, NULL, O_DJWKS},
      {"older-than", required_argument, NULL, O_OLDER}, {"delivered", no_argument, NULL, O_DELIVERED},
      {NULL, 0, NULL, 0}};
  qctx q = {.timeout_s = 120, .older_than_days = -1};
  pk_config_defaults(&q.cfg);
  char err[512];
  int c, rc = 0;
  /* Options go before or after the command, as the usage shows them ("import FILE --device-jwks"). */
  while (rc == 0 && (c = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
    if (c == 'c' && pk_config_load(&q.cfg, optarg, err, sizeof err) != 0) {
      fprintf(stderr, "%s\npishkhan: %s: %s\n", pk_tr_fa("The settings file could not be used."), optarg, err);
      rc = 3;
    } else if (c == O_JSON) q.json = true;
    else if (c == O_TIMEOUT) q.timeout_s = atoi(optarg);
    else if (c == O_DJWKS) q.device_jwks = optarg;
    else if (c == O_OLDER) q.older_than_days = atoi(optarg);
    else if (c == O_DELIVERED) q.delivered = true;
    else if (c != 'c') rc = 2;
  }
  if (rc == 0 && optind >= argc) rc = usage();
  if (rc == 0) {
    char path[PK_CFG_STR + 16], why[256] = "";
    snprintf(path, sizeof path, "%s/outbox.db", q.cfg.data_dir);
    pk_outbox_limits lim = {.max_rows = q.cfg.queue_max_rows, .max_age_days = q.cfg.queue_max_age_days};
    q.ob = pk_outbox_open(path, &lim, why, sizeof why);
    if (!q.ob) {
      fprintf(stderr, "%s\npishkhan queue: %s: %s\n", pk_tr_fa("The request queue cannot be opened."), path, why);
      rc = 3;
    } else {
      rc = run(&q, argc - optind, argv + optind);
    }
  }
  pk_outbox_close(q.ob);
  pk_config_free(&q.cfg);
  return rc;
}
