/* The other ways an invoice is paid, and its end: the window's payment link opened on the
 * citizen's own phone (the phone's bank page is simulated by a test endpoint), cash taken by
 * a clerk who may take it, and cancel, which makes an unpaid invoice unpayable and gives a
 * paid but unused one back (a refund through the provider). Money the window holds is never
 * given back once a request carries the invoice. */
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>

#include "sim_internal.h"

#define LINK_S 600 /* a payment link is open 10 minutes, never past the invoice's own limit */

/* Uppercase letters and digits only: a QR code carries them in its compact alphanumeric mode. */
static void random_token(char *out, size_t n) {
  static const char set[] = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  unsigned char b[32];
  if (n > sizeof b || RAND_bytes(b, (int)n) != 1) memset(b, 0, sizeof b);
  for (size_t i = 0; i + 1 < n; i++) out[i] = set[b[i] % 32];
  out[n - 1] = 0;
}

static void random_ref(char out[13]) {
  unsigned char b[12];
  if (RAND_bytes(b, sizeof b) != 1) memset(b, 7, sizeof b);
  for (int i = 0; i < 12; i++) out[i] = (char)('0' + b[i] % 10);
  out[0] = out[0] == '0' ? '9' : out[0];
  out[12] = 0;
}

sim_url sim_pay_url(pk_window_sim *s, const char *token) {
  sim_url u;
  snprintf(u.url, sizeof u.url, "HTTPS://%s:%d/PAY/%s", s->opts.bind ? s->opts.bind : "127.0.0.1", s->port, token);
  return u;
}

static bool exec_ok(pk_window_sim *s, char *sql) {
  bool ok = sql && sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK;
  sqlite3_free(sql);
  return ok;
}

/* Under s->lock: the invoice paid by another way than the card terminal; the window is its own
 * provider for these (its payment gateway, its cashier's record). */
static bool mark_paid(pk_window_sim *s, sim_invoice *v, const char *method, const char *clerk) {
  char ref[13];
  random_ref(ref);
  long long now = sim_now(s);
  bool ok = exec_ok(s, sqlite3_mprintf("BEGIN; INSERT INTO provider(bank_ref,amount,invoice_id) VALUES(%Q,%lld,%Q);"
                                      "UPDATE invoices SET status='paid',method=%Q,bank_ref=%Q,paid_at=%lld,"
                                      "cash_clerk=%Q WHERE id=%Q AND status='unpaid'; COMMIT;",
                                      ref, v->amount, v->id, method, ref, now, clerk, v->id));
  if (!ok) sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
  return ok && sim_invoice_load(s, "id=?", v->id, NULL, NULL, v);
}

typedef enum MHD_Result (*locked_step)(pk_window_sim *s, sim_req *r, sim_invoice *v, const char **why);

/* Loads the session person's invoice (or, with the kiosk's certificate alone and alone_ok,
 * any invoice), runs step under the lock, then answers the invoice or the problem. */
static enum MHD_Result with_invoice(pk_window_sim *s, sim_req *r, const char *id, bool alone_ok, locked_step step) {
  sim_session ses = {0};
  enum MHD_Result ret;
  bool alone = alone_ok && sim_kiosk_alone(s, r);
  if (!alone && sim_auth_bearer(s, r, &ses, &ret)) return ret;
  sim_invoice v = {0};
  const char *why = NULL;
  pthread_mutex_lock(&s->lock);
  bool found = alone ? sim_invoice_load(s, "id=?", id, NULL, NULL, &v)
                     : sim_invoice_load(s, "id=? AND national_code=?", id, ses.national_code, NULL, &v);
  if (found) step(s, r, &v, &why);
  pthread_mutex_unlock(&s->lock);
  if (!found) return sim_problem(s, r, 404, "invoice_not_found", "این صورتحساب یافت نشد.", "No such invoice.", NULL);
  if (!why) return sim_send_json(s, r, 200, sim_invoice_json(s, &v), 0);
  if (!strcmp(why, "internal")) return sim_internal_error(s, r);
  if (!strcmp(why, "cash_not_allowed"))
    return sim_problem(s, r, 403, why, "این کارمند اجازه دریافت وجه نقد ندارد.",
                       "This clerk may not take cash payments.", "clerk_id");
  if (!strcmp(why, "invoice_used"))
    return sim_problem(s, r, 409, why, "این صورتحساب برای درخواستی به کار رفته و برگشت‌پذیر نیست.",
                       "A request carries this invoice: it can no longer be cancelled.", NULL);
  if (!strcmp(why, "invoice_already_paid"))
    return sim_problem(s, r, 409, why, "این صورتحساب پیش‌تر پرداخت شده است.",
                       "The invoice was already paid another way.", NULL);
  return sim_problem(s, r, 409, why, "مهلت پرداخت این صورتحساب گذشته یا صورتحساب لغو شده است.",
                     "The invoice is no longer payable (expired or cancelled).", NULL);
}

static const char *payable(pk_window_sim *s, const sim_invoice *v) {
  if (sim_invoice_closed(v)) return "invoice_cancelled";
  if (v->until <= (long long)sim_now(s)) return "invoice_expired";
  return NULL;
}

static enum MHD_Result link_step(pk_window_sim *s, sim_req *r, sim_invoice *v, const char **why) {
  (void)r;
  if (v->paid_at) return MHD_YES; /* paid already: the answer says so, no new link */
  if ((*why = payable(s, v))) return MHD_YES;
  long long now = sim_now(s);
  if (v->link[0] && v->link_until > now) return MHD_YES; /* asking again shows the same code */
  char token[13];
  random_token(token, sizeof token);
  long long until = now + LINK_S < v->until ? now + LINK_S : v->until;
  if (!exec_ok(s, sqlite3_mprintf("UPDATE invoices SET link_token=%Q,link_until=%lld WHERE id=%Q", token, until, v->id)) ||
      !sim_invoice_load(s, "id=?", v->id, NULL, NULL, v))
    *why = "internal";
  return MHD_YES;
}

static enum MHD_Result cash_step(pk_window_sim *s, sim_req *r, sim_invoice *v, const char **why) {
  const char *clerk = r->json ? json_string_value(json_object_get(r->json, "clerk_id")) : NULL;
  const sim_clerk *c = clerk ? sim_clerk_by_id(clerk) : NULL;
  bool may = false;
  for (const char *const *p = c ? c->permissions : NULL; p && *p; p++) may |= !strcmp(*p, "cash_payment");
  if (!may) return *why = "cash_not_allowed", MHD_YES;
  if (v->paid_at) {
    if (strcmp(v->method, "cash")) *why = "invoice_already_paid"; /* else: a retry, answered as paid */
    return MHD_YES;
  }
  if ((*why = payable(s, v))) return MHD_YES;
  if (!mark_paid(s, v, "cash", clerk)) *why = "internal";
  return MHD_YES;
}

static enum MHD_Result cancel_step(pk_window_sim *s, sim_req *r, sim_invoice *v, const char **why) {
  (void)r;
  if (sim_invoice_closed(v)) return MHD_YES; /* a retry: answered as it ended */
  if (v->used_by[0]) return *why = "invoice_used", MHD_YES;
  const char *to = v->paid_at ? "refunded" : "cancelled";
  if (!exec_ok(s, sqlite3_mprintf("UPDATE invoices SET status=%Q,link_token=NULL WHERE id=%Q AND used_by IS NULL", to,
                                  v->id)) ||
      !sim_invoice_load(s, "id=?", v->id, NULL, NULL, v))
    *why = "internal";
  return MHD_YES;
}

enum MHD_Result sim_h_invoice_link(pk_window_sim *s, sim_req *r, const char *id) {
  return with_invoice(s, r, id, false, link_step);
}

enum MHD_Result sim_h_invoice_cash(pk_window_sim *s, sim_req *r, const char *id) {
  return with_invoice(s, r, id, false, cash_step);
}

enum MHD_Result sim_h_invoice_cancel(pk_window_sim *s, sim_req *r, const char *id) {
  return with_invoice(s, r, id, true, cancel_step);
}

/* Under s->lock: the phone's bank page pays (or declines) the invoice its link opened. NULL,
 * or why not; *v is the invoice as it stands. */
static const char *phone_pay_locked(pk_window_sim *s, const char *token, bool approve, sim_invoice *v) {
  if (!sim_invoice_load(s, "link_token=?", token, NULL, NULL, v)) return "link_not_found";
  if (v->paid_at) return NULL;
  const char *why = payable(s, v);
  if (!why && v->link_until <= (long long)sim_now(s)) why = "link_expired";
  if (!why && approve && !mark_paid(s, v, "phone", NULL)) why = "internal";
  return why;
}

int pk_window_sim_phone_pay(pk_window_sim *s, const char *token, bool approve) {
  sim_invoice v = {0};
  pthread_mutex_lock(&s->lock);
  const char *why = phone_pay_locked(s, token, approve, &v);
  pthread_mutex_unlock(&s->lock);
  return why ? -1 : 0;
}

int pk_window_sim_invoice_status(pk_window_sim *s, const char *invoice_id, char out[12]) {
  sim_invoice v = {0};
  pthread_mutex_lock(&s->lock);
  bool found = sim_invoice_load(s, "id=?", invoice_id, NULL, NULL, &v);
  pthread_mutex_unlock(&s->lock);
  snprintf(out, 12, "%s", found ? v.status : "");
  return found ? 0 : -1;
}

/* Tests: the citizen's phone pays (or its bank declines) on the page its link opened. */
enum MHD_Result sim_h_test_phone_pay(pk_window_sim *s, sim_req *r) {
  const char *token = r->json ? json_string_value(json_object_get(r->json, "token")) : NULL;
  const char *outcome = r->json ? json_string_value(json_object_get(r->json, "outcome")) : NULL;
  if (!sim_ok_text(token, 12, 12, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"))
    return sim_problem(s, r, 422, "validation_failed", "اطلاعات نامعتبر است.", "token (12 letters) is required.", "token");
  sim_invoice v = {0};
  pthread_mutex_lock(&s->lock);
  const char *why = phone_pay_locked(s, token, !outcome || strcmp(outcome, "decline"), &v);
  pthread_mutex_unlock(&s->lock);
  if (why && !strcmp(why, "link_not_found"))
    return sim_problem(s, r, 404, why, "این پیوند پرداخت یافت نشد.", "No such payment link.", NULL);
  if (why && !strcmp(why, "internal")) return sim_internal_error(s, r);
  if (why) return sim_problem(s, r, 409, why, "این پیوند پرداخت دیگر معتبر نیست.", "The payment link is no longer valid.", NULL);
  return sim_send_json(s, r, 200, json_pack("{s:s, s:s}", "invoice_id", v.id, "status", v.status), 0);
}
