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

#include "backend_private.h"
#include "pishkhan/audit.h"
#include "pishkhan/i18n.h"
#include "pishkhan/log.h"

void pk_be_desk_audit(void *bep, const char *kind, const char *clerk_id) {
  pk_backend *be = bep;
  char err[160] = "";
  json_t *o = json_pack("{s:s}", "clerk", clerk_id && *clerk_id ? clerk_id : "-");
  char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
  json_decref(o);
  if (be->audit && text && pk_audit_append(be->audit, kind, text, err, sizeof err) != 0)
    pk_err("audit: %s not recorded: %s", kind, err);
  free(text);
}

static void jalali_time(long long t, char *buf, size_t n) {
  int jy, jm, jd;
  time_t tt = (time_t)t;
  struct tm tm;
  localtime_r(&tt, &tm);
  if (pk_jalali_from_time(t, &jy, &jm, &jd) != 0) jy = jm = jd = 0;
  snprintf(buf, n, "%04d/%02d/%02d %02d:%02d", jy, jm, jd, tm.tm_hour, tm.tm_min);
}

/* A number as the block's language writes it; ids and hashes stay ASCII, left to right. */
static void put_num(FILE *f, const char *label, unsigned long long n, bool fa) {
  char num[24];
  snprintf(num, sizeof num, "%llu", n);
  char *shown = fa ? pk_digits_to_persian(num) : NULL;
  fprintf(f, "%s: %s\n", label, shown ? shown : num);
  free(shown);
}

/* One block of the report in one language: msgid and its Persian form share the numbers. */
static void put_block(FILE *f, const pk_app_shift *s, bool fa) {
  char opened[32], closed[32];
  jalali_time(s->opened_at, opened, sizeof opened);
  jalali_time(s->closed_at, closed, sizeof closed);
#define T(m) (fa ? pk_tr_fa(m) : (m))
  char *o = fa ? pk_digits_to_persian(opened) : NULL, *c = fa ? pk_digits_to_persian(closed) : NULL;
  fprintf(f, "%s\n", T(N_("Counter shift report")));
  fprintf(f, "%s: %s\n", T(N_("Office")), s->clerk.office_name);
  fprintf(f, "%s: %s (%s)\n", T(N_("Clerk")), fa ? s->clerk.name_fa : s->clerk.name_en, s->clerk.clerk_id);
  fprintf(f, "%s: %s\n%s: %s\n", T(N_("Opened")), o ? o : opened, T(N_("Closed")), c ? c : closed);
  free(o);
  free(c);
  const struct { const char *msgid; unsigned long long n; } rows[] = {
      {N_("Citizens with their card"), s->by_card}, {N_("Citizens by one-time code"), s->by_otp},
      {N_("Citizens by date of birth (level 1)"), s->by_level1},
      {N_("Acting for a company"), s->for_entity},  {N_("Requests registered"), s->registered},
      {N_("Requests queued"), s->queued},            {N_("Requests refused"), s->refused},
      {N_("Times locked"), s->locks},                {N_("Last ticket called"), s->ticket},
  };
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) put_num(f, T(rows[i].msgid), rows[i].n, fa);
  char size[24];
  snprintf(size, sizeof size, "%llu", s->audit_size);
  fprintf(f, "%s: %s %s\n", T(N_("Audit log checkpoint")), size, s->audit_head);
#undef T
}

char *pk_be_shift_report_text(const pk_app_shift *s) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f) return NULL;
  put_block(f, s, true);
  fputc('\n', f);
  put_block(f, s, false);
  fclose(f);
  return buf;
}

/* data_dir/shifts/shift-<opened>-<clerk>.txt, 0600, synced: the shift's paper of record. */
static int write_report(const pk_backend *be, const pk_app_shift *s, char *path, size_t n) {
  char dir[PK_CFG_STR + 16];
  snprintf(dir, sizeof dir, "%s/shifts", be->cfg->data_dir);
  if (mkdir(dir, 0700) != 0 && errno != EEXIST) return -1;
  snprintf(path, n, "%s/shift-%lld-%s.txt", dir, s->opened_at, s->clerk.clerk_id);
  char *text = pk_be_shift_report_text(s);
  FILE *f = text ? fopen(path, "wx") : NULL;
  int rc = f && fputs(text, f) >= 0 && fflush(f) == 0 && fsync(fileno(f)) == 0 ? 0 : -1;
  if (f && fclose(f) != 0) rc = -1;
  free(text);
  if (rc != 0) path[0] = 0;
  return rc;
}

void pk_be_shift_end(void *bep, pk_app *app, const pk_app_shift *shift) {
  pk_backend *be = bep;
  pk_app_shift r = *shift;
  char err[160] = "";
  pk_be_desk_audit(be, "clerk_logout", shift->clerk.clerk_id);
  /* The checkpoint signs the log as it stands before the checkpoint's own entry: that tree
   * size and head are what the paper names. */
  r.audit_size = be->audit ? pk_audit_size(be->audit, r.audit_head) : 0;
  if (be->audit && pk_audit_checkpoint(be->audit, err, sizeof err) != 0) pk_err("audit: shift checkpoint: %s", err);
  if (write_report(be, &r, r.report_path, sizeof r.report_path) != 0)
    pk_err("shift report not written in %s/shifts: %s", be->cfg->data_dir, strerror(errno));
  else pk_info("shift closed: report %s, audit checkpoint at %llu", r.report_path, r.audit_size);
  pk_app_shift_closed(app, &r);
}
