/* Fees: an invoice per (citizen, service, request key), paid only on a bank reference the
 * window confirms with the payment provider, and bound to one request at most. The
 * provider is simulated by a table of confirmed references (POST /admin/provider). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"

#define PAYABLE_S 3600

static const char *jstr(sim_req *r, const char *k) { return json_string_value(json_object_get(r->json, k)); }

bool sim_ok_text(const char *s, size_t min, size_t max, const char *allowed) {
  size_t n = s ? strlen(s) : 0;
  return s && n >= min && n <= max && strspn(s, allowed) == n;
}


static void col(sqlite3_stmt *st, int i, char *out, size_t n) {
  const unsigned char *t = sqlite3_column_text(st, i);
  snprintf(out, n, "%s", t ? (const char *)t : "");
}

bool sim_invoice_load(pk_window_sim *s, const char *where, const char *a, const char *b, const char *c, sim_invoice *v) {
  char *sql = sqlite3_mprintf("SELECT id,service_id,national_code,idem_key,status,coalesce(bank_ref,''),"
                              "coalesce(used_by,''),amount,payable_until,coalesce(paid_at,0),method,"
                              "coalesce(link_token,''),coalesce(link_until,0) FROM invoices WHERE %s",
                              where);
  sqlite3_stmt *st;
  bool found = false;
  if (sql && sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
    if (b) sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
    if (c) sqlite3_bind_text(st, 3, c, -1, SQLITE_STATIC);
    if ((found = sqlite3_step(st) == SQLITE_ROW)) {
      col(st, 0, v->id, sizeof v->id), col(st, 1, v->sid, sizeof v->sid), col(st, 2, v->nc, sizeof v->nc);
      col(st, 3, v->key, sizeof v->key), col(st, 4, v->status, sizeof v->status);
      col(st, 5, v->bank_ref, sizeof v->bank_ref), col(st, 6, v->used_by, sizeof v->used_by);
      v->amount = sqlite3_column_int64(st, 7), v->until = sqlite3_column_int64(st, 8);
      v->paid_at = sqlite3_column_int64(st, 9);
      col(st, 10, v->method, sizeof v->method), col(st, 11, v->link, sizeof v->link);
      v->link_until = sqlite3_column_int64(st, 12);
    }
    sqlite3_finalize(st);
  }
  sqlite3_free(sql);
  return found;
}

json_t *sim_invoice_json(pk_window_sim *s, const sim_invoice *v) {
  json_t *o = json_pack("{s:s, s:s, s:I, s:I, s:s}", "invoice_id", v->id, "service_id", v->sid, "amount_rials",
                        (json_int_t)v->amount, "payable_until", (json_int_t)v->until, "status", v->status);
  if (v->paid_at) {
    json_object_set_new(o, "bank_ref", json_string(v->bank_ref));
    json_object_set_new(o, "paid_at", json_integer(v->paid_at));
    json_object_set_new(o, "method", json_string(v->method[0] ? v->method : "card"));
  }
  if (v->link[0] && v->link_until > (long long)sim_now(s)) { /* an ended link is not shown again */
    json_object_set_new(o, "pay_url", json_string_nocheck(sim_pay_url(s, v->link).url));
    json_object_set_new(o, "link_expires_at", json_integer(v->link_until));
  }
  return o;
}

enum MHD_Result sim_internal_error(pk_window_sim *s, sim_req *r) {
  return sim_problem(s, r, 500, "internal", "خطای داخلی سامانه.", "Internal error.", NULL);
}

enum MHD_Result sim_h_invoice_create(pk_window_sim *s, sim_req *r) {
  sim_session ses;
  enum MHD_Result ret;
  if (sim_auth_bearer(s, r, &ses, &ret)) return ret;
  if (!json_is_object(r->json))
    return sim_problem(s, r, 400, "bad_request", "درخواست نامعتبر است.", "JSON object expected.", NULL);
  const char *sid = jstr(r, "service_id"), *key = jstr(r, "idempotency_key");
  json_t *svc = sid ? json_object_get(s->cat.by_id, sid) : NULL;
  if (!svc)
    return sim_problem(s, r, 404, "service_not_found", "این خدمت در پنجره ملی یافت نشد.", "No such service.",
                       "service_id");
  long long fee = json_integer_value(json_object_get(svc, "fee_rials"));
  if (fee <= 0)
    return sim_problem(s, r, 422, "service_has_no_fee", "این خدمت هزینه‌ای ندارد.", "This service charges no fee.",
                       "service_id");
  if (!sim_idem_key_valid(key))
    return sim_problem(s, r, 422, "validation_failed", "شناسه یکتای درخواست نامعتبر است.",
                       "idempotency_key (8-64 characters [A-Za-z0-9_-]) is required.", "idempotency_key");
  sim_invoice v = {0};
  pthread_mutex_lock(&s->lock);
  /* One invoice per request: asking again for the same request gives the same invoice. */
  bool had = sim_invoice_load(s, "national_code=? AND service_id=? AND idem_key=?", ses.national_code, sid, key, &v);
  bool ok = had;
  if (!had) {
    char id[24];
    sim_random_b64url(id, 9); /* 72 bits, and short: the receipt's QR carries it */
    snprintf(v.id, sizeof v.id, "inv_%s", id);
    char *sql = sqlite3_mprintf("INSERT INTO invoices(id,service_id,national_code,idem_key,amount,payable_until)"
                                " VALUES(%Q,%Q,%Q,%Q,%lld,%lld)",
                                v.id, sid, ses.national_code, key, fee, (long long)sim_now(s) + PAYABLE_S);
    ok = sql && sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK && sim_invoice_load(s, "id=?", v.id, NULL, NULL, &v);
    sqlite3_free(sql);
  }
  pthread_mutex_unlock(&s->lock);
  if (!ok) return sim_internal_error(s, r);
  return sim_send_json(s, r, had ? 200 : 201, sim_invoice_json(s, &v), 0);
}

/* The acquirer's host as the provider sees it: the terminal simulator's own record of its
 * approved sales, read-only. A reference the kiosk made up is in no such record. */
static bool approved_at_terminal(const pk_window_sim *s, const char *rrn, long long *amount) {
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  bool found = false;
  if (!s->opts.provider_pos_db[0] ||
      sqlite3_open_v2(s->opts.provider_pos_db, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
    sqlite3_close(db);
    return false;
  }
  sqlite3_busy_timeout(db, 2000);
  if (sqlite3_prepare_v2(db, "SELECT amount FROM sales WHERE rrn=? AND state='approved'", -1, &st, NULL) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, rrn, -1, SQLITE_STATIC);
    if ((found = sqlite3_step(st) == SQLITE_ROW)) *amount = sqlite3_column_int64(st, 0);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return found;
}

static void learn_from_terminal(pk_window_sim *s, const char *rrn) {
  long long amount;
  if (!approved_at_terminal(s, rrn, &amount)) return;
  char *sql = sqlite3_mprintf("INSERT OR IGNORE INTO provider(bank_ref,amount) VALUES(%Q,%lld)", rrn, amount);
  if (sql) sqlite3_exec(s->db, sql, NULL, NULL, NULL);
  sqlite3_free(sql);
}

/* Under s->lock: the provider's word on a bank reference. 0 confirmed for amount, else the
 * problem code. */
static const char *confirm(pk_window_sim *s, const char *rrn, long long amount, const char *inv) {
  sqlite3_stmt *st;
  const char *why = "payment_not_confirmed";
  learn_from_terminal(s, rrn);
  if (sqlite3_prepare_v2(s->db, "SELECT amount,coalesce(invoice_id,'') FROM provider WHERE bank_ref=?", -1, &st,
                         NULL) != SQLITE_OK)
    return why;
  sqlite3_bind_text(st, 1, rrn, -1, SQLITE_STATIC);
  if (sqlite3_step(st) == SQLITE_ROW) {
    const char *used = (const char *)sqlite3_column_text(st, 1);
    if (sqlite3_column_int64(st, 0) != amount) why = "payment_amount_mismatch";
    else if (*used && strcmp(used, inv)) why = "bank_ref_used";
    else why = NULL;
  }
  sqlite3_finalize(st);
  return why;
}

static const char *pay_locked(pk_window_sim *s, sim_invoice *v, const char *rrn, const char *term, const char *trace) {
  if (sim_invoice_closed(v)) return "invoice_cancelled";
  if (v->paid_at) return strcmp(v->bank_ref, rrn) ? "invoice_already_paid" : NULL;
  if (v->until <= (long long)sim_now(s)) return "invoice_expired";
  const char *why = confirm(s, rrn, v->amount, v->id);
  if (why) return why;
  long long now = sim_now(s);
  char *sql = sqlite3_mprintf("BEGIN; UPDATE provider SET invoice_id=%Q WHERE bank_ref=%Q;"
                              "UPDATE invoices SET status='paid',method='card',bank_ref=%Q,terminal_id=%Q,trace=%Q,paid_at=%lld"
                              " WHERE id=%Q; COMMIT;",
                              v->id, rrn, rrn, term, trace, now, v->id);
  int rc = sql ? sqlite3_exec(s->db, sql, NULL, NULL, NULL) : SQLITE_NOMEM;
  sqlite3_free(sql);
  if (rc != SQLITE_OK) {
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return "internal";
  }
  return sim_invoice_load(s, "id=?", v->id, NULL, NULL, v) ? NULL : "internal";
}

static enum MHD_Result pay_refused(pk_window_sim *s, sim_req *r, const char *why) {
  if (!strcmp(why, "internal")) return sim_internal_error(s, r);
  if (!strcmp(why, "invoice_already_paid") || !strcmp(why, "bank_ref_used"))
    return sim_problem(s, r, 409, why, "این پرداخت یا صورتحساب پیش‌تر به کار رفته است.",
                       "The invoice was paid with another reference, or the reference paid another invoice.",
                       "bank_ref");
  if (!strcmp(why, "invoice_expired") || !strcmp(why, "invoice_cancelled"))
    return sim_problem(s, r, 409, why, "مهلت پرداخت این صورتحساب گذشته یا صورتحساب لغو شده است.",
                       "The invoice is no longer payable (expired or cancelled).", NULL);
  return sim_problem(s, r, 422, why, "پرداخت نزد بانک تایید نشد.",
                     "The payment provider did not confirm this reference for the invoice's amount.", "bank_ref");
}

enum MHD_Result sim_h_invoice_pay(pk_window_sim *s, sim_req *r, const char *id) {
  sim_session ses;
  enum MHD_Result ret;
  if (sim_auth_bearer(s, r, &ses, &ret)) return ret;
  const char *rrn = r->json ? jstr(r, "bank_ref") : NULL, *term = r->json ? jstr(r, "terminal_id") : NULL,
             *trace = r->json ? jstr(r, "trace") : NULL;
  if (!sim_ok_text(rrn, 12, 12, DIGITS) || !sim_ok_text(term, 1, 16, IDCH) || !sim_ok_text(trace, 1, 6, DIGITS))
    return sim_problem(s, r, 422, "validation_failed", "اطلاعات پرداخت ناقص است.",
                       "bank_ref (RRN, 12 digits), terminal_id and trace (1-6 digits) are required.",
                       !sim_ok_text(rrn, 12, 12, DIGITS) ? "bank_ref" : !sim_ok_text(term, 1, 16, IDCH) ? "terminal_id"
                                                                                                 : "trace");
  sim_invoice v = {0};
  pthread_mutex_lock(&s->lock);
  bool found = sim_invoice_load(s, "id=? AND national_code=?", id, ses.national_code, NULL, &v);
  const char *why = found ? pay_locked(s, &v, rrn, term, trace) : "invoice_not_found";
  pthread_mutex_unlock(&s->lock);
  if (!found)
    return sim_problem(s, r, 404, why, "این صورتحساب یافت نشد.", "No such invoice.", NULL);
  if (why) return pay_refused(s, r, why);
  return sim_send_json(s, r, 200, sim_invoice_json(s, &v), 0);
}

/* Reconciliation (pishkhan payments report) reads an invoice's status with the kiosk's own
 * certificate and no citizen's session: the answer carries no personal data, and the id is a
 * 72-bit secret the kiosk was given. */
bool sim_kiosk_alone(const pk_window_sim *s, sim_req *r) {
  return s->mtls && r->kiosk_id[0] && !MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Authorization");
}

enum MHD_Result sim_h_invoice_get(pk_window_sim *s, sim_req *r, const char *id) {
  sim_session ses = {0};
  enum MHD_Result ret;
  bool by_kiosk = sim_kiosk_alone(s, r);
  if (!by_kiosk && sim_auth_bearer(s, r, &ses, &ret)) return ret;
  sim_invoice v = {0};
  pthread_mutex_lock(&s->lock);
  bool found = by_kiosk ? sim_invoice_load(s, "id=?", id, NULL, NULL, &v) : sim_invoice_load(s, "id=? AND national_code=?", id, ses.national_code, NULL, &v);
  pthread_mutex_unlock(&s->lock);
  if (!found) return sim_problem(s, r, 404, "invoice_not_found", "این صورتحساب یافت نشد.", "No such invoice.", NULL);
  return sim_send_json(s, r, 200, sim_invoice_json(s, &v), 0);
}

int pk_window_sim_provider_confirm(pk_window_sim *s, const char *bank_ref, long long amount_rials) {
  pthread_mutex_lock(&s->lock);
  char *sql = sqlite3_mprintf("INSERT OR IGNORE INTO provider(bank_ref,amount) VALUES(%Q,%lld)", bank_ref,
                              amount_rials);
  int rc = sql ? sqlite3_exec(s->db, sql, NULL, NULL, NULL) : SQLITE_NOMEM;
  sqlite3_free(sql);
  pthread_mutex_unlock(&s->lock);
  return rc == SQLITE_OK ? 0 : -1;
}

/* Tests (and, later, the POS simulator): the provider confirms that it settled a sale. */
enum MHD_Result sim_h_provider(pk_window_sim *s, sim_req *r) {
  const char *rrn = r->json ? jstr(r, "bank_ref") : NULL;
  json_t *am = r->json ? json_object_get(r->json, "amount_rials") : NULL;
  if (!sim_ok_text(rrn, 12, 12, DIGITS) || !json_is_integer(am) || json_integer_value(am) <= 0)
    return sim_problem(s, r, 422, "validation_failed", "اطلاعات نامعتبر است.",
                       "bank_ref (12 digits) and a positive amount_rials are required.", NULL);
  if (pk_window_sim_provider_confirm(s, rrn, (long long)json_integer_value(am))) return sim_internal_error(s, r);
  return sim_send_json(s, r, 201, json_pack("{s:s, s:I}", "bank_ref", rrn, "amount_rials", json_integer_value(am)),
                       0);
}

enum MHD_Result sim_check_invoice(pk_window_sim *s, sim_req *r, const char *nc, json_t *svc, const char *inv,
                                  bool *ok) {
  *ok = false;
  bool fee = json_integer_value(json_object_get(svc, "fee_rials")) > 0;
  if (!inv && fee && s->opts.fees_enforce)
    return sim_problem(s, r, 422, "invoice_required", "هزینه این خدمت باید پیش از ثبت پرداخت شود.",
                       "This service charges a fee: pay its invoice and send invoice_id.", "invoice_id");
  if (!inv) return *ok = true, MHD_YES;
  sim_invoice v = {0};
  pthread_mutex_lock(&s->lock);
  bool found = sim_ok_text(inv, 1, 31, IDCH) && sim_invoice_load(s, "id=? AND national_code=?", inv, nc, NULL, &v);
  pthread_mutex_unlock(&s->lock);
  const char *sid = json_string_value(json_object_get(svc, "id"));
  if (!found || (sid && strcmp(v.sid, sid)))
    return sim_problem(s, r, 422, "invoice_mismatch", "این صورتحساب برای این خدمت و این شخص نیست.",
                       "The invoice is unknown, or for another person or service.", "invoice_id");
  if (!v.paid_at || strcmp(v.status, "paid"))
    return sim_problem(s, r, 422, "invoice_unpaid", "این صورتحساب هنوز پرداخت نشده است.",
                       "The invoice is not paid.", "invoice_id");
  return *ok = true, MHD_YES;
}

bool sim_invoice_paid(pk_window_sim *s, const char *inv, long long *amount, char *bank_ref) {
  sim_invoice v = {0};
  if (!sim_invoice_load(s, "id=?", inv, NULL, NULL, &v) || !v.paid_at || strcmp(v.status, "paid")) return false;
  *amount = v.amount;
  memcpy(bank_ref, v.bank_ref, sizeof v.bank_ref);
  return true;
}

bool sim_invoice_claim(pk_window_sim *s, const char *inv, const char *key) {
  char *sql = sqlite3_mprintf("UPDATE invoices SET used_by=%Q WHERE id=%Q AND status='paid'"
                              " AND (used_by IS NULL OR used_by=%Q)", key, inv, key);
  bool ok = sql && sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK && sqlite3_changes(s->db) == 1;
  sqlite3_free(sql);
  return ok;
}
