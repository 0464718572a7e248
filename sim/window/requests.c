/* Service requests in the simulator: keyed submits (a retried submit never creates a second
 * request), status by tracking code, the citizen's inbox and inquiry documents. */
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pishkhan/receipt.h"
#include "sim_internal.h"

int sim_idem_key_valid(const char *k) {
  size_t n = k ? strlen(k) : 0;
  if (n < 8 || n > 64) return 0;
  for (size_t i = 0; i < n; i++) {
    char c = k[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_'))
      return 0;
  }
  return 1;
}

static void sha256_hex(const char *data, size_t len, char out[65]) {
  unsigned char md[32];
  unsigned int ml = 0;
  EVP_Digest(data, len, md, &ml, EVP_sha256(), NULL);
  for (int i = 0; i < 32; i++) snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* What "the same request" means for a key: the citizen, the service and the values; so a
 * request first sent online and then, its outcome unknown, sealed with the same key is a
 * replay, not a reuse. */
static int request_hash(const sim_new_request *q, char out[65]) {
  const char *nc = q->nc;
  json_t *o = json_pack("{s:s, s:O}", "service_id", q->sid, "fields", q->fields);
  /* Absent when not given, so that the hashes stored before these existed still match. */
  if (o && q->on_behalf_of) json_object_set_new(o, "on_behalf_of", json_string(q->on_behalf_of));
  if (o && q->assisted_by) json_object_set_new(o, "assisted_by", json_string(q->assisted_by));
  if (o && q->invoice_id) json_object_set_new(o, "invoice_id", json_string(q->invoice_id));
  char *canon = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
  json_decref(o);
  char *in = canon ? sqlite3_mprintf("%s|%s", nc, canon) : NULL;
  free(canon);
  if (!in) return -1;
  sha256_hex(in, strlen(in), out);
  sqlite3_free(in);
  return 0;
}

static const char *agency_fa(const char *id) {
  for (size_t i = 0; i < sim_nagencies; i++)
    if (!strcmp(sim_agencies[i].id, id)) return sim_agencies[i].fa;
  return "";
}

/* Looks up the stored answer for a key: 1 found same body, 2 found other body, 0 none. */
static int lookup_key(pk_window_sim *s, const char *key, const char *hash, char **response) {
  sqlite3_stmt *st;
  int found = 0;
  if (sqlite3_prepare_v2(s->db, "SELECT body_hash,response FROM requests WHERE idem_key=?", -1, &st, NULL) !=
      SQLITE_OK)
    return 0;
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step(st) == SQLITE_ROW) {
    found = strcmp((const char *)sqlite3_column_text(st, 0), hash) ? 2 : 1;
    *response = strdup((const char *)sqlite3_column_text(st, 1));
  }
  sqlite3_finalize(st);
  return found;
}

static void add_inbox(pk_window_sim *s, const char *nc, const char *kind, const char *tfa, const char *ten,
                      const char *bfa, const char *ben, const char *tc, long long at) {
  char id[32];
  sim_random_b64url(id, 12);
  char *sql = sqlite3_mprintf("INSERT INTO inbox(id,national_code,kind,title_fa,title_en,body_fa,body_en,"
                              "tracking_code,created_at) VALUES(%Q,%Q,%Q,%Q,%Q,%Q,%Q,%Q,%lld)",
                              id, nc, kind, tfa, ten, bfa, ben, tc, at);
  sqlite3_exec(s->db, sql, NULL, NULL, NULL);
  sqlite3_free(sql);
}

/* The window's answer to a new request, with its receipt: the kiosk's receipt format
 * (receipt/), signed with the window's key. malloc'd JSON text or NULL. */
static char *new_answer(pk_window_sim *s, const sim_new_request *q, const char *tc, long long now) {
  const char *agency = json_string_value(json_object_get(q->svc, "agency_id"));
  pk_receipt rc = {.issued_at = now, .status = PK_RECEIPT_SUBMITTED, .signer = PK_SIGNER_WINDOW};
  snprintf(rc.tracking_code, sizeof rc.tracking_code, "%s", tc);
  snprintf(rc.service_id, sizeof rc.service_id, "%s", q->sid);
  snprintf(rc.service_title, sizeof rc.service_title, "%s", json_string_value(json_object_get(q->svc, "title_fa")));
  snprintf(rc.agency, sizeof rc.agency, "%s", agency_fa(agency));
  snprintf(rc.kiosk_id, sizeof rc.kiosk_id, "%s", q->kiosk_id[0] ? q->kiosk_id : "unknown");
  rc.amount_rials = json_integer_value(json_object_get(q->svc, "fee_rials"));
  pk_receipt_set_national_code(&rc, q->nc);
  snprintf(rc.on_behalf_of, sizeof rc.on_behalf_of, "%s", q->on_behalf_of ? q->on_behalf_of : "");
  snprintf(rc.assisted_by, sizeof rc.assisted_by, "%s", q->assisted_by ? q->assisted_by : "");
  snprintf(rc.invoice_id, sizeof rc.invoice_id, "%s", q->invoice_id ? q->invoice_id : "");
  /* The amount the invoice was paid, and its bank reference: the signed receipt then proves the
   * payment, not only the fee (without an invoice "am" is the catalog's fee, no "pr"). */
  long long paid;
  if (q->invoice_id && sim_invoice_paid(s, q->invoice_id, &paid, rc.payment_ref)) rc.amount_rials = paid;
  char *jws = NULL;
  if (pk_receipt_sign_key(&rc, s->receipt_key, s->receipt_kid, &jws) != 0) jws = NULL;
  json_t *resp = json_pack("{s:s, s:s, s:s, s:I, s:s}", "tracking_code", tc, "service_id", q->sid, "status",
                           "received", "submitted_at", (json_int_t)now, "receipt", jws ? jws : "");
  free(jws);
  char *answer = json_dumps(resp, JSON_COMPACT);
  json_decref(resp);
  return answer;
}

static int insert_request(pk_window_sim *s, const sim_new_request *q, const char *tc, const char *hash,
                          long long now, const char *answer) {
  char *fj = json_dumps(q->fields, JSON_COMPACT);
  sqlite3_stmt *st;
  int ok = 0;
  if (fj && sqlite3_prepare_v2(s->db, "INSERT INTO requests(tracking_code,idem_key,body_hash,national_code,"
                                      "service_id,fields,submitted_at,response,kiosk_id,channel,level,created_at,"
                                      "on_behalf_of,assisted_by,invoice_id) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", -1, &st, NULL) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, tc, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, q->key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, q->nc, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, q->sid, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, fj, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, now);
    sqlite3_bind_text(st, 8, answer, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, q->kiosk_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 10, q->channel, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 11, q->level);
    sqlite3_bind_int64(st, 12, q->created_at ? q->created_at : now);
    sqlite3_bind_text(st, 13, q->on_behalf_of, -1, SQLITE_STATIC); /* NULL binds NULL */
    sqlite3_bind_text(st, 14, q->assisted_by, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 15, q->invoice_id, -1, SQLITE_STATIC);
    ok = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
  }
  free(fj);
  return ok ? 0 : -1;
}

/* Stores q once per key, under s->lock. 0 new (*answer the new answer), 1 replay (*answer
 * the stored one), 2 key reused with another request, -1 failure. */
static int store_once(pk_window_sim *s, const sim_new_request *q, char **answer) {
  char hash[65];
  *answer = NULL;
  if (request_hash(q, hash) != 0) return -1;
  pthread_mutex_lock(&s->lock);
  int found = lookup_key(s, q->key, hash, answer);
  if (!found && q->stale) found = 3;
  if (!found && q->invoice_id && !sim_invoice_claim(s, q->invoice_id, q->key)) found = 4;
  if (!found) {
    char tc[20];
    uint64_t v;
    RAND_bytes((unsigned char *)&v, sizeof v);
    snprintf(tc, sizeof tc, "14%014llu", (unsigned long long)(v % 100000000000000ull));
    long long now = time(NULL);
    *answer = new_answer(s, q, tc, now);
    if (*answer && insert_request(s, q, tc, hash, now, *answer) == 0) {
      char bfa[512];
      snprintf(bfa, sizeof bfa, "درخواست شما با کد رهگیری %s ثبت شد.", tc);
      add_inbox(s, q->nc, "status", json_string_value(json_object_get(q->svc, "title_fa")),
                json_string_value(json_object_get(q->svc, "title_en")), bfa, "Your request was received.", tc, now);
    } else {
      free(*answer);
      *answer = NULL;
      found = -1;
    }
  }
  pthread_mutex_unlock(&s->lock);
  return found;
}

/* A stored answer sent again: the original, marked as a replay. */
static enum MHD_Result send_replay(pk_window_sim *s, sim_req *r, char *stored) {
  json_t *o = json_loads(stored, 0, NULL);
  free(stored);
  if (!o) return sim_problem(s, r, 500, "internal", "خطای داخلی سامانه.", "Internal error.", NULL);
  json_object_set_new(o, "replayed", json_true());
  return sim_send_json(s, r, 200, o, 0);
}

enum MHD_Result sim_store_and_answer(pk_window_sim *s, sim_req *r, const sim_new_request *q) {
  char *answer = NULL;
  int found = store_once(s, q, &answer);
  if (found == 2) {
    free(answer);
    return sim_problem(s, r, 422, "idempotency_key_reused", "این شناسه یکتا قبلا برای درخواست دیگری به کار رفته است.",
                       "The Idempotency-Key was already used with a different request.", NULL);
  }
  if (found == 1) return send_replay(s, r, answer);
  if (found == 4)
    return sim_problem(s, r, 409, "invoice_used", "این صورتحساب پیش‌تر برای درخواست دیگری به کار رفته است.",
                       "The invoice already paid for another request.", "invoice_id");
  if (found == 3)
    return sim_problem(s, r, 422, "request_too_old", "این درخواست بیش از حد مجاز در صف مانده است.",
                       "The request waited in the queue longer than the window accepts.", "created_at");
  if (found < 0 || !answer) return sim_problem(s, r, 500, "internal", "خطای داخلی سامانه.", "Internal error.", NULL);
  return sim_send_raw(s, r, 201, "application/json", answer, strlen(answer), 0, NULL);
}

enum MHD_Result sim_check_service(pk_window_sim *s, sim_req *r, const char *sid, json_t *fields, int level,
                                  json_t **svc_out) {
  json_t *svc = sid ? json_object_get(s->cat.by_id, sid) : NULL;
  *svc_out = NULL;
  if (!svc)
    return sim_problem(s, r, 404, "service_not_found", "این خدمت در پنجره ملی یافت نشد.", "No such service.",
                       "service_id");
  if (level < json_integer_value(json_object_get(svc, "auth_level")))
    return sim_problem(s, r, 403, "insufficient_level", "این خدمت به سطح بالاتری از احراز هویت نیاز دارد.",
                       "This service needs a higher authentication level.", NULL);
  const char *bad = NULL, *why = NULL;
  if (sim_form_validate(svc, fields, &bad, &why)) {
    char en[160];
    snprintf(en, sizeof en, "The field %s is not valid (%s).", bad, why);
    return sim_problem(s, r, 422, "validation_failed", "اطلاعات فرم کامل یا درست نیست.", en, bad);
  }
  *svc_out = svc;
  return MHD_YES;
}

enum MHD_Result sim_h_submit(pk_window_sim *s, sim_req *r) {
  sim_session ses;
  enum MHD_Result ret;
  if (sim_auth_bearer(s, r, &ses, &ret)) return ret;
  const char *key = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Idempotency-Key");
  if (!sim_idem_key_valid(key))
    return sim_problem(s, r, 400, "idempotency_key_required", "شناسه یکتای درخواست ارسال نشده است.",
                       "An Idempotency-Key header (8-64 characters [A-Za-z0-9_-]) is required.", NULL);
  if (!r->json)
    return sim_problem(s, r, 400, "bad_request", "درخواست نامعتبر است.", "The request body is not valid JSON.", NULL);
  const char *sid = json_string_value(json_object_get(r->json, "service_id"));
  json_t *fields = json_object_get(r->json, "fields"), *svc;
  ret = sim_check_service(s, r, sid, fields, ses.level, &svc);
  if (!svc) return ret;
  const char *obo = json_string_value(json_object_get(r->json, "on_behalf_of")),
             *ast = json_string_value(json_object_get(r->json, "assisted_by")),
             *inv = json_string_value(json_object_get(r->json, "invoice_id"));
  bool ok;
  ret = sim_check_counter(s, r, ses.national_code, obo, ast, &ok);
  if (ok) ret = sim_check_invoice(s, r, ses.national_code, svc, inv, &ok);
  if (!ok) return ret;
  sim_new_request q = {.key = key, .nc = ses.national_code, .sid = sid, .kiosk_id = r->kiosk_id,
                       .channel = "online", .svc = svc, .fields = fields, .level = ses.level,
                       .on_behalf_of = obo, .assisted_by = ast, .invoice_id = inv};
  return sim_store_and_answer(s, r, &q);
}

/* The caller's own request by idempotency key: a kiosk (its certificate) sees what it sent,
 * a session without mTLS what its citizen sent. 409 while a submit with the key is being
 * handled, so that a 404 means "not stored, and it will not be". */
enum MHD_Result sim_h_lookup(pk_window_sim *s, sim_req *r) {
  sim_session ses = {0};
  enum MHD_Result ret;
  if (!r->kiosk_id[0] && sim_auth_bearer(s, r, &ses, &ret)) return ret;
  const char *key = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, "idempotency_key");
  if (!sim_idem_key_valid(key))
    return sim_problem(s, r, 400, "idempotency_key_required", "شناسه یکتای درخواست نامعتبر است.",
                       "The idempotency_key parameter (8-64 characters [A-Za-z0-9_-]) is required.",
                       "idempotency_key");
  sqlite3_stmt *st;
  char *stored = NULL;
  pthread_mutex_lock(&s->lock);
  if (sqlite3_prepare_v2(s->db, r->kiosk_id[0] ? "SELECT response FROM requests WHERE idem_key=? AND kiosk_id=?"
                                               : "SELECT response FROM requests WHERE idem_key=? AND national_code=?",
                         -1, &st, NULL) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, r->kiosk_id[0] ? r->kiosk_id : ses.national_code, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) stored = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
  }
  /* Under the same lock as the commit, which comes before the key leaves the in-flight set. */
  int busy = !stored && sim_inflight_has(s, key);
  pthread_mutex_unlock(&s->lock);
  if (stored) return send_replay(s, r, stored);
  if (busy)
    return sim_problem(s, r, 409, "request_in_progress", "این درخواست در حال ثبت است؛ کمی بعد دوباره بپرسید.",
                       "A request with this key is being processed; ask again shortly.", NULL);
  return sim_problem(s, r, 404, "request_unknown", "درخواستی با این شناسه یکتا ثبت نشده است.",
                     "No request with this idempotency key was stored.", "idempotency_key");
}

json_t *sim_requests_json(pk_window_sim *s) {
  json_t *list = json_array();
  sqlite3_stmt *st;
  pthread_mutex_lock(&s->lock);
  if (sqlite3_prepare_v2(s->db, "SELECT idem_key,tracking_code,service_id,channel,kiosk_id,national_code,created_at,"
                                "on_behalf_of,assisted_by,invoice_id FROM requests ORDER BY submitted_at, tracking_code", -1, &st, NULL) == SQLITE_OK) {
    while (sqlite3_step(st) == SQLITE_ROW) {
      char m[16];
      sim_mask_nc((const char *)sqlite3_column_text(st, 5), m);
      json_t *row = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "idempotency_key",
                                            sqlite3_column_text(st, 0), "tracking_code", sqlite3_column_text(st, 1),
                                            "service_id", sqlite3_column_text(st, 2), "channel",
                                            sqlite3_column_text(st, 3), "kiosk_id", sqlite3_column_text(st, 4),
                                            "national_code_masked", m, "created_at",
                                            (json_int_t)sqlite3_column_int64(st, 6));
      static const char *const extra[] = {"on_behalf_of", "assisted_by", "invoice_id"};
      for (int i = 0; i < 3; i++)
        if (sqlite3_column_type(st, 7 + i) == SQLITE_TEXT)
          json_object_set_new(row, extra[i], json_string((const char *)sqlite3_column_text(st, 7 + i)));
      json_array_append_new(list, row);
    }
    sqlite3_finalize(st);
  }
  pthread_mutex_unlock(&s->lock);
  return json_pack("{s:o}", "requests", list);
}

char *pk_window_sim_requests(pk_window_sim *s) {
  json_t *j = sim_requests_json(s);
  char *txt = json_dumps(j, JSON_COMPACT);
  json_decref(j);
  return txt;
}

enum MHD_Result sim_h_status(pk_window_sim *s, sim_req *r, const char *code) {
  sqlite3_stmt *st;
  json_t *o = NULL;
  pthread_mutex_lock(&s->lock);
  if (sqlite3_prepare_v2(s->db, "SELECT service_id,submitted_at FROM requests WHERE tracking_code=?", -1, &st, NULL) ==
      SQLITE_OK) {
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
      long long at = sqlite3_column_int64(st, 1), age = (long long)time(NULL) - at;
      /* Requests move on with time, as an agency's back office would. */
      const char *stt = age < 30 ? "received" : age < 120 ? "in_review" : "done";
      const char *fa = age < 30 ? "دریافت شد" : age < 120 ? "در حال بررسی" : "انجام شد";
      const char *en = age < 30 ? "Received" : age < 120 ? "In review" : "Done";
      o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I}", "tracking_code", code, "service_id",
                    (const char *)sqlite3_column_text(st, 0), "status", stt, "status_fa", fa, "status_en", en,
                    "submitted_at", (json_int_t)at, "updated_at",
                    (json_int_t)(at + (age < 30 ? 0 : age < 120 ? 30 : 120)));
    }
    sqlite3_finalize(st);
  }
  pthread_mutex_unlock(&s->lock);
  if (!o)
    return sim_problem(s, r, 404, "tracking_code_not_found", "درخواستی با این کد رهگیری یافت نشد.",
                       "No request has this tracking code.", "tracking_code");
  return sim_send_json(s, r, 200, o, 0);
}

static void seed_inbox(pk_window_sim *s, const char *nc) {
  char *sql = sqlite3_mprintf("SELECT count(*) FROM inbox WHERE national_code=%Q AND kind!='status'", nc);
  sqlite3_stmt *st;
  int n = 0;
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK) {
    if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
  }
  sqlite3_free(sql);
  if (n) return;
  long long now = time(NULL);
  add_inbox(s, nc, "proactive", "بیمه نوزاد پس از تولد", "Newborn insurance",
            "فرزند شما بدون نیاز به درخواست، زیر پوشش بیمه سلامت قرار گرفت.",
            "Your child was enrolled in health insurance without any request.", "", now - 86400 * 3);
  add_inbox(s, nc, "proactive", "ثبت نام پایه اول ابتدایی", "First-grade enrolment",
            "فرزند شما در نزدیک‌ترین دبستان به نشانی محل سکونت ثبت نام شد.",
            "Your child was enrolled in the primary school nearest to your home.", "", now - 86400);
  add_inbox(s, nc, "letter", "ابلاغیه سازمان امور مالیاتی", "Notice from the tax administration",
            "مهلت ارسال اظهارنامه مالیاتی اشخاص حقیقی تا پایان خرداد است.",
            "Individuals must file their income tax return by the end of Khordad.", "", now - 3600);
}

enum MHD_Result sim_h_inbox(pk_window_sim *s, sim_req *r) {
  sim_session ses;
  enum MHD_Result ret;
  if (sim_auth_bearer(s, r, &ses, &ret)) return ret;
  json_t *items = json_array();
  sqlite3_stmt *st;
  pthread_mutex_lock(&s->lock);
  seed_inbox(s, ses.national_code);
  if (sqlite3_prepare_v2(s->db, "SELECT id,kind,title_fa,title_en,body_fa,body_en,tracking_code,created_at,read"
                                " FROM inbox WHERE national_code=? ORDER BY created_at DESC LIMIT 50", -1, &st,
                         NULL) == SQLITE_OK) {
    sqlite3_bind_text(st, 1, ses.national_code, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW) {
      json_t *it = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:b}", "id", sqlite3_column_text(st, 0),
                             "kind", sqlite3_column_text(st, 1), "title_fa", sqlite3_column_text(st, 2), "title_en",
                             sqlite3_column_text(st, 3), "body_fa", sqlite3_column_text(st, 4), "body_en",
                             sqlite3_column_text(st, 5), "tracking_code", sqlite3_column_text(st, 6), "created_at",
                             (json_int_t)sqlite3_column_int64(st, 7), "read", sqlite3_column_int(st, 8));
      json_array_append_new(items, it);
    }
    sqlite3_finalize(st);
  }
  pthread_mutex_unlock(&s->lock);
  return sim_send_json(s, r, 200, json_pack("{s:o}", "items", items), 0);
}

static json_t *row(const char *fa, const char *en, const char *v) {
  return json_pack("{s:s, s:s, s:s}", "label_fa", fa, "label_en", en, "value", v);
}

/* A value in words has an English form too. */
static json_t *row_words(const char *fa, const char *en, const char *v_fa, const char *v_en) {
  json_t *r = row(fa, en, v_fa);
  json_object_set_new(r, "value_en", json_string(v_en));
  return r;
}

enum MHD_Result sim_h_inquiry(pk_window_sim *s, sim_req *r) {
  sim_session ses;
  enum MHD_Result ret;
  if (sim_auth_bearer(s, r, &ses, &ret)) return ret;
  if (!r->json)
    return sim_problem(s, r, 400, "bad_request", "درخواست نامعتبر است.", "The request body is not valid JSON.", NULL);
  const char *kind = json_string_value(json_object_get(r->json, "kind"));
  json_t *params = json_object_get(r->json, "params");
  json_t *rows = json_array();
  const char *tfa, *ten;
  char subject[64] = "";
  unsigned h = 2166136261u;
  for (const char *p = ses.national_code; *p; p++) h = (h ^ (unsigned char)*p) * 16777619u;
  if (kind && !strcmp(kind, "report_card")) {
    /* Without a student, the citizen's own report card (a student at the kiosk). */
    const char *stu = json_string_value(json_object_get(params, "student_national_code"));
    if (!stu) stu = ses.national_code;
    if (!sim_national_code_valid(stu)) {
      json_decref(rows);
      return sim_problem(s, r, 422, "validation_failed", "کد ملی دانش‌آموز نامعتبر است.",
                         "student_national_code is not valid.", "student_national_code");
    }
    for (const char *p = stu; *p; p++) h = (h ^ (unsigned char)*p) * 16777619u;
    tfa = "کارنامه تحصیلی دانش‌آموز";
    ten = "Student report card";
    snprintf(subject, sizeof subject, "******%s", stu + 6);
    static const char *const subj[][2] = {{"ریاضی", "Mathematics"}, {"علوم تجربی", "Science"},
                                          {"فارسی", "Persian"},      {"قرآن", "Quran"},
                                          {"زبان انگلیسی", "English"}, {"مطالعات اجتماعی", "Social studies"}};
    for (size_t i = 0; i < 6; i++) {
      char v[16];
      unsigned whole = 12 + (h >> (i * 3)) % 9; /* out of 20: a 20 has no fraction above it */
      snprintf(v, sizeof v, "%u.%02u", whole, whole == 20 ? 0 : ((h >> (i * 2)) % 4) * 25);
      json_array_append_new(rows, row(subj[i][0], subj[i][1], v));
    }
    json_array_append_new(rows, row_words("وضعیت", "Result", "قبول", "Passed"));
  } else if (kind && !strcmp(kind, "insurance_record")) {
    tfa = "سوابق بیمه تامین اجتماعی";
    ten = "Social security insurance record";
    char v[32];
    snprintf(v, sizeof v, "%u", 12 + h % 200);
    json_array_append_new(rows, row("مجموع ماه‌های سابقه", "Total months", v));
    json_array_append_new(rows, row_words("آخرین کارگاه", "Last workshop", "شرکت نمونه", "Sample company"));
  } else if (kind && !strcmp(kind, "tax_clearance")) {
    tfa = "گواهی عدم بدهی مالیاتی";
    ten = "Tax clearance certificate";
    json_array_append_new(rows, row("وضعیت بدهی", "Debt status", "بدون بدهی"));
  } else {
    json_decref(rows);
    return sim_problem(s, r, 404, "inquiry_unknown", "این نوع استعلام پشتیبانی نمی‌شود.", "Unknown inquiry kind.",
                       "kind");
  }
  char did[32];
  sim_random_b64url(did, 12);
  long long now = time(NULL);
  json_t *doc = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:o}", "document_id", did, "kind", kind, "title_fa", tfa,
                          "title_en", ten, "subject_fa", subject, "issued_at", (json_int_t)now, "rows", rows);
  pthread_mutex_lock(&s->lock);
  char *jws = sim_jws_sign(s, doc);
  pthread_mutex_unlock(&s->lock);
  json_object_set_new(doc, "jws", json_string(jws ? jws : ""));
  free(jws);
  return sim_send_json(s, r, 200, doc, 0);
}
