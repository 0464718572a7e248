/* URL routing for /api/v1, plus the catalog, JWKS and admin/test endpoints. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"

#define API "/api/v1"

static int is(sim_req *r, const char *m, const char *path) { return !strcmp(r->method, m) && !strcmp(r->url, path); }

static enum MHD_Result catalog(pk_window_sim *s, sim_req *r) {
  const char *inm = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "If-None-Match");
  if (inm && strstr(inm, s->cat.etag)) return sim_send_raw(s, r, 304, NULL, "", 0, 1, s->cat.etag);
  const char *ae = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Accept-Encoding");
  if (ae && strstr(ae, "gzip")) /* pre-compressed once at start */
    return sim_send_gz(s, r, 200, "application/json", s->cat.gz, s->cat.gz_len, s->cat.etag);
  return sim_send_raw(s, r, 200, "application/json", s->cat.body, s->cat.body_len, 1, s->cat.etag);
}

static enum MHD_Result agencies(pk_window_sim *s, sim_req *r) {
  return sim_send_json(s, r, 200,
                       json_pack("{s:i, s:O}", "version", (int)s->cat.version, "agencies",
                                 json_object_get(s->cat.root, "agencies")),
                       0);
}

static enum MHD_Result service(pk_window_sim *s, sim_req *r, const char *id) {
  json_t *svc = json_object_get(s->cat.by_id, id);
  if (!svc) return sim_problem(s, r, 404, "service_not_found", "این خدمت یافت نشد.", "No such service.", NULL);
  return sim_send_json(s, r, 200, json_incref(svc), 0);
}

static enum MHD_Result faults(pk_window_sim *s, sim_req *r) {
  if (!strcmp(r->method, "PUT") || !strcmp(r->method, "POST")) {
    if (!json_is_object(r->json))
      return sim_problem(s, r, 400, "bad_request", "درخواست نامعتبر است.", "JSON object expected.", NULL);
    pk_window_sim_faults f = {0};
    f.latency_ms = (int)json_integer_value(json_object_get(r->json, "latency_ms"));
    f.error_ratio = json_number_value(json_object_get(r->json, "error_ratio"));
    f.drop_ratio = json_number_value(json_object_get(r->json, "drop_ratio"));
    f.truncate_ratio = json_number_value(json_object_get(r->json, "truncate_ratio"));
    f.drip_ms = (int)json_integer_value(json_object_get(r->json, "drip_ms"));
    f.after_commit = json_is_true(json_object_get(r->json, "after_commit"));
    pk_window_sim_set_faults(s, &f);
  }
  pthread_mutex_lock(&s->lock);
  pk_window_sim_faults f = s->faults;
  pthread_mutex_unlock(&s->lock);
  return sim_send_json(s, r, 200,
                       json_pack("{s:i, s:f, s:f, s:f, s:i, s:b}", "latency_ms", f.latency_ms, "error_ratio",
                                 f.error_ratio, "drop_ratio", f.drop_ratio, "truncate_ratio", f.truncate_ratio,
                                 "drip_ms", f.drip_ms, "after_commit", f.after_commit),
                       0);
}

/* What a kiosk needs to authenticate cards without a link, refreshed whenever it has one. */
static enum MHD_Result pki(pk_window_sim *s, sim_req *r, const char *pem, const char *ctype) {
  if (!pem)
    return sim_problem(s, r, 404, "pki_unavailable", "این گواهی در پنجره ملی تنظیم نشده است.",
                       "The window has no such PKI material configured.", NULL);
  return sim_send_raw(s, r, 200, ctype, pem, strlen(pem), 1, NULL);
}

/* /invoices/{id} and its /pay, /link, /cash and /cancel */
static enum MHD_Result invoice(pk_window_sim *s, sim_req *r, const char *rest) {
  char id[48];
  size_t n = strcspn(rest, "/");
  if (n >= sizeof id) n = sizeof id - 1;
  snprintf(id, sizeof id, "%.*s", (int)n, rest);
  if (!strcmp(r->method, "GET") && !rest[n]) return sim_h_invoice_get(s, r, id);
  if (!strcmp(r->method, "POST") && !strcmp(rest + n, "/pay")) return sim_h_invoice_pay(s, r, id);
  if (!strcmp(r->method, "POST") && !strcmp(rest + n, "/link")) return sim_h_invoice_link(s, r, id);
  if (!strcmp(r->method, "POST") && !strcmp(rest + n, "/cash")) return sim_h_invoice_cash(s, r, id);
  if (!strcmp(r->method, "POST") && !strcmp(rest + n, "/cancel")) return sim_h_invoice_cancel(s, r, id);
  return sim_problem(s, r, 404, "not_found", "نشانی درخواست‌شده وجود ندارد.", "No such endpoint.", NULL);
}

enum MHD_Result sim_route(pk_window_sim *s, sim_req *r) {
  const char *u = r->url;
  if (is(r, "GET", API "/catalog")) return catalog(s, r);
  if (is(r, "GET", API "/agencies")) return agencies(s, r);
  if (!strcmp(r->method, "GET") && !strncmp(u, API "/services/", 17) && u[17]) return service(s, r, u + 17);
  if (is(r, "GET", API "/jwks.json") || is(r, "GET", "/.well-known/jwks.json"))
    return sim_send_raw(s, r, 200, "application/jwk-set+json", s->jwks, strlen(s->jwks), 1, NULL);
  if (is(r, "GET", API "/health"))
    return sim_send_json(s, r, 200, json_pack("{s:s, s:i}", "status", "ok", "catalog_version", (int)s->cat.version),
                         0);
  if (is(r, "GET", API "/pki/card-ca")) return pki(s, r, s->card_ca_pem, "application/pem-certificate-chain");
  if (is(r, "GET", API "/pki/crl")) return pki(s, r, s->card_crl_pem, "application/x-pem-file");
  if (is(r, "POST", API "/auth/challenge")) return sim_h_challenge(s, r);
  if (is(r, "POST", API "/auth/card")) return sim_h_card(s, r);
  if (is(r, "POST", API "/auth/otp")) return sim_h_otp_request(s, r);
  if (is(r, "POST", API "/auth/otp/verify")) return sim_h_otp_verify(s, r);
  if (is(r, "POST", API "/auth/logout")) return sim_h_logout(s, r);
  if (is(r, "POST", API "/requests")) return sim_h_submit(s, r);
  if (is(r, "GET", API "/requests")) return sim_h_lookup(s, r);
  if (is(r, "POST", API "/requests/sealed")) return sim_h_sealed(s, r);
  if (!strcmp(r->method, "GET") && !strncmp(u, API "/requests/", 17) && u[17]) return sim_h_status(s, r, u + 17);
  if (is(r, "GET", API "/inbox")) return sim_h_inbox(s, r);
  if (is(r, "POST", API "/auth/level1")) return sim_h_level1(s, r);
  if (is(r, "GET", API "/persons/me/entities")) return sim_h_entities(s, r);
  if (is(r, "GET", API "/persons/me/profile")) return sim_h_profile(s, r);
  if (is(r, "GET", API "/clerk/me")) return sim_h_clerk_me(s, r);
  if (is(r, "POST", API "/invoices")) return sim_h_invoice_create(s, r);
  if (!strncmp(u, API "/invoices/", 17) && u[17]) return invoice(s, r, u + 17);
  if (is(r, "POST", API "/inquiries")) return sim_h_inquiry(s, r);
  if (s->opts.test_endpoints) {
    if (is(r, "GET", API "/test/otp")) return sim_h_test_otp(s, r);
    if (is(r, "POST", API "/test/phone-pay")) return sim_h_test_phone_pay(s, r);
    if (!strcmp(u, API "/admin/faults")) return faults(s, r);
    if (is(r, "POST", API "/admin/provider")) return sim_h_provider(s, r);
    if (is(r, "GET", API "/admin/requests")) return sim_send_json(s, r, 200, sim_requests_json(s), 0);
    if (is(r, "GET", API "/admin/stats"))
      return sim_send_json(s, r, 200, json_pack("{s:I}", "requests", (json_int_t)pk_window_sim_request_count(s)), 0);
  }
  return sim_problem(s, r, 404, "not_found", "نشانی درخواست‌شده وجود ندارد.", "No such endpoint.", NULL);
}
