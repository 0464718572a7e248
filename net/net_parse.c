/* Field-by-field validation of the window's answers with jansson. Anything unexpected
 * (wrong type, too long, out of range, bad charset) makes the whole answer malformed:
 * the UI gets a typed PROTOCOL error instead of half-trusted data. */
#include "net_parse.h"

#include <jansson.h>
#include <openssl/crypto.h>
#include <limits.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pishkhan/i18n.h"
#include "pishkhan/legal_id.h"
#include "pishkhan/secret.h"

#define MAX_BODY_JSON (8u << 20)

void pk_net_free_text(char *s) {
  if (s) pk_wipe(s, strlen(s));
  free(s);
}

/* jansson frees its string values, lexer and dump buffers without clearing them, and they
 * hold the national codes, mobiles and birth dates of requests and answers. */
void pk_net_wipe_json_memory(void) { json_set_alloc_funcs(malloc, pk_free_wiped); }

static void *crypto_malloc(size_t n, const char *file, int line) {
  (void)file, (void)line;
  return malloc(n);
}
static void *crypto_realloc(void *p, size_t n, const char *file, int line) {
  (void)file, (void)line;
  return pk_realloc_wiped(p, n);
}
static void crypto_free(void *p, const char *file, int line) {
  (void)file, (void)line;
  pk_free_wiped(p);
}

/* OpenSSL frees what it parsed without clearing: a card certificate verified at sign-in
 * (national code and name in its subject, twice: as read and canonicalised) stays behind. */
bool pk_net_wipe_crypto_memory(void) { return CRYPTO_set_mem_functions(crypto_malloc, crypto_realloc, crypto_free); }

void *pk_net_pool_add(pk_net_pool *p, void *ptr) {
  if (!ptr) return NULL;
  if (p->n == p->cap) {
    size_t cap = p->cap ? p->cap * 2 : 16;
    void **nv = realloc(p->v, cap * sizeof *nv);
    if (!nv) {
      free(ptr);
      return NULL;
    }
    p->v = nv;
    p->cap = cap;
  }
  return p->v[p->n++] = ptr;
}

void pk_net_pool_free(pk_net_pool *p) {
  for (size_t i = 0; i < p->n; i++) pk_free_wiped(p->v[i]);
  free(p->v);
  memset(p, 0, sizeof *p);
}

void pk_net_copy_display(char *dst, size_t cap, const char *src) {
  if (!cap) return;
  dst[0] = 0;
  if (!src) return;
  char *s = pk_sanitize(src, cap - 1);
  if (s) {
    size_t n = strlen(s);
    if (n >= cap) n = cap - 1; /* pk_sanitize already caps; belt and braces */
    memcpy(dst, s, n);
    dst[n] = 0;
    free(s);
  }
}

static json_t *load(const char *body, size_t len) {
  if (!body || len == 0 || len > MAX_BODY_JSON) return NULL;
  json_error_t e;
  json_t *j = json_loadb(body, len, JSON_REJECT_DUPLICATES, &e);
  if (j && !json_is_object(j)) {
    json_decref(j);
    return NULL;
  }
  return j;
}

/* A string field: NULL if absent or not a string or longer than max bytes or has NUL. */
static const char *str(json_t *o, const char *k, size_t max) {
  json_t *v = json_object_get(o, k);
  if (!json_is_string(v)) return NULL;
  size_t n = json_string_length(v);
  const char *s = json_string_value(v);
  if (n > max || strlen(s) != n) return NULL;
  return s;
}

static int charset(const char *s, const char *allowed, size_t min, size_t max) {
  size_t n = s ? strlen(s) : 0;
  if (!s || n < min || n > max) return 0;
  return strspn(s, allowed) == n;
}

#define B64URL "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
#define DIGITS "0123456789"
#define IDCH "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."

static int int_in(json_t *o, const char *k, long long lo, long long hi, long long *out) {
  json_t *v = json_object_get(o, k);
  if (!json_is_integer(v)) return 0;
  long long x = json_integer_value(v);
  if (x < lo || x > hi) return 0;
  *out = x;
  return 1;
}

static const char *pstr(pk_net_pool *pool, const char *s, size_t max) {
  return pk_net_pool_add(pool, pk_sanitize(s ? s : "", max));
}

/* The array at key k of at most max items, and a zeroed block for its n parsed items of
 * size sz, owned by the pool. NULL when it is not such an array or memory ran out. */
static void *items_of(json_t *j, const char *k, size_t max, size_t sz, pk_net_pool *pool, json_t **arr, size_t *n) {
  *arr = json_object_get(j, k);
  *n = json_array_size(*arr);
  if (!json_is_array(*arr) || *n > max) return NULL;
  return pk_net_pool_add(pool, calloc(*n ? *n : 1, sz));
}

int pk_net_parse_problem(const char *body, size_t len, pk_net_result *st) {
  json_t *j = load(body, len);
  if (!j) return -1;
  const char *code = str(j, "code", 63);
  int rc = -1;
  if (code && charset(code, IDCH, 1, 63)) {
    snprintf(st->code, sizeof st->code, "%s", code);
    pk_net_copy_display(st->message_fa, sizeof st->message_fa, str(j, "message_fa", 2048));
    pk_net_copy_display(st->message_en, sizeof st->message_en, str(j, "message_en", 2048));
    const char *f = str(j, "field", 63);
    if (f && charset(f, IDCH, 1, 63)) snprintf(st->field, sizeof st->field, "%s", f);
    long long ra;
    if (int_in(j, "retry_after", 0, 86400, &ra)) st->retry_after_s = (int)ra;
    rc = 0;
  }
  json_decref(j);
  return rc;
}

int pk_net_parse_challenge(const char *body, size_t len, pk_net_challenge *out) {
  json_t *j = load(body, len);
  if (!j) return -1;
  const char *n = str(j, "nonce", sizeof out->nonce - 1);
  long long exp;
  int rc = -1;
  if (charset(n, B64URL, 16, sizeof out->nonce - 1) && int_in(j, "expires_in", 1, 3600, &exp)) {
    snprintf(out->nonce, sizeof out->nonce, "%s", n);
    out->expires_in_s = (int)exp;
    rc = 0;
  }
  json_decref(j);
  return rc;
}

int pk_net_parse_session(const char *body, size_t len, pk_net_session *out, char *tok, size_t tokcap) {
  json_t *j = load(body, len);
  if (!j) return -1;
  const char *t = str(j, "token", 255);
  long long level, exp;
  json_t *cit = json_object_get(j, "citizen");
  const char *m = json_is_object(cit) ? str(cit, "national_code_masked", 15) : NULL;
  int rc = -1;
  if (charset(t, IDCH, 16, tokcap - 1) && int_in(j, "level", 1, 3, &level) &&
      int_in(j, "expires_in", 1, 86400, &exp) && charset(m, "*" DIGITS, 4, 15)) {
    snprintf(tok, tokcap, "%s", t);
    out->level = (int)level;
    out->expires_in_s = (int)exp;
    snprintf(out->national_code_masked, sizeof out->national_code_masked, "%s", m);
    pk_net_copy_display(out->name_fa, sizeof out->name_fa, str(cit, "name_fa", 1024));
    pk_net_copy_display(out->name_en, sizeof out->name_en, str(cit, "name_en", 1024));
    rc = 0;
  }
  json_decref(j);
  return rc;
}

int pk_net_parse_otp(const char *body, size_t len, pk_net_otp *out) {
  json_t *j = load(body, len);
  if (!j) return -1;
  const char *id = str(j, "otp_id", sizeof out->otp_id - 1), *mm = str(j, "mobile_masked", 15);
  long long exp, ra, left;
  int rc = -1;
  /* Ranges by meaning: a duration is positive, a wait and a count are not negative, and each
   * fits the int it is kept in; how many resends a window allows is its own policy. */
  if (charset(id, IDCH, 4, sizeof out->otp_id - 1) && int_in(j, "expires_in", 1, INT_MAX, &exp) &&
      int_in(j, "resend_after", 0, INT_MAX, &ra) && int_in(j, "resends_left", 0, INT_MAX, &left)) {
    snprintf(out->otp_id, sizeof out->otp_id, "%s", id);
    out->expires_in_s = (int)exp;
    out->resend_after_s = (int)ra;
    out->resends_left = (int)left;
    if (mm && charset(mm, "*" DIGITS, 4, 15)) snprintf(out->mobile_masked, sizeof out->mobile_masked, "%s", mm);
    rc = 0;
  }
  json_decref(j);
  return rc;
}

static int status_word(const char *s) {
  static const char *const ok[] = {"received", "in_review", "done", "rejected"};
  for (size_t i = 0; s && i < 4; i++)
    if (!strcmp(s, ok[i])) return 1;
  return 0;
}

int pk_net_parse_receipt(const char *body, size_t len, pk_net_receipt *out, pk_net_pool *pool) {
  json_t *j = load(body, len);
  if (!j) return -1;
  const char *tc = str(j, "tracking_code", 31), *stt = str(j, "status", 31), *jws = str(j, "receipt", 16384);
  long long at;
  int rc = -1;
  /* A compact JWS is three base64url parts. */
  if (charset(tc, DIGITS, 6, 31) && status_word(stt) && int_in(j, "submitted_at", 0, 32503680000LL, &at) &&
      charset(jws, B64URL ".", 10, 16384) && strchr(jws, '.') && strchr(strchr(jws, '.') + 1, '.') &&
      !strchr(strchr(strchr(jws, '.') + 1, '.') + 1, '.')) {
    snprintf(out->tracking_code, sizeof out->tracking_code, "%s", tc);
    snprintf(out->status, sizeof out->status, "%s", stt);
    out->submitted_at = at;
    out->replayed = json_is_true(json_object_get(j, "replayed"));
    out->receipt_jws = pk_net_pool_add(pool, strdup(jws));
    rc = out->receipt_jws ? 0 : -1;
  }
  json_decref(j);
  return rc;
}

int pk_net_parse_req_status(const char *body, size_t len, pk_net_req_status *out) {
  json_t *j = load(body, len);
  if (!j) return -1;
  const char *tc = str(j, "tracking_code", 31), *sid = str(j, "service_id", 31), *stt = str(j, "status", 31);
  long long a, u;
  int rc = -1;
  if (charset(tc, DIGITS, 6, 31) && charset(sid, IDCH, 1, 31) && status_word(stt) &&
      int_in(j, "submitted_at", 0, 32503680000LL, &a) && int_in(j, "updated_at", 0, 32503680000LL, &u)) {
    snprintf(out->tracking_code, sizeof out->tracking_code, "%s", tc);
    snprintf(out->service_id, sizeof out->service_id, "%s", sid);
    snprintf(out->status, sizeof out->status, "%s", stt);
    pk_net_copy_display(out->status_fa, sizeof out->status_fa, str(j, "status_fa", 1024));
    pk_net_copy_display(out->status_en, sizeof out->status_en, str(j, "status_en", 1024));
    out->submitted_at = a;
    out->updated_at = u;
    rc = 0;
  }
  json_decref(j);
  return rc;
}

int pk_net_parse_inbox(const char *body, size_t len, pk_net_inbox *out, pk_net_pool *pool) {
  json_t *j = load(body, len);
  if (!j) return -1;
  json_t *items;
  size_t n;
  int rc = -1;
  pk_net_inbox_item *v = items_of(j, "items", 500, sizeof *v, pool, &items, &n);
  if (!v) goto done;
  for (size_t i = 0; i < n; i++) {
    json_t *it = json_array_get(items, i);
    const char *id = str(it, "id", 63), *kind = str(it, "kind", 15), *tc = str(it, "tracking_code", 31);
    const char *tfa = str(it, "title_fa", 4096), *bfa = str(it, "body_fa", 16384);
    long long at;
    if (!json_is_object(it) || !charset(id, IDCH, 1, 63) || !tfa || !bfa ||
        !int_in(it, "created_at", 0, 32503680000LL, &at))
      goto done;
    if (!kind || (strcmp(kind, "proactive") && strcmp(kind, "letter") && strcmp(kind, "status"))) goto done;
    if (tc && *tc && !charset(tc, DIGITS, 6, 31)) goto done;
    v[i].id = pstr(pool, id, 63);
    v[i].kind = pstr(pool, kind, 15);
    v[i].tracking_code = pstr(pool, tc, 31);
    v[i].title_fa = pstr(pool, tfa, 512);
    v[i].title_en = pstr(pool, str(it, "title_en", 4096), 512);
    v[i].body_fa = pstr(pool, bfa, 4096);
    v[i].body_en = pstr(pool, str(it, "body_en", 16384), 4096);
    v[i].created_at = at;
    v[i].read = json_is_true(json_object_get(it, "read"));
    if (!v[i].id || !v[i].kind || !v[i].tracking_code || !v[i].title_fa || !v[i].title_en || !v[i].body_fa ||
        !v[i].body_en)
      goto done;
  }
  out->items = v;
  out->n = n;
  rc = 0;
done:
  json_decref(j);
  return rc;
}

int pk_net_parse_doc(const char *body, size_t len, pk_net_doc *out, pk_net_pool *pool) {
  json_t *j = load(body, len);
  if (!j) return -1;
  json_t *rows = json_object_get(j, "rows");
  size_t n = json_array_size(rows);
  const char *id = str(j, "document_id", 63), *kind = str(j, "kind", 31), *tfa = str(j, "title_fa", 4096);
  const char *jws = str(j, "jws", 65536);
  long long at;
  int rc = -1;
  if (!charset(id, IDCH, 1, 63) || !charset(kind, IDCH, 1, 31) || !tfa || !json_is_array(rows) || n > 200 ||
      !int_in(j, "issued_at", 0, 32503680000LL, &at) || (jws && *jws && !charset(jws, B64URL ".", 10, 65536)))
    goto done;
  pk_net_doc_row *v = pk_net_pool_add(pool, calloc(n ? n : 1, sizeof *v));
  if (!v) goto done;
  for (size_t i = 0; i < n; i++) {
    json_t *r = json_array_get(rows, i);
    const char *lfa = str(r, "label_fa", 1024), *val = str(r, "value", 4096);
    if (!json_is_object(r) || !lfa || !val) goto done;
    v[i].label_fa = pstr(pool, lfa, 256);
    v[i].label_en = pstr(pool, str(r, "label_en", 1024), 256);
    v[i].value = pstr(pool, val, 1024);
    v[i].value_en = pstr(pool, str(r, "value_en", 4096), 1024);
    if (!v[i].label_fa || !v[i].label_en || !v[i].value || !v[i].value_en) goto done;
  }
  out->document_id = pstr(pool, id, 63);
  out->kind = pstr(pool, kind, 31);
  out->title_fa = pstr(pool, tfa, 512);
  out->title_en = pstr(pool, str(j, "title_en", 4096), 512);
  out->subject_fa = pstr(pool, str(j, "subject_fa", 1024), 256);
  out->jws = pk_net_pool_add(pool, strdup(jws ? jws : ""));
  out->issued_at = at;
  out->rows = v;
  out->nrows = n;
  rc = (out->document_id && out->kind && out->title_fa && out->title_en && out->subject_fa && out->jws) ? 0 : -1;
done:
  json_decref(j);
  return rc;
}

int pk_net_parse_health(const char *body, size_t len) {
  json_t *j = load(body, len);
  const char *st = j ? str(j, "status", 15) : NULL;
  int rc = st && !strcmp(st, "ok") ? 0 : -1;
  json_decref(j);
  return rc;
}

int pk_net_parse_pem(const char *body, size_t len, const char *label) {
  if (!body || !len || len > PK_NET_PKI_MAX) return -1;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)body[i];
    if (!(c >= 0x20 && c < 0x7f) && c != '\n' && c != '\r' && c != '\t') return -1;
  }
  char begin[64];
  snprintf(begin, sizeof begin, "-----BEGIN %s-----", label);
  size_t bl = strlen(begin);
  for (size_t i = 0; i + bl <= len; i++)
    if (!memcmp(body + i, begin, bl)) return 0;
  return -1;
}

int pk_net_parse_entities(const char *body, size_t len, pk_net_entities *out, pk_net_pool *pool) {
  json_t *j = load(body, len);
  if (!j) return -1;
  json_t *items;
  size_t n;
  int rc = -1;
  pk_net_entity *v = items_of(j, "entities", 200, sizeof *v, pool, &items, &n);
  if (!v) goto done;
  for (size_t i = 0; i < n; i++) {
    json_t *it = json_array_get(items, i);
    const char *id = str(it, "legal_id", 11), *name = str(it, "name", 1024);
    if (!pk_legal_id_digits_valid(id) || !name) goto done;
    v[i].legal_id = pstr(pool, id, 11);
    v[i].name = pstr(pool, name, 256);
    if (!v[i].legal_id || !v[i].name) goto done;
  }
  out->items = v;
  out->n = n;
  rc = 0;
done:
  json_decref(j);
  return rc;
}

int pk_net_parse_profile(const char *body, size_t len, pk_net_profile *out) {
  json_t *j = load(body, len);
  if (!j) return -1;
  json_t *m = json_object_get(j, "mobile"), *p = json_object_get(j, "postal_code");
  const char *mobile = m ? str(j, "mobile", 11) : "", *postal = p ? str(j, "postal_code", 10) : "";
  bool ok = mobile && postal && (!*mobile || (strlen(mobile) == 11 && strspn(mobile, "0123456789") == 11 &&
                                              pk_mobile_valid(mobile))) &&
            (!*postal || (strlen(postal) == 10 && strspn(postal, "0123456789") == 10 && pk_postal_code_valid(postal)));
  if (ok) {
    snprintf(out->mobile, sizeof out->mobile, "%s", mobile);
    snprintf(out->postal_code, sizeof out->postal_code, "%s", postal);
  }
  json_decref(j);
  return ok ? 0 : -1;
}

int pk_net_parse_clerk(const char *body, size_t len, pk_net_clerk *out) {
  json_t *j = load(body, len);
  if (!j) return -1;
  const char *id = str(j, "clerk_id", 39), *office = str(j, "office_id", 39), *name = str(j, "office_name", 1024);
  json_t *perms = json_object_get(j, "permissions");
  size_t n = json_array_size(perms);
  int rc = -1;
  /* A clerk id made of digits alone could be a national code: not an id the kiosk will send. */
  if (!charset(id, IDCH, 1, 39) || charset(id, DIGITS, 1, 39) || !charset(office, IDCH, 1, 39) || !name ||
      !json_is_array(perms) || n > PK_NET_CLERK_PERMS)
    goto done;
  for (size_t i = 0; i < n; i++) {
    const char *p = json_string_value(json_array_get(perms, i));
    if (!charset(p, IDCH, 1, sizeof out->permissions[0] - 1)) goto done;
    snprintf(out->permissions[i], sizeof out->permissions[i], "%s", p);
  }
  out->npermissions = n;
  snprintf(out->clerk_id, sizeof out->clerk_id, "%s", id);
  snprintf(out->office_id, sizeof out->office_id, "%s", office);
  pk_net_copy_display(out->office_name, sizeof out->office_name, name);
  rc = 0;
done:
  json_decref(j);
  return rc;
}

static bool invoice_status_ok(const char *st, bool *ever_paid) {
  static const char *const known[] = {"unpaid", "cancelled", "paid", "refunded"};
  for (int i = 0; i < 4; i++)
    if (st && !strcmp(st, known[i])) return *ever_paid = i >= 2, true;
  return false;
}

/* A link the kiosk shows as a QR code: the window's own uppercase https address, nothing a
 * terminal or a phone could read as anything else. */
static bool pay_url_ok(const char *u) {
  return u && !strncmp(u, "HTTPS://", 8) && charset(u + 8, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.:/-", 3, 87) &&
         strchr(u + 8, '/');
}

int pk_net_parse_invoice(const char *body, size_t len, pk_net_invoice *out) {
  json_t *j = load(body, len);
  if (!j) return -1;
  const char *id = str(j, "invoice_id", 39), *sid = str(j, "service_id", 31), *stt = str(j, "status", 15);
  const char *ref = str(j, "bank_ref", 15), *method = str(j, "method", 7), *url = str(j, "pay_url", 95);
  long long am, until, paid = 0, link_until = 0;
  int rc = -1;
  bool was_paid = false;
  if (!charset(id, IDCH, 1, 39) || !charset(sid, IDCH, 1, 31) || !invoice_status_ok(stt, &was_paid) ||
      !int_in(j, "amount_rials", 1, 1000000000000000LL, &am) || !int_in(j, "payable_until", 0, 32503680000LL, &until))
    goto done;
  /* A paid (or refunded) invoice names its reference, time and way; one never paid none of them. */
  if (was_paid != (charset(ref, DIGITS, 12, 12) && int_in(j, "paid_at", 1, 32503680000LL, &paid))) goto done;
  if (!was_paid && (json_object_get(j, "bank_ref") || json_object_get(j, "paid_at") || json_object_get(j, "method")))
    goto done;
  if (method && strcmp(method, "card") && strcmp(method, "phone") && strcmp(method, "cash")) goto done;
  if (json_object_get(j, "pay_url") &&
      (!pay_url_ok(url) || !int_in(j, "link_expires_at", 1, 32503680000LL, &link_until)))
    goto done;
  snprintf(out->invoice_id, sizeof out->invoice_id, "%s", id);
  snprintf(out->service_id, sizeof out->service_id, "%s", sid);
  snprintf(out->status, sizeof out->status, "%s", stt);
  snprintf(out->bank_ref, sizeof out->bank_ref, "%s", was_paid ? ref : "");
  snprintf(out->method, sizeof out->method, "%s", was_paid ? (method ? method : "card") : "");
  snprintf(out->pay_url, sizeof out->pay_url, "%s", url ? url : "");
  out->amount_rials = am;
  out->payable_until = until;
  out->paid_at = paid;
  out->link_expires_at = link_until;
  rc = 0;
done:
  json_decref(j);
  return rc;
}
