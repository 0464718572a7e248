/* The shift report's two forms: text (Persian, then English; also what the PDF shows) and CSV
 * (one table for head office's spreadsheet). The counts are the log's (pk_shift_tally); the desk
 * adds only what the log does not hold (the ticket, companies acted for). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pishkhan/app.h"
#include "pishkhan/catalog.h"
#include "pishkhan/i18n.h"
#include "pishkhan/shift.h"

static void jalali_time(long long t, char *buf, size_t n) {
  int jy, jm, jd;
  time_t tt = (time_t)t;
  struct tm tm;
  localtime_r(&tt, &tm);
  if (pk_jalali_from_time(t, &jy, &jm, &jd) != 0) jy = jm = jd = 0;
  snprintf(buf, n, "%04d/%02d/%02d %02d:%02d", jy, jm, jd, tm.tm_hour, tm.tm_min);
}

/* In a Persian line, ids and hashes run left to right as a whole (Unicode isolates). */
#define LRI(fa) ((fa) ? "\u2066" : "")
#define PDI(fa) ((fa) ? "\u2069" : "")

/* The rows both forms list, in order: msgid, CSV section and key, the count. */
typedef struct {
  const char *msgid, *section, *key;
  unsigned long long n;
} report_row;

enum { NROWS = 16 };

static size_t rows_of(const pk_shift_report_in *in, report_row rows[NROWS]) {
  const pk_shift_tally *t = in->tally;
  const pk_app_shift *s = in->shift;
  report_row all[NROWS] = {
      {N_("Citizens with their card"), "citizens", "card", t->auth[PK_SHIFT_CARD]},
      {N_("Citizens by one-time code"), "citizens", "otp", t->auth[PK_SHIFT_OTP]},
      {N_("Citizens by date of birth (level 1)"), "citizens", "level1", t->auth[PK_SHIFT_LEVEL1]},
      {N_("Acting for a company"), "citizens", "for_company", s->for_entity},
      {N_("Requests with this clerk's help"), "requests", "assisted", t->assisted},
      {N_("Requests without a clerk (self-service)"), "requests", "self_service", t->self_service},
      {N_("Requests sent online"), "requests", "sent", t->submitted},
      {N_("Requests queued"), "requests", "queued", t->queued},
      {N_("Requests registered by the window"), "requests", "registered", t->delivered},
      {N_("Requests refused"), "requests", "refused", t->failed},
      {N_("Requests with a fee paid"), "fees", "paid_requests", t->paid},
      {N_("Receipts printed"), "receipts", "printed", t->prints},
      {N_("Receipts printed again"), "receipts", "reprinted", t->reprints},
      {N_("Times locked"), "desk", "locks", t->locks},
      {N_("Last ticket called"), "desk", "last_ticket", s->ticket},
      {N_("Audit log entries of this shift"), "audit", "entries",
       t->last_seq ? t->last_seq - t->first_seq + 1 : 0},
  };
  memcpy(rows, all, sizeof all);
  return NROWS;
}

/* A number as the block's language writes it; ids and hashes stay ASCII, left to right. */
static void put_text(FILE *f, const char *label, const char *value, bool fa) {
  char *shown = fa ? pk_digits_to_persian(value) : NULL;
  fprintf(f, "%s: %s\n", label, shown ? shown : value);
  free(shown);
}

static void put_num(FILE *f, const char *label, unsigned long long n, bool fa) {
  char num[24];
  snprintf(num, sizeof num, "%llu", n);
  put_text(f, label, num, fa);
}

static const pk_service *service_of(const pk_shift_report_in *in, const char *id) {
  return in->cat ? pk_catalog_service(in->cat, id) : NULL;
}

static void put_services(FILE *f, const pk_shift_report_in *in, bool fa) {
#define T(m) (fa ? pk_tr_fa(m) : (m))
  if (!in->tally->nservices) return;
  fprintf(f, "%s:\n", T(N_("Requests by service")));
  for (size_t i = 0; i < in->tally->nservices; i++) {
    const pk_shift_service *r = &in->tally->services[i];
    const pk_service *svc = service_of(in, r->id);
    char line[512], paid[32];
    pk_shift_group_rials(r->paid_rials, paid, sizeof paid);
    snprintf(line, sizeof line, "%u %s, %u %s, %u %s, %s %s", r->submitted, T(N_("sent")), r->queued, T(N_("queued")),
             r->failed, T(N_("refused")), paid, T(N_("rials paid")));
    char *shown = fa ? pk_digits_to_persian(line) : NULL;
    const char *title = svc ? (fa ? svc->title_fa : svc->title_en) : "";
    fprintf(f, "  %s %s(%s)%s: %s\n", title && *title ? title : r->id, LRI(fa), r->id, PDI(fa), shown ? shown : line);
    free(shown);
  }
#undef T
}

/* Only a shift that took cash says so; the clerk hands over what was received less what the
 * window gave back. */
static void put_cash(FILE *f, const pk_shift_tally *t, bool fa) {
#define T(m) (fa ? pk_tr_fa(m) : (m))
  if (!t->cash_received && !t->cash_refunded) return;
  char in[32], out[32], hand[32];
  pk_shift_group_rials(t->cash_received_rials, in, sizeof in);
  pk_shift_group_rials(t->cash_refunded_rials, out, sizeof out);
  pk_shift_group_rials(t->cash_received_rials - t->cash_refunded_rials, hand, sizeof hand);
  put_text(f, T(N_("Cash received (rials)")), in, fa);
  put_text(f, T(N_("Cash given back (rials)")), out, fa);
  put_text(f, T(N_("Cash to hand over (rials)")), hand, fa);
#undef T
}

/* One block of the report in one language: msgid and its Persian form share the numbers. */
static void put_block(FILE *f, const pk_shift_report_in *in, bool fa) {
#define T(m) (fa ? pk_tr_fa(m) : (m))
  const pk_app_shift *s = in->shift;
  char opened[32], closed[32], paid[32];
  jalali_time(s->opened_at, opened, sizeof opened);
  jalali_time(s->closed_at, closed, sizeof closed);
  fprintf(f, "%s\n", T(N_("Counter shift report")));
  fprintf(f, "%s: %s\n", T(N_("Office")), s->clerk.office_name);
  fprintf(f, "%s: %s %s(%s)%s\n", T(N_("Clerk")), fa ? s->clerk.name_fa : s->clerk.name_en, LRI(fa), s->clerk.clerk_id,
          PDI(fa));
  put_text(f, T(N_("Opened")), opened, fa);
  put_text(f, T(N_("Closed")), closed, fa);
  report_row rows[NROWS];
  for (size_t i = 0, n = rows_of(in, rows); i < n; i++) put_num(f, T(rows[i].msgid), rows[i].n, fa);
  pk_shift_group_rials(in->tally->paid_rials, paid, sizeof paid);
  put_text(f, T(N_("Fees paid (rials)")), paid, fa);
  put_cash(f, in->tally, fa);
  put_services(f, in, fa);
  char size[24];
  snprintf(size, sizeof size, "%llu", s->audit_size);
  fprintf(f, "%s: %s%s %s%s\n", T(N_("Audit log checkpoint")), LRI(fa), size, s->audit_head, PDI(fa));
#undef T
}

char *pk_shift_report_text(const pk_shift_report_in *in) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f) return NULL;
  put_block(f, in, true);
  fputc('\n', f);
  put_block(f, in, false);
  return fclose(f) == 0 ? buf : (free(buf), NULL);
}

/* RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled. */
static void csv_field(FILE *f, const char *v, bool last) {
  if (strpbrk(v, ",\"\r\n")) {
    fputc('"', f);
    for (; *v; v++) {
      if (*v == '"') fputc('"', f);
      fputc(*v, f);
    }
    fputc('"', f);
  } else {
    fputs(v, f);
  }
  fputs(last ? "\r\n" : ",", f);
}

static void csv_row(FILE *f, const char *const cols[9]) {
  for (int i = 0; i < 9; i++) csv_field(f, cols[i] ? cols[i] : "", i == 8);
}

static void csv_shift(FILE *f, const pk_shift_report_in *in) {
  const pk_app_shift *s = in->shift;
  char opened[32], closed[32], at_o[24], at_c[24], size[24];
  jalali_time(s->opened_at, opened, sizeof opened);
  jalali_time(s->closed_at, closed, sizeof closed);
  snprintf(at_o, sizeof at_o, "%lld", s->opened_at);
  snprintf(at_c, sizeof at_c, "%lld", s->closed_at);
  snprintf(size, sizeof size, "%llu", s->audit_size);
  csv_row(f, (const char *const[9]){"shift", "office", s->clerk.office_name, s->clerk.office_id});
  csv_row(f, (const char *const[9]){"shift", "clerk", s->clerk.name_fa, s->clerk.name_en, s->clerk.clerk_id});
  csv_row(f, (const char *const[9]){"shift", "opened", opened, NULL, at_o});
  csv_row(f, (const char *const[9]){"shift", "closed", closed, NULL, at_c});
  csv_row(f, (const char *const[9]){"audit", "checkpoint", s->audit_head, NULL, size});
}

static void csv_cash(FILE *f, const pk_shift_tally *t) {
  char n_in[16], n_out[16], in[24], out[24], hand[24];
  snprintf(n_in, sizeof n_in, "%u", t->cash_received);
  snprintf(n_out, sizeof n_out, "%u", t->cash_refunded);
  snprintf(in, sizeof in, "%lld", t->cash_received_rials);
  snprintf(out, sizeof out, "%lld", t->cash_refunded_rials);
  snprintf(hand, sizeof hand, "%lld", t->cash_received_rials - t->cash_refunded_rials);
  csv_row(f, (const char *const[9]){"cash", "received", pk_tr_fa(N_("Cash received (rials)")), "Cash received (rials)",
                                    n_in, NULL, NULL, NULL, in});
  csv_row(f, (const char *const[9]){"cash", "given_back", pk_tr_fa(N_("Cash given back (rials)")),
                                    "Cash given back (rials)", n_out, NULL, NULL, NULL, out});
  csv_row(f, (const char *const[9]){"cash", "to_hand_over", pk_tr_fa(N_("Cash to hand over (rials)")),
                                    "Cash to hand over (rials)", NULL, NULL, NULL, NULL, hand});
}

char *pk_shift_report_csv(const pk_shift_report_in *in) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  if (!f) return NULL;
  csv_row(f, (const char *const[9]){"section", "key", "name_fa", "name_en", "count", "sent", "queued", "refused",
                                    "paid_rials"});
  csv_shift(f, in);
  report_row rows[NROWS];
  for (size_t i = 0, n = rows_of(in, rows); i < n; i++) {
    char num[24];
    snprintf(num, sizeof num, "%llu", rows[i].n);
    csv_row(f, (const char *const[9]){rows[i].section, rows[i].key, pk_tr_fa(rows[i].msgid), rows[i].msgid, num});
  }
  char paid[24];
  snprintf(paid, sizeof paid, "%lld", in->tally->paid_rials);
  csv_row(f, (const char *const[9]){"fees", "paid_rials", pk_tr_fa(N_("Fees paid (rials)")), "Fees paid (rials)", NULL,
                                    NULL, NULL, NULL, paid});
  csv_cash(f, in->tally);
  for (size_t i = 0; i < in->tally->nservices; i++) {
    const pk_shift_service *r = &in->tally->services[i];
    const pk_service *svc = service_of(in, r->id);
    char sent[16], queued[16], refused[16], rials[24];
    snprintf(sent, sizeof sent, "%u", r->submitted);
    snprintf(queued, sizeof queued, "%u", r->queued);
    snprintf(refused, sizeof refused, "%u", r->failed);
    snprintf(rials, sizeof rials, "%lld", r->paid_rials);
    csv_row(f, (const char *const[9]){"service", r->id, svc ? svc->title_fa : NULL, svc ? svc->title_en : NULL, NULL,
                                      sent, queued, refused, rials});
  }
  return fclose(f) == 0 ? buf : (free(buf), NULL);
}
