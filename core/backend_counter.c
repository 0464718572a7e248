/* Counter mode's records: the desk's acts in the audit log, and the shift report. A shift's end
 * signs a checkpoint of the audit log (tree size and head hash) and names it in the report, so
 * that an inspector can match the paper against the log (`pishkhan audit verify`). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>
#include <openssl/sha.h>

#include "backend_private.h"
#include "pishkhan/audit.h"
#include "pishkhan/i18n.h"
#include "pishkhan/log.h"
#include "pishkhan/receipt.h"
#include "pishkhan/shift.h"

/* The shift's entries start with its first clerk_login: where that line begins in the file. */
static void note_shift_start(pk_backend *be, const char *kind) {
  if (strcmp(kind, "clerk_login") || be->shift_open) return;
  char path[PK_CFG_STR + 16];
  snprintf(path, sizeof path, "%s/audit.log", be->cfg->data_dir);
  struct stat st;
  be->shift_log_from = stat(path, &st) == 0 ? (long long)st.st_size : 0;
  be->shift_open = true;
}

void pk_be_card_fingerprint(pk_backend *be, const uint8_t *cert, size_t len) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  be->card_fpr[0] = 0;
  if (!cert || !SHA256(cert, len, md)) return;
  for (size_t i = 0; i < sizeof md; i++) snprintf(be->card_fpr + 2 * i, 3, "%02x", md[i]);
}

static void copy_path(const pk_backend *be, char *path, size_t n) {
  snprintf(path, n, "%s/clerk-register.json", be->cfg->data_dir);
}

/* Written whole (a crash leaves the old copy or the new), readable by the kiosk's user only. */
void pk_be_clerk_copy_save(pk_backend *be, const pk_app_clerk *k) {
  char path[PK_CFG_STR + 32];
  copy_path(be, path, sizeof path);
  json_error_t je;
  json_t *all = json_load_file(path, 0, &je);
  if (!json_is_object(all)) json_decref(all), all = json_object();
  json_t *e = json_pack("{s:s, s:s, s:s, s:I, s:I}", "clerk_id", k->clerk_id, "office_id", k->office_id, "office_name",
                        k->office_name, "perms", (json_int_t)k->perms, "confirmed_at", (json_int_t)time(NULL));
  if (!be->card_fpr[0] || !all || !e || json_object_set_new(all, be->card_fpr, e) != 0) {
    json_decref(all);
    return;
  }
  char *text = json_dumps(all, JSON_COMPACT);
  if (!text || pk_be_write_atomic(path, text, strlen(text), 0600) != 0)
    pk_warn("counter: the register's copy %s not written", path);
  free(text);
  json_decref(all);
}

bool pk_be_clerk_copy_find(pk_backend *be, pk_app_clerk *k) {
  char path[PK_CFG_STR + 32];
  copy_path(be, path, sizeof path);
  json_error_t je;
  json_t *all = be->card_fpr[0] ? json_load_file(path, 0, &je) : NULL;
  json_t *e = json_object_get(all, be->card_fpr);
  long long at = (long long)json_integer_value(json_object_get(e, "confirmed_at")), now = (long long)time(NULL);
  const char *id = json_string_value(json_object_get(e, "clerk_id"));
  bool fresh = id && at > 0 && at <= now && now - at <= PK_CLERK_COPY_DAYS * 86400LL;
  if (fresh) {
    memset(k, 0, sizeof *k);
    snprintf(k->clerk_id, sizeof k->clerk_id, "%s", id);
    const char *office = json_string_value(json_object_get(e, "office_id"));
    const char *name = json_string_value(json_object_get(e, "office_name"));
    snprintf(k->office_id, sizeof k->office_id, "%s", office ? office : "");
    snprintf(k->office_name, sizeof k->office_name, "%s", name ? name : "");
    k->perms = (unsigned)json_integer_value(json_object_get(e, "perms"));
    k->copy_of = at;
  }
  json_decref(all);
  return fresh;
}

void pk_be_desk_audit(void *bep, const char *kind, const char *clerk_id) {
  pk_backend *be = bep;
  char err[160] = "";
  note_shift_start(be, kind);
  json_t *o = json_pack("{s:s}", "clerk", clerk_id && *clerk_id ? clerk_id : "-");
  /* A shift opened without the window, on the register's copy: the inspector should know. */
  if (o && !strcmp(kind, "clerk_login") && be->offline_session) json_object_set_new(o, "offline", json_integer(1));
  char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
  json_decref(o);
  if (be->audit && text && pk_audit_append(be->audit, kind, text, err, sizeof err) != 0)
    pk_err("audit: %s not recorded: %s", kind, err);
  free(text);
}

static int write_file(const char *path, const void *data, size_t len) {
  FILE *f = fopen(path, "wx");
  int rc = f && fwrite(data, 1, len, f) == len && fflush(f) == 0 && fsync(fileno(f)) == 0 ? 0 : -1;
  if (f && fclose(f) != 0) rc = -1;
  return rc;
}

/* data_dir/shifts/shift-<opened>-<clerk>.{txt,csv,pdf}, 0600 (the umask's), synced: the
 * shift's papers of record; path gets the text's. */
static int write_report(const pk_backend *be, const pk_shift_report_in *in, char *path, size_t n) {
  char dir[PK_CFG_STR + 16], base[PK_CFG_STR + 128], other[PK_CFG_STR + 136];
  snprintf(dir, sizeof dir, "%s/shifts", be->cfg->data_dir);
  if (mkdir(dir, 0700) != 0 && errno != EEXIST) return -1;
  snprintf(base, sizeof base, "%s/shift-%lld-%s", dir, in->shift->opened_at, in->shift->clerk.clerk_id);
  char *text = pk_shift_report_text(in), *csv = pk_shift_report_csv(in);
  unsigned char *pdf = NULL;
  size_t pdf_len = 0;
  snprintf(path, n, "%s.txt", base);
  int rc = text && csv ? write_file(path, text, strlen(text)) : -1;
  snprintf(other, sizeof other, "%s.csv", base);
  if (rc == 0) rc = write_file(other, csv, strlen(csv));
  snprintf(other, sizeof other, "%s.pdf", base);
  if (rc == 0 && pk_report_render_pdf("Counter shift report", text, &pdf, &pdf_len) == 0)
    rc = write_file(other, pdf, pdf_len);
  else if (rc == 0) pk_err("shift report: the PDF could not be drawn; the text and CSV are written");
  free(pdf);
  free(text);
  free(csv);
  if (rc != 0) path[0] = 0;
  return rc;
}

void pk_be_shift_end(void *bep, pk_app *app, const pk_app_shift *shift) {
  pk_backend *be = bep;
  pk_app_shift r = *shift;
  char err[160] = "", path[PK_CFG_STR + 16];
  pk_be_desk_audit(be, "clerk_logout", shift->clerk.clerk_id);
  /* The checkpoint signs the log as it stands before the checkpoint's own entry: that tree
   * size and head are what the paper names, and what it counts. */
  r.audit_size = be->audit ? pk_audit_size(be->audit, r.audit_head) : 0;
  if (be->audit && pk_audit_checkpoint(be->audit, err, sizeof err) != 0) pk_err("audit: shift checkpoint: %s", err);
  snprintf(path, sizeof path, "%s/audit.log", be->cfg->data_dir);
  pk_shift_tally tally;
  if (pk_shift_tally_read(path, be->shift_log_from, r.audit_size, shift->clerk.clerk_id, &tally, err, sizeof err) != 0) {
    pk_err("shift report: the audit log could not be counted: %s", err);
    memset(&tally, 0, sizeof tally);
  }
  be->shift_open = false;
  pk_shift_report_in in = {.shift = &r, .tally = &tally, .cat = pk_app_catalog(app)};
  if (write_report(be, &in, r.report_path, sizeof r.report_path) != 0)
    pk_err("shift report not written in %s/shifts: %s", be->cfg->data_dir, strerror(errno));
  else pk_info("shift closed: report %s, audit checkpoint at %llu", r.report_path, r.audit_size);
  pk_shift_tally_free(&tally);
  pk_app_shift_closed(app, &r);
}
