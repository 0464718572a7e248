/* Sealed (queued) requests: a JWE compact (ECDH-ES+A256KW, A256GCM) to the window's
 * encryption key, opened with libjose, holding the request, the card's certificate and the
 * citizen's consent -- the card's signature over SHA-256 of the request's RFC 8785 form.
 * Verified as of the moment the citizen signed it, then stored like any request. */
#include <jose/jose.h>
#include <jose/openssl.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pishkhan/b64url.h"
#include "sim_internal.h"

#define SKEW_S 600 /* the kiosk's clock may be this far ahead, or behind beyond the age limit */
#define B64URL "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

int sim_seal_init(pk_window_sim *s) {
  s->enc_jwk = jose_openssl_jwk_from_EVP_PKEY(NULL, s->enc_key);
  return s->enc_jwk ? 0 : -1;
}

void sim_seal_free(pk_window_sim *s) {
  json_decref(s->enc_jwk);
  s->enc_jwk = NULL;
}

/* ---- RFC 8785 ---- */

/* Whether jansson's sorted compact output of v is its RFC 8785 form. It is for what requests
 * hold -- ASCII keys, strings without control characters other than \b \f \n \r \t (escaped
 * alike), integers within +-(2^53-1) -- and differs outside: jansson writes other controls
 * as \u001F where RFC 8785 wants \u001f, and sorts keys by UTF-8 bytes, not UTF-16 units. */
static int jcs_subset(json_t *v) {
  const char *k;
  json_t *x;
  size_t i;
  switch (json_typeof(v)) {
  case JSON_OBJECT:
    json_object_foreach(v, k, x) {
      for (const unsigned char *p = (const unsigned char *)k; *p; p++)
        if (*p < 0x20 || *p > 0x7e) return 0;
      if (!jcs_subset(x)) return 0;
    }
    return 1;
  case JSON_ARRAY:
    json_array_foreach(v, i, x) if (!jcs_subset(x)) return 0;
    return 1;
  case JSON_STRING:
    for (const unsigned char *p = (const unsigned char *)json_string_value(v); *p; p++)
      if (*p < 0x20 && !strchr("\b\f\n\r\t", *p)) return 0;
    return 1;
  case JSON_INTEGER: {
    json_int_t n = json_integer_value(v);
    return n <= 9007199254740991LL && n >= -9007199254740991LL;
  }
  case JSON_REAL: return 0;
  default: return 1;
  }
}

/* malloc'd canonical text, or NULL outside the subset. */
static char *jcs(json_t *v) { return jcs_subset(v) ? json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS) : NULL; }

/* ---- opening the seal ---- */

/* The protected header of a compact JWE, checked before any key is used: only our
 * algorithms and our key, so that no other algorithm libjose knows is ever tried. */
static int header_ok(pk_window_sim *s, const char *b64, size_t len) {
  unsigned char *raw = NULL;
  size_t n = 0;
  if (pk_b64url_decode(b64, len, &raw, &n) != 0) return 0;
  json_t *h = json_loadb((const char *)raw, n, JSON_REJECT_DUPLICATES, NULL);
  free(raw);
  const char *alg = json_string_value(json_object_get(h, "alg")), *enc = json_string_value(json_object_get(h, "enc"));
  const char *kid = json_string_value(json_object_get(h, "kid"));
  int ok = alg && enc && kid && !strcmp(alg, "ECDH-ES+A256KW") && !strcmp(enc, "A256GCM") && !strcmp(kid, s->enc_kid) &&
           json_is_object(json_object_get(h, "epk")) && !json_object_get(h, "zip") && !json_object_get(h, "crit");
  json_decref(h);
  return ok;
}

/* The plaintext of a compact JWE as a JSON object, or NULL. */
static json_t *open_seal(pk_window_sim *s, const char *jwe) {
  const char *part[5];
  size_t plen[5], n = 0;
  for (const char *p = jwe;; n++) {
    if (n == 5) return NULL;
    part[n] = p;
    plen[n] = strspn(p, B64URL);
    p += plen[n];
    if (!*p) break;
    if (*p != '.') return NULL;
    p++;
  }
  if (n != 4 || !plen[0] || !plen[1] || !plen[2] || !plen[3] || !plen[4] || !header_ok(s, part[0], plen[0]))
    return NULL;
  json_t *flat = json_pack("{s:s%, s:s%, s:s%, s:s%, s:s%}", "protected", part[0], plen[0], "encrypted_key", part[1],
                           plen[1], "iv", part[2], plen[2], "ciphertext", part[3], plen[3], "tag", part[4], plen[4]);
  size_t ptl = 0;
  char *pt = flat ? jose_jwe_dec(NULL, flat, NULL, s->enc_jwk, &ptl) : NULL;
  json_decref(flat);
  if (!pt) return NULL;
  json_t *j = json_loadb(pt, ptl, JSON_REJECT_DUPLICATES, NULL);
  OPENSSL_cleanse(pt, ptl); /* the citizen's request in clear */
  free(pt);
  if (j && !json_is_object(j)) json_decref(j), j = NULL;
  return j;
}

/* ---- the checks ---- */
typedef struct {
  json_t *req, *fields;
  const char *sid, *kiosk, *key, *nc, *cert, *consent;
  const char *obo, *ast; /* a counter's request: the company, the clerk (NULL: none) */
  json_int_t created_at, level;
} sealed;

static int unpack(json_t *pt, sealed *q) {
  memset(q, 0, sizeof *q);
  if (json_integer_value(json_object_get(pt, "v")) != 1) return -1;
  q->req = json_object_get(pt, "request");
  q->cert = json_string_value(json_object_get(pt, "certificate"));
  q->consent = json_string_value(json_object_get(pt, "consent"));
  return json_unpack(q->req, "{s:s, s:o, s:s, s:s, s:I, s:s, s:I, s?:s, s?:s}", "service_id", &q->sid, "fields",
                     &q->fields, "kiosk_id", &q->kiosk, "idempotency_key", &q->key, "created_at", &q->created_at,
                     "national_code", &q->nc, "level", &q->level, "on_behalf_of", &q->obo, "assisted_by",
                     &q->ast) == 0 && q->cert && q->consent ? 0 : -1;
}

typedef struct {
  unsigned status;
  const char *code, *fa, *en;
} refusal;

static const refusal R_SEAL = {400, "seal_invalid", "بسته رمزشده درخواست قابل گشودن نیست.",
                               "The sealed request cannot be opened with the window's key."};
static const refusal R_CONSENT = {422, "consent_invalid", "امضای رضایت شهروند معتبر نیست.",
                                  "The citizen's consent signature does not verify."};
static const refusal R_REVOKED = {422, "card_revoked", "کارت شهروند پیش از امضای درخواست باطل شده بود.",
                                  "The card was revoked before the request was signed."};
static const refusal R_UNTRUSTED = {422, "card_untrusted", "گواهی کارت شهروند معتبر نیست.",
                                    "The card certificate does not chain to a trusted issuer."};
static const refusal R_SKEW = {422, "clock_skew", "زمان درخواست در آینده است؛ ساعت کیوسک را بررسی کنید.",
                               "created_at is in the future beyond the allowed clock skew."};
static const refusal R_FIELDS = {422, "validation_failed", "محتوای درخواست رمزشده ناقص است.",
                                 "The sealed request lacks a field or has one of the wrong type."};

/* Verifies the consent as of created_at; NULL when it stands. */
static const refusal *consent_refusal(pk_window_sim *s, const sealed *q) {
  char *canon = jcs(q->req);
  size_t dl = 0, sl = 0;
  unsigned char *der = sim_b64_decode(q->cert, &dl), *sig = sim_b64_decode(q->consent, &sl);
  char nc[16] = "", fa[128], en[128];
  const char *why = "card_signature_invalid";
  int bad = !canon || !der || !sig ||
            sim_card_verify_at(s, der, dl, sig, sl, (const unsigned char *)canon, strlen(canon),
                               (time_t)q->created_at, nc, fa, en, &why) != 0;
  if (canon) OPENSSL_cleanse(canon, strlen(canon));
  free(canon);
  free(der);
  free(sig);
  if (!bad && strcmp(nc, q->nc)) return &R_CONSENT; /* signed by another citizen's card */
  if (!bad) return NULL;
  return !strcmp(why, "card_revoked") ? &R_REVOKED : !strcmp(why, "card_signature_invalid") ? &R_CONSENT
                                                                                             : &R_UNTRUSTED;
}

static enum MHD_Result refuse(pk_window_sim *s, sim_req *r, const refusal *f, const char *field) {
  return sim_problem(s, r, f->status, f->code, f->fa, f->en, field);
}

static int kiosk_id_ok(const char *k) {
  size_t n = strlen(k);
  return n && n < 64 && strspn(k, B64URL ".") == n;
}

static enum MHD_Result verified(pk_window_sim *s, sim_req *r, const char *key, const sealed *q) {
  if (strcmp(q->key, key)) return refuse(s, r, &R_FIELDS, "idempotency_key");
  if (!kiosk_id_ok(q->kiosk)) return refuse(s, r, &R_FIELDS, "kiosk_id");
  if (s->mtls && strcmp(q->kiosk, r->kiosk_id))
    return sim_problem(s, r, 403, "kiosk_mismatch", "شناسه کیوسک با گواهی آن همخوانی ندارد.",
                       "kiosk_id does not match the client certificate.", "kiosk_id");
  long long now = sim_now(s);
  if (q->created_at > now + SKEW_S) return refuse(s, r, &R_SKEW, "created_at");
  const refusal *f = consent_refusal(s, q);
  if (f) return refuse(s, r, f, NULL);
  json_t *svc;
  enum MHD_Result ret = sim_check_service(s, r, q->sid, q->fields, 3, &svc);
  if (!svc) return ret;
  bool ok;
  ret = sim_check_counter(s, r, q->nc, q->obo, q->ast, &ok);
  if (!ok) return ret;
  long long max_age = (long long)s->opts.max_queue_age_days * 86400 + SKEW_S;
  /* The card's signature is the citizen's presence: the request is as strong as a live one. */
  sim_new_request n = {.key = key, .nc = q->nc, .sid = q->sid, .kiosk_id = q->kiosk, .channel = "offline",
                       .svc = svc, .fields = q->fields, .level = 3, .created_at = q->created_at,
                       .stale = q->created_at < now - max_age, .on_behalf_of = q->obo, .assisted_by = q->ast};
  return sim_store_and_answer(s, r, &n);
}

enum MHD_Result sim_h_sealed(pk_window_sim *s, sim_req *r) {
  const char *key = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Idempotency-Key");
  const char *ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Type");
  if (!sim_idem_key_valid(key))
    return sim_problem(s, r, 400, "idempotency_key_required", "شناسه یکتای درخواست ارسال نشده است.",
                       "An Idempotency-Key header (8-64 characters [A-Za-z0-9_-]) is required.", NULL);
  if (!ct || strncmp(ct, "application/jose", 16) || (ct[16] && ct[16] != ';'))
    return sim_problem(s, r, 415, "unsupported_media_type", "قالب درخواست پشتیبانی نمی‌شود.",
                       "A sealed request is sent as application/jose.", NULL);
  if (!s->card_store)
    return sim_problem(s, r, 503, "card_auth_unavailable", "بررسی کارت در دسترس نیست.",
                       "Card verification is not configured.", NULL);
  json_t *pt = r->body && r->body_len == strlen(r->body) ? open_seal(s, r->body) : NULL;
  if (!pt) return refuse(s, r, &R_SEAL, NULL);
  sealed q;
  enum MHD_Result ret = unpack(pt, &q) ? refuse(s, r, &R_FIELDS, NULL) : verified(s, r, key, &q);
  json_decref(pt);
  return ret;
}
