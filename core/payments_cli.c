/* `pishkhan payments report --day DATE`: the terminal's batch totals, the kiosk's own records
 * and the window's invoices for one local day, side by side, with every mismatch and what to
 * do about it; `pishkhan payments settle --day DATE` closes that day's batch once it reconciles. The window and the terminal may be unreachable: the report still prints, marked
 * incomplete, and never says the day reconciles. */
#include "pishkhan/payments_cli.h"

#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pishkhan/i18n.h"
#include "pishkhan/loop.h"
#include "pishkhan/module_opts.h"

typedef struct {
  const pk_config *cfg;
  int y, m, d, jy, jm, jd;
  char day[9];
  pk_pay_record *recs;
  size_t nrec;
  bool has_terminal;
  pk_pay_batch batch;
  pk_pay_window_invoice *inv;
  size_t ninv;
  pk_recon rec;
} report;

enum { WINDOW_WAIT_MS = 60000 };

static int day_bounds(const report *r, int64_t *from, int64_t *to) {
  struct tm a = {.tm_year = r->y - 1900, .tm_mon = r->m - 1, .tm_mday = r->d, .tm_isdst = -1};
  struct tm b = a;
  b.tm_mday++;
  time_t ta = mktime(&a), tb = mktime(&b);
  *from = (int64_t)ta, *to = (int64_t)tb;
  return ta == (time_t)-1 || tb == (time_t)-1 ? -1 : 0;
}

static int gather_store(report *r) {
  char path[PK_CFG_STR + 16], why[256] = "";
  snprintf(path, sizeof path, "%s/payments.db", r->cfg->data_dir);
  pk_pay_opts o;
  pk_config_pay_opts(r->cfg, &o);
  pk_pay_store *s = pk_pay_store_open(path, &o, why, sizeof why);
  int64_t from, to;
  int n = s && day_bounds(r, &from, &to) == 0 ? pk_pay_list_between(s, from, to, &r->recs) : -1;
  if (!s) fprintf(stderr, "%s\npishkhan payments: %s: %s\n", pk_tr_fa("The payment store cannot be opened."), path, why);
  pk_pay_store_close(s);
  r->nrec = n > 0 ? (size_t)n : 0;
  return n < 0 ? -1 : 0;
}

static void gather_terminal(report *r) {
  pk_pay_terminal *t = pk_config_pay_terminal(r->cfg);
  r->has_terminal = t != NULL;
  pk_pay_opts o;
  pk_config_pay_opts(r->cfg, &o);
  if (t) pk_pay_batch_fetch(t, r->day, o.status_timeout_ms, &r->batch);
  pk_pay_terminal_close(t);
}

/* The distinct invoices of the day's records, each to be asked of the window. */
static void collect_invoices(report *r) {
  r->inv = calloc(r->nrec ? r->nrec : 1, sizeof *r->inv);
  for (size_t i = 0; r->inv && i < r->nrec; i++) {
    bool seen = !r->recs[i].invoice[0];
    for (size_t j = 0; j < r->ninv && !seen; j++) seen = !strcmp(r->inv[j].invoice_id, r->recs[i].invoice);
    if (!seen) snprintf(r->inv[r->ninv++].invoice_id, sizeof r->inv->invoice_id, "%s", r->recs[i].invoice);
  }
}

typedef struct {
  pk_pay_window_invoice *w;
  size_t *left;
} inv_ctx;

/* An invoice the window says it does not have is an answer too: unpaid, amount 0. */
static void on_invoice(const pk_net_invoice *res, void *ud) {
  inv_ctx *c = ud;
  c->w->reached = res->st.err == PK_NET_OK || res->st.http_status == 404;
  c->w->paid = res->st.err == PK_NET_OK && !strcmp(res->status, "paid");
  c->w->amount = res->st.err == PK_NET_OK ? res->amount_rials : 0;
  snprintf(c->w->bank_ref, sizeof c->w->bank_ref, "%s", res->st.err == PK_NET_OK ? res->bank_ref : "");
  (*c->left)--;
}

static void gather_window(report *r) {
  collect_invoices(r);
  char *err = NULL;
  pk_loop *loop = r->ninv ? pk_loop_new() : NULL;
  pk_net *net = loop ? pk_net_new_config(loop, r->cfg, &err) : NULL;
  inv_ctx *ctx = net ? calloc(r->ninv, sizeof *ctx) : NULL;
  size_t left = 0;
  for (size_t i = 0; ctx && i < r->ninv; i++) {
    ctx[i] = (inv_ctx){&r->inv[i], &left};
    left++;
    if (!pk_net_invoice_get(net, r->inv[i].invoice_id, on_invoice, &ctx[i])) left--;
  }
  uint64_t end = pk_now_ms() + WINDOW_WAIT_MS;
  while (left > 0 && pk_now_ms() < end) pk_loop_run_once(loop, 200);
  pk_net_free(net); /* what is still pending is called back cancelled: not reached */
  free(ctx);
  pk_loop_free(loop);
  free(err);
}

static void report_free(report *r) {
  free(r->recs);
  free(r->inv);
  pk_pay_batch_free(&r->batch);
  pk_pay_recon_free(&r->rec);
}

static size_t card_payments(const report *r) {
  size_t n = 0;
  for (size_t i = 0; i < r->nrec; i++) n += r->recs[i].method == PK_PAY_CARD;
  return n;
}

/* A day without card payments (none, or all paid to the window by phone or in cash) has nothing
 * the terminal could contradict. */
static bool complete(const report *r) {
  bool terminal_side = r->batch.reached || (!r->has_terminal && card_payments(r) == 0);
  return terminal_side && !r->rec.window_unreached;
}

static int verdict(const report *r) {
  if (r->rec.mismatches) return PK_PAYREP_MISMATCH;
  return complete(r) ? PK_PAYREP_RECONCILES : PK_PAYREP_INCOMPLETE;
}

/* ---- text ---- */

/* A count or an amount in the UI's digits, grouped; the buffer is reused by the caller. */
static char *num(long long v, bool grouped) {
  if (grouped) return pk_amount_format(v);
  char buf[32];
  snprintf(buf, sizeof buf, "%lld", v);
  return pk_digits_localize(buf);
}

/* The one place a translated format is used: every argument is a string (numbers already in
 * the UI's digits), so the catalog's %s can only ever meet strings. */
static void say(FILE *out, const char *indent, const char *fmt, const char *a, const char *b, const char *c,
                const char *d) {
  fputs(indent, out);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  fprintf(out, fmt, a ? a : "", b ? b : "", c ? c : "", d ? d : "");
#pragma GCC diagnostic pop
  fputc('\n', out);
}

/* fmt has a %s for each of the n numbers: counts (even places) and amounts (odd) alternate. */
static void say_nums(FILE *out, const char *fmt, int n, const long long *v) {
  char *s[4] = {0};
  for (int i = 0; i < n && i < 4; i++) s[i] = num(v[i], i % 2 == 1);
  say(out, "", fmt, s[0], s[1], s[2], s[3]);
  for (int i = 0; i < 4; i++) free(s[i]);
}

static void text_header(const report *r, FILE *out) {
  char *j = pk_jalali_format(r->jy, r->jm, r->jd, PK_JDATE_WEEKDAY), g[16];
  snprintf(g, sizeof g, "%04d-%02d-%02d", r->y, r->m, r->d);
  char *gl = pk_digits_localize(g);
  say(out, "", _("Payments of %s (%s)"), j, gl ? gl : g, NULL, NULL);
  free(j);
  free(gl);
}

static void text_sides(const report *r, FILE *out) {
  const pk_pay_batch *b = &r->batch;
  if (!r->has_terminal && card_payments(r) < r->nrec)
    fprintf(out, "%s\n", _("No card terminal: this kiosk's fees are paid to the national window (by phone or in cash), "
                           "so the window's side is the one that counts."));
  else if (!r->has_terminal) fprintf(out, "%s\n", _("No card terminal is set for this kiosk ([payment] terminal)."));
  else if (!b->reached) fprintf(out, "%s\n", _("The terminal did not answer: its side of the day is missing."));
  else
    say_nums(out, _("Terminal (batch totals): %s approved sales, %s rials; %s reversed, %s rials."), 4,
             (long long[]){b->n_approved, b->sum_approved, b->n_reversed, b->sum_reversed});
  say_nums(out, _("This kiosk's records: %s payments standing, %s rials; %s reversed, %s rials."), 4,
           (long long[]){r->rec.n_standing, r->rec.sum_standing, r->rec.n_reversed, r->rec.sum_reversed});
  if (r->ninv && r->rec.window_unreached)
    say_nums(out, _("The window did not answer for %s of the invoices: its side is incomplete."), 1,
             (long long[]){(long long)r->rec.window_unreached});
  if (r->ninv)
    say_nums(out, _("The window's invoices: %s paid, %s rials."), 2, (long long[]){r->rec.n_paid, r->rec.sum_paid});
}

static void text_item_detail(const pk_recon_item *it, FILE *out) {
  char *a = num(it->kiosk_amount, true), *b = num(it->other_amount, true), *c = num(it->count, false);
  if (it->kind == PK_RECON_AMOUNT_MISMATCH || it->kind == PK_RECON_TOTALS_DIFFER)
    say(out, "   ", it->side == PK_RECON_SIDE_WINDOW ? _("kiosk %s rials, window %s rials") : _("kiosk %s rials, terminal %s rials"),
        a, b, NULL, NULL);
  else if (it->kind == PK_RECON_UNKNOWN_TO_KIOSK) say(out, "   ", _("terminal %s rials"), b, NULL, NULL, NULL);
  else if (it->kind == PK_RECON_CHARGED_TWICE) say(out, "   ", _("%s standing sales"), c, NULL, NULL, NULL);
  free(a), free(b), free(c);
}

static void text_item(const pk_recon_item *it, FILE *out) {
  fprintf(out, "%s %s\n", pk_recon_is_mismatch(it->kind) ? "!" : "-", pk_recon_kind_text(it->kind));
  if (it->trace[0] || it->invoice[0]) {
    char *t = pk_digits_localize(it->trace);
    say(out, "   ", _("trace %s, invoice %s"), t && *t ? t : "-", it->invoice[0] ? it->invoice : "-", NULL, NULL);
    free(t);
  }
  text_item_detail(it, out);
  fprintf(out, "   %s %s\n", _("What to do:"), pk_recon_kind_action(it->kind));
}

static void print_text(const report *r, FILE *out) {
  text_header(r, out);
  text_sides(r, out);
  for (size_t i = 0; i < r->rec.n; i++) text_item(&r->rec.items[i], out);
  if (r->rec.mismatches)
    say_nums(out, _("%s mismatches: the day does not reconcile."), 1, (long long[]){(long long)r->rec.mismatches});
  else if (!complete(r))
    fprintf(out, "%s\n", _("No mismatch found, but a side did not answer: the report is incomplete and does not "
                           "show that the day reconciles."));
  else
    fprintf(out, "%s\n", _("The day reconciles to the rial."));
}

/* ---- JSON ---- */

static json_t *money(long long n, long long rials) { return json_pack("{s:I, s:I}", "count", (json_int_t)n, "rials", (json_int_t)rials); }

static json_t *terminal_json(const report *r) {
  const pk_pay_batch *b = &r->batch;
  json_t *o = json_pack("{s:b, s:b}", "configured", r->has_terminal, "reached", b->reached);
  if (b->reached) {
    json_object_set_new(o, "approved", money(b->n_approved, b->sum_approved));
    json_object_set_new(o, "reversed", money(b->n_reversed, b->sum_reversed));
    json_object_set_new(o, "journal_entries", json_integer((json_int_t)b->n));
  }
  return o;
}

static json_t *item_json(const pk_recon_item *it) {
  static const char *const SIDES[] = {"kiosk", "terminal", "window"};
  json_t *o = json_pack("{s:s, s:b, s:s, s:s, s:s, s:s}", "kind", pk_recon_kind_name(it->kind), "mismatch",
                        pk_recon_is_mismatch(it->kind), "trace", it->trace, "invoice", it->invoice, "what",
                        pk_recon_kind_text(it->kind), "action", pk_recon_kind_action(it->kind));
  if (it->kind == PK_RECON_AMOUNT_MISMATCH || it->kind == PK_RECON_TOTALS_DIFFER || it->kind == PK_RECON_UNKNOWN_TO_KIOSK) {
    json_object_set_new(o, "side", json_string(SIDES[it->side]));
    json_object_set_new(o, "kiosk_rials", json_integer(it->kiosk_amount));
    json_object_set_new(o, "other_rials", json_integer(it->other_amount));
  }
  if (it->count) json_object_set_new(o, "count", json_integer(it->count));
  return o;
}

static void print_json(const report *r, FILE *out) {
  char g[16], j[16];
  snprintf(g, sizeof g, "%04d-%02d-%02d", r->y, r->m, r->d);
  snprintf(j, sizeof j, "%04d/%02d/%02d", r->jy, r->jm, r->jd);
  json_t *items = json_array();
  for (size_t i = 0; i < r->rec.n; i++) json_array_append_new(items, item_json(&r->rec.items[i]));
  json_t *o = json_pack(
      "{s:s, s:s, s:o, s:{s:o, s:o}, s:{s:I, s:I, s:o}, s:o, s:I, s:b, s:b}", "day", g, "jalali", j, "terminal",
      terminal_json(r), "kiosk", "standing", money(r->rec.n_standing, r->rec.sum_standing), "reversed",
      money(r->rec.n_reversed, r->rec.sum_reversed), "window", "invoices", (json_int_t)r->ninv, "unreached",
      (json_int_t)r->rec.window_unreached, "paid", money(r->rec.n_paid, r->rec.sum_paid), "items", items, "mismatches",
      (json_int_t)r->rec.mismatches, "complete", complete(r), "reconciles", verdict(r) == PK_PAYREP_RECONCILES);
  json_dumpf(o, out, JSON_INDENT(1) | JSON_SORT_KEYS);
  fputc('\n', out);
  json_decref(o);
}

/* ---- the commands ---- */

/* The three sides of the day y-m-d gathered and compared: the verdict, or PK_PAYREP_ESTORE. */
static int reconcile_day(report *r, const pk_config *cfg, int y, int m, int d) {
  *r = (report){.cfg = cfg, .y = y, .m = m, .d = d};
  char day[40];
  snprintf(day, sizeof day, "%04d%02d%02d", y, m, d);
  snprintf(r->day, sizeof r->day, "%.8s", day);
  if (pk_jalali_from_gregorian(y, m, d, &r->jy, &r->jm, &r->jd) != 0 || gather_store(r) != 0) return PK_PAYREP_ESTORE;
  gather_terminal(r);
  gather_window(r);
  return pk_pay_reconcile(r->recs, r->nrec, &r->batch, r->inv, r->ninv, &r->rec) == PK_PAY_OK ? verdict(r)
                                                                                                : PK_PAYREP_ESTORE;
}

int pk_payments_report(const pk_config *cfg, int y, int m, int d, bool json, FILE *out) {
  report r;
  int rc = reconcile_day(&r, cfg, y, m, d);
  if (rc != PK_PAYREP_ESTORE) json ? print_json(&r, out) : print_text(&r, out);
  report_free(&r);
  return rc;
}

/* The terminal closed the batch: each submitted card payment of the day is marked settled. */
static int mark_settled(const report *r) {
  char path[PK_CFG_STR + 16], why[256] = "";
  snprintf(path, sizeof path, "%s/payments.db", r->cfg->data_dir);
  pk_pay_opts o;
  pk_config_pay_opts(r->cfg, &o);
  pk_pay_store *s = pk_pay_store_open(path, &o, why, sizeof why);
  int rc = s ? PK_PAY_OK : PK_PAY_EIO;
  for (size_t i = 0; rc == PK_PAY_OK && i < r->nrec; i++)
    if (r->recs[i].method == PK_PAY_CARD && r->recs[i].state == PK_PAY_SUBMITTED)
      rc = pk_pay_mark_settled(s, r->recs[i].trace);
  pk_pay_store_close(s);
  return rc;
}

/* The totals are the reconciliation's standing card payments: once the day reconciles, all are
 * submitted (or settled by an earlier run). */
static int settle_at_terminal(const report *r, FILE *out) {
  int64_t n = r->rec.n_card, sum = r->rec.sum_card;
  pk_pay_terminal *t = pk_config_pay_terminal(r->cfg);
  pk_pay_opts o;
  pk_config_pay_opts(r->cfg, &o);
  pk_pay_batch closed;
  pk_pay_settle_rc src = pk_pay_batch_settle(t, r->day, n, sum, o.status_timeout_ms, &closed);
  pk_pay_terminal_close(t);
  if (src == PK_PAY_SETTLE_NO_ANSWER) {
    fprintf(out, "%s\n", _("The terminal did not answer: the batch may or may not be closed. Run the settlement "
                           "again; repeating it is safe."));
    return PK_PAYREP_INCOMPLETE;
  }
  if (src == PK_PAY_SETTLE_REFUSED) {
    say_nums(out, _("The terminal refused to close the batch: it holds %s sales, %s rials; this kiosk %s, %s rials. "
                    "Nothing was settled."), 4, (long long[]){closed.n_approved, closed.sum_approved, n, sum});
    return PK_PAYREP_MISMATCH;
  }
  if (mark_settled(r) != PK_PAY_OK) {
    fprintf(out, "%s\n", _("The terminal closed the batch, but this kiosk could not record it. Run the settlement "
                           "again; repeating it is safe."));
    return PK_PAYREP_ESTORE;
  }
  say_nums(out, _("The batch is settled: %s sales, %s rials. They can no longer be reversed at the terminal; a "
                  "refund goes through the window."), 2, (long long[]){n, sum});
  return PK_PAYREP_RECONCILES;
}

/* End of day: the batch is closed at the terminal only once the day reconciles on all three
 * sides, and with the totals the kiosk holds, so a sale under way cannot slip into it. */
int pk_payments_settle(const pk_config *cfg, int y, int m, int d, FILE *out) {
  report r;
  int rc = reconcile_day(&r, cfg, y, m, d);
  if (rc != PK_PAYREP_ESTORE) text_header(&r, out);
  if (rc == PK_PAYREP_RECONCILES && !r.has_terminal)
    fprintf(out, "%s\n", _("No card terminal is set for this kiosk: there is no batch to settle."));
  else if (rc == PK_PAYREP_RECONCILES) rc = settle_at_terminal(&r, out);
  else if (rc != PK_PAYREP_ESTORE) {
    print_text(&r, out);
    fprintf(out, "%s\n", _("The batch was not settled: a day is settled only once it reconciles."));
  }
  report_free(&r);
  return rc;
}

/* YYYY-MM-DD (Gregorian) or a Jalali date (1405/09/11, any digit set, or with the month's name). */
static bool parse_day(const char *arg, int *y, int *m, int *d) {
  char *ascii = pk_digits_to_ascii(arg);
  char tail;
  bool greg = ascii && sscanf(ascii, "%4d-%2d-%2d%c", y, m, d, &tail) == 3 && *y >= 1900;
  free(ascii);
  if (greg) {
    struct tm t = {.tm_year = *y - 1900, .tm_mon = *m - 1, .tm_mday = *d, .tm_hour = 12, .tm_isdst = -1};
    return mktime(&t) != (time_t)-1 && t.tm_mday == *d && t.tm_mon == *m - 1;
  }
  int jy, jm, jd;
  return pk_jalali_parse(arg, &jy, &jm, &jd) == PK_DATE_OK && pk_gregorian_from_jalali(jy, jm, jd, y, m, d) == 0;
}

static int usage(void) {
  fprintf(stderr, "%s\n", pk_tr_fa("Usage: pishkhan payments report|settle --day DATE [--json] [--config FILE] [--lang fa|en]"));
  fprintf(stderr, "Usage: pishkhan payments report|settle --day DATE [--json] [--config FILE] [--lang fa|en]\n"
                  "  DATE is the kiosk's local day: 2026-12-02, or Jalali 1405/09/11 (any digits)\n"
                  "  report: exit 0 reconciles, 1 mismatch, 3 store or settings unusable, 4 incomplete\n"
                  "  settle: closes the terminal's batch of a day that reconciles; exit 0 settled,\n"
                  "  1 mismatch or refused, 3 unusable, 4 incomplete or no answer (repeat it)\n");
  return PK_PAYREP_USAGE;
}

/* --lang, else $LANG (en… or fa…), else the settings' language: as the other commands. */
static void choose_lang(const char *opt, const pk_config *cfg) {
  const char *env = getenv("LANG");
  const char *code = opt ? opt : env && !strncmp(env, "en", 2) ? "en" : env && !strncmp(env, "fa", 2) ? "fa" : cfg->lang;
  pk_i18n_set_lang(pk_lang_from_code(code));
}

enum { O_JSON = 256, O_DAY, O_LANG };

int pk_payments_cli(int argc, char **argv) {
  static const struct option opts[] = {{"config", required_argument, NULL, 'c'}, {"json", no_argument, NULL, O_JSON},
                                       {"day", required_argument, NULL, O_DAY},  {"lang", required_argument, NULL, O_LANG},
                                       {NULL, 0, NULL, 0}};
  pk_config cfg;
  pk_config_defaults(&cfg);
  const char *day = NULL, *lang = NULL;
  bool json = false;
  char err[512];
  int c, rc = 0;
  optind = 1;
  while (rc == 0 && (c = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
    if (c == 'c' && pk_config_load(&cfg, optarg, err, sizeof err) != 0) {
      fprintf(stderr, "%s\npishkhan: %s: %s\n", pk_tr_fa("The settings file could not be used."), optarg, err);
      rc = PK_PAYREP_ESTORE;
    } else if (c == O_JSON) json = true;
    else if (c == O_DAY) day = optarg;
    else if (c == O_LANG && (!strcmp(optarg, "fa") || !strcmp(optarg, "en"))) lang = optarg;
    else if (c != 'c') rc = usage();
  }
  int y, m, d;
  bool settle = optind < argc && !strcmp(argv[optind], "settle");
  if (rc == 0 && (optind >= argc || (strcmp(argv[optind], "report") && !settle) || !day || (settle && json))) rc = usage();
  if (rc == 0 && !parse_day(day, &y, &m, &d)) {
    fprintf(stderr, "%s\npishkhan payments: --day %s\n",
            pk_tr_fa("The date is not understood: write it as 2026-12-02 or 1405/09/11."), day);
    rc = PK_PAYREP_USAGE;
  }
  if (rc == 0) choose_lang(lang, &cfg);
  if (rc == 0) rc = settle ? pk_payments_settle(&cfg, y, m, d, stdout) : pk_payments_report(&cfg, y, m, d, json, stdout);
  pk_config_free(&cfg);
  return rc;
}
