/* The kiosk's acts in its audit log (audit/, docs/audit.md): the settings it started with, each
 * citizen's sign-in, each request recorded, queued, delivered or refused, each print. Only
 * masked codes and grouped references go in; the log refuses anything that looks secret. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_private.h"
#include "pishkhan/audit.h"
#include "pishkhan/i18n.h"
#include "pishkhan/log.h"
#include "pishkhan/shift.h"

/* A failed append is said in the log and never stops a citizen: the kiosk serves on, and
 * `pishkhan audit verify` or doctor shows the gap. */
static void append(pk_backend *be, const char *kind, json_t *fields) {
  char *text = fields ? json_dumps(fields, JSON_COMPACT) : NULL;
  json_decref(fields);
  char err[160] = "";
  if (be->audit && text && pk_audit_append(be->audit, kind, text, err, sizeof err) != 0)
    pk_err("audit: %s not recorded: %s", kind, err);
  free(text);
}

void pk_be_open_audit(pk_backend *be) {
  char path[PK_CFG_STR + 16], err[160] = "";
  snprintf(path, sizeof path, "%s/audit.log", be->cfg->data_dir);
  pk_audit_opts o = {.path = path,
                     .kiosk_id = be->cfg->kiosk_id,
                     .device_key_pem = be->device_kid[0] ? be->cfg->device_key : NULL,
                     .kid = be->device_kid};
  be->audit = pk_audit_open(&o, err, sizeof err);
  if (!be->audit) {
    pk_err("audit: %s cannot be opened: %s", path, err);
    return;
  }
  append(be, "config_at_start", json_pack("{s:s}", "sha256", be->cfg->text_sha256));
}

void pk_be_close_audit(pk_backend *be) {
  pk_audit_close(be->audit);
  be->audit = NULL;
}

void pk_be_audit_auth(pk_backend *be, const char *method, int level, const char *national_code) {
  char masked[32];
  pk_mask_national_code(national_code ? national_code : "", masked, sizeof masked);
  append(be, "citizen_auth", json_pack("{s:s, s:i, s:s}", "method", method, "level", level, "national_masked", masked));
}

static json_t *request_fields(const char *ref, const char *service_id) {
  char grouped[24];
  pk_outbox_ref_group(ref, grouped, sizeof grouped);
  return json_pack("{s:s, s:s}", "ref", grouped, "service", service_id);
}

void pk_be_audit_request(pk_backend *be, const char *kind, const char *ref, const char *service_id) {
  append(be, kind, request_fields(ref, service_id));
}

/* A request recorded: with its level, the clerk who helped (the shift report counts by it) and
 * the fee paid with it, grouped in thousands so that no amount reads as a national code. */
void pk_be_audit_recorded(pk_backend *be, const pk_outbox_row *row, long long paid_rials) {
  json_t *o = request_fields(row->ref, row->service_id);
  const char *clerk = be->app ? pk_app_assisted_by(be->app) : NULL;
  if (o) json_object_set_new(o, "level", json_integer(row->level));
  if (o && clerk && *clerk) json_object_set_new(o, "clerk", json_string(clerk));
  if (o && paid_rials > 0) {
    char grouped[32];
    pk_shift_group_rials(paid_rials, grouped, sizeof grouped);
    json_object_set_new(o, "paid", json_string(grouped));
  }
  append(be, row->state == PK_OB_QUEUED ? "request_queued" : "request_submitted", o);
}

/* A receipt is named by its tracking code, in groups of four so that no long digit run (which
 * the log takes for a national code) is written. */
void pk_be_audit_print(pk_backend *be, const char *tracking_code, const char *service_id, bool again) {
  char *code = pk_code_groups(tracking_code, 8);
  if (code) append(be, again ? "reprint" : "print", json_pack("{s:s, s:s}", "ref", code, "service", service_id));
  free(code);
}

void pk_be_audit_cash(pk_backend *be, const char *kind, long long rials, const char *invoice) {
  const char *clerk = be->app ? pk_app_assisted_by(be->app) : NULL;
  char grouped[32];
  pk_shift_group_rials(rials, grouped, sizeof grouped);
  append(be, kind, json_pack("{s:s, s:s, s:s}", "clerk", clerk && *clerk ? clerk : "-", "amount", grouped, "invoice",
                             invoice));
}
