/* The receipt claims: short names so that a signed receipt fits QR version 15-M (17 at most).
 * There is no version claim: it would cost 9 QR bytes on every receipt; a later format
 * gets a new protected header "typ" instead, and this one is recognised by its claims.
 *   tc  tracking code        sv  service id
 *   ti  service title (UTF-8)       ag  agency               of  office (optional)
 *   iat issued at, unix seconds     kd  kiosk id             st  "s" submitted | "q" queued
 *   am  amount in rials (optional)  nc  last 4 digits of the national code   sg "w" window | "d" device
 *   obo legal ID acted for, ast assisting clerk's id, inv invoice id (each optional: counter, fees)
 *   pr  the payment's bank reference (RRN), only beside am: the window vouches that am was paid */
#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "pishkhan/i18n.h"

#define SIG_B64 86 /* 64-byte r||s in base64url */

static void put_str(json_t *o, const char *k, const char *v) {
  if (v && *v) json_object_set_new(o, k, json_string(v));
}

static json_t *claims_obj(const pk_receipt *r, const char *title, const char *agency, const char *office,
                          const char *invoice) {
  json_t *o = json_object();
  put_str(o, "tc", r->tracking_code);
  put_str(o, "sv", r->service_id);
  put_str(o, "ti", title);
  put_str(o, "ag", agency);
  put_str(o, "of", office);
  json_object_set_new(o, "iat", json_integer(r->issued_at));
  put_str(o, "kd", r->kiosk_id);
  json_object_set_new(o, "st", json_string(r->status == PK_RECEIPT_QUEUED ? "q" : "s"));
  if (r->amount_rials > 0) json_object_set_new(o, "am", json_integer(r->amount_rials));
  put_str(o, "nc", r->national_code_last4);
  json_object_set_new(o, "sg", json_string(r->signer == PK_SIGNER_DEVICE ? "d" : "w"));
  put_str(o, "obo", r->on_behalf_of);
  put_str(o, "ast", r->assisted_by);
  put_str(o, "inv", invoice);
  put_str(o, "pr", r->payment_ref);
  return o;
}

static char *dump(json_t *o) {
  char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
  json_decref(o);
  return s;
}

char *rc_claims_json(const pk_receipt *r) {
  return dump(claims_obj(r, r->service_title, r->agency, r->office, r->invoice_id));
}

/* Cuts s to at most n code points, adding "…" when it cut. */
static void cut_utf8(const char *s, size_t n, char *out, size_t outsz) {
  size_t i = 0, cps = 0;
  while (s[i] && cps < n) {
    size_t j = i + 1;
    while (((unsigned char)s[j] & 0xC0) == 0x80) j++;
    if (j + 4 >= outsz) break;
    i = j, cps++;
  }
  memcpy(out, s, i);
  strcpy(out + i, s[i] ? "…" : "");
}

static size_t token_len(const char *json, size_t header_b64_len) {
  return header_b64_len + 1 + pk_b64url_encoded_len(strlen(json)) + 1 + SIG_B64;
}

char *rc_claims_json_fit(const pk_receipt *r, size_t hlen) {
  char title[PK_RECEIPT_TEXT], agency[PK_RECEIPT_TEXT];
  char *s = rc_claims_json(r);
  if (!s || token_len(s, hlen) <= PK_RECEIPT_QR_TYPICAL_BYTES) return s;
  free(s);
  /* The office is on the paper and follows from the kiosk id: it goes first, before the QR
   * grows past a typical receipt's; the names are kept whole up to the largest QR. */
  s = dump(claims_obj(r, r->service_title, r->agency, NULL, r->invoice_id));
  if (!s || token_len(s, hlen) <= PK_RECEIPT_QR_MAX_BYTES) return s;
  cut_utf8(r->agency, 24, agency, sizeof agency);
  snprintf(title, sizeof title, "%s", r->service_title); /* a title shorter than 8 is never cut */
  for (size_t n = pk_utf8_count(r->service_title); n >= 8; n--) {
    free(s);
    cut_utf8(r->service_title, n, title, sizeof title);
    s = dump(claims_obj(r, title, agency, NULL, r->invoice_id));
    if (!s || token_len(s, hlen) <= PK_RECEIPT_QR_MAX_BYTES) return s;
  }
  free(s);
  /* Last, the agency: it follows from the service id, while the counter's claims (obo, ast,
   * inv) follow from nothing else on the receipt. */
  s = dump(claims_obj(r, title, NULL, NULL, r->invoice_id));
  if (!s || token_len(s, hlen) <= PK_RECEIPT_QR_MAX_BYTES) return s;
  free(s);
  if (!r->payment_ref[0]) return NULL;
  /* A counter's receipt for a company, with a clerk, paying a fee: the invoice goes, since the
   * bank reference (what the citizen's statement shows) and the tracking code both lead to it
   * at the window, and the amount and the reference stay. */
  s = dump(claims_obj(r, title, NULL, NULL, NULL));
  if (!s || token_len(s, hlen) <= PK_RECEIPT_QR_MAX_BYTES) return s;
  free(s);
  return NULL;
}

/* ---- parsing (untrusted) ---- */

static int ascii_ok(const char *s, const char *extra) {
  for (; *s; s++)
    if (!isalnum((unsigned char)*s) && !strchr(extra, *s)) return 0;
  return 1;
}

static int get_str(json_t *o, const char *k, char *dst, size_t dstsz, int required, const char *ascii) {
  json_t *v = json_object_get(o, k);
  if (!v) return required ? -1 : 0;
  if (!json_is_string(v)) return -1;
  size_t n = json_string_length(v);
  const char *s = json_string_value(v);
  if (n == 0 || n >= dstsz || strlen(s) != n) return -1; /* no embedded NUL */
  if (ascii && !ascii_ok(s, ascii)) return -1;
  memcpy(dst, s, n + 1);
  return 0;
}

static int get_int(json_t *o, const char *k, int64_t *dst, int64_t lo, int64_t hi, int required) {
  json_t *v = json_object_get(o, k);
  if (!v) return required ? -1 : 0;
  if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) return -1;
  *dst = json_integer_value(v);
  return 0;
}

static int get_flag(json_t *o, const char *k, char a, char b, int *isb) {
  const char *s = json_string_value(json_object_get(o, k));
  if (!s || strlen(s) != 1 || (s[0] != a && s[0] != b)) return -1;
  *isb = s[0] == b;
  return 0;
}

int rc_claims_parse(const unsigned char *json, size_t len, pk_receipt *out) {
  json_error_t e;
  json_t *o = json_loadb((const char *)json, len, JSON_REJECT_DUPLICATES, &e);
  int queued = 0, device = 0, rc = -1;
  if (!json_is_object(o)) goto done;
  if (get_str(o, "tc", out->tracking_code, sizeof out->tracking_code, 1, "-_") ||
      get_str(o, "sv", out->service_id, sizeof out->service_id, 1, "-_.") ||
      get_str(o, "ti", out->service_title, sizeof out->service_title, 1, NULL) ||
      get_str(o, "ag", out->agency, sizeof out->agency, 0, NULL) ||
      get_str(o, "of", out->office, sizeof out->office, 0, NULL) ||
      get_str(o, "kd", out->kiosk_id, sizeof out->kiosk_id, 1, "-_.") ||
      get_str(o, "nc", out->national_code_last4, sizeof out->national_code_last4, 0, NULL) ||
      get_str(o, "obo", out->on_behalf_of, sizeof out->on_behalf_of, 0, "") ||
      get_str(o, "ast", out->assisted_by, sizeof out->assisted_by, 0, "-_.") ||
      get_str(o, "inv", out->invoice_id, sizeof out->invoice_id, 0, "-_") ||
      get_str(o, "pr", out->payment_ref, sizeof out->payment_ref, 0, ""))
    goto done;
  if (out->national_code_last4[0] &&
      (strlen(out->national_code_last4) != 4 || !ascii_ok(out->national_code_last4, "") ||
       strspn(out->national_code_last4, "0123456789") != 4))
    goto done;
  if (get_int(o, "iat", &out->issued_at, 1, (int64_t)1 << 40, 1) ||
      get_int(o, "am", &out->amount_rials, 0, 1000000000000000LL, 0))
    goto done;
  if (out->payment_ref[0] && out->amount_rials <= 0) goto done; /* a reference for no amount paid */
  if (get_flag(o, "st", 's', 'q', &queued) || get_flag(o, "sg", 'w', 'd', &device)) goto done;
  out->status = queued ? PK_RECEIPT_QUEUED : PK_RECEIPT_SUBMITTED;
  out->signer = device ? PK_SIGNER_DEVICE : PK_SIGNER_WINDOW;
  rc = 0;
done:
  json_decref(o);
  return rc;
}
