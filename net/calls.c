/* The window's calls: request bodies, which calls may be retried, and typed results. */
#include <jansson.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog_internal.h"
#include "net_internal.h"
#include "pishkhan/b64url.h"
#include "pishkhan/card.h"
#include "pishkhan/catalog.h"
#include "pishkhan/secret.h"

typedef void (*void_cb)(void);

static void fail_later_cb(pk_loop *loop, unsigned id, void *ud) {
  pk_net_req *r = ud;
  r->later_timer = 0;
  pk_net_result st = {0};
  pk_net_fail(&st, r->fail_err, r->fail_code);
  pk_net_finish(r, &st);
}

/* A call refused before it leaves the kiosk still answers through its callback, later; a
 * cause known earlier (no memory for its parts) wins. NULL only when not even the request fitted in
 * memory, or when no timer could be had (then the callback has already run). */
static pk_net_req *fail_later(pk_net_req *r, pk_net_error err, const char *code) {
  if (!r) return NULL;
  if (!r->fail_code) r->fail_err = err, r->fail_code = code;
  r->later_timer = pk_loop_timer(r->net->loop, 0, fail_later_cb, r);
  if (r->later_timer) return r;
  fail_later_cb(r->net->loop, 0, r);
  return NULL;
}

/* Arguments that passed the checks but left no body mean that memory ran out. */
static pk_net_req *refuse(pk_net_req *r, bool args_ok) {
  if (args_ok) return fail_later(r, PK_NET_INTERNAL, "out_of_memory");
  return fail_later(r, PK_NET_VALIDATION, "invalid_argument");
}

static pk_net_req *go(pk_net_req *r) {
  if (!r) return NULL;
  if (pk_net_go(r) != 0) return fail_later(r, PK_NET_INTERNAL, "cannot_send");
  return r;
}

/* Request bodies carry personal data: a serialized body lives only in the request, which
 * wipes it when it ends. */
static char *dump(json_t *j) {
  char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
  json_decref(j);
  return s;
}

static bool ok_id(const char *s, size_t min, size_t max, const char *allowed) {
  size_t n = s ? strlen(s) : 0;
  return s && n >= min && n <= max && strspn(s, allowed) == n;
}

#define IDCH "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."
#define B64URL "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

int pk_net_nonce_decode(const char *nonce_b64url, uint8_t *out, size_t cap, size_t *len) {
  unsigned char *raw = NULL;
  size_t n = 0;
  if (!nonce_b64url || strlen(nonce_b64url) > 90 ||
      pk_b64url_decode(nonce_b64url, strlen(nonce_b64url), &raw, &n) != 0)
    return -1;
  int ok = n >= 16 && n <= 64 && n <= cap;
  if (ok) memcpy(out, raw, n), *len = n;
  free(raw);
  return ok ? 0 : -1;
}

/* The bytes the card signs are the card profile's: one definition (pk_card_challenge_tbs). */
int pk_net_card_tbs(const char *kiosk_id, const char *nonce_b64url, uint8_t *out, size_t outsz) {
  uint8_t nonce[64];
  size_t nl;
  if (!kiosk_id || pk_net_nonce_decode(nonce_b64url, nonce, sizeof nonce, &nl) != 0) return -1;
  size_t tl = pk_card_challenge_tbs(nonce, nl, kiosk_id, out, outsz);
  return tl ? (int)tl : -1;
}

static char *b64(const uint8_t *p, size_t n) {
  char *o = malloc(4 * ((n + 2) / 3) + 1);
  if (o) EVP_EncodeBlock((unsigned char *)o, p, (int)n);
  return o;
}

/* ---- calls ---- */
pk_net_req *pk_net_auth_challenge(pk_net *net, pk_net_challenge_cb cb, void *ud) {
  char *body = dump(json_pack("{s:s}", "kiosk_id", net->kiosk_id));
  /* A fresh nonce is harmless, so the challenge may be retried. */
  return go(pk_net_start(net, NK_CHALLENGE, "POST", "/auth/challenge", body, true, false, (void_cb)cb, ud));
}

pk_net_req *pk_net_card_auth(pk_net *net, const char *nonce, const uint8_t *cert_der, size_t cert_len,
                             const uint8_t *sig, size_t sig_len, pk_net_session_cb cb, void *ud) {
  bool ok = ok_id(nonce, 16, 90, IDCH) && cert_der && cert_len && cert_len < 16384 && sig && sig_len &&
            sig_len <= 1024;
  char *c = ok ? b64(cert_der, cert_len) : NULL, *s = ok ? b64(sig, sig_len) : NULL;
  char *body = c && s ? dump(json_pack("{s:s, s:s, s:s, s:s}", "kiosk_id", net->kiosk_id, "nonce", nonce,
                                       "certificate", c, "signature", s))
                      : NULL;
  pk_net_free_text(c); /* the certificate: the citizen's national code and name */
  free(s);
  /* The challenge is single-use: never retried. */
  pk_net_req *r = pk_net_start(net, NK_CARD, "POST", "/auth/card", body, false, false, (void_cb)cb, ud);
  return body ? go(r) : refuse(r, ok);
}

pk_net_req *pk_net_otp_request(pk_net *net, const char *national_code, const char *mobile, pk_net_otp_cb cb,
                               void *ud) {
  bool ok = ok_id(national_code, 10, 10, "0123456789") && ok_id(mobile, 11, 11, "0123456789");
  char *body = ok ? dump(json_pack("{s:s, s:s}", "national_code", national_code, "mobile", mobile)) : NULL;
  /* Each request may send an SMS and counts against the resend limit: not retried. */
  pk_net_req *r = pk_net_start(net, NK_OTP_REQ, "POST", "/auth/otp", body, false, false, (void_cb)cb, ud);
  return body ? go(r) : refuse(r, ok);
}

pk_net_req *pk_net_otp_verify(pk_net *net, const char *otp_id, const char *code, pk_net_session_cb cb, void *ud) {
  bool ok = ok_id(otp_id, 4, 63, IDCH) && ok_id(code, 4, 10, "0123456789");
  char *body = ok ? dump(json_pack("{s:s, s:s}", "otp_id", otp_id, "code", code)) : NULL;
  pk_net_req *r = pk_net_start(net, NK_OTP_VERIFY, "POST", "/auth/otp/verify", body, false, false, (void_cb)cb, ud);
  return body ? go(r) : refuse(r, ok);
}

/* The token goes into this request's header, then leaves memory at once: a session that
 * starts before the answer arrives must not be cleared by it. */
pk_net_req *pk_net_logout(pk_net *net, pk_net_done_cb cb, void *ud) {
  pk_net_req *r = pk_net_start(net, NK_LOGOUT, "POST", "/auth/logout", NULL, true, true, (void_cb)cb, ud);
  pk_net_clear_session(net);
  return go(r);
}

pk_net_req *pk_net_catalog_sync(pk_net *net, struct pk_catalog *cat, pk_net_sync_cb cb, void *ud) {
  pk_net_req *r = pk_net_start(net, NK_SYNC, "GET", "/catalog", NULL, true, false, (void_cb)cb, ud);
  if (!r) return NULL;
  r->cat = cat;
  const char *etag = cat ? pk_catalog_etag(cat) : "";
  if (etag && *etag && strlen(etag) < 150) {
    char h[180];
    snprintf(h, sizeof h, "If-None-Match: %s", etag);
    (void)pk_net_add_header(r, h); /* without it, the whole catalog comes again: slower, not wrong */
  }
  return cat ? go(r) : refuse(r, false);
}

/* The counter's additions to a submit body; false for a value the window must never get. */
static bool add_extra(json_t *body, const pk_net_submit_extra *x) {
  if (!x) return true;
  /* A clerk id of digits alone may be a national code, which never leaves the kiosk in clear. */
  bool ok = (!x->on_behalf_of || ok_id(x->on_behalf_of, 11, 11, "0123456789")) &&
            (!x->assisted_by || (ok_id(x->assisted_by, 1, 39, IDCH) &&
                                 strspn(x->assisted_by, "0123456789") < strlen(x->assisted_by))) &&
            (!x->invoice_id || ok_id(x->invoice_id, 1, 39, IDCH));
  if (ok && x->on_behalf_of) json_object_set_new(body, "on_behalf_of", json_string(x->on_behalf_of));
  if (ok && x->assisted_by) json_object_set_new(body, "assisted_by", json_string(x->assisted_by));
  if (ok && x->invoice_id) json_object_set_new(body, "invoice_id", json_string(x->invoice_id));
  return ok;
}

pk_net_req *pk_net_submit(pk_net *net, const char *service_id, const char *fields_json, const char *idem_key,
                          pk_net_submit_cb cb, void *ud) {
  return pk_net_submit_with(net, service_id, fields_json, idem_key, NULL, cb, ud);
}

pk_net_req *pk_net_submit_with(pk_net *net, const char *service_id, const char *fields_json, const char *idem_key,
                               const pk_net_submit_extra *extra, pk_net_submit_cb cb, void *ud) {
  json_t *fields = fields_json ? json_loads(fields_json, JSON_REJECT_DUPLICATES, NULL) : NULL;
  /* "" is what a failed random generator leaves: refused as such, never sent. */
  bool keyed = !idem_key || *idem_key;
  bool ok = ok_id(service_id, 1, 31, IDCH) && json_is_object(fields) && (!keyed || ok_id(idem_key, 8, 64, IDCH));
  json_t *j = ok && keyed ? json_pack("{s:s, s:O}", "service_id", service_id, "fields", fields) : NULL;
  ok = ok && (!j || add_extra(j, extra));
  char *body = ok ? dump(j) : (json_decref(j), NULL);
  json_decref(fields);
  /* Keyed: the window deduplicates, so a retry after a lost answer is safe. */
  pk_net_req *r = pk_net_start(net, NK_SUBMIT, "POST", "/requests", body, true, true, (void_cb)cb, ud);
  if (ok && !keyed) return fail_later(r, PK_NET_INTERNAL, "no_random_key");
  if (!r || !body) return refuse(r, ok);
  char h[100];
  snprintf(h, sizeof h, "Idempotency-Key: %s", idem_key);
  /* Without its key a retry could make a second request: not sent at all. */
  if (pk_net_add_header(r, h) != 0) return fail_later(r, PK_NET_INTERNAL, "out_of_memory");
  return go(r);
}

/* A compact JWE: five base64url parts. */
static bool compact_jwe(const char *s) {
  size_t dots = 0;
  for (const char *p = s; p && *p; p++) dots += *p == '.';
  return ok_id(s, 20, PK_NET_SEALED_MAX, B64URL ".") && dots == 4;
}

pk_net_req *pk_net_submit_sealed(pk_net *net, const char *jwe, const char *idem_key, pk_net_submit_cb cb,
                                 void *ud) {
  bool ok = compact_jwe(jwe) && ok_id(idem_key, 8, 64, IDCH);
  char *body = ok ? strdup(jwe) : NULL;
  /* Keyed like a submit, and needing no session: the card's consent inside is the citizen's. */
  pk_net_req *r = pk_net_start(net, NK_SEALED, "POST", "/requests/sealed", body, true, false, (void_cb)cb, ud);
  if (!r || !body) return refuse(r, ok);
  char h[100];
  snprintf(h, sizeof h, "Idempotency-Key: %s", idem_key);
  /* Without its key a retry could make a second request: not sent at all. */
  if (pk_net_add_header(r, h) != 0) return fail_later(r, PK_NET_INTERNAL, "out_of_memory");
  return go(r);
}

pk_net_req *pk_net_fetch_pki(pk_net *net, const char *what, pk_net_blob_cb cb, void *ud) {
  bool ca = what && !strcmp(what, "card-ca"), crl = what && !strcmp(what, "crl");
  pk_net_req *r = pk_net_start(net, ca ? NK_PKI_CA : NK_PKI_CRL, "GET", ca ? "/pki/card-ca" : "/pki/crl", NULL, true,
                               false, (void_cb)cb, ud);
  return ca || crl ? go(r) : refuse(r, false);
}

/* One probe, one answer: whoever watches the link does its own backoff. */
pk_net_req *pk_net_health(pk_net *net, pk_net_done_cb cb, void *ud) {
  return go(pk_net_start(net, NK_HEALTH, "GET", "/health", NULL, false, false, (void_cb)cb, ud));
}

pk_net_req *pk_net_probe_window(pk_net *net, pk_net_probe_cb cb, void *ud) {
  return go(pk_net_start(net, NK_PROBE, "GET", "/health", NULL, false, false, (void_cb)cb, ud));
}

pk_net_req *pk_net_request_lookup(pk_net *net, const char *idem_key, pk_net_submit_cb cb, void *ud) {
  char path[128];
  bool ok = ok_id(idem_key, 8, 64, IDCH);
  snprintf(path, sizeof path, "/requests?idempotency_key=%s", ok ? idem_key : "x");
  pk_net_req *r = pk_net_start(net, NK_LOOKUP, "GET", path, NULL, true, true, (void_cb)cb, ud);
  return ok ? go(r) : refuse(r, false);
}

pk_net_req *pk_net_track(pk_net *net, const char *tracking_code, pk_net_req_status_cb cb, void *ud) {
  char path[64];
  bool ok = ok_id(tracking_code, 6, 31, "0123456789");
  snprintf(path, sizeof path, "/requests/%s", ok ? tracking_code : "x");
  pk_net_req *r = pk_net_start(net, NK_TRACK, "GET", path, NULL, true, true, (void_cb)cb, ud);
  return ok ? go(r) : refuse(r, false);
}

pk_net_req *pk_net_inbox_get(pk_net *net, pk_net_inbox_cb cb, void *ud) {
  return go(pk_net_start(net, NK_INBOX, "GET", "/inbox", NULL, true, true, (void_cb)cb, ud));
}

pk_net_req *pk_net_document(pk_net *net, const char *kind, const char *params_json, pk_net_document_cb cb,
                            void *ud) {
  json_t *params = params_json ? json_loads(params_json, JSON_REJECT_DUPLICATES, NULL) : json_object();
  bool ok = ok_id(kind, 1, 31, IDCH) && json_is_object(params);
  char *body = ok ? dump(json_pack("{s:s, s:O}", "kind", kind, "params", params)) : NULL;
  json_decref(params);
  /* An inquiry reads, it changes nothing: retried like a GET. */
  pk_net_req *r = pk_net_start(net, NK_DOC, "POST", "/inquiries", body, true, true, (void_cb)cb, ud);
  return body ? go(r) : refuse(r, ok);
}

/* A Jalali date as the window's contract writes it: YYYY-MM-DD, ASCII digits. */
static bool jalali_iso(const char *d) {
  return ok_id(d, 10, 10, "0123456789-") && d[4] == '-' && d[7] == '-' && strspn(d, "0123456789") == 4 &&
         strspn(d + 5, "0123456789") == 2 && strspn(d + 8, "0123456789") == 2;
}

pk_net_req *pk_net_level1(pk_net *net, const char *national_code, const char *birth_date, pk_net_session_cb cb,
                          void *ud) {
  bool ok = ok_id(national_code, 10, 10, "0123456789") && jalali_iso(birth_date);
  char *body = ok ? dump(json_pack("{s:s, s:s}", "national_code", national_code, "birth_date", birth_date)) : NULL;
  /* Each try counts as a guess at someone's birth date: not retried. */
  pk_net_req *r = pk_net_start(net, NK_LEVEL1, "POST", "/auth/level1", body, false, false, (void_cb)cb, ud);
  return body ? go(r) : refuse(r, ok);
}

pk_net_req *pk_net_entities_get(pk_net *net, pk_net_entities_cb cb, void *ud) {
  return go(pk_net_start(net, NK_ENTITIES, "GET", "/persons/me/entities", NULL, true, true, (void_cb)cb, ud));
}

pk_net_req *pk_net_profile_get(pk_net *net, pk_net_profile_cb cb, void *ud) {
  return go(pk_net_start(net, NK_PROFILE, "GET", "/persons/me/profile", NULL, true, true, (void_cb)cb, ud));
}

pk_net_req *pk_net_clerk_me(pk_net *net, pk_net_clerk_cb cb, void *ud) {
  return go(pk_net_start(net, NK_CLERK, "GET", "/clerk/me", NULL, true, true, (void_cb)cb, ud));
}

pk_net_req *pk_net_invoice_create(pk_net *net, const char *service_id, const char *idem_key, pk_net_invoice_cb cb,
                                  void *ud) {
  bool ok = ok_id(service_id, 1, 31, IDCH) && ok_id(idem_key, 8, 64, IDCH);
  char *body = ok ? dump(json_pack("{s:s, s:s}", "service_id", service_id, "idempotency_key", idem_key)) : NULL;
  pk_net_req *r = pk_net_start(net, NK_INVOICE, "POST", "/invoices", body, true, true, (void_cb)cb, ud);
  return body ? go(r) : refuse(r, ok);
}

pk_net_req *pk_net_invoice_pay(pk_net *net, const char *invoice_id, const char *bank_ref, const char *terminal_id,
                               const char *trace, pk_net_invoice_cb cb, void *ud) {
  bool ok = ok_id(invoice_id, 1, 39, IDCH) && ok_id(bank_ref, 12, 12, "0123456789") &&
            ok_id(terminal_id, 1, 16, B64URL) && ok_id(trace, 1, 6, "0123456789");
  char path[80];
  snprintf(path, sizeof path, "/invoices/%s/pay", ok ? invoice_id : "x");
  char *body = ok ? dump(json_pack("{s:s, s:s, s:s}", "bank_ref", bank_ref, "terminal_id", terminal_id, "trace",
                                   trace))
                  : NULL;
  pk_net_req *r = pk_net_start(net, NK_INVOICE, "POST", path, body, true, true, (void_cb)cb, ud);
  return body ? go(r) : refuse(r, ok);
}

/* GET /invoices/{id}, or POST /invoices/{id}/<action> with body (taken; NULL: none). */
static pk_net_req *invoice_call(pk_net *net, const char *invoice_id, const char *action, char *body, bool body_ok,
                                bool as_kiosk, pk_net_invoice_cb cb, void *ud) {
  bool ok = ok_id(invoice_id, 1, 39, IDCH) && body_ok;
  char path[80];
  snprintf(path, sizeof path, "/invoices/%s%s%s", ok ? invoice_id : "x", action ? "/" : "", action ? action : "");
  pk_net_req *r =
      pk_net_start(net, NK_INVOICE, action ? "POST" : "GET", path, body, true, !as_kiosk, (void_cb)cb, ud);
  return ok ? go(r) : refuse(r, false);
}

pk_net_req *pk_net_invoice_get(pk_net *net, const char *invoice_id, pk_net_invoice_cb cb, void *ud) {
  return invoice_call(net, invoice_id, NULL, NULL, true, false, cb, ud);
}

pk_net_req *pk_net_invoice_read_as_kiosk(pk_net *net, const char *invoice_id, pk_net_invoice_cb cb, void *ud) {
  return invoice_call(net, invoice_id, NULL, NULL, true, true, cb, ud);
}

pk_net_req *pk_net_invoice_link(pk_net *net, const char *invoice_id, pk_net_invoice_cb cb, void *ud) {
  return invoice_call(net, invoice_id, "link", NULL, true, false, cb, ud);
}

pk_net_req *pk_net_invoice_cash(pk_net *net, const char *invoice_id, const char *clerk_id, pk_net_invoice_cb cb,
                                void *ud) {
  bool ok = ok_id(clerk_id, 1, 39, IDCH);
  char *body = ok ? dump(json_pack("{s:s}", "clerk_id", clerk_id)) : NULL;
  return invoice_call(net, invoice_id, "cash", body, body != NULL, false, cb, ud);
}

pk_net_req *pk_net_invoice_cancel(pk_net *net, const char *invoice_id, bool as_kiosk, pk_net_invoice_cb cb, void *ud) {
  return invoice_call(net, invoice_id, "cancel", NULL, true, as_kiosk, cb, ud);
}

/* ---- results ---- */
static void malformed(pk_net_result *st) { pk_net_fail(st, PK_NET_PROTOCOL, "malformed_response"); }

static bool body_ok(pk_net_req *r, pk_net_result *st, int expect) {
  return st->err == PK_NET_OK && (expect ? st->http_status == expect : st->http_status / 100 == 2);
}

void pk_net_deliver(pk_net_req *r, pk_net_result *st) {
  pk_net *net = r->net;
  pk_net_pool pool = {0};
  /* A refused bearer means the session is gone on the window's side too. */
  if (r->auth && st->err == PK_NET_AUTH && st->http_status == 401) pk_net_clear_session(net);
  switch (r->kind) {
  case NK_CHALLENGE: {
    pk_net_challenge c = {.st = *st};
    if (body_ok(r, st, 200) && pk_net_parse_challenge(r->resp, r->resp_len, &c)) malformed(&c.st);
    ((pk_net_challenge_cb)r->cb)(&c, r->ud);
    break;
  }
  case NK_CARD:
  case NK_LEVEL1:
  case NK_OTP_VERIFY: {
    pk_net_session s = {.st = *st};
    char tok[256];
    if (body_ok(r, st, 200)) {
      if (pk_net_parse_session(r->resp, r->resp_len, &s, tok, sizeof tok)) malformed(&s.st);
      else memcpy(net->token, tok, sizeof tok);
      pk_wipe(tok, sizeof tok);
    }
    if (r->resp) pk_wipe(r->resp, r->resp_len);
    ((pk_net_session_cb)r->cb)(&s, r->ud);
    break;
  }
  case NK_OTP_REQ: {
    pk_net_otp o = {.st = *st};
    if (body_ok(r, st, 200) && pk_net_parse_otp(r->resp, r->resp_len, &o)) malformed(&o.st);
    ((pk_net_otp_cb)r->cb)(&o, r->ud);
    break;
  }
  case NK_LOGOUT:
    ((pk_net_done_cb)r->cb)(st, r->ud);
    break;
  case NK_HEALTH:
    if (body_ok(r, st, 200) && pk_net_parse_health(r->resp, r->resp_len)) malformed(st);
    ((pk_net_done_cb)r->cb)(st, r->ud);
    break;
  case NK_PKI_CA:
  case NK_PKI_CRL: {
    pk_net_blob b = {.st = *st};
    if (body_ok(r, st, 200)) {
      if (pk_net_parse_pem(r->resp, r->resp_len, r->kind == NK_PKI_CA ? "CERTIFICATE" : "X509 CRL")) {
        malformed(&b.st);
      } else {
        b.data = (const uint8_t *)r->resp;
        b.len = r->resp_len;
      }
    }
    ((pk_net_blob_cb)r->cb)(&b, r->ud);
    break;
  }
  case NK_PROBE: {
    pk_net_probe p = {.st = *st, .server_date = r->date, .peer_not_after = r->peer_not_after};
    if (body_ok(r, st, 200) && pk_net_parse_health(r->resp, r->resp_len)) malformed(&p.st);
    ((pk_net_probe_cb)r->cb)(&p, r->ud);
    break;
  }
  case NK_SYNC: {
    pk_net_sync y = {.st = *st};
    if (st->err == PK_NET_OK && st->http_status == 304) {
      y.changed = false;
    } else if (body_ok(r, st, 200)) {
      int store;
      if (pk_catalog_replace_json_store(r->cat, r->resp, r->resp_len, r->etag, y.st.detail, sizeof y.st.detail,
                                        &store) != 0)
        pk_net_fail(&y.st, store ? PK_NET_STORAGE : PK_NET_PROTOCOL, store ? "store_failed" : "malformed_catalog");
      else
        y.changed = true;
    }
    if (y.st.err == PK_NET_OK) {
      y.version = pk_catalog_version(r->cat);
      const pk_agency *a;
      y.agencies = pk_catalog_agencies(r->cat, &a);
      y.services = pk_catalog_service_count(r->cat);
    }
    ((pk_net_sync_cb)r->cb)(&y, r->ud);
    break;
  }
  case NK_SUBMIT:
  case NK_SEALED:
  case NK_LOOKUP: {
    pk_net_receipt x = {.st = *st};
    if (body_ok(r, st, 0) && pk_net_parse_receipt(r->resp, r->resp_len, &x, &pool)) malformed(&x.st);
    ((pk_net_submit_cb)r->cb)(&x, r->ud);
    break;
  }
  case NK_TRACK: {
    pk_net_req_status x = {.st = *st};
    if (body_ok(r, st, 200) && pk_net_parse_req_status(r->resp, r->resp_len, &x)) malformed(&x.st);
    ((pk_net_req_status_cb)r->cb)(&x, r->ud);
    break;
  }
  case NK_INBOX: {
    pk_net_inbox x = {.st = *st};
    if (body_ok(r, st, 200) && pk_net_parse_inbox(r->resp, r->resp_len, &x, &pool)) {
      malformed(&x.st);
      x.n = 0;
      x.items = NULL;
    }
    ((pk_net_inbox_cb)r->cb)(&x, r->ud);
    break;
  }
  case NK_ENTITIES: {
    pk_net_entities x = {.st = *st};
    if (body_ok(r, st, 200) && pk_net_parse_entities(r->resp, r->resp_len, &x, &pool)) {
      malformed(&x.st);
      x.n = 0;
      x.items = NULL;
    }
    ((pk_net_entities_cb)r->cb)(&x, r->ud);
    break;
  }
  case NK_PROFILE: {
    pk_net_profile x = {.st = *st};
    if (body_ok(r, st, 200) && pk_net_parse_profile(r->resp, r->resp_len, &x)) {
      memset(&x, 0, sizeof x);
      x.st = *st;
      malformed(&x.st);
    }
    ((pk_net_profile_cb)r->cb)(&x, r->ud);
    pk_wipe(&x, sizeof x);
    break;
  }
  case NK_CLERK: {
    pk_net_clerk x = {.st = *st};
    if (body_ok(r, st, 200) && pk_net_parse_clerk(r->resp, r->resp_len, &x)) {
      memset(&x, 0, sizeof x);
      x.st = *st;
      malformed(&x.st);
    }
    ((pk_net_clerk_cb)r->cb)(&x, r->ud);
    break;
  }
  case NK_INVOICE: {
    pk_net_invoice x = {.st = *st};
    if (body_ok(r, st, 0) && pk_net_parse_invoice(r->resp, r->resp_len, &x)) {
      memset(&x, 0, sizeof x);
      x.st = *st;
      malformed(&x.st);
    }
    ((pk_net_invoice_cb)r->cb)(&x, r->ud);
    break;
  }
  case NK_DOC: {
    pk_net_doc x = {.st = *st};
    if (body_ok(r, st, 200) && pk_net_parse_doc(r->resp, r->resp_len, &x, &pool)) {
      pk_net_result keep = x.st;
      memset(&x, 0, sizeof x);
      x.st = keep;
      malformed(&x.st);
    }
    ((pk_net_document_cb)r->cb)(&x, r->ud);
    break;
  }
  }
  pk_net_pool_free(&pool);
}
